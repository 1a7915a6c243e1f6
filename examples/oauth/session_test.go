package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

// login starts a sign-in with h.manual and returns the state (from the
// authorize URL) and the state cookie as set.
func login(t *testing.T, h *harness) (state string, cookie *http.Cookie) {
	t.Helper()
	resp, err := h.manual.Get(h.app.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, stateCookie) {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	return loc.Query().Get("state"), cookie
}

// callback sends /callback?code&state with exactly the cookies given (no
// jar), as an attacker replaying a captured request would.
func callback(t *testing.T, h *harness, code, state string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.app.URL+"/callback?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(state), nil)
	require.NoError(t, err)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	c := &http.Client{Transport: h.manual.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestStateIsSingleUse (issue 11 item 7): a state and its cookie work for
// one callback. Replaying them, even with a fresh code and the cookie the
// browser was told to delete, never reaches WeChat.
func TestStateIsSingleUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	state, cookie := login(t, h)

	resp := callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), state, cookie)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/me", resp.Header.Get("Location"))
	var cleared bool
	for _, c := range resp.Cookies() {
		if c.Name == stateCookie {
			cleared = c.MaxAge < 0
		}
	}
	assert.True(t, cleared, "the callback deletes the state cookie")

	resp = callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), state, cookie)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a spent state is refused")
	assert.Equal(t, 1, h.wechat.Calls(wxmptest.OAuthAccessTokenPath), "the replay did not reach WeChat")

	// A failed exchange spends the state too.
	state, cookie = login(t, h)
	resp = callback(t, h, "NOTACODE", state, cookie)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp = callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), state, cookie)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, 2, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
}

// TestStateCookieIsOurs: a state cookie the server did not issue (an
// attacker who sets cookie and query to the same value), or one past its
// ten minutes, is refused.
func TestStateCookieIsOurs(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	h := newHarness(t, func(c *config) { c.now = func() time.Time { return time.Unix(now.Load(), 0) } })

	forged := &http.Cookie{Name: stateCookie, Value: "ATTACKERSTATE"}
	resp := callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), "ATTACKERSTATE", forged)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	state, cookie := login(t, h)
	// Another state signed for this server cannot be swapped in.
	other, _ := login(t, h)
	resp = callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), other, cookie)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	now.Add(int64(stateLifetime/time.Second) + 1)
	resp = callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), state, cookie)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an expired state is refused")
	assert.Zero(t, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
}

// TestReplayedCallbackShowsTheProfile: the callback URL opened again in the
// browser that signed in (history, a reload before the redirect) leads to
// the profile, not to an error and not to WeChat.
func TestReplayedCallbackShowsTheProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	var cb *url.URL
	h.browser.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if r.URL.Path == "/callback" {
			cb = r.URL
		}
		return nil
	}
	p := get(t, h.browser, h.app.URL+"/login")
	require.Equal(t, "/me", p.url.Path)
	require.NotNil(t, cb)

	again := get(t, h.browser, cb.String())
	assert.Equal(t, http.StatusOK, again.status)
	assert.Equal(t, "/me", again.url.Path)
	assert.Contains(t, again.body, "oUser1")
	assert.NotContains(t, again.body, "40163")
	assert.Equal(t, 1, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
}

// TestSession: the session cookie expires, cannot be forged or altered,
// and sign-out ends it.
func TestSession(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	h := newHarness(t, func(c *config) { c.now = func() time.Time { return time.Unix(now.Load(), 0) } })

	p := get(t, h.browser, h.app.URL+"/login")
	require.Equal(t, "/me", p.url.Path)
	session := h.cookie(t, sessionCookie)
	require.NotNil(t, session)

	// Not signed in: /me sends the visitor home.
	stranger := &http.Client{CheckRedirect: h.manual.CheckRedirect}
	resp, err := stranger.Get(h.app.URL + "/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"))

	me := func(value string) int {
		req, err := http.NewRequest(http.MethodGet, h.app.URL+"/me", nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
		resp, err := stranger.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, me(session.Value))
	for i := range session.Value {
		b := []byte(session.Value)
		b[i] ^= 1
		require.Equal(t, http.StatusSeeOther, me(string(b)), "a session altered at byte %d was accepted", i)
	}
	assert.Equal(t, http.StatusSeeOther, me(""))
	assert.Equal(t, http.StatusSeeOther, me("e30.1.AAAA"))
	// A state cookie's value is not a session.
	_, state := login(t, h)
	assert.Equal(t, http.StatusSeeOther, me(state.Value))

	now.Add(int64(sessionLifetime/time.Second) + 1)
	assert.Equal(t, http.StatusSeeOther, me(session.Value), "an expired session is refused")
	now.Add(-int64(sessionLifetime / time.Second))

	// Sign-out clears the cookie.
	resp, err = h.manual.Post(h.app.URL+"/logout", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Nil(t, h.cookie(t, sessionCookie))
	p = get(t, h.browser, h.app.URL+"/me")
	assert.Equal(t, "/", p.url.Path)
}

// TestHTTPSCookies: over https both cookies are __Host- cookies: Secure,
// Path=/, no Domain, HttpOnly, SameSite=Lax.
func TestHTTPSCookies(t *testing.T) {
	t.Parallel()
	h := newHarnessScheme(t, "https", nil)
	var set []*http.Cookie
	h.browser.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		set = append(set, r.Response.Cookies()...)
		return nil
	}
	p := get(t, h.browser, h.app.URL+"/login")
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, "/me", p.url.Path)
	names := map[string]bool{}
	for _, c := range set {
		if c.MaxAge < 0 {
			continue // the deletion of the state cookie
		}
		names[c.Name] = true
		assert.True(t, strings.HasPrefix(c.Name, "__Host-"), c.Name)
		assert.True(t, c.Secure, c.Name)
		assert.True(t, c.HttpOnly, c.Name)
		assert.Equal(t, "/", c.Path, c.Name)
		assert.Empty(t, c.Domain, c.Name)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite, c.Name)
	}
	assert.Equal(t, map[string]bool{"__Host-" + stateCookie: true, "__Host-" + sessionCookie: true}, names)
	assert.Contains(t, get(t, h.browser, h.app.URL+"/me").body, "oUser1")
}

