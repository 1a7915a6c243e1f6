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

// check is the store's invariant: the index holds exactly the live
// records of the ring, each found by its key; the counts are theirs; the
// chunks hold the ring's bytes.
func (s *MemoryStore) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.LessOrEqual(t, s.tail-s.head, uint64(len(s.ring)))
	n, bytes := 0, int64(0)
	for seq := s.head; seq < s.tail; seq++ {
		r := s.rec(seq)
		require.GreaterOrEqual(t, r.chunk, s.chunk0)
		if r.state == recDead {
			continue
		}
		k, _ := s.bytesOf(r)
		require.Equal(t, seq, s.find(r.hash, string(k)))
		n++
		bytes += r.size()
	}
	indexed := 0
	mask := len(s.index) - 1
	for i, e := range s.index {
		if e.seq == 0 {
			continue
		}
		seq := e.seq
		require.True(t, seq >= s.head && seq < s.tail)
		require.NotEqual(t, recDead, s.rec(seq).state)
		require.Equal(t, s.rec(seq).hash, e.hash)
		// No empty slot between the hash's own slot and this one.
		for j := int(e.hash) & mask; j != i; j = (j + 1) & mask {
			require.NotZero(t, s.index[j].seq)
		}
		indexed++
	}
	require.Equal(t, n, indexed)
	require.LessOrEqual(t, 2*n, len(s.index))
	require.Equal(t, n, s.live)
	require.Equal(t, bytes, s.bytes)
	require.LessOrEqual(t, n, s.maxEntries)
	require.LessOrEqual(t, bytes, s.maxBytes)
	for seq := range s.waiters {
		require.True(t, s.rec(seq).waited)
	}
}

func (s *MemoryStore) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.find(s.hashOf(key), key) != 0
}

func (s *MemoryStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
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
	assert.Equal(t, 1, s.len())
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
	assert.Equal(t, 4, s.len(), "4 entries of 100 bytes plus overhead fit")
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

// Keys whose hashes collide are told apart by the key: they are two
// entries, each with its own state and reply, removed one without the
// other.
func TestMemoryStoreHashCollision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newMem(t, WithMemoryMaxEntries(8))
	s.hash = func(string) uint64 { return 42 } // every key collides
	cl, err := s.Claim(ctx, "a", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, Claimed, cl.Status)
	cl, err = s.Claim(ctx, "b", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, Claimed, cl.Status, "b is not a's retry")
	require.NoError(t, s.Finish(ctx, "b", []byte("rb"), time.Hour))
	cl, _ = s.Claim(ctx, "a", time.Minute)
	assert.Equal(t, InFlight, cl.Status)
	cl, _ = s.Claim(ctx, "b", time.Minute)
	assert.Equal(t, Claim{Status: Finished, Reply: []byte("rb")}, cl)
	_, err = s.Claim(ctx, "c", time.Hour)
	require.NoError(t, err)
	s.check(t)

	// a, in the middle of the chain, expires; b and c stay.
	clk.advance(time.Minute)
	cl, _ = s.Claim(ctx, "a", time.Minute)
	assert.Equal(t, Claimed, cl.Status)
	require.NoError(t, s.Finish(ctx, "a", []byte("ra"), time.Hour))
	s.check(t)
	for k, want := range map[string]string{"a": "ra", "b": "rb"} {
		got, err := s.Wait(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), k)
	}
	cl, _ = s.Claim(ctx, "c", time.Minute)
	assert.Equal(t, InFlight, cl.Status)
	assert.False(t, s.has("d"))
	s.check(t)
}

// A store at its bound keeps its bounds and its invariant over many
// rounds of claims, finishes, re-claims and expiries, with the ring and
// the chunks wrapping around many times.
func TestMemoryStoreChurn(t *testing.T) {
	t.Parallel()
	s, clk := newMem(t, WithMemoryMaxEntries(50), WithMemoryMaxBytes(50*(MemoryEntryOverhead+40)))
	churn(t, s, clk)
}

// The same churn with hashes crowded in a few slots at the end of the
// index, so that runs of slots wrap around to its start and removals
// shift slots back across the wrap.
func TestMemoryStoreChurnCrowdedIndex(t *testing.T) {
	t.Parallel()
	s, clk := newMem(t, WithMemoryMaxEntries(50), WithMemoryMaxBytes(50*(MemoryEntryOverhead+40)))
	s.hash = func(k string) uint64 {
		var h uint64
		for i := range len(k) {
			h = h*31 + uint64(k[i])
		}
		return minIndex - 4 + h%8
	}
	churn(t, s, clk)
}

func churn(t *testing.T, s *MemoryStore, clk *clock) {
	t.Helper()
	ctx := context.Background()
	reply := []byte(strings.Repeat("x", 30))
	var pending []string
	for i := range 5000 {
		k := "key" + itoa64(int64(i%173))
		cl, err := s.Claim(ctx, k, time.Duration(1+i%7)*time.Second)
		require.NoError(t, err)
		switch {
		case cl.Status != Claimed:
		case i%5 == 0:
			pending = append(pending, k) // finished later, out of order
		case i%3 != 0:
			require.NoError(t, s.Finish(ctx, k, reply[:i%31], time.Duration(1+i%11)*time.Second))
		}
		if len(pending) > 3 {
			require.NoError(t, s.Finish(ctx, pending[0], reply[:i%29], time.Duration(1+i%13)*time.Second))
			pending = pending[1:]
		}
		if i%97 == 0 {
			s.check(t)
		}
		clk.advance(100 * time.Millisecond)
	}
	s.check(t)
	s.mu.Lock()
	chunks := len(s.chunks)
	s.mu.Unlock()
	assert.LessOrEqual(t, chunks, 2, "old chunks are let go")
}
