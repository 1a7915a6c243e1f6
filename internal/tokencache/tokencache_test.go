package tokencache

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const delta = 3 * time.Minute

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// remote hands out "v1", "v2", … each valid for life from the clock's now,
// counting calls; err, when set, fails the next calls instead.
type remote struct {
	clock  *clock
	life   time.Duration
	calls  atomic.Int32
	forced atomic.Int32
	mu     sync.Mutex
	err    error
	gate   chan struct{} // when not nil, each fetch waits for it
}

func (r *remote) fetch(ctx context.Context, force bool) (string, time.Time, error) {
	n := r.calls.Add(1)
	if force {
		r.forced.Add(1)
	}
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
			return "", time.Time{}, ctx.Err()
		}
	}
	r.mu.Lock()
	err := r.err
	r.mu.Unlock()
	if err != nil {
		return "", time.Time{}, err
	}
	return fmt.Sprintf("v%d", n), r.clock.Now().Add(r.life), nil
}

func (r *remote) fail(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

// memStore is a Store in a map, with injectable failures.
type memStore struct {
	mu      sync.Mutex
	clock   *clock
	m       map[string]Entry
	loads   int
	cas     int
	loadErr error
	casErr  error
}

func newMemStore(c *clock) *memStore { return &memStore{clock: c, m: map[string]Entry{}} }

func (s *memStore) Load(_ context.Context, key string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	if s.loadErr != nil {
		return "", time.Time{}, s.loadErr
	}
	e := s.m[key]
	if e.Value != "" && !s.clock.Now().Before(e.Expiry) {
		delete(s.m, key)
		return "", time.Time{}, nil
	}
	return e.Value, e.Expiry, nil
}

func (s *memStore) CompareAndSwap(_ context.Context, key, old, value string, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cas++
	if s.casErr != nil {
		return false, s.casErr
	}
	cur := s.m[key]
	if cur.Value != "" && !s.clock.Now().Before(cur.Expiry) {
		cur = Entry{}
	}
	if cur.Value != old {
		return false, nil
	}
	if value == "" {
		delete(s.m, key)
	} else {
		s.m[key] = Entry{Value: value, Expiry: expiry}
	}
	return true, nil
}

func (s *memStore) get(key string) Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key]
}

func (s *memStore) put(key string, e Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = e
}

type fixture struct {
	clock  *clock
	remote *remote
	store  *memStore
	cache  *Cache
}

func newFixture(t *testing.T, withStore bool) *fixture {
	t.Helper()
	f := &fixture{clock: newClock()}
	f.remote = &remote{clock: f.clock, life: 2 * time.Hour}
	cfg := Config{Key: "k", Fetch: f.remote.fetch, Now: f.clock.Now, Delta: delta}
	if withStore {
		f.store = newMemStore(f.clock)
		cfg.Store = f.store
	}
	f.cache = New(cfg)
	return f
}

func (f *fixture) get(t *testing.T) Entry {
	t.Helper()
	e, err := f.cache.Get(context.Background())
	require.NoError(t, err)
	return e
}

func TestColdThenWarm(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	e := f.get(t)
	assert.Equal(t, Entry{Value: "v1", Expiry: t0.Add(2 * time.Hour)}, e)
	for range 10 {
		assert.Equal(t, "v1", f.get(t).Value)
	}
	assert.EqualValues(t, 1, f.remote.calls.Load())
}

// waitForWaiters blocks until n callers wait on the flight of kind k.
func waitForWaiters(c *Cache, k, n int) {
	for {
		c.mu.Lock()
		got := 0
		if f := c.flights[k]; f != nil {
			got = f.waiters
		}
		c.mu.Unlock()
		if got >= n {
			return
		}
		runtime.Gosched()
	}
}

