// Package tokencache is the one cache behind accesstoken.Source and
// jssdk.Source: a credential string with an expiry (an access_token, a jsapi
// ticket), fetched on demand, refreshed ahead of its expiry, shared by
// concurrent callers and, through a Store, by several processes.
//
// What it promises:
//
//   - Warm path: Get reads one atomic pointer and the clock; no lock, no
//     allocation.
//   - One fetch at a time: callers that find no fresh value while a fetch
//     is running wait for that fetch instead of starting their own (per
//     kind: a forced refresh and a normal fetch are separate flights). The
//     fetch runs on its own goroutine with a context that keeps the first
//     caller's values but not its cancellation; it is cancelled only when
//     every caller waiting for it has given up, so one impatient caller does
//     not fail the others.
//   - Refresh ahead: a value is used until Delta before its expiry, then the
//     next Get fetches a new one. If that refresh fails while the old value
//     has not expired, the old value is returned (no error) and the refresh
//     is tried again RetryInterval later at the earliest: WeChat being busy
//     for a moment costs nothing while the old token lasts.
//   - No loops: a fetch is one call of Fetch. A fetched value whose expiry is
//     within Delta (a short-lived token from a stand-in) is used until half
//     its remaining life has passed, and a fetch that returns the value
//     already cached (the remote does not renew it early: stable_token more
//     than 5 minutes before expiry, getticket on some servers) makes the
//     cache use it until it expires, so neither can make every Get fetch.
//   - Compare-and-swap everywhere: Invalidate forgets a value only if it is
//     still the one that failed, in memory and in the Store; a fetched value
//     is saved only over the value that was there when the fetch began, and
//     when another process saved first, its value is used so that all
//     processes converge on one.
//   - One fetch for all processes, if the Store is also a Locker: a
//     process about to fetch takes the Store's lock, Loads again and
//     fetches only if no other process saved a fresh value meanwhile.
//   - A Store that fails to load (or to lock) is bypassed: the process fetches on its own
//     and keeps the value in memory, so an outage of the Store does not stop
//     the API calls. Only Invalidate returns the Store's error.
package tokencache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Store is the shared state of several processes; see accesstoken.Store
// for the contract its implementations keep. An empty value means nothing
// is saved.
type Store interface {
	Load(ctx context.Context, key string) (value string, expiry time.Time, err error)
	CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (swapped bool, err error)
}

// Locker is what a Store may also implement so that the processes sharing
// it fetch one at a time; see accesstoken.Locker for the contract. Lock
// blocks until the caller holds the lock named after key (for at most ttl)
// or ctx ends, and returns the func that releases it.
type Locker interface {
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
}

// LockTTL is the ttl a Cache asks a Locker for: longer than a fetch takes
// (the Sources' default HTTP timeout is 10 s), short enough that a holder
// that died delays the others by no more than that.
const LockTTL = 15 * time.Second

// Fetch gets a new value from the remote. force asks the remote to issue a
// new value even if the current one is still valid (stable_token's
// force_refresh). The expiry is absolute, by the cache's clock.
type Fetch func(ctx context.Context, force bool) (value string, expiry time.Time, err error)

// Entry is a value and the moment it stops being valid.
type Entry struct {
	Value  string
	Expiry time.Time
}

// RetryInterval is how long a cache waits after a failed refresh-ahead
// before it tries again, while it keeps handing out the old, unexpired
// value.
const RetryInterval = 15 * time.Second

// forceAttempts bounds the compare-and-swap rounds that put a forced value
// into the Store over whatever other processes keep saving.
const forceAttempts = 3

// Config is what New needs. Key, Fetch, Now and Delta are required; Store
// may be nil (memory only).
type Config struct {
	Key   string // the Store key
	Store Store
	Fetch Fetch
	Now   func() time.Time
	Delta time.Duration // refresh this long before expiry
}

// Cache holds one value. Its methods are safe for concurrent use.
type Cache struct {
	cfg Config

	cur atomic.Pointer[entry] // nil: nothing cached

	mu      sync.Mutex
	flights [2]*flight // [0] normal, [1] forced; guarded by mu
	dead    string     // the value last invalidated; guarded by mu
}

// entry is a cached value with the moment after which Get refreshes it.
// refreshAt is never after Expiry.
type entry struct {
	Entry
	refreshAt time.Time
}

