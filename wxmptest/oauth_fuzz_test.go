package wxmptest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzOAuthAuthorize sends arbitrary query strings to both authorize pages.
// Whatever the query, the fake must not panic, must answer a redirect only
// for a request parseOAuthAuthorize accepted, and must redirect only to
// that request's redirect_uri host, with the state unchanged.
func FuzzOAuthAuthorize(f *testing.F) {
	for _, q := range []string{
		"appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=snsapi_userinfo&state=STATE",
		"appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fa%3D1&response_type=code&scope=snsapi_base&state=abc&forcePopup=true",
		"appid=wx0123456789abcdef&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&response_type=code&scope=snsapi_login&state=x&lang=en",
		"appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=snsapi_base",
		"redirect_uri=https%3A%2F%2Fa.com&appid=wx0123456789abcdef&response_type=code&scope=snsapi_base&state=s",
		"appid=&redirect_uri=&response_type=&scope=&state=",
		"appid=wx0123456789abcdef&redirect_uri=%zz",
		"appid=wx0123456789abcdef&appid=wx0123456789abcdef",
		"",
		"&&&=&=",
	} {
		f.Add(q, false, 0)
		f.Add(q, true, 1)
	}
	f.Fuzz(func(t *testing.T, rawQuery string, qr bool, consent int) {
		s := NewUnstartedOAuthServer(OAuthConfig{Domains: []string{"app.example.com", "localhost"}})
		s.SetConsent(OAuthConsent(consent % 3))
		path := OAuthAuthorizePath
		if qr {
			path = OAuthQRConnectPath
		}
		r := httptest.NewRequest(http.MethodGet, "http://open.test/", nil)
		r.URL.Path, r.URL.RawQuery = path, rawQuery
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)

		req, perr := parseOAuthAuthorize(rawQuery)
		switch w.Code {
		case http.StatusFound:
			if perr != nil {
				t.Fatalf("redirected although the query is invalid: %v", perr.msg)
			}
			loc, err := url.Parse(w.Header().Get("Location"))
			if err != nil {
				t.Fatalf("bad Location: %v", err)
			}
			want, _ := url.Parse(req.redirectURI)
			if loc.Host != want.Host || loc.Scheme != want.Scheme {
				t.Fatalf("redirected to %q, not to redirect_uri %q", loc, req.redirectURI)
			}
			if req.state != "" && loc.Query().Get("state") != req.state {
				t.Fatalf("state %q came back as %q", req.state, loc.Query().Get("state"))
			}
		case http.StatusOK:
			if perr != nil || !strings.Contains(w.Body.String(), "refused") {
				t.Fatalf("200 must be the refusal page, got %q", w.Body.String())
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("unexpected status %d", w.Code)
		}
		if perr == nil && req.state != "" && !isOAuthState(req.state) {
			t.Fatalf("accepted state %q", req.state)
		}
	})
}

// FuzzOAuthAPI sends arbitrary query strings to the /sns/ endpoints, some
// with a real code or token spliced in. Every answer must be HTTP 200 with
// a JSON object that is either an error (errcode not 0) or what the path
// promises.
func FuzzOAuthAPI(f *testing.F) {
	f.Add(0, "appid=wx0123456789abcdef&secret=wxmptestfakeappsecret0123456789a&code=CODE&grant_type=authorization_code")
	f.Add(1, "appid=wx0123456789abcdef&grant_type=refresh_token&refresh_token=CODE")
	f.Add(2, "access_token=CODE&openid=oWXMPTEST_fakeuser_000000001")
	f.Add(3, "access_token=CODE&openid=oWXMPTEST_fakeuser_000000001&lang=zh_CN")
	f.Add(3, "access_token=&openid=")
	f.Add(0, "%zz&code=CODE")
	paths := [...]string{OAuthAccessTokenPath, OAuthRefreshTokenPath, OAuthAuthPath, OAuthUserInfoPath}
	f.Fuzz(func(t *testing.T, which int, rawQuery string) {
		clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		s := NewUnstartedOAuthServer(OAuthConfig{Now: func() time.Time { return clock }})
		code := s.IssueCode("snsapi_userinfo")
		path := paths[uint(which)%uint(len(paths))]
		r := httptest.NewRequest(http.MethodGet, "http://api.test/", nil)
		r.URL.Path, r.URL.RawQuery = path, strings.ReplaceAll(rawQuery, "CODE", code)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)

		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("not a JSON object: %q", w.Body.String())
		}
		if code, ok := body["errcode"].(float64); ok && code != 0 {
			if msg, _ := body["errmsg"].(string); msg == "" {
				t.Fatalf("errcode %v without errmsg", code)
			}
			return
		}
		var want string
		switch path {
		case OAuthAccessTokenPath, OAuthRefreshTokenPath:
			want = "access_token"
		case OAuthAuthPath:
			want = "errmsg"
		case OAuthUserInfoPath:
			want = "nickname"
		}
		if _, ok := body[want]; !ok {
			t.Fatalf("success without %s: %q", want, w.Body.String())
		}
	})
}