func TestConcurrentCallersShareOneFetch(t *testing.T) {
	t.Parallel()
	for _, withStore := range []bool{false, true} {
		t.Run(fmt.Sprintf("store=%v", withStore), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, withStore)
			f.remote.gate = make(chan struct{})
			const n = 50
			var wg sync.WaitGroup
			got := make([]Entry, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { got[i], errs[i] = f.cache.Get(context.Background()) })
			}
			waitForWaiters(f.cache, 0, n)
			close(f.remote.gate)
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i])
				assert.Equal(t, "v1", got[i].Value)
			}
			assert.EqualValues(t, 1, f.remote.calls.Load())
			if withStore {
				assert.Equal(t, "v1", f.store.get("k").Value)
			}
		})
	}
}

func TestRefreshAhead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.get(t)
	f.clock.Add(2*time.Hour - delta - time.Second)
	assert.Equal(t, "v1", f.get(t).Value, "one second before the margin")
	f.clock.Add(time.Second)
	assert.Equal(t, "v2", f.get(t).Value, "at the margin")
	assert.EqualValues(t, 2, f.remote.calls.Load())
}

func TestFailedRefreshKeepsTheOldValueUntilItExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.get(t)
	busy := errors.New("system busy")
	f.remote.fail(busy)

	f.clock.Add(2*time.Hour - delta)
	assert.Equal(t, "v1", f.get(t).Value, "refresh failed: the old value")
	assert.EqualValues(t, 2, f.remote.calls.Load())

	f.clock.Add(RetryInterval - time.Second)
	assert.Equal(t, "v1", f.get(t).Value)
	assert.EqualValues(t, 2, f.remote.calls.Load(), "no new attempt within RetryInterval")

	f.clock.Add(time.Second)
	assert.Equal(t, "v1", f.get(t).Value)
	assert.EqualValues(t, 3, f.remote.calls.Load(), "a new attempt after RetryInterval")

	// Once the old value expires, the error comes through.
	f.clock.Add(delta)
	_, err := f.cache.Get(context.Background())
	require.ErrorIs(t, err, busy)

	// And the next success is used.
	f.remote.fail(nil)
	assert.Equal(t, "v5", f.get(t).Value)
}

func TestColdFailureIsReturned(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	busy := errors.New("system busy")
	f.remote.fail(busy)
	_, err := f.cache.Get(context.Background())
	require.ErrorIs(t, err, busy)
	_, err = f.cache.Get(context.Background())
	require.ErrorIs(t, err, busy)
	assert.EqualValues(t, 2, f.remote.calls.Load(), "no negative caching: each call tries")
}

func TestShortLivedValueIsNotFetchedOnEveryGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.remote.life = time.Minute // shorter than delta
	f.get(t)
	f.clock.Add(29 * time.Second)
	assert.Equal(t, "v1", f.get(t).Value)
	assert.EqualValues(t, 1, f.remote.calls.Load())
	f.clock.Add(time.Second)
	assert.Equal(t, "v2", f.get(t).Value, "half its life has passed")
}

func TestInvalidateIsCompareAndSwap(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	f.get(t)

	require.NoError(t, f.cache.Invalidate(ctx, "v0"), "a value already replaced")
	assert.Equal(t, "v1", f.get(t).Value)
	assert.Equal(t, "v1", f.store.get("k").Value)
	assert.EqualValues(t, 1, f.remote.calls.Load())

	require.NoError(t, f.cache.Invalidate(ctx, ""))
	assert.Equal(t, "v1", f.get(t).Value)

	require.NoError(t, f.cache.Invalidate(ctx, "v1"))
	assert.Empty(t, f.store.get("k").Value, "gone from the Store too")
	assert.Equal(t, "v2", f.get(t).Value)
	assert.Equal(t, "v2", f.store.get("k").Value)

	// A second report of the same failure (a call that was in flight with
	// v1) leaves v2 alone.
	require.NoError(t, f.cache.Invalidate(ctx, "v1"))
	assert.Equal(t, "v2", f.get(t).Value)
	assert.Equal(t, "v2", f.store.get("k").Value)
	assert.EqualValues(t, 2, f.remote.calls.Load())
}

func TestInvalidateReturnsTheStoreError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.get(t)
	down := errors.New("store down")
	f.store.casErr = down
	require.ErrorIs(t, f.cache.Invalidate(context.Background(), "v1"), down)
	f.store.casErr = nil
	assert.Equal(t, "v2", f.get(t).Value, "forgotten in memory all the same")
}

func TestStoreSharesOneValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	other := New(Config{Key: "k", Store: f.store, Fetch: f.remote.fetch, Now: f.clock.Now, Delta: delta})
	assert.Equal(t, "v1", f.get(t).Value)
	e, err := other.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v1", e.Value, "loaded, not fetched")
	assert.EqualValues(t, 1, f.remote.calls.Load())

	// One process invalidates; the other still holds v1 in memory until it
	// fails there too, and then loads what the first saved.
	require.NoError(t, f.cache.Invalidate(context.Background(), "v1"))
	assert.Equal(t, "v2", f.get(t).Value)
	e, _ = other.Get(context.Background())
	assert.Equal(t, "v1", e.Value)
	require.NoError(t, other.Invalidate(context.Background(), "v1"))
	e, _ = other.Get(context.Background())
	assert.Equal(t, "v2", e.Value)
	assert.EqualValues(t, 2, f.remote.calls.Load())
}

func TestStoreValueWithinTheMarginIsRefreshed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.store.put("k", Entry{Value: "old", Expiry: t0.Add(delta)})
	assert.Equal(t, "v1", f.get(t).Value)
	assert.Equal(t, "v1", f.store.get("k").Value, "saved over the old one")
}

func TestLostSaveAdoptsTheWinner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	// Another process saves while this one fetches.
	f.remote.gate = make(chan struct{})
	done := make(chan Entry)
	go func() {
		e, _ := f.cache.Get(context.Background())
		done <- e
	}()
	waitForWaiters(f.cache, 0, 1)
	f.store.put("k", Entry{Value: "theirs", Expiry: t0.Add(time.Hour)})
	close(f.remote.gate)
	assert.Equal(t, "theirs", (<-done).Value)
	assert.Equal(t, "theirs", f.store.get("k").Value)
	assert.Equal(t, "theirs", f.get(t).Value)
}

func TestInvalidatedValueIsNotLoadedAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	// The Store still holds the value this process saw fail (the CAS that
	// removes it failed, or another process put it back).
	f.get(t)
	f.store.casErr = errors.New("store down")
	_ = f.cache.Invalidate(context.Background(), "v1")
	f.store.casErr = nil
	assert.Equal(t, "v1", f.store.get("k").Value)
	assert.Equal(t, "v2", f.get(t).Value)
}

func TestFailingStoreIsBypassed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.store.loadErr = errors.New("store down")
	assert.Equal(t, "v1", f.get(t).Value)
	assert.Equal(t, "v1", f.get(t).Value)
	assert.EqualValues(t, 1, f.remote.calls.Load())
	assert.Zero(t, f.store.cas, "nothing saved to a Store that failed")
}

func TestFailingSaveKeepsTheValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.store.casErr = errors.New("store down")
	assert.Equal(t, "v1", f.get(t).Value)
	assert.Equal(t, "v1", f.get(t).Value)
	assert.EqualValues(t, 1, f.remote.calls.Load())
}

func TestRefreshForces(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.get(t)
	e, err := f.cache.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v2", e.Value)
	assert.EqualValues(t, 1, f.remote.forced.Load())
	assert.Equal(t, "v2", f.store.get("k").Value)
	assert.Equal(t, "v2", f.get(t).Value)

	// A failed forced refresh does not fall back.
	busy := errors.New("busy")
	f.remote.fail(busy)
	_, err = f.cache.Refresh(context.Background())
	require.ErrorIs(t, err, busy)
	f.remote.fail(nil)
	assert.Equal(t, "v2", f.get(t).Value, "the cached value is kept")
}

func TestConcurrentRefreshesShareOneFetch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.remote.gate = make(chan struct{})
	const n = 5
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := f.cache.Refresh(context.Background())
			assert.NoError(t, err)
		})
	}
	waitForWaiters(f.cache, 1, n)
	close(f.remote.gate)
	wg.Wait()
	assert.EqualValues(t, 1, f.remote.forced.Load())
}

func TestImpatientCallerDoesNotFailTheOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.remote.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() {
		_, err := f.cache.Get(ctx)
		first <- err
	}()
	waitForWaiters(f.cache, 0, 1)
	second := make(chan Entry)
	go func() {
		e, _ := f.cache.Get(context.Background())
		second <- e
	}()
	waitForWaiters(f.cache, 0, 2)
	cancel()
	require.ErrorIs(t, <-first, context.Canceled)
	close(f.remote.gate)
	assert.Equal(t, "v1", (<-second).Value)
	assert.EqualValues(t, 1, f.remote.calls.Load())
}

func TestFetchIsCancelledWhenEveryCallerLeaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.remote.gate = make(chan struct{}) // never opened: only cancellation ends the fetch
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := f.cache.Get(ctx)
		errc <- err
	}()
	waitForWaiters(f.cache, 0, 1)
	f.cache.mu.Lock()
	fl := f.cache.flights[0]
	f.cache.mu.Unlock()
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	<-fl.done // the fetch saw the cancellation and ended
	require.ErrorIs(t, fl.err, context.Canceled)
	_, ok := f.cache.Peek()
	assert.False(t, ok)

	// The next caller starts a new fetch.
	f.remote.gate = nil
	assert.Equal(t, "v2", f.get(t).Value)
}

func TestDoneContext(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.cache.Get(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, f.remote.calls.Load())
}

func TestFetchKeepsContextValues(t *testing.T) {
	t.Parallel()
	type key struct{}
	var got any
	c := New(Config{Key: "k", Now: time.Now, Delta: delta, Fetch: func(ctx context.Context, _ bool) (string, time.Time, error) {
		got = ctx.Value(key{})
		return "v", time.Now().Add(time.Hour), nil
	}})
	_, err := c.Get(context.WithValue(context.Background(), key{}, "traced"))
	require.NoError(t, err)
	assert.Equal(t, "traced", got)
}

func TestWarmGetDoesNotAllocate(t *testing.T) {
	f := newFixture(t, false)
	f.get(t)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() { _, _ = f.cache.Get(ctx) })
	assert.Zero(t, allocs)
}

func BenchmarkWarmGet(b *testing.B) {
	c := New(Config{Key: "k", Now: time.Now, Delta: delta, Fetch: func(context.Context, bool) (string, time.Time, error) {
		return "v", time.Now().Add(time.Hour), nil
	}})
	ctx := context.Background()
	if _, err := c.Get(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRemoteThatDoesNotRenewEarly covers a remote that returns the value it
// issued until that value expires, with expires_in counting down (the
// getticket of wxmptest's fake; stable_token more than 5 minutes ahead):
// one fetch inside the margin finds the same value, and the next is at
// its expiry, not a fetch on every halving of the remaining life.
func TestRemoteThatDoesNotRenewEarly(t *testing.T) {
	t.Parallel()
	clk := newClock()
	var calls atomic.Int32
	var cur Entry
	var mu sync.Mutex
	fetch := func(context.Context, bool) (string, time.Time, error) {
		n := calls.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if cur.Value == "" || !clk.Now().Before(cur.Expiry) {
			cur = Entry{Value: fmt.Sprintf("v%d", n), Expiry: clk.Now().Add(2 * time.Hour)}
		}
		return cur.Value, cur.Expiry, nil
	}
	c := New(Config{Key: "k", Fetch: fetch, Now: clk.Now, Delta: delta})
	get := func() string {
		e, err := c.Get(context.Background())
		require.NoError(t, err)
		return e.Value
	}
	assert.Equal(t, "v1", get())
	clk.Add(2*time.Hour - delta)
	assert.Equal(t, "v1", get())
	assert.EqualValues(t, 2, calls.Load(), "one try inside the margin")
	for range 20 {
		clk.Add(delta / 20)
		if clk.Now().Before(t0.Add(2 * time.Hour)) {
			assert.Equal(t, "v1", get())
		}
	}
	assert.EqualValues(t, 2, calls.Load(), "no more tries before the expiry")
	assert.Equal(t, "v3", get(), "a new value at the expiry")
	assert.EqualValues(t, 3, calls.Load())
}
