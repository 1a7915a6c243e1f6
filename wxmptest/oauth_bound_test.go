package wxmptest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

// oauthCall serves one GET of path?query on s's handler, without a
// network, and returns the JSON body of a /sns/ answer decoded (nil for a
// page).
func oauthCall(t testing.TB, s *wxmptest.OAuthServer, path string, query url.Values) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?"+query.Encode(), nil))
	if rec.Header().Get("Content-Type") != "text/plain" {
		return rec, nil
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m), rec.Body.String())
	return rec, m
}

// oauthExchange exchanges code on s and returns the answer's fields.
func oauthExchange(t testing.TB, s *wxmptest.OAuthServer, code string) map[string]any {
	t.Helper()
	_, m := oauthCall(t, s, wxmptest.OAuthAccessTokenPath, url.Values{
		"appid": {s.AppID()}, "secret": {s.AppSecret()}, "code": {code}, "grant_type": {"authorization_code"},
	})
	return m
}

// oauthErrCode returns the errcode of a /sns/ answer, 0 for none.
func oauthErrCode(m map[string]any) int {
	n, _ := m["errcode"].(float64)
	return int(n)
}

// TestOAuthKeepsBounded runs the fake for several lifetimes of codes,
// logins and access tokens at a steady rate and checks that what it keeps
// stays bounded: at most about one lifetime's worth of each, not all it
// ever issued.
func TestOAuthKeepsBounded(t *testing.T) {
	t.Parallel()
	const perLife = 400 // issued per lifetime; three lifetimes in all
	t.Run("codes", func(t *testing.T) {
		t.Parallel()
		s := newOAuth(t, wxmptest.OAuthConfig{})
		var codes []string
		for range 3 * perLife {
			codes = append(codes, s.IssueCode(oauth.ScopeBase))
			s.Advance(wxmptest.OAuthCodeLifetime / perLife)
			n := wxmptest.CountOAuthEntries(s)
			require.LessOrEqual(t, n.Codes, perLife+1)
			require.LessOrEqual(t, n.Secrets, 1024)
		}
		assert.LessOrEqual(t, len(s.Secrets()), 1+1024)
		// The newest code still works; the oldest has expired, as ever.
		assert.Equal(t, 0, oauthErrCode(oauthExchange(t, s, codes[len(codes)-1])))
		assert.Equal(t, oauth.CodeInvalidCode, oauthErrCode(oauthExchange(t, s, codes[0])))
	})
	t.Run("logins", func(t *testing.T) {
		t.Parallel()
		s := newOAuth(t, wxmptest.OAuthConfig{})
		var first map[string]any
		for i := range 3 * perLife {
			m := oauthExchange(t, s, s.IssueCode(oauth.ScopeUserInfo))
			require.Equal(t, 0, oauthErrCode(m), "login %d: %v", i, m)
			if first == nil {
				first = m
			}
			s.Advance(wxmptest.OAuthRefreshTokenLifetime / perLife)
			n := wxmptest.CountOAuthEntries(s)
			require.LessOrEqual(t, n.Logins, 2*perLife+1, "a login is kept for two refresh token lifetimes")
			require.LessOrEqual(t, n.AccessTokens, n.Logins)
			require.LessOrEqual(t, n.Codes, 2)
			require.LessOrEqual(t, n.Secrets, 1024)
		}
		// The first login's refresh token is long expired.
		_, m := oauthCall(t, s, wxmptest.OAuthRefreshTokenPath, url.Values{
			"appid": {s.AppID()}, "grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)},
		})
		assert.NotZero(t, oauthErrCode(m))
	})
	t.Run("refreshes", func(t *testing.T) {
		t.Parallel()
		s := newOAuth(t, wxmptest.OAuthConfig{})
		m := oauthExchange(t, s, s.IssueCode(oauth.ScopeUserInfo))
		require.Equal(t, 0, oauthErrCode(m))
		rt := m["refresh_token"].(string)
		var last string
		for i := range 3 * 24 { // a new access token every 2 h for six days
			s.Advance(wxmptest.OAuthAccessTokenLifetime)
			_, m := oauthCall(t, s, wxmptest.OAuthRefreshTokenPath, url.Values{
				"appid": {s.AppID()}, "grant_type": {"refresh_token"}, "refresh_token": {rt},
			})
			require.Equal(t, 0, oauthErrCode(m), "refresh %d: %v", i, m)
			last = m["access_token"].(string)
			require.LessOrEqual(t, wxmptest.CountOAuthEntries(s).AccessTokens, 8)
		}
		_, m = oauthCall(t, s, wxmptest.OAuthAuthPath, url.Values{"access_token": {last}, "openid": {m["openid"].(string)}})
		assert.Equal(t, 0, oauthErrCode(m), "the newest access token works")
	})
}

