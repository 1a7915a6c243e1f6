package jssdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/jssdk"
)

// An *accesstoken.Source is a TokenSource, and an accesstoken.Store a
// jssdk.Store.
var (
	_ jssdk.TokenSource = (*accesstoken.Source)(nil)
	_ jssdk.Store       = accesstoken.Store(nil)
	_ accesstoken.Store = jssdk.Store(nil)
)

const appID = "wx0123456789abcdef"

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// tokens is a TokenSource that hands out "AT1", "AT2", … and counts.
type tokens struct {
	mu          sync.Mutex
	n           int
	fetches     int
	invalidated []string
	err         error
}

func (ts *tokens) Token(context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.err != nil {
		return "", ts.err
	}
	if ts.n == 0 {
		ts.n++
		ts.fetches++
	}
	return fmt.Sprintf("AT%d", ts.n), nil
}

func (ts *tokens) Invalidate(_ context.Context, failed string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.invalidated = append(ts.invalidated, failed)
	if failed == fmt.Sprintf("AT%d", ts.n) {
		ts.n++
		ts.fetches++
	}
	return nil
}

// ticketServer is a stand-in for getticket: it answers "TICKET-n" for
// the n-th call, unless answer says otherwise, and records the queries.
type ticketServer struct {
	*httptest.Server
	calls   atomic.Int32
	mu      sync.Mutex
	queries []string
	answer  func(w http.ResponseWriter, r *http.Request, n int32)
	gate    chan struct{}
}

func newTicketServer(t testing.TB) *ticketServer {
	t.Helper()
	s := &ticketServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.calls.Add(1)
		s.mu.Lock()
		s.queries = append(s.queries, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		answer := s.answer
		s.mu.Unlock()
		if s.gate != nil {
			<-s.gate
		}
		if answer != nil {
			answer(w, r, n)
			return
		}
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","ticket":"TICKET-%d","expires_in":7200}`, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func newSource(t testing.TB, srv *ticketServer, ts jssdk.TokenSource, opts ...jssdk.Option) *jssdk.Source {
	t.Helper()
	opts = append([]jssdk.Option{jssdk.WithBaseURL(srv.URL), jssdk.WithHTTPClient(srv.Client())}, opts...)
	s, err := jssdk.New(appID, ts, opts...)
	require.NoError(t, err)
	return s
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	var ts tokens
	tests := []struct {
		name   string
		appID  string
		tokens jssdk.TokenSource
		opt    jssdk.Option
	}{
		{name: "empty AppID", tokens: &ts},
		{name: "nil TokenSource", appID: appID},
		{name: "nil client", opt: jssdk.WithHTTPClient(nil)},
		{name: "relative base", opt: jssdk.WithBaseURL("/cgi-bin")},
		{name: "base with query", opt: jssdk.WithBaseURL("https://h/?a=b")},
		{name: "base that does not parse", opt: jssdk.WithBaseURL("https://h/%zz")},
		{name: "nil clock", opt: jssdk.WithNow(nil)},
		{name: "nil store", opt: jssdk.WithStore(nil)},
		{name: "nil random", opt: jssdk.WithRandom(nil)},
		{name: "zero delta", opt: jssdk.WithExpiryDelta(0)},
		{name: "delta too large", opt: jssdk.WithExpiryDelta(jssdk.MaxExpiryDelta + time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.appID == "" && tt.tokens == nil {
				tt.appID, tt.tokens = appID, &ts
			}
			s, err := jssdk.New(tt.appID, tt.tokens, tt.opt)
			require.ErrorIs(t, err, jssdk.ErrInvalidConfig)
			assert.Nil(t, s)
		})
	}
	s, err := jssdk.New(appID, &ts, nil)
	require.NoError(t, err, "a nil Option is skipped")
	assert.Equal(t, appID, s.AppID())
}

func TestTicketRequestAndCache(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	s := newSource(t, srv, &ts)
	for range 3 {
		got, err := s.Ticket(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "TICKET-1", got)
	}
	assert.Equal(t, []string{"GET /cgi-bin/ticket/getticket?access_token=AT1&type=jsapi"}, srv.queries)
}

func TestFiftyCallersOneTicketRequest(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	srv.gate = make(chan struct{})
	var ts tokens
	s := newSource(t, srv, &ts)
	const n = 50
	var started, done sync.WaitGroup
	started.Add(n)
	got := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		done.Go(func() {
			started.Done()
			got[i], errs[i] = s.Ticket(context.Background())
		})
	}
	started.Wait()
	close(srv.gate)
	done.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, "TICKET-1", got[i])
	}
	assert.EqualValues(t, 1, srv.calls.Load())
}

