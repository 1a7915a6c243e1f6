package push

import (
	"context"
	"sync"
	"time"

	"github.com/wxmp/wxmp/message"
)

// call is one run of the handler for one push. It is the context the
// handler gets, and the hand-over of the handler's result between the
// goroutine that runs the handler and the delivery that waits for it.
//
// As a context it holds the request context's values (through parent,
// which is context.WithoutCancel of it) but not its cancellation, which
// comes when the response is written: the handler may outlive the response
// at the deadline, and its context must not end before the deadline. Done
// closes at the deadline (the delivery's guard cancels it) or when the
// handler returns, like a context.WithDeadline that the caller cancels
// with defer; Err then says which. A plain struct serves both purposes
// with one allocation where context.WithDeadline would take four.
type call struct {
	parent   context.Context
	deadline time.Time
	// late is when the handler's reply stops being sent late: the
	// deadline plus the late timeout.
	late time.Time
	msg  message.Message

	mu    sync.Mutex
	done  chan struct{} // made by the first Done
	err   error
	state callState
	// w is the waiter the delivery blocks on, while the state is
	// running.
	w *waiter
	// out and fault are the handler's result, set with stateAnswered.
	out   []byte
	fault error
}

type callState uint8

const (
	// stateRunning: the handler has not returned and the delivery waits.
	stateRunning callState = iota
	// stateAnswered: the handler returned in time; out and fault hold its
	// result.
	stateAnswered
	// stateLate: the deadline passed first; the delivery answered
	// "success" and the handler's result goes to the late path.
	stateLate
)

// callKey is the context key under which a call finds itself, for
// LateContext.
type callKey struct{}

func (c *call) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *call) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *call) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *call) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	return c.parent.Value(key)
}

func (c *call) String() string { return "push.handlerContext" }

// cancelLocked ends the context with err unless it has ended; c.mu is held.
func (c *call) cancelLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

// waiter is what a delivery blocks on while the handler runs: a signal
// from the handler's goroutine and the deadline's timer. Waiters are
// pooled: the signal is sent at most once per use and always received, and
// the timer is stopped, before a waiter goes back to the pool.
type waiter struct {
	ready chan struct{}
	timer *time.Timer
}

func newWaiter() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &waiter{ready: make(chan struct{}, 1), timer: t}
}

// LateContext returns a context for work in a handler that should go on
// after the handler deadline, whose reply the server then hands to the
// [LateReplySender] (a call to a slow service, say). It keeps ctx's values
// and ends at the late timeout ([WithLateTimeout]) after the deadline of
// ctx, instead of at that deadline. Cancel it when the work is done.
//
//	func(ctx context.Context, m *message.Text) (reply.Reply, error) {
//		lctx, cancel := push.LateContext(ctx)
//		defer cancel()
//		answer, err := slowService(lctx, m.Content) // may take 10 s
//		if err != nil {
//			return nil, err
//		}
//		return reply.NewText(m, answer), nil // after 4 s: a customer-service message
//	}
//
// For a ctx that is not, or does not derive from, the context of a
// [Server]'s handler, it returns context.WithCancel(ctx).
func LateContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), c.late)
	}
	return context.WithCancel(ctx)
}
