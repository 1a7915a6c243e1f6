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