func TestRefusedTokenIsInvalidatedAndRetriedOnce(t *testing.T) {
	t.Parallel()
	for _, code := range []int{40001, 40014, 42001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv := newTicketServer(t)
			srv.answer = func(w http.ResponseWriter, r *http.Request, n int32) {
				if r.URL.Query().Get("access_token") == "AT1" {
					fmt.Fprintf(w, `{"errcode":%d,"errmsg":"invalid credential, access_token is invalid or not latest"}`, code)
					return
				}
				fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","ticket":"TICKET-%d","expires_in":7200}`, n)
			}
			var ts tokens
			s := newSource(t, srv, &ts)
			got, err := s.Ticket(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "TICKET-2", got)
			assert.Equal(t, []string{"AT1"}, ts.invalidated)
			assert.Equal(t, 2, ts.fetches)
			assert.EqualValues(t, 2, srv.calls.Load())
		})
	}
}

func TestTokenRefusedTwiceIsAnError(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	srv.answer = func(w http.ResponseWriter, _ *http.Request, _ int32) {
		fmt.Fprint(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
	}
	var ts tokens
	s := newSource(t, srv, &ts)
	_, err := s.Ticket(context.Background())
	require.ErrorIs(t, err, jssdk.ErrTokenRejected)
	var e *jssdk.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 40001, e.Code)
	assert.EqualValues(t, 2, srv.calls.Load(), "one retry, no loop")
	assert.Equal(t, []string{"AT1"}, ts.invalidated)
}

// sameToken is a TokenSource whose Invalidate cannot replace the token
// (its Store is down).
type sameToken struct{}

func (sameToken) Token(context.Context) (string, error)    { return "AT", nil }
func (sameToken) Invalidate(context.Context, string) error { return errors.New("store down") }

func TestNoRetryWithTheSameToken(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	srv.answer = func(w http.ResponseWriter, _ *http.Request, _ int32) {
		fmt.Fprint(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
	}
	s := newSource(t, srv, sameToken{})
	_, err := s.Ticket(context.Background())
	require.ErrorIs(t, err, jssdk.ErrTokenRejected)
	assert.EqualValues(t, 1, srv.calls.Load())
}

func TestErrorsThatAreNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     int
		sentinel error
		hint     string
	}{
		{40164, jssdk.ErrIPNotWhitelisted, "IP白名单"},
		{61004, jssdk.ErrIPNotWhitelisted, "IP whitelist"},
		{45009, jssdk.ErrQuotaExceeded, "quota"},
		{-1, jssdk.ErrSystemBusy, "busy"},
		{89503, nil, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			srv := newTicketServer(t)
			srv.answer = func(w http.ResponseWriter, _ *http.Request, _ int32) {
				fmt.Fprintf(w, `{"errcode":%d,"errmsg":"text rid: 1-2-3"}`, tt.code)
			}
			var ts tokens
			s := newSource(t, srv, &ts)
			_, err := s.Ticket(context.Background())
			var e *jssdk.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.code, e.Code)
			if tt.sentinel != nil {
				require.ErrorIs(t, err, tt.sentinel)
				assert.Contains(t, err.Error(), tt.hint)
			}
			assert.NotErrorIs(t, err, jssdk.ErrTokenRejected)
			assert.EqualValues(t, 1, srv.calls.Load())
			assert.Empty(t, ts.invalidated)
		})
	}
}

func TestTokenSourceErrorIsWrapped(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	ts := &tokens{err: &accesstoken.Error{Code: 40164, Msg: "invalid ip"}}
	s := newSource(t, srv, ts)
	_, err := s.Ticket(context.Background())
	require.ErrorIs(t, err, accesstoken.ErrIPNotWhitelisted)
	assert.Contains(t, err.Error(), "jssdk: access token: ")
	assert.Zero(t, srv.calls.Load())
}

func TestAccessTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	const tok = "SECRET_ACCESS_TOKEN_0123456789"
	ts := tokensOf(tok)
	// Echoed in errmsg.
	srv := newTicketServer(t)
	srv.answer = func(w http.ResponseWriter, r *http.Request, _ int32) {
		fmt.Fprintf(w, `{"errcode":40097,"errmsg":"invalid args %s"}`, r.URL.RawQuery)
	}
	s := newSource(t, srv, ts)
	_, err := s.Ticket(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), tok)

	// In the URL of a transport error.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	s, err = jssdk.New(appID, ts, jssdk.WithBaseURL(dead.URL))
	require.NoError(t, err)
	_, err = s.Ticket(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), tok)
	assert.Contains(t, err.Error(), "jssdk: ")
}

