package accesstoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
)

const (
	appID  = "wx0123456789abcdef"
	secret = "0123456789abcdef0123456789abcdef"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// clock is a settable clock for WithNow.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

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

// request is what the fake saw of one request.
type request struct {
	Method, Path, Query, ContentType string
	Body                             map[string]any
}

// fake is a counting stand-in for the two token endpoints. By default it
// issues "TOKEN-1-…", "TOKEN-2-…" with expires_in 7200; answer, when set,
// replaces the answer; gate, when set, holds every request until closed.
type fake struct {
	*httptest.Server
	calls  atomic.Int32
	mu     sync.Mutex
	seen   []request
	answer func(w http.ResponseWriter, n int32)
	gate   chan struct{}
}

func newFake(t testing.TB) *fake {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func tokenFor(n int32) string {
	return fmt.Sprintf("TOKEN-%d-%s", n, strings.Repeat("x", 120))
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	n := f.calls.Add(1)
	req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type")}
	if b, _ := io.ReadAll(r.Body); len(b) > 0 {
		_ = json.Unmarshal(b, &req.Body)
	}
	f.mu.Lock()
	f.seen = append(f.seen, req)
	answer, gate := f.answer, f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	w.Header().Set("Content-Type", "text/plain")
	if answer != nil {
		answer(w, n)
		return
	}
	fmt.Fprintf(w, `{"access_token":%q,"expires_in":7200}`, tokenFor(n))
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.seen...)
}

func (f *fake) setAnswer(a func(w http.ResponseWriter, n int32)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

func newSource(t testing.TB, f *fake, opts ...accesstoken.Option) *accesstoken.Source {
	t.Helper()
	opts = append([]accesstoken.Option{accesstoken.WithBaseURL(f.URL), accesstoken.WithHTTPClient(f.Client())}, opts...)
	s, err := accesstoken.New(appID, secret, opts...)
	require.NoError(t, err)
	return s
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		appID, appSecret string
		opt              accesstoken.Option
		hidden           string // must not appear in the message
	}{
		{name: "empty AppID", appSecret: secret},
		{name: "empty AppSecret", appID: appID},
		{name: "nil client", opt: accesstoken.WithHTTPClient(nil)},
		{name: "relative URL", opt: accesstoken.WithBaseURL("api.weixin.qq.com"), hidden: "api.weixin"},
		{name: "ftp URL", opt: accesstoken.WithBaseURL("ftp://api.weixin.qq.com"), hidden: "ftp:"},
		{name: "URL with query", opt: accesstoken.WithBaseURL("https://h/?secret=" + secret), hidden: secret},
		{name: "URL with user", opt: accesstoken.WithBaseURL("https://u:" + secret + "@h/"), hidden: secret},
		{name: "URL with fragment", opt: accesstoken.WithBaseURL("https://h/#q7z"), hidden: "q7z"},
		{name: "URL that does not parse", opt: accesstoken.WithBaseURL("https://h/%zz" + secret), hidden: secret},
		{name: "nil clock", opt: accesstoken.WithNow(nil)},
		{name: "nil store", opt: accesstoken.WithStore(nil)},
		{name: "zero delta", opt: accesstoken.WithExpiryDelta(0)},
		{name: "negative delta", opt: accesstoken.WithExpiryDelta(-time.Minute)},
		{name: "delta too large", opt: accesstoken.WithExpiryDelta(accesstoken.MaxExpiryDelta + 1)},
		{name: "nil fallback func", opt: accesstoken.WithLegacyFallback(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.appID == "" && tt.appSecret == "" {
				tt.appID, tt.appSecret = appID, secret
			}
			s, err := accesstoken.New(tt.appID, tt.appSecret, tt.opt)
			require.ErrorIs(t, err, accesstoken.ErrInvalidConfig)
			assert.Nil(t, s)
			if tt.hidden != "" {
				assert.NotContains(t, err.Error(), tt.hidden)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	s, err := accesstoken.New(appID, secret, nil) // a nil Option is skipped
	require.NoError(t, err)
	assert.Equal(t, appID, s.AppID())
	assert.Equal(t, "accesstoken.Source{AppID:"+appID+", Endpoint:https://api.weixin.qq.com/cgi-bin/stable_token, Store:false}", s.String())
}

func TestStableTokenRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := &clock{now: t0}
	s := newSource(t, f, accesstoken.WithNow(c.Now))
	tok, err := s.Current(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), tok.AccessToken)
	assert.Equal(t, t0.Add(7200*time.Second), tok.Expiry)

	want := []request{{
		Method: http.MethodPost, Path: "/cgi-bin/stable_token", ContentType: "application/json; charset=utf-8",
		Body: map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": false},
	}}
	if d := cmp.Diff(want, f.requests()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

func TestLegacyTokenRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f, accesstoken.WithLegacyToken())
	got, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), got)
	want := []request{{
		Method: http.MethodGet, Path: "/cgi-bin/token",
		Query: "grant_type=client_credential&appid=" + appID + "&secret=" + secret,
	}}
	if d := cmp.Diff(want, f.requests()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	assert.Contains(t, s.String(), "/cgi-bin/token,")
}

func TestBaseURLPathIsAPrefix(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := accesstoken.New(appID, secret, accesstoken.WithBaseURL(f.URL+"/proxy/"), accesstoken.WithHTTPClient(f.Client()))
	require.NoError(t, err)
	_, err = s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/proxy/cgi-bin/stable_token", f.requests()[0].Path)
}

func TestTokenIsCached(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f)
	for range 5 {
		got, err := s.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, tokenFor(1), got)
	}
	assert.EqualValues(t, 1, f.calls.Load())
}