// flight is one running fetch and the callers waiting for it.
type flight struct {
	done    chan struct{} // closed when e and err are set
	e       Entry
	err     error
	ctx     context.Context
	cancel  context.CancelFunc
	waiters int // guarded by Cache.mu
}

// New returns an empty cache.
func New(cfg Config) *Cache {
	if cfg.Fetch == nil || cfg.Now == nil || cfg.Delta <= 0 {
		panic("tokencache: incomplete Config")
	}
	return &Cache{cfg: cfg}
}

// Get returns a value that is fresh by the cache's clock: from memory, from
// the Store, or fetched. Concurrent callers share one fetch. ctx bounds the
// wait, not the fetch (see the package doc).
func (c *Cache) Get(ctx context.Context) (Entry, error) {
	if e := c.cur.Load(); e != nil && c.cfg.Now().Before(e.refreshAt) {
		return e.Entry, nil
	}
	return c.wait(ctx, false)
}

// Refresh fetches a new value with force set, whatever is cached, saves it
// and returns it. Concurrent calls share one fetch. It does not fall back
// to the old value when the fetch fails.
func (c *Cache) Refresh(ctx context.Context) (Entry, error) {
	return c.wait(ctx, true)
}

// Peek returns the value in memory, if any, without any I/O; ok is false
// when nothing is cached. The value may be expired.
func (c *Cache) Peek() (e Entry, ok bool) {
	if p := c.cur.Load(); p != nil {
		return p.Entry, true
	}
	return Entry{}, false
}

// Invalidate forgets failed, if it is still the value cached in memory and
// in the Store (compare-and-swap in both), so that the next Get fetches or
// loads another. A value that has already been replaced is left alone. An
// empty failed does nothing. The error is the Store's.
func (c *Cache) Invalidate(ctx context.Context, failed string) error {
	if failed == "" {
		return nil
	}
	c.mu.Lock()
	c.dead = failed
	c.mu.Unlock()
	for {
		e := c.cur.Load()
		if e == nil || e.Value != failed || c.cur.CompareAndSwap(e, nil) {
			break
		}
	}
	if c.cfg.Store == nil {
		return nil
	}
	_, err := c.cfg.Store.CompareAndSwap(ctx, c.cfg.Key, failed, "", time.Time{})
	return err
}

// wait joins the running flight of the kind asked for, or starts one, and
// waits for its result or for ctx.
func (c *Cache) wait(ctx context.Context, force bool) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	k := 0
	if force {
		k = 1
	}
	c.mu.Lock()
	if !force {
		// A flight may have finished between the caller's look and the lock.
		if e := c.cur.Load(); e != nil && c.cfg.Now().Before(e.refreshAt) {
			c.mu.Unlock()
			return e.Entry, nil
		}
	}
	f := c.flights[k]
	if f == nil || f.ctx.Err() != nil {
		// None running, or one whose callers all left: it may still finish
		// and fill the cache, but its result is not waited for.
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), ctx: fctx, cancel: cancel}
		c.flights[k] = f
		go c.fly(f, k)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.e, f.err
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			f.cancel()
		}
		c.mu.Unlock()
		return Entry{}, ctx.Err()
	}
}

// fly runs flight f of kind k and publishes its result.
func (c *Cache) fly(f *flight, k int) {
	var e Entry
	var err error
	if k == 1 {
		e, err = c.refresh(f.ctx)
	} else {
		e, err = c.get(f.ctx)
	}
	c.mu.Lock()
	if c.flights[k] == f {
		c.flights[k] = nil
	}
	c.mu.Unlock()
	f.e, f.err = e, err
	close(f.done)
	f.cancel()
}