// tokensOf is a TokenSource that always hands out tok.
type tokensOf string

func (t tokensOf) Token(context.Context) (string, error)    { return string(t), nil }
func (t tokensOf) Invalidate(context.Context, string) error { return nil }

func TestStatusAndRedirect(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	for _, status := range []int{http.StatusFound, http.StatusBadGateway} {
		srv := newTicketServer(t)
		srv.answer = func(w http.ResponseWriter, _ *http.Request, _ int32) {
			w.Header().Set("Location", other.URL)
			w.WriteHeader(status)
		}
		var ts tokens
		s := newSource(t, srv, &ts, jssdk.WithHTTPClient(http.DefaultClient))
		_, err := s.Ticket(context.Background())
		var se *jssdk.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, status, se.StatusCode)
		assert.NotContains(t, err.Error(), other.URL)
	}
	assert.Zero(t, elsewhere.Load())
}

func TestInvalidTicketResponses(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not JSON":      `<html>`,
		"no ticket":     `{"errcode":0,"errmsg":"ok","expires_in":7200}`,
		"no expires_in": `{"errcode":0,"errmsg":"ok","ticket":"T"}`,
		"zero":          `{"ticket":"T","expires_in":0}`,
		"too large":     `{"ticket":"T","expires_in":7200,"x":"` + strings.Repeat("a", jssdk.MaxResponseSize) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTicketServer(t)
			srv.answer = func(w http.ResponseWriter, _ *http.Request, _ int32) { fmt.Fprint(w, body) }
			var ts tokens
			_, err := newSource(t, srv, &ts).Ticket(context.Background())
			require.ErrorIs(t, err, jssdk.ErrInvalidResponse)
		})
	}
}

func TestTicketRefreshAheadAndInvalidate(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	now := t0
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSource(t, srv, &ts, jssdk.WithNow(clock))
	ctx := context.Background()
	first, _ := s.Ticket(ctx)
	advance(2*time.Hour - jssdk.DefaultExpiryDelta)
	second, err := s.Ticket(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, first, second)

	require.NoError(t, s.Invalidate(ctx, first), "an old ticket changes nothing")
	got, _ := s.Ticket(ctx)
	assert.Equal(t, second, got)
	require.NoError(t, s.Invalidate(ctx, second))
	got, _ = s.Ticket(ctx)
	assert.Equal(t, "TICKET-3", got)
	assert.EqualValues(t, 3, srv.calls.Load())
}

func TestConfig(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	// 0xff and 0xf8 are drawn again; 0 → 'A', 61 → '9', 62 → 'A', 247 → '9'.
	random := append([]byte{0xff, 0xf8, 0, 61, 62, 247}, bytes.Repeat([]byte{1}, 64)...)
	s := newSource(t, srv, &ts,
		jssdk.WithRandom(bytes.NewReader(random)),
		jssdk.WithNow(func() time.Time { return time.Unix(docTimestamp, 0) }))
	const page = "https://example.com/article?id=7&from=timeline#comments"
	cfg, err := s.Config(context.Background(), page)
	require.NoError(t, err)
	want := jssdk.Config{
		AppID:     appID,
		Timestamp: docTimestamp,
		NonceStr:  "A9A9BBBBBBBBBBBB",
		Signature: jssdk.Sign("TICKET-1", "A9A9BBBBBBBBBBBB", docTimestamp, "https://example.com/article?id=7&from=timeline"),
	}
	assert.Equal(t, want, cfg)
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, fmt.Sprintf(`{"appId":%q,"timestamp":%d,"nonceStr":"A9A9BBBBBBBBBBBB","signature":%q}`,
		appID, docTimestamp, want.Signature), string(b))
}

