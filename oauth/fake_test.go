package oauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/oauth"
)

const (
	testAppID  = "wx1234567890abcdef"
	testSecret = "S3cr3tAppSecret0123456789abcdef0"
)

// fakeWeChat behaves like api.weixin.qq.com's /sns/ endpoints: every answer
// is HTTP 200 with Content-Type text/plain, errors included.
type fakeWeChat struct {
	mu       sync.Mutex
	codes    map[string]fakeGrant // unused codes
	used     map[string]bool      // codes already exchanged
	tokens   map[string]string    // access token → openid
	expired  map[string]bool      // access tokens that have expired
	refresh  map[string]string    // refresh token → openid
	profiles map[string]string    // openid → raw userinfo JSON
	next     int
}

type fakeGrant struct {
	openID   string
	snapshot bool
}

func newFakeWeChat(t *testing.T) (*fakeWeChat, oauth.Config) {
	t.Helper()
	f := &fakeWeChat{
		codes:    map[string]fakeGrant{},
		used:     map[string]bool{},
		tokens:   map[string]string{},
		expired:  map[string]bool{"AT_EXPIRED": true},
		refresh:  map[string]string{},
		profiles: map[string]string{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, oauth.Config{
		AppID:       testAppID,
		AppSecret:   testSecret,
		RedirectURL: "https://example.com/callback",
		Scope:       oauth.ScopeUserInfo,
		Endpoint:    oauth.Endpoint{AuthURL: srv.URL, APIURL: srv.URL},
	}
}

// addCode registers a fresh code for openID.
func (f *fakeWeChat) addCode(code, openID string, snapshot bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes[code] = fakeGrant{openID: openID, snapshot: snapshot}
}

func (f *fakeWeChat) setProfile(openID, raw string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profiles[openID] = raw
}

func writeText(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/plain")
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeText(w, map[string]any{"errcode": code, "errmsg": msg})
}

func (f *fakeWeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	switch r.URL.Path {
	case "/sns/oauth2/access_token":
		switch {
		case q.Get("appid") != testAppID:
			writeErr(w, 40013, "invalid appid")
		case q.Get("secret") != testSecret:
			writeErr(w, 40001, "invalid credential, access_token is invalid or not latest")
		case q.Get("grant_type") != "authorization_code":
			writeErr(w, 40002, "invalid grant_type")
		case f.used[q.Get("code")]:
			writeErr(w, 40163, "code been used, rid: 0000-1111")
		default:
			g, ok := f.codes[q.Get("code")]
			if !ok {
				writeErr(w, 40029, "invalid code")
				return
			}
			delete(f.codes, q.Get("code"))
			f.used[q.Get("code")] = true
			f.writeToken(w, g.openID, g.snapshot)
		}
	case "/sns/oauth2/refresh_token":
		rt := q.Get("refresh_token")
		switch {
		case q.Get("appid") != testAppID:
			writeErr(w, 40013, "invalid appid")
		case q.Has("secret"):
			writeErr(w, 40002, "refresh must not carry the secret")
		case q.Get("grant_type") != "refresh_token":
			writeErr(w, 40002, "invalid grant_type")
		case rt == "RT_EXPIRED":
			writeErr(w, 42002, "refresh_token expired")
		case f.refresh[rt] == "":
			writeErr(w, 40030, "invalid refresh_token")
		default:
			f.writeToken(w, f.refresh[rt], false)
		}
	case "/sns/auth":
		switch openID, ok := f.tokens[q.Get("access_token")]; {
		case f.expired[q.Get("access_token")]:
			writeErr(w, 42001, "access_token expired")
		case !ok:
			writeErr(w, 40001, "invalid credential")
		case openID != q.Get("openid"):
			writeErr(w, 40003, "invalid openid")
		default:
			writeErr(w, 0, "ok")
		}
	case "/sns/userinfo":
		switch openID, ok := f.tokens[q.Get("access_token")]; {
		case f.expired[q.Get("access_token")]:
			writeErr(w, 42001, "access_token expired")
		case !ok:
			writeErr(w, 40001, "invalid credential")
		case openID != q.Get("openid"):
			writeErr(w, 40003, "invalid openid")
		case q.Has("lang") && q.Get("lang") != "zh_CN" && q.Get("lang") != "zh_TW" && q.Get("lang") != "en":
			writeErr(w, 40002, "invalid lang")
		default:
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(f.profiles[openID]))
		}
	default:
		http.NotFound(w, r)
	}
}

// writeToken mints a token pair for openID. f.mu is held.
func (f *fakeWeChat) writeToken(w http.ResponseWriter, openID string, snapshot bool) {
	f.next++
	at := "AT_" + strconv.Itoa(f.next)
	rt := "RT_" + strconv.Itoa(f.next)
	f.tokens[at] = openID
	f.refresh[rt] = openID
	body := map[string]any{
		"access_token":  at,
		"expires_in":    7200,
		"refresh_token": rt,
		"openid":        openID,
		"scope":         "snsapi_userinfo",
		"unionid":       "u_" + openID,
	}
	if snapshot {
		body["is_snapshotuser"] = 1
	}
	writeText(w, body)
}

// errorChain returns err and everything it wraps.
func errorChain(err error) []error {
	var out []error
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if e == nil {
			continue
		}
		out = append(out, e)
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			queue = append(queue, u.Unwrap())
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
	return out
}

// assertNoSecret checks that err is an error and that neither it nor
// anything it wraps mentions the AppSecret or any of the other values.
func assertNoSecret(t *testing.T, err error, others ...string) {
	t.Helper()
	if !assert.Error(t, err) {
		return
	}
	for _, e := range errorChain(err) {
		assert.NotContains(t, e.Error(), testSecret, "error %T leaks the secret", e)
		for _, o := range others {
			assert.NotContains(t, e.Error(), o, "error %T leaks a credential", e)
		}
	}
}