// BenchmarkOAuthAuthorize measures one silent (snsapi_base) authorize
// request, which issues a code, while the fake holds about live unexpired
// codes: the clock moves on by a live-th of the code lifetime per request,
// so codes expire as fast as they are issued. The time per request should
// not depend on live.
func BenchmarkOAuthAuthorize(b *testing.B) {
	for _, live := range []int{1_000, 10_000, 60_000} {
		b.Run("live="+strconv.Itoa(live), func(b *testing.B) {
			s := wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{Now: oauthFixedNow})
			step := wxmptest.OAuthCodeLifetime / time.Duration(live)
			for range live {
				s.IssueCode(oauth.ScopeBase)
				s.Advance(step)
			}
			q := url.Values{"appid": {s.AppID()}, "redirect_uri": {oauthCallbackURL}, "response_type": {"code"},
				"scope": {string(oauth.ScopeBase)}, "state": {"s"}}
			// The documented parameter order, which url.Values.Encode would sort away.
			target := wxmptest.OAuthAuthorizePath + "?appid=" + q.Get("appid") + "&redirect_uri=" + url.QueryEscape(oauthCallbackURL) +
				"&response_type=code&scope=snsapi_base&state=s"
			req := httptest.NewRequest(http.MethodGet, target, nil)
			h := s.Handler()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusFound {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				s.Advance(step)
			}
		})
	}
}

// TestOAuthMaxCodes issues more codes than the fake keeps, all at once:
// the oldest are forgotten first and answer 40029, the newest still work.
func TestOAuthMaxCodes(t *testing.T) {
	t.Parallel()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	const over = 10
	var first []string
	var last string
	for i := range wxmptest.OAuthMaxCodes + over {
		last = s.IssueCode(oauth.ScopeBase)
		if i < over+1 {
			first = append(first, last)
		}
	}
	assert.Equal(t, wxmptest.OAuthMaxCodes, wxmptest.CountOAuthEntries(s).Codes)
	for _, code := range first[:over] {
		assert.Equal(t, oauth.CodeInvalidCode, oauthErrCode(oauthExchange(t, s, code)))
	}
	assert.Equal(t, 0, oauthErrCode(oauthExchange(t, s, first[over])), "the oldest code kept")
	assert.Equal(t, 0, oauthErrCode(oauthExchange(t, s, last)))
}

// TestOAuthMaxLogins makes more logins than the fake keeps, all at once:
// the oldest is forgotten first, its tokens with it. The limit is lowered
// to keep the test quick (TestOAuthMaxCodes runs the real one for codes).
func TestOAuthMaxLogins(t *testing.T) {
	t.Parallel()
	const maxLogins = 100
	s := newOAuth(t, wxmptest.OAuthConfig{})
	wxmptest.SetOAuthLimits(s, wxmptest.OAuthMaxCodes, maxLogins)
	var first, second, last map[string]any
	for i := range maxLogins + 1 {
		m := oauthExchange(t, s, s.IssueCode(oauth.ScopeBase))
		switch i {
		case 0:
			first = m
		case 1:
			second = m
		}
		last = m
	}
	n := wxmptest.CountOAuthEntries(s)
	assert.Equal(t, maxLogins, n.Logins)
	assert.Equal(t, maxLogins, n.AccessTokens)
	auth := func(m map[string]any) int {
		_, a := oauthCall(t, s, wxmptest.OAuthAuthPath, url.Values{"access_token": {m["access_token"].(string)}, "openid": {m["openid"].(string)}})
		return oauthErrCode(a)
	}
	assert.Equal(t, oauth.CodeInvalidCredential, auth(first), "the oldest login is forgotten")
	assert.Equal(t, 0, auth(second))
	assert.Equal(t, 0, auth(last))
}
