package accesstoken_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
)

// standIn answers cgi-bin/stable_token with the func stable and
// cgi-bin/token with a token, counting the requests to each.
type standIn struct {
	*httptest.Server
	stable, legacy atomic.Int32
}

func newStandIn(t *testing.T, stable func(w http.ResponseWriter)) *standIn {
	t.Helper()
	s := &standIn{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/cgi-bin/stable_token":
			s.stable.Add(1)
			stable(w)
		case "/cgi-bin/token":
			n := s.legacy.Add(1)
			assert.Equal(t, http.MethodGet, r.Method)
			fmt.Fprintf(w, `{"access_token":"LEGACY-%d","expires_in":7200}`, n)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// switches records the calls of WithLegacyFallback's func.
type switches struct {
	mu       sync.Mutex
	statuses []int
}

func (s *switches) record(status int) {
	s.mu.Lock()
	s.statuses = append(s.statuses, status)
	s.mu.Unlock()
}

func (s *switches) get() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.statuses...)
}

func newFallbackSource(t *testing.T, srv *standIn, sw *switches, opts ...accesstoken.Option) *accesstoken.Source {
	t.Helper()
	opts = append([]accesstoken.Option{
		accesstoken.WithBaseURL(srv.URL), accesstoken.WithHTTPClient(srv.Client()),
		accesstoken.WithLegacyFallback(sw.record),
	}, opts...)
	src, err := accesstoken.New(appID, secret, opts...)
	require.NoError(t, err)
	return src
}

// TestLegacyFallbackOn404And405: the fetch that gets a 404 or 405 from
// stable_token asks cgi-bin/token at once, the func is called once, and
// later fetches go to cgi-bin/token only.
func TestLegacyFallbackOn404And405(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newStandIn(t, func(w http.ResponseWriter) { http.Error(w, "no", status) })
			var sw switches
			src := newFallbackSource(t, srv, &sw)
			ctx := context.Background()

			tok, err := src.Token(ctx)
			require.NoError(t, err)
			assert.Equal(t, "LEGACY-1", tok)
			assert.Equal(t, []int{status}, sw.get())
			assert.Contains(t, src.String(), "/cgi-bin/token,")

			// A refused token is fetched again, from cgi-bin/token directly.
			require.NoError(t, src.Invalidate(ctx, tok))
			tok, err = src.Token(ctx)
			require.NoError(t, err)
			assert.Equal(t, "LEGACY-2", tok)
			// After the switch, ForceRefresh asks cgi-bin/token too.
			ft, err := src.ForceRefresh(ctx)
			require.NoError(t, err)
			assert.Equal(t, "LEGACY-3", ft.AccessToken)

			assert.Equal(t, int32(1), srv.stable.Load(), "stable_token asked once")
			assert.Equal(t, int32(3), srv.legacy.Load())
			assert.Equal(t, []int{status}, sw.get(), "the switch is reported once")
		})
	}
}

// TestLegacyFallbackOnlyOnce: callers on a cold cache share one fetch, so
// one request to each endpoint and one call of the func.
func TestLegacyFallbackOnlyOnce(t *testing.T) {
	t.Parallel()
	srv := newStandIn(t, func(w http.ResponseWriter) { http.NotFound(w, nil) })
	var sw switches
	src := newFallbackSource(t, srv, &sw)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			tok, err := src.Token(context.Background())
			assert.NoError(t, err)
			assert.Equal(t, "LEGACY-1", tok)
		})
	}
	wg.Wait()
	assert.Equal(t, []int{http.StatusNotFound}, sw.get())
	assert.Equal(t, int32(1), srv.stable.Load())
	assert.Equal(t, int32(1), srv.legacy.Load())
}

// TestLegacyFallbackNotOnOtherErrors: an errcode such as 40164, or a
// status other than 404 and 405, is returned as it is, and the Source
// stays on stable_token.
func TestLegacyFallbackNotOnOtherErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		{"40164", func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"errcode":40164,"errmsg":"invalid ip 203.0.113.7, not in whitelist"}`)
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, accesstoken.ErrIPNotWhitelisted)
		}},
		{"500", func(w http.ResponseWriter) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, func(t *testing.T, err error) {
			var se *accesstoken.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusInternalServerError, se.StatusCode)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStandIn(t, tt.answer)
			var sw switches
			src := newFallbackSource(t, srv, &sw)
			for range 2 {
				_, err := src.Token(context.Background())
				tt.check(t, err)
			}
			assert.Empty(t, sw.get())
			assert.Equal(t, int32(2), srv.stable.Load())
			assert.Zero(t, srv.legacy.Load())
			assert.Contains(t, src.String(), "/cgi-bin/stable_token,")
		})
	}
}

// TestLegacyFallbackNotOnForceRefresh: ForceRefresh before the switch
// returns stable_token's 404 and does not switch.
func TestLegacyFallbackNotOnForceRefresh(t *testing.T) {
	t.Parallel()
	srv := newStandIn(t, func(w http.ResponseWriter) { http.NotFound(w, nil) })
	var sw switches
	src := newFallbackSource(t, srv, &sw)
	_, err := src.ForceRefresh(context.Background())
	var se *accesstoken.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusNotFound, se.StatusCode)
	assert.Empty(t, sw.get())
	assert.Zero(t, srv.legacy.Load())

	tok, err := src.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "LEGACY-1", tok)
	assert.Equal(t, []int{http.StatusNotFound}, sw.get())
}