func TestFiftyCallersOnAColdCacheMakeOneRequest(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.gate = make(chan struct{})
			var opts []accesstoken.Option
			if legacy {
				opts = append(opts, accesstoken.WithLegacyToken())
			}
			s := newSource(t, f, opts...)
			const n = 50
			var started, done sync.WaitGroup
			got := make([]string, n)
			errs := make([]error, n)
			started.Add(n)
			for i := range n {
				done.Go(func() {
					started.Done()
					got[i], errs[i] = s.Token(context.Background())
				})
			}
			started.Wait()
			close(f.gate) // the one request answers only once every caller is on its way
			done.Wait()
			for i := range n {
				require.NoError(t, errs[i])
				assert.Equal(t, tokenFor(1), got[i])
			}
			assert.EqualValues(t, 1, f.calls.Load())
		})
	}
}

func TestRefreshAheadOfExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := &clock{now: t0}
	s := newSource(t, f, accesstoken.WithNow(c.Now), accesstoken.WithExpiryDelta(time.Minute))
	_, err := s.Token(context.Background())
	require.NoError(t, err)

	c.Add(7200*time.Second - time.Minute - time.Nanosecond)
	got, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), got, "just before the delta")

	c.Add(time.Nanosecond)
	got, err = s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(2), got, "at the delta")
	assert.EqualValues(t, 2, f.calls.Load())
	assert.Equal(t, false, f.requests()[1].Body["force_refresh"], "refresh ahead is not a force refresh")
}

func TestDefaultDeltaIsThreeMinutes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := &clock{now: t0}
	s := newSource(t, f, accesstoken.WithNow(c.Now))
	_, err := s.Token(context.Background())
	require.NoError(t, err)
	c.Add(7200*time.Second - 3*time.Minute - time.Nanosecond)
	_, _ = s.Token(context.Background())
	assert.EqualValues(t, 1, f.calls.Load())
	c.Add(time.Nanosecond)
	_, _ = s.Token(context.Background())
	assert.EqualValues(t, 2, f.calls.Load())
}

func TestFailedRefreshServesTheOldToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := &clock{now: t0}
	s := newSource(t, f, accesstoken.WithNow(c.Now))
	_, err := s.Token(context.Background())
	require.NoError(t, err)

	f.setAnswer(func(w http.ResponseWriter, _ int32) { fmt.Fprint(w, `{"errcode":-1,"errmsg":"system error"}`) })
	c.Add(7200*time.Second - time.Minute) // inside the delta, not expired
	got, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), got)
	assert.EqualValues(t, 2, f.calls.Load(), "the refresh was tried")

	c.Add(time.Minute) // expired: the error comes through
	_, err = s.Token(context.Background())
	require.ErrorIs(t, err, accesstoken.ErrSystemBusy)
}