func TestConfigDrawsAFreshNonceEachTime(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	s := newSource(t, srv, &ts)
	seen := map[string]bool{}
	for range 100 {
		cfg, err := s.Config(context.Background(), "https://example.com/")
		require.NoError(t, err)
		require.Len(t, cfg.NonceStr, jssdk.NonceLength)
		for _, c := range cfg.NonceStr {
			require.True(t, c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9', "nonce %q", cfg.NonceStr)
		}
		assert.False(t, seen[cfg.NonceStr])
		seen[cfg.NonceStr] = true
	}
	assert.EqualValues(t, 1, srv.calls.Load())
}

func TestConfigRejectsAPageURLThatIsNotAbsolute(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	s := newSource(t, srv, &ts)
	for _, u := range []string{"", "/article?id=7", "example.com/article", "ftp://example.com/", "https://%zz/", "//example.com/x"} {
		_, err := s.Config(context.Background(), u)
		require.ErrorIs(t, err, jssdk.ErrInvalidURL, "%q", u)
	}
	assert.Zero(t, srv.calls.Load(), "checked before any request")
}

func TestConfigRandomFailure(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	var ts tokens
	s := newSource(t, srv, &ts, jssdk.WithRandom(bytes.NewReader(nil)))
	_, err := s.Config(context.Background(), "https://example.com/")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jssdk: random")
}

// mapStore is a Store in a map.
type mapStore struct {
	mu sync.Mutex
	m  map[string]string
	e  map[string]time.Time
}

func (s *mapStore) Load(_ context.Context, key string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key], s.e[key], nil
}

func (s *mapStore) CompareAndSwap(_ context.Context, key, old, value string, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key] != old {
		return false, nil
	}
	s.m[key], s.e[key] = value, expiry
	return true, nil
}

func TestSourcesShareATicketThroughAStore(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	store := &mapStore{m: map[string]string{}, e: map[string]time.Time{}}
	var ts tokens
	a := newSource(t, srv, &ts, jssdk.WithStore(store))
	b := newSource(t, srv, &ts, jssdk.WithStore(store))
	ta, err := a.Ticket(context.Background())
	require.NoError(t, err)
	tb, err := b.Ticket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, ta, tb)
	assert.EqualValues(t, 1, srv.calls.Load())
	assert.Equal(t, ta, store.m["wxmp:jsapi_ticket:"+appID])
}

func TestPrintingNeverShowsTheTicket(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	ts := tokensOf("SECRET_ACCESS_TOKEN_0123456789")
	opts := []jssdk.Option{jssdk.WithBaseURL(srv.URL), jssdk.WithNow(time.Now)}
	s, err := jssdk.New(appID, ts, opts...)
	require.NoError(t, err)
	ticket, err := s.Ticket(context.Background())
	require.NoError(t, err)
	type holder struct {
		S *jssdk.Source
		s *jssdk.Source
		v jssdk.Source
	}
	for name, v := range map[string]any{"*Source": s, "Source": *s, "holder": holder{s, s, *s}, "options": opts} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, ticket) || strings.Contains(out, string(ts)) {
				t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
			}
		}
	}
	assert.Equal(t, "jssdk.Source{AppID:"+appID+", Endpoint:"+srv.URL+"/cgi-bin/ticket/getticket, Store:false}", s.String())
}

func BenchmarkTicketWarm(b *testing.B) {
	srv := newTicketServer(b)
	s := newSource(b, srv, tokensOf("AT"))
	ctx := context.Background()
	if _, err := s.Ticket(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Ticket(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// lockingStore is a mapStore that is also an accesstoken.Locker and
// records its use.
type lockingStore struct {
	mapStore
	lmu      sync.Mutex
	keys     []string
	unlocked int
}

func (s *lockingStore) Lock(_ context.Context, key string, _ time.Duration) (func(), error) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	s.keys = append(s.keys, key)
	return func() {
		s.lmu.Lock()
		s.unlocked++
		s.lmu.Unlock()
	}, nil
}

var _ accesstoken.Locker = (*lockingStore)(nil)

// TestSourceLocksAStoreThatLocks: a Source about to fetch the ticket takes
// the Store's lock on the ticket's key and releases it.
func TestSourceLocksAStoreThatLocks(t *testing.T) {
	t.Parallel()
	srv := newTicketServer(t)
	store := &lockingStore{mapStore: mapStore{m: map[string]string{}, e: map[string]time.Time{}}}
	var ts tokens
	a := newSource(t, srv, &ts, jssdk.WithStore(store))
	b := newSource(t, srv, &ts, jssdk.WithStore(store))
	ta, err := a.Ticket(context.Background())
	require.NoError(t, err)
	tb, err := b.Ticket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, ta, tb)
	assert.Len(t, store.keys, 1)
	assert.True(t, strings.HasPrefix(store.keys[0], "wxmp:jsapi_ticket:"), store.keys[0])
	assert.Equal(t, 1, store.unlocked)
}