// TestSpentStatesAreBounded: the memory of spent states has a cap; past
// it, a callback is refused (fail closed) rather than forgetting a state
// that is still valid.
func TestSpentStatesAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) { c.maxSpent = 2 })
	for i := range 3 {
		state, cookie := login(t, h)
		resp := callback(t, h, h.wechat.IssueCode(oauth.ScopeUserInfo), state, cookie)
		if i < 2 {
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		} else {
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, 2, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
}

// TestRedirectingStandInGetsNoSecret (issue 11 items 3 and 7): the API
// host answers 302 to another host. The example must not follow it: the
// other host is never contacted (so it never sees the AppSecret or the
// code, in the URL or in a Referer), and the visitor gets the "not
// answering" page.
func TestRedirectingStandInGetsNoSecret(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.String()+" "+r.Header.Get("Referer"))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"access_token":"STOLEN","expires_in":7200,"openid":"oThief","scope":"snsapi_userinfo"}`)
	}))
	t.Cleanup(thief.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, thief.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
	}))
	t.Cleanup(redirector.Close)

	h := newHarness(t, func(c *config) { c.Endpoint.APIURL = redirector.URL })
	p := get(t, h.browser, h.app.URL+"/login")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "not answering")
	assert.NotContains(t, p.body, "oThief")
	h.assertNoSecrets(t, p)
	assert.NotContains(t, h.logs.String(), testSecret)
	assert.Nil(t, h.cookie(t, sessionCookie), "no session from a redirected answer")
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, seen, "the redirect was followed")
}

// TestSessionCookieFitsBrowsers: whatever WeChat sends, the session cookie
// stays under the 4096 bytes browsers keep, and cutting a long field never
// splits a character.
func TestSessionCookieFitsBrowsers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("😀", 5000)
	u := &oauth.UserInfo{OpenID: long, UnionID: long, Nickname: "a" + long, Province: "ab" + long,
		City: "abc" + long, Country: long, HeadImgURL: "https://x/" + long, Sex: oauth.SexFemale}
	p := newProfile(u, true)
	for _, f := range []string{p.OpenID, p.UnionID, p.Nickname, p.Province, p.City, p.Country} {
		assert.LessOrEqual(t, len(f), maxField)
		assert.Greater(t, len(f), maxField-4)
		assert.True(t, utf8.ValidString(f))
	}
	assert.Empty(t, p.HeadImgURL, "a cut URL would be broken: dropped")
	sg := newSigner()
	v := sg.sessionValue(p, time.Now().Add(sessionLifetime))
	assert.Less(t, len("__Host-"+sessionCookie+"=")+len(v), 4096)
	b, ok := sg.open("session", v, time.Now())
	require.True(t, ok)
	got, ok := unmarshalProfile(b)
	require.True(t, ok)
	assert.Equal(t, p, got, "emoji fit: the whole profile is kept")

	// Characters JSON writes as \u00XX take six bytes each.
	ctl := strings.Repeat("\x01", 1000)
	p = newProfile(&oauth.UserInfo{OpenID: "o1", UnionID: ctl, Nickname: ctl, Province: ctl, City: ctl, Country: ctl}, false)
	v = sg.sessionValue(p, time.Now().Add(sessionLifetime))
	assert.Less(t, len("__Host-"+sessionCookie+"=")+len(v), 4096)
	b, ok = sg.open("session", v, time.Now())
	require.True(t, ok)
	got, ok = unmarshalProfile(b)
	require.True(t, ok)
	assert.Equal(t, "o1", got.OpenID)
}

// FuzzSignerOpen: a cookie value from the network never panics open, and
// nothing but a value sign made is accepted.
func FuzzSignerOpen(f *testing.F) {
	s := newSigner()
	at := time.Unix(1_700_000_000, 0)
	good := s.sign("session", []byte(`{"o":"x"}`), at.Add(time.Hour))
	f.Add(good)
	f.Add("e30.1.AAAA")
	f.Add("..")
	f.Add(good + "=")
	f.Fuzz(func(t *testing.T, v string) {
		b, ok := s.open("session", v, at)
		if ok && v != good {
			t.Fatalf("accepted a value sign did not make: %q (%q)", v, b)
		}
		if _, ok := s.open("state", v, at); ok {
			t.Fatalf("a session value opened as a state: %q", v)
		}
		_, _ = unmarshalProfile(b)
	})
}