func TestForceRefresh(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f)
	ctx := context.Background()
	_, err := s.Token(ctx)
	require.NoError(t, err)

	tok, err := s.ForceRefresh(ctx)
	require.NoError(t, err)
	assert.Equal(t, tokenFor(2), tok.AccessToken)
	reqs := f.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, true, reqs[1].Body["force_refresh"])
	assert.Equal(t, false, reqs[0].Body["force_refresh"])

	got, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tokenFor(2), got, "the forced token is cached")
	assert.EqualValues(t, 2, f.calls.Load())
}

func TestForceRefreshLegacy(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f, accesstoken.WithLegacyToken())
	tok, err := s.ForceRefresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), tok.AccessToken)
	assert.Equal(t, "/cgi-bin/token", f.requests()[0].Path)
}

func TestForceRefreshFailureKeepsTheToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f)
	ctx := context.Background()
	_, err := s.Token(ctx)
	require.NoError(t, err)
	f.setAnswer(func(w http.ResponseWriter, _ int32) {
		fmt.Fprint(w, `{"errcode":45009,"errmsg":"reach max api daily quota limit"}`)
	})
	_, err = s.ForceRefresh(ctx)
	require.ErrorIs(t, err, accesstoken.ErrQuotaExceeded)
	got, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tokenFor(1), got)
}

func TestInvalidateIsCompareAndSwap(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newSource(t, f)
	ctx := context.Background()
	first, err := s.Token(ctx)
	require.NoError(t, err)

	require.NoError(t, s.Invalidate(ctx, "some older token"))
	got, _ := s.Token(ctx)
	assert.Equal(t, first, got, "a token that is not the cached one changes nothing")
	assert.EqualValues(t, 1, f.calls.Load())

	require.NoError(t, s.Invalidate(ctx, first))
	got, _ = s.Token(ctx)
	assert.Equal(t, tokenFor(2), got)
	require.NoError(t, s.Invalidate(ctx, first), "a late report of the same failure")
	got, _ = s.Token(ctx)
	assert.Equal(t, tokenFor(2), got)
	assert.EqualValues(t, 2, f.calls.Load())
	assert.Equal(t, false, f.requests()[1].Body["force_refresh"], "Invalidate never forces")
}

func TestWeChatErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     int
		sentinel error
		hint     []string
	}{
		{40164, accesstoken.ErrIPNotWhitelisted, []string{"IP whitelist", "IP白名单", "基本配置"}},
		{61004, accesstoken.ErrIPNotWhitelisted, []string{"IP whitelist", "IP白名单", "基本配置"}},
		{89503, accesstoken.ErrRiskyIP, []string{"administrator"}},
		{89501, accesstoken.ErrRiskyIP, []string{"administrator"}},
		{89506, accesstoken.ErrRiskyIP, []string{"24 hours"}},
		{89507, accesstoken.ErrRiskyIP, []string{"an hour"}},
		{45009, accesstoken.ErrQuotaExceeded, []string{"quota"}},
		{40243, accesstoken.ErrSecretFrozen, []string{"frozen"}},
		{40013, accesstoken.ErrInvalidAppID, []string{"AppID"}},
		{40001, accesstoken.ErrInvalidSecret, []string{"AppSecret"}},
		{40125, accesstoken.ErrInvalidSecret, []string{"AppSecret"}},
		{-1, accesstoken.ErrSystemBusy, []string{"busy"}},
		{40002, nil, nil},
	}
	sentinels := []error{
		accesstoken.ErrIPNotWhitelisted, accesstoken.ErrRiskyIP, accesstoken.ErrQuotaExceeded,
		accesstoken.ErrSecretFrozen, accesstoken.ErrInvalidAppID, accesstoken.ErrInvalidSecret, accesstoken.ErrSystemBusy,
	}
	for _, legacy := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d/legacy=%v", tt.code, legacy), func(t *testing.T) {
				t.Parallel()
				f := newFake(t)
				f.answer = func(w http.ResponseWriter, _ int32) {
					fmt.Fprintf(w, `{"errcode":%d,"errmsg":"some text rid: 6576f7a2-1f6e5b3c-2a1b3c4d"}`, tt.code)
				}
				var opts []accesstoken.Option
				if legacy {
					opts = append(opts, accesstoken.WithLegacyToken())
				}
				s := newSource(t, f, opts...)
				_, err := s.Token(context.Background())
				require.Error(t, err)
				var e *accesstoken.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.code, e.Code)
				assert.Equal(t, "some text rid: 6576f7a2-1f6e5b3c-2a1b3c4d", e.Msg)
				for _, s := range sentinels {
					assert.Equal(t, s == tt.sentinel, errors.Is(err, s), "errors.Is(%v)", s)
				}
				for _, h := range tt.hint {
					assert.Contains(t, err.Error(), h)
				}
				if tt.hint == nil {
					assert.Empty(t, e.Hint())
				}
				assert.Contains(t, err.Error(), fmt.Sprintf("errcode %d", tt.code))
				assert.EqualValues(t, 1, f.calls.Load(), "no retry inside the Source")
			})
		}
	}
}

