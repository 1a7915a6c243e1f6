package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/redisstore"
	"github.com/wxmp/wxmp/wxmptest"
)

// The Store is what the token and ticket Sources take.
var (
	_ accesstoken.Store  = (*redisstore.Store)(nil)
	_ accesstoken.Locker = (*redisstore.Store)(nil)
	_ jssdk.Store        = (*redisstore.Store)(nil)
)

func TestCompareAndSwap(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	s := r.Store(t)
	ctx := context.Background()
	const key = "wxmp:accesstoken:wx1"
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)

	v, _, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.Empty(t, v, "nothing saved yet")

	steps := []struct {
		old, value string
		want       bool
	}{
		{"", "A", true},   // first save
		{"", "B", false},  // someone saved already
		{"X", "B", false}, // not what is saved
		{"A", "B", true},  // replace
		{"A", "", false},  // an old token's Invalidate changes nothing
		{"B", "", true},   // Invalidate of the current one deletes it
		{"", "C", true},   // saved again
	}
	for _, st := range steps {
		ok, err := s.CompareAndSwap(ctx, key, st.old, st.value, exp)
		require.NoError(t, err)
		assert.Equal(t, st.want, ok, "CompareAndSwap(%q → %q)", st.old, st.value)
	}
	v, got, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "C", v)
	assert.True(t, got.Equal(exp), "expiry %v, want %v", got, exp)

	// Redis drops the key at the expiry.
	c := r.Client(t)
	at, err := c.PExpireTime(ctx, r.Prefix+key).Result()
	require.NoError(t, err)
	assert.Equal(t, exp.UnixMilli(), at.Milliseconds())

	// An expiry already past saves nothing: Load sees "" and a CAS from ""
	// succeeds, as the contract asks.
	ok, err := s.CompareAndSwap(ctx, key, "C", "D", time.Now().Add(-time.Second))
	require.NoError(t, err)
	assert.True(t, ok)
	v, _, err = s.Load(ctx, key)
	require.NoError(t, err)
	assert.Empty(t, v)
	ok, err = s.CompareAndSwap(ctx, key, "", "E", exp)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestCompareAndSwapConcurrent(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	const n = 40
	stores := make([]*redisstore.Store, 4)
	for i := range stores {
		stores[i] = r.Store(t)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			ok, err := stores[i%len(stores)].CompareAndSwap(context.Background(), "k", "", fmt.Sprint("v", i), time.Now().Add(time.Hour))
			assert.NoError(t, err)
			if ok {
				wins.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "exactly one save from nothing wins")
}

// newAPI starts the API fake, closed at cleanup.
func newAPI(t testing.TB, opts ...wxmptest.APIOption) *wxmptest.APIServer {
	t.Helper()
	f, err := wxmptest.NewAPIServer(opts...)
	require.NoError(t, err)
	t.Cleanup(f.Close)
	return f
}

// newSource returns a token Source on f sharing store (nil: none).
func newSource(t testing.TB, f *wxmptest.APIServer, store accesstoken.Store, more ...accesstoken.Option) *accesstoken.Source {
	t.Helper()
	opts := append([]accesstoken.Option{accesstoken.WithBaseURL(f.URL), accesstoken.WithHTTPClient(f.Client())}, more...)
	if store != nil {
		opts = append(opts, accesstoken.WithStore(store))
	}
	src, err := accesstoken.New(f.AppID(), f.AppSecret(), opts...)
	require.NoError(t, err)
	return src
}

// clock is the real clock plus an offset the test moves, shared by the
// API fake and the Sources. Redis expires keys by its own clock, which is
// behind this one: a key saved with an expiry by this clock lives at least
// as long as it should.
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// burst has n callers on each Source ask for a token at once and returns
// how many got each token.
func burst(t *testing.T, srcs []*accesstoken.Source, n int) map[string]int {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, src := range srcs {
		for range n {
			wg.Go(func() {
				<-start
				tok, err := src.Token(context.Background())
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				seen[tok]++
				mu.Unlock()
			})
		}
	}
	close(start)
	wg.Wait()
	return seen
}

// TestTenSourcesOneFetch: ten processes' Sources on one Redis, 50 callers
// each on a cold cache, make one token request; and one again each time
// the token nears its expiry.
func TestTenSourcesOneFetch(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	clk := &clock{}
	f := newAPI(t, wxmptest.WithAPINow(clk.Now))
	srcs := make([]*accesstoken.Source, 10)
	for i := range srcs {
		srcs[i] = newSource(t, f, r.Store(t), accesstoken.WithNow(clk.Now))
	}
	seen := burst(t, srcs, 50)
	assert.Len(t, seen, 1, "every caller has the same token")
	assert.Equal(t, 1, f.TokenRequests(), "token requests on a cold cache")

	for round := 2; round <= 3; round++ {
		// Inside the refresh margin of the token: every Source wants
		// the next one, which stable_token now hands out.
		clk.Advance(wxmptest.APITokenLifetime - time.Minute)
		seen = burst(t, srcs, 50)
		assert.Len(t, seen, 1, "round %d: every caller has the same token", round)
		assert.Equal(t, round, f.TokenRequests(), "round %d: one token request per expiry", round)
	}
}

// TestStale40001RefreshesOnceForAll: WeChat answers 40001 to one instance
// and revokes the token; the calls of ten instances with it all fail once,
// and the lot of them make one token request between them.
func TestStale40001RefreshesOnceForAll(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	f := newAPI(t)
	clients := make([]*api.Client, 10)
	srcs := make([]*accesstoken.Source, 10)
	for i := range clients {
		srcs[i] = newSource(t, f, r.Store(t))
		c, err := api.NewClient(srcs[i], api.WithBaseURL(f.URL), api.WithHTTPClient(f.Client()))
		require.NoError(t, err)
		clients[i] = c
	}
	seen := burst(t, srcs, 5)
	require.Len(t, seen, 1)
	require.Equal(t, 1, f.TokenRequests())
	var old string
	for tok := range seen {
		old = tok
	}

	f.SetFaults(wxmptest.APIFault{Path: wxmptest.APICallbackIPPath, ErrCode: 40001, Rotate: true, Times: 1})
	// The first call meets the fault (the token is revoked); then every
	// instance, 5 calls each, at once.
	_, err := clients[0].Callback.IPs(context.Background())
	require.NoError(t, err, "retried once with a new token")
	var wg sync.WaitGroup
	for _, c := range clients {
		for range 5 {
			wg.Go(func() {
				_, err := c.Callback.IPs(context.Background())
				assert.NoError(t, err)
			})
		}
	}
	wg.Wait()
	assert.Equal(t, 2, f.TokenRequests(), "one token request for all ten instances after the 40001")
	seen = burst(t, srcs, 1)
	assert.Len(t, seen, 1, "all instances hold the new token")
	assert.NotContains(t, seen, old)
}

// TestTenTicketSourcesOneFetch: the JS-SDK ticket, like the token, is
// fetched once for ten instances on a cold cache.
func TestTenTicketSourcesOneFetch(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	f := newAPI(t)
	var wg sync.WaitGroup
	start := make(chan struct{})
	var mu sync.Mutex
	seen := map[string]bool{}
	for range 10 {
		store := r.Store(t)
		tokens := newSource(t, f, store)
		tickets, err := jssdk.New(f.AppID(), tokens, jssdk.WithStore(store), jssdk.WithBaseURL(f.URL), jssdk.WithHTTPClient(f.Client()))
		require.NoError(t, err)
		for range 50 {
			wg.Go(func() {
				<-start
				tk, err := tickets.Ticket(context.Background())
				if assert.NoError(t, err) {
					mu.Lock()
					seen[tk] = true
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	assert.Len(t, seen, 1)
	assert.Equal(t, 1, f.Calls(wxmptest.APITicketPath), "getticket requests")
	assert.Equal(t, 1, f.TokenRequests())
}

// TestSourceFetchesWhenRedisIsDown: the Sources bypass a Store whose Redis
// is gone and fetch by themselves, and those of one process still share
// their flight.
func TestSourceFetchesWhenRedisIsDown(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	var logs logBuffer
	store := redisstore.New(srv.Client(t), redisstore.WithLogger(logs.Logger()))
	f := newAPI(t)
	src := newSource(t, f, store)
	srv.Stop()
	seen := burst(t, []*accesstoken.Source{src}, 20)
	assert.Len(t, seen, 1)
	assert.Equal(t, 1, f.TokenRequests())
	assert.Contains(t, logs.String(), "redisstore: Redis failed")
	for tok := range seen {
		assert.NotContains(t, logs.String(), tok, "the token is never logged")
	}
}

func TestLock(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	a, b := r.Store(t), r.Store(t)
	ctx := context.Background()
	const key = "wxmp:accesstoken:wx1"

	unlockA, err := a.Lock(ctx, key, time.Minute)
	require.NoError(t, err)

	// B waits while A holds it, and gives up with its ctx.
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error)
	go func() {
		_, err := b.Lock(cctx, key, time.Minute)
		errc <- err
	}()
	cancel()
	assert.ErrorIs(t, recv(t, errc), context.Canceled)

	// B gets it once A lets go.
	got := make(chan func())
	go func() {
		u, err := b.Lock(ctx, key, time.Minute)
		assert.NoError(t, err)
		got <- u
	}()
	unlockA()
	unlockB := recv(t, got)
	require.NotNil(t, unlockB)
	unlockA() // a second unlock does not release B's lock
	c := r.Client(t)
	n, err := c.Exists(ctx, r.Prefix+key+":lock").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "B still holds the lock")
	unlockB()
	n, err = c.Exists(ctx, r.Prefix+key+":lock").Result()
	require.NoError(t, err)
	assert.Zero(t, n)

	// A lock whose holder died frees itself after its ttl.
	_, err = a.Lock(ctx, key, 20*time.Millisecond)
	require.NoError(t, err)
	unlockB, err = b.Lock(ctx, key, time.Minute)
	require.NoError(t, err, "taken once the first one expired")
	ttl, err := c.PTTL(ctx, r.Prefix+key+":lock").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 50*time.Second)
	unlockB()
}