// get is the body of a normal flight: the Store's value if it is fresh,
// else a fetch, saved by compare-and-swap.
func (c *Cache) get(ctx context.Context) (Entry, error) {
	old := c.cur.Load()
	s := c.cfg.Store
	var stored string
	if s != nil {
		v, exp, err := s.Load(ctx, c.cfg.Key)
		if err != nil {
			// A Store that fails is bypassed: this process fetches on its
			// own and keeps the value in memory only.
			s = nil
		} else if e, ok := c.adopt(v, exp); ok {
			return e, nil
		}
		stored = v
	}
	if l, ok := s.(Locker); ok {
		// One process fetches; the others wait for its lock, then find
		// its value in the Store.
		unlock, err := l.Lock(ctx, c.cfg.Key, LockTTL)
		switch {
		case err == nil:
			defer unlock()
			v, exp, err := s.Load(ctx, c.cfg.Key)
			if err != nil {
				s = nil
			} else if e, ok := c.adopt(v, exp); ok {
				return e, nil
			}
			stored = v
		case ctx.Err() != nil:
			// Every caller left while the flight waited.
			return Entry{}, err
		}
		// A Lock that fails is bypassed like a Load that fails.
	}
	v, exp, err := c.cfg.Fetch(ctx, false)
	if err != nil {
		return c.fallBack(ctx, old, err)
	}
	if s != nil {
		swapped, err := s.CompareAndSwap(ctx, c.cfg.Key, stored, v, exp)
		if err == nil && !swapped {
			// Another process saved first: use its value if it is fresh,
			// so that all processes hold the same one.
			if v2, exp2, err := s.Load(ctx, c.cfg.Key); err == nil {
				if e, ok := c.adopt(v2, exp2); ok {
					return e, nil
				}
			}
		}
		// A Store that fails to save costs other processes a fetch of
		// their own; this one has a good value and uses it.
	}
	return c.keep(old, v, exp), nil
}

// refresh is the body of a forced flight: fetch with force, then save over
// whatever the Store holds.
func (c *Cache) refresh(ctx context.Context) (Entry, error) {
	v, exp, err := c.cfg.Fetch(ctx, true)
	if err != nil {
		return Entry{}, err
	}
	if s := c.cfg.Store; s != nil {
		// The forced value is the newest; the remote may already reject
		// the older ones, so it replaces whatever is saved.
		for range forceAttempts {
			old, _, err := s.Load(ctx, c.cfg.Key)
			if err != nil {
				break
			}
			if swapped, err := s.CompareAndSwap(ctx, c.cfg.Key, old, v, exp); err != nil || swapped {
				break
			}
		}
	}
	return c.keep(nil, v, exp), nil
}

// adopt caches v from the Store if it is fresh and not the value last
// invalidated here, and reports whether it did.
func (c *Cache) adopt(v string, exp time.Time) (Entry, bool) {
	if v == "" || !c.cfg.Now().Before(exp.Add(-c.cfg.Delta)) {
		return Entry{}, false
	}
	c.mu.Lock()
	dead := c.dead == v
	c.mu.Unlock()
	if dead {
		return Entry{}, false
	}
	e := &entry{Entry: Entry{Value: v, Expiry: exp}, refreshAt: exp.Add(-c.cfg.Delta)}
	c.cur.Store(e)
	return e.Entry, true
}

// keep caches a value just fetched; prev is the value cached before the
// fetch, if any. Its refresh point is Delta before its expiry, but no
// earlier than half of its remaining life from now, so that a value fetched
// inside the margin is not fetched again at once. If the fetch returned
// prev again, the remote does not renew ahead of expiry (getticket does
// not; stable_token does not more than 5 minutes ahead), and asking again
// before the expiry would only return it again: it is used until then.
func (c *Cache) keep(prev *entry, v string, exp time.Time) Entry {
	now := c.cfg.Now()
	at := exp.Add(-c.cfg.Delta)
	if half := now.Add(exp.Sub(now) / 2); at.Before(half) {
		at = half
	}
	if prev != nil && prev.Value == v {
		at = exp
	}
	e := &entry{Entry: Entry{Value: v, Expiry: exp}, refreshAt: at}
	c.cur.Store(e)
	return e.Entry
}

// fallBack handles a failed refresh: when the old value is still valid it
// is returned, and the next attempt is put off by RetryInterval (never past
// its expiry); otherwise err is returned. A cancelled flight changes
// nothing.
func (c *Cache) fallBack(ctx context.Context, old *entry, err error) (Entry, error) {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return Entry{}, err
	}
	now := c.cfg.Now()
	if old == nil || !now.Before(old.Expiry) {
		return Entry{}, err
	}
	at := now.Add(RetryInterval)
	if old.Expiry.Before(at) {
		at = old.Expiry
	}
	e := &entry{Entry: old.Entry, refreshAt: at}
	// Only if nothing newer arrived meanwhile (an Invalidate, another
	// flight).
	if c.cur.CompareAndSwap(old, e) {
		return old.Entry, nil
	}
	return Entry{}, err
}