func TestSecretNeverInErrors(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			t.Parallel()
			var opts []accesstoken.Option
			if legacy {
				opts = append(opts, accesstoken.WithLegacyToken())
			}
			// A server that echoes the secret in errmsg.
			f := newFake(t)
			f.answer = func(w http.ResponseWriter, _ int32) {
				fmt.Fprintf(w, `{"errcode":40125,"errmsg":"invalid appsecret %s"}`, secret)
			}
			s := newSource(t, f, opts...)
			_, err := s.Token(context.Background())
			require.ErrorIs(t, err, accesstoken.ErrInvalidSecret)
			assert.NotContains(t, err.Error(), secret)
			var e *accesstoken.Error
			require.ErrorAs(t, err, &e)
			assert.NotContains(t, e.Msg, secret)

			// A transport error, whose *url.Error holds the request URL.
			dead := httptest.NewServer(http.NotFoundHandler())
			dead.Close()
			s, err = accesstoken.New(appID, secret, append(opts, accesstoken.WithBaseURL(dead.URL))...)
			require.NoError(t, err)
			_, err = s.Token(context.Background())
			require.Error(t, err)
			assert.NotContains(t, err.Error(), secret)
			assert.Contains(t, err.Error(), "accesstoken: ")
		})
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.answer = func(w http.ResponseWriter, _ int32) { http.Error(w, "bad gateway", http.StatusBadGateway) }
	s := newSource(t, f)
	_, err := s.Token(context.Background())
	var se *accesstoken.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusBadGateway, se.StatusCode)
}

func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, `{"access_token":"stolen","expires_in":7200}`)
	}))
	t.Cleanup(other.Close)
	for _, legacy := range []bool{false, true} {
		f := newFake(t)
		f.answer = func(w http.ResponseWriter, _ int32) {
			w.Header().Set("Location", other.URL+"/cgi-bin/token?leak="+secret)
			w.WriteHeader(http.StatusFound)
		}
		opts := []accesstoken.Option{accesstoken.WithHTTPClient(http.DefaultClient)} // one that would follow
		if legacy {
			opts = append(opts, accesstoken.WithLegacyToken())
		}
		s := newSource(t, f, opts...)
		_, err := s.Token(context.Background())
		var se *accesstoken.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, http.StatusFound, se.StatusCode)
		assert.NotContains(t, err.Error(), other.URL)
		assert.NotContains(t, err.Error(), secret)
	}
	assert.Zero(t, elsewhere.Load())
}

