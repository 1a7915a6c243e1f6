package tokencache

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockingStore is a memStore that is also a Locker: one lock per key, a
// channel of capacity one.
type lockingStore struct {
	*memStore
	mu      sync.Mutex
	locks   map[string]chan struct{}
	waiting atomic.Int32 // callers inside Lock
	held    atomic.Int32 // locks taken and not yet released
	lockErr error
	ttls    []time.Duration
}

func newLockingStore(c *clock) *lockingStore {
	return &lockingStore{memStore: newMemStore(c), locks: map[string]chan struct{}{}}
}

func (s *lockingStore) lockOf(key string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.locks[key]
	if ch == nil {
		ch = make(chan struct{}, 1)
		s.locks[key] = ch
	}
	return ch
}

func (s *lockingStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	s.mu.Lock()
	s.ttls = append(s.ttls, ttl)
	err := s.lockErr
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ch := s.lockOf(key)
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case ch <- struct{}{}:
		s.held.Add(1)
		var once sync.Once
		return func() {
			once.Do(func() {
				s.held.Add(-1)
				<-ch
			})
		}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var _ Locker = (*lockingStore)(nil)

// waitUntil yields until cond holds, failing the test if it does not
// within 10 s (a test that hangs says less than one that fails).
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		runtime.Gosched()
	}
}

// newSharing returns n caches, as in n processes, sharing store and
// remote.
func newSharing(n int, c *clock, r *remote, store Store) []*Cache {
	caches := make([]*Cache, n)
	for i := range caches {
		caches[i] = New(Config{Key: "k", Store: store, Fetch: r.fetch, Now: c.Now, Delta: delta})
	}
	return caches
}

// TestLockerMakesOneFetchForAll: caches in ten processes on a Store that
// locks fetch once between them, whatever the timing: the ones that wait
// for the lock find the holder's value in the Store.
func TestLockerMakesOneFetchForAll(t *testing.T) {
	t.Parallel()
	c := newClock()
	r := &remote{clock: c, life: 2 * time.Hour}
	store := newLockingStore(c)
	caches := newSharing(10, c, r, store)

	round := func(want string) {
		base := r.calls.Load()
		r.gate = make(chan struct{})
		var wg sync.WaitGroup
		got := make([]Entry, len(caches))
		errs := make([]error, len(caches))
		for i, cache := range caches {
			wg.Go(func() { got[i], errs[i] = cache.Get(context.Background()) })
		}
		// Hold the fetch until every other process waits for the lock
		// (or, without the lock, until all of them fetch).
		waitUntil(t, func() bool {
			n := r.calls.Load() - base
			return n == 1 && store.waiting.Load() == int32(len(caches)-1) || n == int32(len(caches))
		})
		close(r.gate)
		wg.Wait()
		for i := range caches {
			require.NoError(t, errs[i])
			assert.Equal(t, want, got[i].Value, "cache %d", i)
		}
	}
	round("v1")
	assert.EqualValues(t, 1, r.calls.Load(), "one fetch for ten processes")
	assert.Zero(t, store.held.Load(), "every lock released")
	for _, ttl := range store.ttls {
		assert.Equal(t, LockTTL, ttl)
	}

	// At the next refresh, again one.
	c.Add(2*time.Hour - delta + time.Second)
	round("v2")
	assert.EqualValues(t, 2, r.calls.Load(), "one fetch per expiry")
}

func TestFailingLockFetchesAnyway(t *testing.T) {
	t.Parallel()
	c := newClock()
	r := &remote{clock: c, life: 2 * time.Hour}
	store := newLockingStore(c)
	store.lockErr = errors.New("store down")
	cache := newSharing(1, c, r, store)[0]
	e, err := cache.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v1", e.Value)
	assert.Equal(t, "v1", store.get("k").Value, "saved without the lock")
}

func TestLockWaitEndsWithTheCallers(t *testing.T) {
	t.Parallel()
	c := newClock()
	r := &remote{clock: c, life: 2 * time.Hour}
	store := newLockingStore(c)
	// Another process holds the lock and never saves.
	unlock, err := store.Lock(context.Background(), "k", time.Minute)
	require.NoError(t, err)
	cache := newSharing(1, c, r, store)[0]

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := cache.Get(ctx)
		errc <- err
	}()
	waitUntil(t, func() bool { return store.waiting.Load() > 0 })
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	assert.Zero(t, r.calls.Load(), "no fetch while another process holds the lock")

	// Once it lets go, the next caller takes the lock and fetches.
	unlock()
	e, err := cache.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v1", e.Value)
	assert.Zero(t, store.held.Load())
}

// TestLockHolderSavedMeanwhile: a process that got the lock after another
// process saved a fresh value uses it, without fetching.
func TestLockHolderSavedMeanwhile(t *testing.T) {
	t.Parallel()
	c := newClock()
	r := &remote{clock: c, life: 2 * time.Hour}
	store := newLockingStore(c)
	unlock, err := store.Lock(context.Background(), "k", time.Minute)
	require.NoError(t, err)
	cache := newSharing(1, c, r, store)[0]
	done := make(chan Entry)
	go func() {
		e, err := cache.Get(context.Background())
		assert.NoError(t, err)
		done <- e
	}()
	waitUntil(t, func() bool { return store.waiting.Load() > 0 })
	store.put("k", Entry{Value: "other", Expiry: t0.Add(time.Hour)})
	unlock()
	assert.Equal(t, "other", (<-done).Value)
	assert.Zero(t, r.calls.Load())
	assert.Zero(t, store.held.Load())
}
