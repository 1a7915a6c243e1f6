package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
)

// The Store is what a push Server takes.
var _ push.DedupStore = (*redisstore.Store)(nil)

const (
	claimTTL = 8 * time.Second
	doneTTL  = time.Minute
)

// TestDedupAcrossInstances plays the contract of push.DedupStore with two
// Stores on one Redis, as two instances.
func TestDedupAcrossInstances(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	a, b := r.Store(t), r.Store(t)
	ctx := context.Background()
	const key = "gh_1|o1|1234567890"

	cl, err := a.Claim(ctx, key, claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.Claimed, cl.Status)
	cl, err = b.Claim(ctx, key, claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.InFlight, cl.Status, "B sees A's claim")

	got := make(chan []byte)
	go func() {
		reply, err := b.Wait(ctx, key)
		assert.NoError(t, err)
		got <- reply
	}()
	const reply = "<xml><Content><![CDATA[hi]]></Content></xml>"
	require.NoError(t, a.Finish(ctx, key, []byte(reply), doneTTL))
	assert.Equal(t, reply, string(recv(t, got)), "B's waiting retry gets A's reply")

	for _, s := range []*redisstore.Store{a, b} {
		cl, err = s.Claim(ctx, key, claimTTL)
		require.NoError(t, err)
		assert.Equal(t, push.Finished, cl.Status)
		assert.Equal(t, reply, string(cl.Reply))
		w, err := s.Wait(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, reply, string(w))
	}

	// The entry expires with the ttl Finish gave.
	c := r.Client(t)
	keys, err := c.Keys(ctx, r.Prefix+"*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.NotContains(t, keys[0], "o1", "the dedupe key is hashed")
	ttl, err := c.PTTL(ctx, keys[0]).Result()
	require.NoError(t, err)
	assert.InDelta(t, doneTTL, ttl, float64(5*time.Second))

	// "No reply" is a finished entry too.
	cl, err = a.Claim(ctx, "k2", claimTTL)
	require.NoError(t, err)
	require.Equal(t, push.Claimed, cl.Status)
	require.NoError(t, a.Finish(ctx, "k2", nil, doneTTL))
	cl, err = b.Claim(ctx, "k2", claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.Finished, cl.Status)
	assert.Empty(t, cl.Reply)
}

func TestClaimIsAtomic(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	stores := []*redisstore.Store{r.Store(t), r.Store(t), r.Store(t)}
	for round := range 20 {
		key := fmt.Sprint("push-", round)
		var claimed, inFlight atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 30 {
			wg.Go(func() {
				<-start
				cl, err := stores[i%len(stores)].Claim(context.Background(), key, claimTTL)
				assert.NoError(t, err)
				switch cl.Status {
				case push.Claimed:
					claimed.Add(1)
				case push.InFlight:
					inFlight.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		assert.Equal(t, int32(1), claimed.Load(), "round %d: one claim", round)
		assert.Equal(t, int32(29), inFlight.Load(), "round %d", round)
	}
}

func TestWaitEnds(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	s := r.Store(t)
	ctx := context.Background()

	_, err := s.Wait(ctx, "never claimed")
	assert.ErrorIs(t, err, push.ErrNoEntry)

	_, err = s.Claim(ctx, "k", claimTTL)
	require.NoError(t, err)
	wctx, cancel := context.WithCancel(ctx)
	errc := make(chan error)
	go func() {
		_, err := r.Store(t).Wait(wctx, "k")
		errc <- err
	}()
	cancel()
	assert.ErrorIs(t, recv(t, errc), context.Canceled, "the waiter's own deadline ends the wait")

	// An owner that died: its claim expires, and the waiter learns that
	// no reply will come.
	go func() {
		_, err := r.Store(t).Wait(ctx, "k")
		errc <- err
	}()
	keys, err := r.Client(t).Keys(ctx, r.Prefix+"*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.NoError(t, r.Client(t).PExpire(ctx, keys[0], time.Millisecond).Err())
	assert.ErrorIs(t, recv(t, errc), push.ErrNoEntry)
	cl, err := s.Claim(ctx, "k", claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.Claimed, cl.Status, "an expired claim can be taken again")
}

// logBuffer is a slog handler's output, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// TestRedisDownDedupesInMemory: with its Redis gone, a Store dedupes in
// memory, without errors, logging it once.
func TestRedisDownDedupesInMemory(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	var logs logBuffer
	s := redisstore.New(srv.Client(t), redisstore.WithLogger(logs.Logger()))
	ctx := context.Background()

	// Finished while Redis was up: the reply is also in memory.
	_, err := s.Claim(ctx, "before", claimTTL)
	require.NoError(t, err)
	require.NoError(t, s.Finish(ctx, "before", []byte("<xml>1</xml>"), doneTTL))

	srv.Stop()
	cl, err := s.Claim(ctx, "before", claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.Finished, cl.Status)
	assert.Equal(t, "<xml>1</xml>", string(cl.Reply))

	for i := range 50 {
		key := fmt.Sprint("down-", i)
		cl, err := s.Claim(ctx, key, claimTTL)
		require.NoError(t, err)
		assert.Equal(t, push.Claimed, cl.Status)
		cl, err = s.Claim(ctx, key, claimTTL)
		require.NoError(t, err)
		assert.Equal(t, push.InFlight, cl.Status, "the second delivery waits, in memory")
		done := make(chan []byte)
		go func() {
			r, err := s.Wait(ctx, key)
			assert.NoError(t, err)
			done <- r
		}()
		require.NoError(t, s.Finish(ctx, key, []byte("<xml>r</xml>"), doneTTL))
		assert.Equal(t, "<xml>r</xml>", string(recv(t, done)))
	}
	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "level=WARN"), "one warning per interval:\n%s", out)
	assert.Contains(t, out, "redisstore: Redis failed")

	// Token calls fail fast, for the Sources to fetch by themselves.
	_, _, err = s.Load(ctx, "wxmp:accesstoken:wx1")
	assert.Error(t, err)
}

// TestSlowRedis: a Redis that does not answer within the timeout costs a
// call the timeout, then the Store uses memory without waiting again
// until RetryInterval has passed; whether or not the client stops a
// command at its context's deadline.
func TestSlowRedis(t *testing.T) {
	t.Parallel()
	for _, ctxTimeout := range []bool{false, true} {
		t.Run(fmt.Sprintf("ContextTimeoutEnabled=%v", ctxTimeout), func(t *testing.T) {
			t.Parallel()
			srv := startRedis(t)
			admin := srv.Client(t)
			ping(t, admin)
			var logs logBuffer
			const timeout = 50 * time.Millisecond
			c := newClient(t, &redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: ctxTimeout})
			s := redisstore.New(c, redisstore.WithLogger(logs.Logger()), redisstore.WithTimeout(timeout))
			ctx := context.Background()
			_, err := s.Claim(ctx, "warm", claimTTL) // connect before the pause
			require.NoError(t, err)

			// CLIENT PAUSE holds every client's commands for 10 s.
			require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", 10000, "ALL").Err())
			start := time.Now()
			cl, err := s.Claim(ctx, "k", claimTTL)
			require.NoError(t, err)
			assert.Equal(t, push.Claimed, cl.Status)
			assert.Less(t, time.Since(start), time.Second, "the first call waits the timeout, not the pause")
			start = time.Now()
			cl, err = s.Claim(ctx, "k", claimTTL)
			require.NoError(t, err)
			assert.Equal(t, push.InFlight, cl.Status, "the claim is in memory")
			assert.Less(t, time.Since(start), timeout, "the next call does not wait for Redis")
			require.NoError(t, s.Finish(ctx, "k", nil, doneTTL))

			_, _, err = s.Load(ctx, "wxmp:accesstoken:wx1")
			require.ErrorIs(t, err, redisstore.ErrUnavailable)
			assert.Contains(t, logs.String(), "no answer within 50ms")
			// The cleanup kills the paused server.
		})
	}
}

// TestRedisRecovers: once Redis answers again (RetryInterval after the
// failure at the earliest), the Store uses it again and says so, once.
func TestRedisRecovers(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	admin := srv.Client(t)
	ping(t, admin)
	var logs logBuffer
	s := redisstore.New(srv.Client(t), redisstore.WithLogger(logs.Logger()), redisstore.WithTimeout(50*time.Millisecond))
	ctx := context.Background()
	_, err := s.Claim(ctx, "warm", claimTTL)
	require.NoError(t, err)

	require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", 300, "ALL").Err())
	_, err = s.Claim(ctx, "during", claimTTL)
	require.NoError(t, err, "answered from memory")
	_, _, err = s.Load(ctx, "wxmp:accesstoken:wx1")
	require.ErrorIs(t, err, redisstore.ErrUnavailable)

	// Ask until Redis is used again.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		if _, _, err = s.Load(ctx, "wxmp:accesstoken:wx1"); err == nil {
			break
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("Redis not used again: %v", err)
		}
	}
	cl, err := s.Claim(ctx, "after", claimTTL)
	require.NoError(t, err)
	assert.Equal(t, push.Claimed, cl.Status)
	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "level=WARN"), out)
	assert.Equal(t, 1, strings.Count(out, "Redis answers again"), out)
}
