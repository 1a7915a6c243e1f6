package push

import (
	"sync"
	"time"
)

// watchdog keeps the guards of the handlers running on a Server and
// answers for those whose deadline passes. Every deadline is the start of
// a run plus the same handler timeout, so the guards are queued in the
// order they started, which is the order of their deadlines, and one timer
// set for the earliest is enough. It is armed when the first guard comes
// and, when it fires, re-armed for the then earliest one; a guard leaving
// the queue does not touch it. A push then costs a lock and a link, not a
// timer of its own to set and stop.
type watchdog struct {
	mu sync.Mutex
	// timer calls fire; made by the first add, so that it belongs to the
	// goroutines (and the synctest bubble) that use the server.
	timer *time.Timer
	// armed says the timer is set, for a time no later than the deadline
	// of every queued guard.
	armed bool
	// head and tail are the queue of running guards, earliest deadline
	// first, linked through guard.prev and guard.next.
	head, tail *guard
}

// add queues g, whose deadline is given, at the tail.
func (d *watchdog) add(g *guard, deadline time.Time) {
	d.mu.Lock()
	g.deadline, g.prev, g.next, g.queued = deadline, d.tail, nil, true
	if d.tail != nil {
		d.tail.next = g
	} else {
		d.head = g
	}
	d.tail = g
	if !d.armed {
		d.armed = true
		if d.timer == nil {
			d.timer = time.AfterFunc(time.Until(deadline), d.fire)
		} else {
			d.timer.Reset(time.Until(deadline))
		}
	}
	d.mu.Unlock()
}

// remove takes g out of the queue if it is still there. Once it returns,
// the watchdog no longer refers to g.
func (d *watchdog) remove(g *guard) {
	d.mu.Lock()
	if g.queued {
		d.unlink(g)
	}
	d.mu.Unlock()
}

func (d *watchdog) unlink(g *guard) {
	if g.prev != nil {
		g.prev.next = g.next
	} else {
		d.head = g.next
	}
	if g.next != nil {
		g.next.prev = g.prev
	} else {
		d.tail = g.prev
	}
	g.prev, g.next, g.queued = nil, nil, false
}

// fire is the timer's callback: each guard whose deadline has come leaves
// the queue, and those whose handler is still running are answered, each
// on a goroutine of its own (answering writes to a client, which may be
// slow). The timer is then set for the earliest deadline left.
func (d *watchdog) fire() {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for g := d.head; g != nil && !g.deadline.After(now); g = d.head {
		d.unlink(g)
		if g.state.CompareAndSwap(guardRunning, guardFired) {
			go g.answer()
		}
	}
	if d.head == nil {
		d.armed = false
		return
	}
	d.timer.Reset(d.head.deadline.Sub(now))
}