func TestInvalidResponses(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not JSON":          `<html>hello</html>`,
		"array":             `[]`,
		"no access_token":   `{"expires_in":7200}`,
		"empty token":       `{"access_token":"","expires_in":7200}`,
		"no expires_in":     `{"access_token":"T"}`,
		"zero expires_in":   `{"access_token":"T","expires_in":0}`,
		"negative":          `{"access_token":"T","expires_in":-5}`,
		"huge expires_in":   `{"access_token":"T","expires_in":99999999999999}`,
		"expires_in a word": `{"access_token":"T","expires_in":"soon"}`,
		"token a number":    `{"access_token":5,"expires_in":7200}`,
		"too large":         `{"access_token":"T","expires_in":7200,"pad":"` + strings.Repeat("x", accesstoken.MaxResponseSize) + `"}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.answer = func(w http.ResponseWriter, _ int32) { fmt.Fprint(w, body) }
			s := newSource(t, f)
			_, err := s.Token(context.Background())
			require.ErrorIs(t, err, accesstoken.ErrInvalidResponse)
		})
	}
}

func TestExpiresInAsString(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.answer = func(w http.ResponseWriter, _ int32) { fmt.Fprint(w, `{"access_token":"T","expires_in":"7200"}`) }
	c := &clock{now: t0}
	s := newSource(t, f, accesstoken.WithNow(c.Now))
	tok, err := s.Current(context.Background())
	require.NoError(t, err)
	assert.Equal(t, t0.Add(2*time.Hour), tok.Expiry)
}

func TestContextEndsTheWait(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.gate = make(chan struct{})
	s := newSource(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := s.Token(ctx)
		errc <- err
	}()
	for f.calls.Load() == 0 { // the request has arrived
		runtime.Gosched()
	}
	cancel()
	err := <-errc
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "accesstoken: ")
	close(f.gate)
}

// mapStore is a Store in a map, shared by Sources in one test.
type mapStore struct {
	mu sync.Mutex
	m  map[string]accesstoken.Token
}

func (s *mapStore) Load(_ context.Context, key string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.m[key]
	return t.AccessToken, t.Expiry, nil
}

func (s *mapStore) CompareAndSwap(_ context.Context, key, old, value string, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key].AccessToken != old {
		return false, nil
	}
	if value == "" {
		delete(s.m, key)
	} else {
		s.m[key] = accesstoken.Token{AccessToken: value, Expiry: expiry}
	}
	return true, nil
}

func TestSourcesShareATokenThroughAStore(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	store := &mapStore{m: map[string]accesstoken.Token{}}
	a := newSource(t, f, accesstoken.WithStore(store))
	b := newSource(t, f, accesstoken.WithStore(store))
	ctx := context.Background()

	ta, err := a.Token(ctx)
	require.NoError(t, err)
	tb, err := b.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, ta, tb)
	assert.EqualValues(t, 1, f.calls.Load())
	assert.Equal(t, ta, store.m["wxmp:accesstoken:"+appID].AccessToken)
	assert.Contains(t, a.String(), "Store:true")

	// Both see 40001 with it; the first report replaces it, the second
	// changes nothing, and both end up with the same new token.
	require.NoError(t, a.Invalidate(ctx, ta))
	require.NoError(t, b.Invalidate(ctx, ta))
	na, err := a.Token(ctx)
	require.NoError(t, err)
	nb, err := b.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tokenFor(2), na)
	assert.Equal(t, na, nb)
	assert.EqualValues(t, 2, f.calls.Load())

	// A forced refresh by one is seen by the other once its token fails.
	forced, err := a.ForceRefresh(ctx)
	require.NoError(t, err)
	require.NoError(t, b.Invalidate(ctx, nb))
	nb, err = b.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, forced.AccessToken, nb)
	assert.EqualValues(t, 3, f.calls.Load())
}

// lockingStore is a mapStore that is also a Locker and records its use.
type lockingStore struct {
	mapStore
	lmu      sync.Mutex
	keys     []string
	ttls     []time.Duration
	unlocked int
}

func (s *lockingStore) Lock(_ context.Context, key string, ttl time.Duration) (func(), error) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	s.keys = append(s.keys, key)
	s.ttls = append(s.ttls, ttl)
	return func() {
		s.lmu.Lock()
		s.unlocked++
		s.lmu.Unlock()
	}, nil
}

var _ accesstoken.Locker = (*lockingStore)(nil)

// TestSourceLocksAStoreThatLocks: a Source about to fetch takes the
// Store's lock on the token's key, for 15 s, and releases it; a Source that
// finds the token saved takes no lock.
func TestSourceLocksAStoreThatLocks(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	store := &lockingStore{mapStore: mapStore{m: map[string]accesstoken.Token{}}}
	a := newSource(t, f, accesstoken.WithStore(store))
	b := newSource(t, f, accesstoken.WithStore(store))
	ctx := context.Background()
	ta, err := a.Token(ctx)
	require.NoError(t, err)
	tb, err := b.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, ta, tb)
	assert.EqualValues(t, 1, f.calls.Load())
	assert.Equal(t, []string{"wxmp:accesstoken:" + appID}, store.keys)
	assert.Equal(t, []time.Duration{15 * time.Second}, store.ttls)
	assert.Equal(t, 1, store.unlocked)
}
