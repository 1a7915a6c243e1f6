package push

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a settable clock for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1714036504, 0)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newMem(t *testing.T, opts ...MemoryOption) (*MemoryStore, *clock) {
	t.Helper()
	clk := newClock()
	s, err := NewMemoryStore(append([]MemoryOption{WithMemoryNow(clk.now)}, opts...)...)
	require.NoError(t, err)
	return s, clk
}

// check is the store's invariant: the list and the index hold the same
// entries, and the byte count is their sum.
func (s *MemoryStore) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	n, bytes := 0, int64(0)
	var prev *memEntry
	for e := s.head; e != nil; e = e.next {
		require.Same(t, prev, e.prev)
		require.Same(t, e, s.index[e.key])
		n++
		bytes += e.size()
		prev = e
	}
	require.Same(t, prev, s.tail)
	require.Equal(t, len(s.index), n)
	require.Equal(t, bytes, s.bytes)
	require.LessOrEqual(t, n, s.maxEntries)
	require.LessOrEqual(t, bytes, s.maxBytes)
}

func (s *MemoryStore) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.index[key] != nil
}

func TestMemoryStoreLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newMem(t)
	cl, err := s.Claim(ctx, "k", 8*time.Second)
	require.NoError(t, err)
	assert.Equal(t, Claimed, cl.Status)
	cl, _ = s.Claim(ctx, "k", 8*time.Second)
	assert.Equal(t, InFlight, cl.Status)
	require.NoError(t, s.Finish(ctx, "k", []byte("<xml/>"), time.Minute))
	cl, _ = s.Claim(ctx, "k", 8*time.Second)
	assert.Equal(t, Claim{Status: Finished, Reply: []byte("<xml/>")}, cl)
	got, err := s.Wait(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, "<xml/>", string(got))
	s.check(t)

	// Expiry: the finished entry lives its TTL from Finish.
	clk.advance(time.Minute - time.Nanosecond)
	cl, _ = s.Claim(ctx, "k", 8*time.Second)
	assert.Equal(t, Finished, cl.Status)
	clk.advance(time.Nanosecond)
	cl, _ = s.Claim(ctx, "k", 8*time.Second)
	assert.Equal(t, Claimed, cl.Status, "expired: a new claim")
	s.check(t)

	// An in-flight claim expires with its own TTL.
	clk.advance(8 * time.Second)
	_, err = s.Wait(ctx, "k")
	assert.ErrorIs(t, err, ErrNoEntry)
	cl, _ = s.Claim(ctx, "k", 8*time.Second)
	assert.Equal(t, Claimed, cl.Status)

	// "No reply" is a finished entry with an empty reply.
	require.NoError(t, s.Finish(ctx, "k", nil, time.Minute))
	cl, _ = s.Claim(ctx, "k", time.Second)
	assert.Equal(t, Claim{Status: Finished}, cl)

	_, err = s.Wait(ctx, "never claimed")
	assert.ErrorIs(t, err, ErrNoEntry)
	s.check(t)
}

// Expired entries at the head go on the next Claim, without a lookup.
func TestMemoryStoreExpiresOldEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newMem(t)
	for i := range 100 {
		_, err := s.Claim(ctx, "old"+itoa64(int64(i)), time.Second)
		require.NoError(t, err)
	}
	clk.advance(time.Second)
	_, err := s.Claim(ctx, "new", time.Second)
	require.NoError(t, err)
	s.check(t)
	assert.Len(t, s.index, 1)
	assert.True(t, s.has("new"))
}

func TestMemoryStoreEntryBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newMem(t, WithMemoryMaxEntries(3))
	for _, k := range []string{"a", "b", "c", "d"} {
		_, err := s.Claim(ctx, k, time.Hour)
		require.NoError(t, err)
		require.NoError(t, s.Finish(ctx, k, []byte(k), time.Hour))
		s.check(t)
	}
	assert.False(t, s.has("a"), "the oldest goes first")
	for _, k := range []string{"b", "c", "d"} {
		assert.True(t, s.has(k), k)
	}
	// Finishing moves an entry to the young end.
	_, err := s.Claim(ctx, "e", time.Hour)
	require.NoError(t, err)
	require.NoError(t, s.Finish(ctx, "c", []byte("c2"), time.Hour))
	_, err = s.Claim(ctx, "f", time.Hour)
	require.NoError(t, err)
	s.check(t)
	assert.False(t, s.has("b"))
	assert.False(t, s.has("d"))
	assert.True(t, s.has("c"))
}

func TestMemoryStoreByteBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const limit = 4 * (MemoryEntryOverhead + 100)
	s, _ := newMem(t, WithMemoryMaxBytes(limit))
	reply := []byte(strings.Repeat("r", 99))
	for i := range 10 {
		k := string(rune('a' + i))
		_, err := s.Claim(ctx, k, time.Hour)
		require.NoError(t, err)
		require.NoError(t, s.Finish(ctx, k, reply, time.Hour))
		s.check(t)
	}
	assert.Len(t, s.index, 4, "4 entries of 100 bytes plus overhead fit")
	assert.True(t, s.has("j"))
	assert.False(t, s.has("f"))

	// A reply larger than the whole bound is not kept.
	_, err := s.Claim(ctx, "huge", time.Hour)
	require.NoError(t, err)
	require.NoError(t, s.Finish(ctx, "huge", make([]byte, limit), time.Hour))
	s.check(t)
	assert.False(t, s.has("huge"))
	cl, _ := s.Claim(ctx, "huge", time.Hour)
	assert.Equal(t, Claimed, cl.Status)
}

// Wait returns when the entry is finished, when it is removed, or when
// its context ends.
func TestMemoryStoreWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newMem(t, WithMemoryMaxEntries(1))
	_, err := s.Claim(ctx, "k", time.Hour)
	require.NoError(t, err)

	type res struct {
		b   []byte
		err error
	}
	waiters := make(chan res, 3)
	for range 3 {
		go func() {
			b, err := s.Wait(ctx, "k")
			waiters <- res{b, err}
		}()
	}
	require.NoError(t, s.Finish(ctx, "k", []byte("r"), time.Hour))
	for range 3 {
		r := <-waiters
		require.NoError(t, r.err)
		assert.Equal(t, "r", string(r.b))
	}

	// Evicted while in flight: the waiter, blocked on the entry, learns it.
	synctest.Test(t, func(t *testing.T) {
		s, _ := newMem(t, WithMemoryMaxEntries(1))
		_, err := s.Claim(ctx, "k2", time.Hour)
		require.NoError(t, err)
		waiting := make(chan error, 1)
		go func() {
			_, err := s.Wait(ctx, "k2")
			waiting <- err
		}()
		synctest.Wait() // until the waiter blocks on k2
		// k3 evicts k2.
		_, err = s.Claim(ctx, "k3", time.Hour)
		require.NoError(t, err)
		assert.ErrorIs(t, <-waiting, ErrNoEntry)
		s.check(t)
	})

	_, err = s.Claim(ctx, "k9", time.Hour)
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Wait(cctx, "k9")
	assert.ErrorIs(t, err, context.Canceled)
	s.check(t)
}

// Among concurrent Claims of one key exactly one is Claimed.
func TestMemoryStoreClaimIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newMem(t)
	var mu sync.Mutex
	claimed := 0
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			cl, err := s.Claim(ctx, "k", time.Hour)
			if err == nil && cl.Status == Claimed {
				mu.Lock()
				claimed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, claimed)
}

func TestNewMemoryStoreErrors(t *testing.T) {
	t.Parallel()
	for _, o := range []MemoryOption{WithMemoryMaxEntries(0), WithMemoryMaxBytes(-1), WithMemoryNow(nil)} {
		s, err := NewMemoryStore(o)
		assert.Nil(t, s)
		assert.ErrorIs(t, err, ErrInvalidConfig)
	}
	s, err := NewMemoryStore(nil)
	require.NoError(t, err)
	assert.NotNil(t, s)
}

func TestClaimStatusString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "claimed", Claimed.String())
	assert.Equal(t, "in flight", InFlight.String())
	assert.Equal(t, "finished", Finished.String())
	assert.Equal(t, "ClaimStatus(7)", ClaimStatus(7).String())
}
