package oauth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
)

// standIn is a second host that a redirect would lead to: it records every
// request it gets and answers with a token and a profile, as an attacker's
// host would, to be trusted.
type standIn struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, URL and headers of each request
}

func newStandIn(t *testing.T) *standIn {
	s := &standIn{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, fmt.Sprintf("%s %s %v", r.Method, r.URL, r.Header))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, `{"access_token":"EVIL","expires_in":7200,"refresh_token":"EVIL","openid":"o_evil","errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestRedirectIsNeverFollowed (issue 11 item 3): api.weixin.qq.com, or
// whatever answers in its place, replies 3xx. net/http would follow it and
// send the AppSecret, the code or the token to the new host (in the
// Referer header and, for 307/308, the whole request), then trust its JSON.
// Every call must instead fail with a *StatusError and never reach it.
func TestRedirectIsNeverFollowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tok := &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o_evil"}
	calls := map[string]func(oauth.Config) error{
		"Exchange": func(c oauth.Config) error { _, err := c.Exchange(ctx, "CODE_SENSITIVE"); return err },
		"Refresh":  func(c oauth.Config) error { _, err := c.Refresh(ctx, "RT_SENSITIVE"); return err },
		"Validate": func(c oauth.Config) error { return c.Validate(ctx, tok) },
		"UserInfo": func(c oauth.Config) error { _, err := c.UserInfo(ctx, tok, ""); return err },
	}
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for name, call := range calls {
			t.Run(fmt.Sprint(name, status), func(t *testing.T) {
				t.Parallel()
				evil := newStandIn(t)
				// A client of the caller's, with redirects allowed, and the
				// default client.
				for _, client := range []*http.Client{nil, {}} {
					cfg := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
						http.Redirect(w, r, evil.URL+r.URL.Path, status)
					})
					cfg.HTTPClient = client
					err := call(cfg)
					var se *oauth.StatusError
					require.ErrorAs(t, err, &se)
					assert.Equal(t, status, se.StatusCode)
					assert.NotContains(t, err.Error(), evil.URL, "the Location is not quoted")
					assertNoSecret(t, err, "CODE_SENSITIVE", "AT_SENSITIVE", "RT_SENSITIVE")
					if client != nil {
						assert.Nil(t, client.CheckRedirect, "the caller's client is not modified")
					}
				}
				evil.mu.Lock()
				defer evil.mu.Unlock()
				assert.Empty(t, evil.seen, "the redirect was followed")
			})
		}
	}
}
