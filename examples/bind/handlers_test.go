package main

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

func TestAccountsAndSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	alice := app.browser(t)

	// The sign-up form carries a CSRF token, tied to a cookie.
	p := alice.get(signupPath)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `name="username"`)
	assert.Contains(t, p.body, `name="password"`)
	assert.Regexp(t, `name="csrf_token" value="[A-Z2-7]{26}"`, p.body)

	// Signing up signs in: 303 to /me with a session cookie.
	resp := alice.postWith(alice.manual, signupPath,
		url.Values{"username": {"Alice"}, "password": {testPassword}, csrfField: {alice.csrf(signupPath)}}, nil)
	require.Equal(t, http.StatusSeeOther, resp.status, resp.body)
	assert.Equal(t, mePath, resp.header.Get("Location"))
	var sc *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	require.NotNil(t, sc, "a session cookie")
	assert.True(t, sc.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, sc.SameSite)
	assert.False(t, sc.Secure, "PUBLIC_URL is http")
	assert.Equal(t, "/", sc.Path)
	assert.Equal(t, int(sessionLifetime/time.Second), sc.MaxAge)

	// The database keeps a bcrypt hash and the session's hash, never the
	// password or the cookie.
	var hash string
	require.NoError(t, app.db.queryRow(context.Background(), app.db.sql, "SELECT password_hash FROM users WHERE username = ?", "Alice").Scan(&hash))
	assert.True(t, strings.HasPrefix(hash, "$2a$"), "bcrypt")
	assert.NotContains(t, hash, testPassword)
	assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM sessions WHERE id_hash = ?", hashSecret(sc.Value)))

	status, v, raw := alice.me()
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"username": "Alice", "wechat": null}`, raw)
	assert.Equal(t, "Alice", v["username"])
	html := alice.get(mePath)
	assert.Contains(t, html.body, "Alice")
	assert.Contains(t, html.body, `action="/bind"`)

	// Another device with a copy of the cookie is signed in too (the
	// session is the server's), until the owner signs out.
	other := app.browser(t)
	u, _ := url.Parse(app.srv.URL)
	other.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sc.Value}})
	status, _, _ = other.me()
	assert.Equal(t, http.StatusOK, status)

	// A link from another site to /logout asks first.
	req, err := http.NewRequest(http.MethodGet, alice.abs(logoutPath), nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	p = alice.do(alice.manual, req)
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, `method="post" action="/logout"`)
	status, _, _ = alice.me()
	assert.Equal(t, http.StatusOK, status, "a cross-site GET does not sign out")
	// POST /logout with the token signs out.
	p = alice.post(logoutPath, url.Values{csrfField: {alice.csrf(mePath)}})
	assert.Equal(t, "/", p.url.Path)
	status, v, _ = alice.me()
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "signed out", v["error"])
	status, _, _ = other.me()
	assert.Equal(t, http.StatusUnauthorized, status, "signing out ends the session everywhere")
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM sessions"))
	p = alice.get(mePath)
	assert.Equal(t, http.StatusUnauthorized, p.status, "the HTML page is 401 too")
	assert.Contains(t, p.body, "Please sign in")

	// Sign in again, with the username in another case.
	p = alice.post(loginPath, url.Values{"username": {"alice"}, "password": {testPassword}, csrfField: {alice.csrf(loginPath)}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, mePath, p.url.Path)
	_, v, _ = alice.me()
	assert.Equal(t, "Alice", v["username"])
	assert.NotEqual(t, sc.Value, alice.cookie(sessionCookie).Value, "a new session at each sign-in")

	// Sign out on every device.
	other2 := app.browser(t)
	other2.post(loginPath, url.Values{"username": {"Alice"}, "password": {testPassword}, csrfField: {other2.csrf(loginPath)}})
	assert.Equal(t, 2, app.count(t, "SELECT COUNT(*) FROM sessions"))
	alice.post(logoutPath, url.Values{csrfField: {alice.csrf(mePath)}, "everywhere": {"1"}})
	status, _, _ = other2.me()
	assert.Equal(t, http.StatusUnauthorized, status)
}

func TestSignupAndLoginRules(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := app.browser(t)
	b.signup("bob")
	b.post(logoutPath, url.Values{csrfField: {b.csrf(mePath)}})

	for _, tt := range []struct {
		name, username, password string
		status                   int
		want                     string
	}{
		{"taken, in another case", "BOB", testPassword, http.StatusConflict, "taken"},
		{"short password", "carol", "short", http.StatusBadRequest, "at least 8"},
		{"long password", "carol", strings.Repeat("x", 73), http.StatusBadRequest, "at most 72"},
		{"no username", "  ", testPassword, http.StatusBadRequest, "choose a username"},
		{"control character", "ca\x00rol", testPassword, http.StatusBadRequest, "control"},
		{"long username", strings.Repeat("名", 65), testPassword, http.StatusBadRequest, "at most 64"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := b.post(signupPath, url.Values{"username": {tt.username}, "password": {tt.password}, csrfField: {b.csrf(signupPath)}})
			assert.Equal(t, tt.status, p.status)
			assert.Contains(t, p.body, tt.want)
			assert.Nil(t, b.cookie(sessionCookie), "no session")
		})
	}
	assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM users"))

	for _, tt := range []struct{ name, username, password string }{
		{"wrong password", "bob", "wrong password"},
		{"unknown user", "nobody", testPassword},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := b.post(loginPath, url.Values{"username": {tt.username}, "password": {tt.password}, csrfField: {b.csrf(loginPath)}})
			assert.Equal(t, http.StatusUnauthorized, p.status)
			assert.Contains(t, p.body, "Wrong username or password.")
			assert.Nil(t, b.cookie(sessionCookie))
		})
	}
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM sessions"))
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	// The victim is signed in and bound.
	victim := app.browser(t)
	victim.signup("victim")
	require.Equal(t, mePath, victim.bind().url.Path)
	// The attacker has an account and a token of their own.
	attacker := app.browser(t)
	attacker.signup("attacker")
	attackerToken := attacker.csrf(mePath)

	state := func() string {
		_, _, raw := victim.me()
		return raw
	}
	before := state()
	counts := func() [4]int {
		return [4]int{
			app.count(t, "SELECT COUNT(*) FROM users"),
			app.count(t, "SELECT COUNT(*) FROM sessions"),
			app.count(t, "SELECT COUNT(*) FROM oauth_states"),
			len(app.wechat.api.Records()),
		}
	}
	countsBefore := counts()

	for _, path := range []string{signupPath, loginPath, logoutPath, bindPath, unbindPath, notifyPath} {
		for _, tok := range []struct{ name, value string }{
			{"none", ""},
			{"malformed", "not-a-token"},
			{"another session's", attackerToken},
			{"made up", newSecret()},
		} {
			t.Run(path+"/"+tok.name, func(t *testing.T) {
				form := url.Values{"username": {"mallory"}, "password": {testPassword}}
				if tok.value != "" {
					form.Set(csrfField, tok.value)
				}
				p := victim.postWith(victim.manual, path, form, nil)
				assert.Equal(t, http.StatusForbidden, p.status, p.body)
				assert.Contains(t, p.body, "Nothing was changed")
			})
		}
	}
	// A POST another site makes the browser send is refused even with
	// the right token (it could not read it, but defence in depth).
	p := victim.postWith(victim.manual, unbindPath, url.Values{csrfField: {victim.csrf(mePath)}},
		http.Header{"Sec-Fetch-Site": {"cross-site"}})
	assert.Equal(t, http.StatusForbidden, p.status)
	p = victim.postWith(victim.manual, unbindPath, url.Values{csrfField: {victim.csrf(mePath)}},
		http.Header{"Origin": {"https://evil.example"}})
	assert.Equal(t, http.StatusForbidden, p.status)

	assert.Equal(t, before, state(), "the victim is still signed in and bound")
	assert.Equal(t, countsBefore, counts(), "no account, session, state or message was made")

	// The header works as well as the field, for scripts.
	p = victim.postWith(victim.manual, unbindPath, nil, http.Header{"X-Csrf-Token": {victim.csrf(mePath)}})
	assert.Equal(t, http.StatusSeeOther, p.status)
	_, v, _ := victim.me()
	assert.Nil(t, v["wechat"])
}

func TestBindFlow(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := app.browser(t)
	b.signup("alice")

	// POST /bind: 303 to WeChat's authorize page, snsapi_userinfo, a
	// fresh state, the callback under PUBLIC_URL.
	p := b.postWith(b.manual, bindPath, url.Values{csrfField: {b.csrf(mePath)}}, nil)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	loc, err := url.Parse(p.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, app.wechat.srv.URL+"/connect/oauth2/authorize", loc.Scheme+"://"+loc.Host+loc.Path)
	assert.Equal(t, "snsapi_userinfo", loc.Query().Get("scope"))
	assert.Equal(t, app.srv.URL+bindCallbackPath, loc.Query().Get("redirect_uri"))
	assert.Regexp(t, `^[A-Z2-7]{26}$`, loc.Query().Get("state"))
	assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM oauth_states"))
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM oauth_states WHERE state_hash = ?", loc.Query().Get("state")),
		"the state is kept hashed")

	// The browser follows it: the fake consents and sends it back.
	p = b.get(p.header.Get("Location"))
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, mePath, p.url.Path)
	assert.Equal(t, "done=bound", p.url.RawQuery)
	assert.Contains(t, p.body, "Your WeChat is bound")
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM oauth_states"), "the state was spent")

	// The hostile nickname is text, not markup.
	assert.Contains(t, p.body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;amp;小明😀`)
	assert.NotContains(t, p.body, "<script>")
	assert.NotContains(t, p.body, "<img src=x")
	assert.Contains(t, p.body, `src="https://thirdwx.qlogo.cn/mmopen/vi_32/oUser1/132"`)
	assert.Contains(t, p.body, "oUser1")
	assert.Contains(t, p.body, "oUnionoUser1")
	assert.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"))
	assert.Contains(t, p.header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Contains(t, p.header.Get("Content-Security-Policy"), "form-action 'self' "+app.wechat.srv.URL,
		"the bind form's redirect to WeChat is allowed")

	// /me as JSON: exactly the documented shape, the nickname as sent.
	status, v, raw := b.me()
	assert.Equal(t, http.StatusOK, status)
	want, err := json.Marshal(map[string]any{"username": "alice", "wechat": map[string]string{
		"openid": "oUser1", "unionid": "oUnionoUser1", "nickname": hostileNickname,
	}})
	require.NoError(t, err)
	assert.JSONEq(t, string(want), raw)
	assert.Len(t, v, 2)

	var b1 binding
	b1, err = app.db.bindingByOpenID(context.Background(), "oUser1")
	require.NoError(t, err)
	assert.Equal(t, "https://thirdwx.qlogo.cn/mmopen/vi_32/oUser1/132", b1.AvatarURL)
	assert.WithinDuration(t, time.Now(), b1.BoundAt, time.Minute)

	// A second bind of a bound account is refused before WeChat.
	p = b.postWith(b.manual, bindPath, url.Values{csrfField: {b.csrf(mePath)}}, nil)
	assert.Equal(t, http.StatusConflict, p.status)
	assert.Contains(t, p.body, "already bound")

	// Unbind: a POST with CSRF.
	p = b.post(unbindPath, url.Values{csrfField: {b.csrf(mePath)}})
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "no longer bound")
	_, _, raw = b.me()
	assert.JSONEq(t, `{"username":"alice","wechat":null}`, raw)
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM bindings"))
}

func TestBindCallbackRefusesForeignStates(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	alice := app.browser(t)
	alice.signup("alice")
	mallory := app.browser(t)
	mallory.signup("mallory")

	// Mallory starts a bind and makes Alice's browser finish it: the
	// state belongs to Mallory's session, so nothing is bound to Alice
	// (nor to Mallory, whose state it spends).
	cb := mallory.bindCallbackURL()
	p := alice.get(cb)
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Contains(t, p.body, "not valid here")
	// The state was spent: Mallory cannot use it either.
	p = mallory.get(cb)
	assert.Equal(t, http.StatusBadRequest, p.status)

	// A replayed callback (a reload) is refused and asks WeChat nothing.
	cb = alice.bindCallbackURL()
	require.Equal(t, mePath, alice.get(cb).url.Path)
	exchanges := app.wechat.oauth.Calls(wxmptest.OAuthAccessTokenPath)
	p = alice.get(cb)
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Equal(t, exchanges, app.wechat.oauth.Calls(wxmptest.OAuthAccessTokenPath))
	alice.post(unbindPath, url.Values{csrfField: {alice.csrf(mePath)}})

	// A state signed out and in again (another session of the same
	// account) no longer works.
	cb = alice.bindCallbackURL()
	alice.post(logoutPath, url.Values{csrfField: {alice.csrf(mePath)}})
	alice.post(loginPath, url.Values{"username": {"alice"}, "password": {testPassword}, csrfField: {alice.csrf(loginPath)}})
	assert.Equal(t, http.StatusBadRequest, alice.get(cb).status)

	// Too old.
	cb = alice.bindCallbackURL()
	app.clock.advance(stateLifetime + time.Second)
	assert.Equal(t, http.StatusBadRequest, alice.get(cb).status)

	// Missing, malformed, or a sign-in state on the bind callback.
	assert.Equal(t, http.StatusBadRequest, alice.get(bindCallbackPath+"?code=x").status)
	assert.Equal(t, http.StatusBadRequest, alice.get(bindCallbackPath+"?code=x&state=abc").status)
	login := app.browser(t)
	p = login.getManual(wechatLoginPath)
	auth := login.getManual(p.header.Get("Location"))
	cbURL, err := url.Parse(auth.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, alice.get(bindCallbackPath+"?"+cbURL.RawQuery).status)

	_, v, _ := alice.me()
	assert.Nil(t, v["wechat"])
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM bindings"))
}

func TestBindUniqueness(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	alice, bob := app.browser(t), app.browser(t)
	alice.signup("alice")
	bob.signup("bob")
	require.Equal(t, mePath, alice.bind().url.Path)

	// Bob authorizes with the WeChat bound to Alice: a clear page, nothing
	// changed.
	p := bob.bind()
	assert.Equal(t, http.StatusConflict, p.status)
	assert.Contains(t, p.body, "This WeChat is bound to another account")
	assert.Contains(t, p.body, "nothing was changed")
	_, v, _ := bob.me()
	assert.Nil(t, v["wechat"])
	_, v, _ = alice.me()
	assert.Equal(t, "oUser1", v["wechat"].(map[string]any)["openid"])

	// Alice's account, bound to oUser1, meets a second WeChat in a bind
	// that was already under way.
	alice.post(unbindPath, url.Values{csrfField: {alice.csrf(mePath)}})
	cbAlice := alice.bindCallbackURL() // WeChat now plays oUser1
	app.wechat.oauth.SetUser(testUser("oUser2"))
	cbAlice2 := alice.bindCallbackURL() // and now oUser2
	require.Equal(t, mePath, alice.get(cbAlice).url.Path)
	p = alice.get(cbAlice2)
	assert.Equal(t, http.StatusConflict, p.status)
	assert.Contains(t, p.body, "already bound to another WeChat")
	_, v, _ = alice.me()
	assert.Equal(t, "oUser1", v["wechat"].(map[string]any)["openid"])
	assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM bindings"))
}

func TestConcurrentBindsOverHTTPLeaveOne(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	const n = 4
	browsers := make([]*browser, n)
	callbacks := make([]string, n)
	for i := range browsers {
		browsers[i] = app.browser(t)
		browsers[i].signup("user" + string(rune('a'+i)))
		callbacks[i] = browsers[i].bindCallbackURL()
	}
	var wg sync.WaitGroup
	statuses := make([]int, n)
	start := make(chan struct{})
	for i := range browsers {
		wg.Go(func() {
			<-start
			statuses[i] = browsers[i].get(callbacks[i]).status
		})
	}
	close(start)
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
		}
	}
	assert.Equal(t, 1, ok, "%v", statuses)
	assert.Equal(t, n-1, conflict, "%v", statuses)
	assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM bindings"))
}

func TestSnapshotUserIsRefused(t *testing.T) {
	t.Parallel()
	u := testUser("oSnapshot")
	u.Snapshot = true
	app := newTestApp(t, appOptions{wechat: newTestWeChat(t, u)})
	b := app.browser(t)
	b.signup("alice")
	p := b.bind()
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, "snapshot mode")
	assert.Contains(t, p.body, "使用完整服务")
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM bindings"))
	assert.Zero(t, app.wechat.oauth.Calls(wxmptest.OAuthUserInfoPath), "a snapshot profile is not even read")
}

func TestDeclinedAndFailedAuthorization(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := app.browser(t)
	b.signup("alice")

	app.wechat.oauth.SetConsent(wxmptest.OAuthConsentRefuse)
	p := b.bind()
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "chose not to authorize")
	app.wechat.oauth.SetConsent(wxmptest.OAuthConsentAllow)

	for _, tt := range []struct {
		fault  wxmptest.OAuthFault
		status int
		want   string
	}{
		{wxmptest.OAuthFault{ErrCode: 40163, ErrMsg: "code been used"}, http.StatusBadRequest, "already been used"},
		{wxmptest.OAuthFault{Path: wxmptest.OAuthUserInfoPath, ErrCode: 48001, ErrMsg: "api unauthorized"}, http.StatusBadRequest, "may not read"},
		{wxmptest.OAuthFault{Status: http.StatusBadGateway, Body: "<html>502</html>"}, http.StatusBadGateway, "not answering"},
	} {
		app.wechat.oauth.SetFaults(tt.fault)
		p := b.bind()
		assert.Equal(t, tt.status, p.status, p.body)
		assert.Contains(t, p.body, tt.want)
	}
	app.wechat.oauth.SetFaults()
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM bindings"))
	assert.Equal(t, mePath, b.bind().url.Path, "and then it works")
}

func TestSignInWithWeChat(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})

	// An unbound WeChat: the message, and no session.
	stranger := app.browser(t)
	p := stranger.getManual(wechatLoginPath)
	require.Equal(t, http.StatusSeeOther, p.status)
	loc, err := url.Parse(p.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "snsapi_base", loc.Query().Get("scope"))
	assert.Equal(t, app.srv.URL+loginCallbackPath, loc.Query().Get("redirect_uri"))
	p = stranger.get(p.header.Get("Location"))
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, unboundMessage)
	assert.Contains(t, p.body, "no account is bound to this WeChat; sign in and bind first")
	assert.Nil(t, stranger.cookie(sessionCookie))
	status, _, _ := stranger.me()
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM sessions"))

	// Alice binds, signs out, and signs in with WeChat alone.
	alice := app.browser(t)
	alice.signup("alice")
	require.Equal(t, mePath, alice.bind().url.Path)
	alice.post(logoutPath, url.Values{csrfField: {alice.csrf(mePath)}})
	userInfoCalls := app.wechat.oauth.Calls(wxmptest.OAuthUserInfoPath)
	p = alice.get(wechatLoginPath)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, mePath, p.url.Path)
	assert.Contains(t, p.body, "alice")
	_, v, _ := alice.me()
	assert.Equal(t, "alice", v["username"])
	assert.Equal(t, userInfoCalls, app.wechat.oauth.Calls(wxmptest.OAuthUserInfoPath), "snsapi_base: no profile read")
	assert.Nil(t, alice.cookie(loginNonceCookie), "the nonce cookie is spent")

	// The stranger's browser, on the same WeChat now bound, signs in as
	// Alice: that is what a binding means.
	p = stranger.get(wechatLoginPath)
	assert.Equal(t, mePath, p.url.Path)

	// A sign-in callback in a browser that did not start it is refused.
	fresh := app.browser(t)
	p = alice.getManual(wechatLoginPath)
	auth := alice.getManual(p.header.Get("Location"))
	p = fresh.get(auth.header.Get("Location"))
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Nil(t, fresh.cookie(sessionCookie))

	// Alice unbinds: signing in with WeChat now gets the message, and
	// the browser that tried is signed out.
	alice.post(unbindPath, url.Values{csrfField: {alice.csrf(mePath)}})
	p = alice.get(wechatLoginPath)
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, unboundMessage)
	status, _, _ = alice.me()
	assert.Equal(t, http.StatusUnauthorized, status)
}

func TestNotify(t *testing.T) {
	t.Parallel()
	t.Run("customer-service text", func(t *testing.T) {
		t.Parallel()
		app := newTestApp(t, appOptions{})
		b := app.browser(t)
		b.signup("alice")

		// Not bound yet: nobody to notify.
		p := b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		assert.Equal(t, http.StatusConflict, p.status)
		assert.Empty(t, app.wechat.api.Records())

		b.bind()
		p = b.get(mePath)
		assert.Contains(t, p.body, `action="/notify"`)
		p = b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		require.Equal(t, http.StatusOK, p.status, p.body)
		assert.Equal(t, "done=sent-text", p.url.RawQuery)
		assert.Contains(t, p.body, "customer-service message")
		sent := app.wechat.api.Sent("oUser1")
		require.Len(t, sent, 1)
		assert.Equal(t, wxmptest.APICustomSendPath, sent[0].Path)
		assert.Equal(t, "text", sent[0].Kind)
		var body struct {
			Text struct{ Content string } `json:"text"`
		}
		require.NoError(t, json.Unmarshal(sent[0].Body, &body))
		assert.Contains(t, body.Text.Content, "test notification for alice")

		// Outside the 48-hour window: WeChat's refusal, explained.
		app.wechat.api.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 45015, Times: 1})
		p = b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		assert.Equal(t, http.StatusBadRequest, p.status)
		assert.Contains(t, p.body, "48 hours")
		assert.Contains(t, p.body, "45015")
		// A stale token is renewed and the call retried once, unseen.
		app.wechat.api.SetFaults(wxmptest.APIFault{ErrCode: 40001, Rotate: true, Times: 1})
		p = b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		assert.Equal(t, "done=sent-text", p.url.RawQuery)
		assert.Len(t, app.wechat.api.Sent("oUser1"), 2)
		// The token lives in the database, for every instance.
		assert.Equal(t, 1, app.count(t, "SELECT COUNT(*) FROM wechat_tokens"))
	})
	t.Run("template", func(t *testing.T) {
		t.Parallel()
		tmpl := wxmptest.DefaultAPITemplates()[0].TemplateID
		app := newTestApp(t, appOptions{tweak: func(c *config) { c.TemplateID = tmpl }})
		b := app.browser(t)
		b.signup("alice")
		b.bind()
		assert.Contains(t, b.get(mePath).body, "template message")
		p := b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		require.Equal(t, http.StatusOK, p.status, p.body)
		assert.Equal(t, "done=sent-template", p.url.RawQuery)
		sent := app.wechat.api.Sent("oUser1")
		require.Len(t, sent, 1)
		assert.Equal(t, wxmptest.APITemplateSendPath, sent[0].Path)
		assert.NotZero(t, sent[0].MsgID)
		var body struct {
			TemplateID string `json:"template_id"`
			URL        string `json:"url"`
			Data       map[string]struct{ Value string }
		}
		require.NoError(t, json.Unmarshal(sent[0].Body, &body))
		assert.Equal(t, tmpl, body.TemplateID)
		assert.Equal(t, app.cfg.PublicURL+mePath, body.URL)
		assert.Contains(t, body.Data["keyword1"].Value, "alice")
		assert.NotEmpty(t, body.Data["keyword2"].Value)
	})
}

func TestSignedOutAnswers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := app.browser(t)
	status, _, raw := b.me()
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"error":"signed out"}`, raw)
	p := b.getManual(mePath)
	assert.Equal(t, http.StatusUnauthorized, p.status)
	assert.Contains(t, p.header.Get("Content-Type"), "text/html")
	assert.NotEmpty(t, p.header.Get("WWW-Authenticate"))
	// POSTs that need an account answer 401 (with a valid anonymous token
	// or none: there is no session to act on).
	for _, path := range []string{bindPath, unbindPath, notifyPath} {
		p := b.post(path, url.Values{csrfField: {b.csrf(loginPath)}})
		assert.Equal(t, http.StatusUnauthorized, p.status, path)
	}
	p = b.getManual(logoutPath)
	assert.Equal(t, http.StatusSeeOther, p.status)
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM oauth_states"))
}

func TestRestartKeepsTheData(t *testing.T) {
	t.Parallel()
	wechat := newTestWeChat(t, testUser("oUser1"))
	dbURL := testDatabaseURLs(t)["sqlite"](t)
	first := newTestApp(t, appOptions{databaseURL: dbURL, wechat: wechat})
	b := first.browser(t)
	b.signup("alice")
	require.Equal(t, mePath, b.bind().url.Path)
	first.srv.Close()
	require.NoError(t, first.db.Close())

	// A new process on the same file: the account, the session, the
	// binding and sign-in with WeChat are all still there.
	second := newTestApp(t, appOptions{databaseURL: dbURL, wechat: wechat})
	again := second.browserWithJar(t, b.jar)
	_, v, _ := again.me()
	assert.Equal(t, "alice", v["username"], "the session survived")
	assert.Equal(t, "oUser1", v["wechat"].(map[string]any)["openid"])
	fresh := second.browser(t)
	p := fresh.post(loginPath, url.Values{"username": {"alice"}, "password": {testPassword}, csrfField: {fresh.csrf(loginPath)}})
	assert.Equal(t, mePath, p.url.Path)
	byWeChat := second.browser(t)
	p = byWeChat.get(wechatLoginPath)
	assert.Equal(t, mePath, p.url.Path)
	assert.Contains(t, p.body, "alice")
}

func TestRoutesAndHeaders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{tweak: func(c *config) {
		c.VerifyName, c.VerifyContent = "MP_verify_AbC123xyz.txt", []byte("AbC123xyz")
	}})
	b := app.browser(t)
	p := b.get("/MP_verify_AbC123xyz.txt")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "AbC123xyz", p.body)
	assert.Equal(t, "text/plain; charset=utf-8", p.header.Get("Content-Type"))
	assert.Equal(t, http.StatusNotFound, b.get("/MP_verify_other.txt").status)
	p = b.get("/nothing")
	assert.Equal(t, http.StatusNotFound, p.status)
	assert.Contains(t, p.body, "Page not found")
	assert.Equal(t, http.StatusMethodNotAllowed, b.get(bindPath).status)
	assert.Equal(t, http.StatusOK, b.get("/healthz").status)
	p = b.get("/static/style.css")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.header.Get("Content-Type"), "text/css")
	for _, path := range []string{"/", signupPath, loginPath} {
		p := b.get(path)
		assert.Equal(t, http.StatusOK, p.status)
		assert.NotContains(t, p.body, `id="fake-wechat"`, "real mode: no banner")
		assert.Equal(t, "DENY", p.header.Get("X-Frame-Options"))
	}
}

func TestHTTPSCookiesAreSecure(t *testing.T) {
	t.Parallel()
	// The app itself is served over plain HTTP here; what matters is what
	// it sends when PUBLIC_URL says https.
	app := newTestApp(t, appOptions{tweak: func(c *config) { c.PublicURL = "https://wx.example.com/account" }})
	b := app.browser(t)
	p := b.getManual(signupPath)
	cookies := (&http.Response{Header: p.header}).Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "__Host-"+csrfCookie, cookies[0].Name)
	assert.True(t, cookies[0].Secure)
	assert.True(t, cookies[0].HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookies[0].SameSite)
	assert.Contains(t, p.body, `action="/account/signup"`, "links carry PUBLIC_URL's path")

	p = b.getManual(wechatLoginPath)
	cookies = (&http.Response{Header: p.header}).Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "__Host-"+loginNonceCookie, cookies[0].Name)
	assert.True(t, cookies[0].Secure)
	loc, err := url.Parse(p.header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "https://wx.example.com/account/login/wechat/callback", loc.Query().Get("redirect_uri"))
}

func TestWantsJSON(t *testing.T) {
	t.Parallel()
	for accept, want := range map[string]bool{
		"application/json":                  true,
		"application/json, text/plain, */*": true,
		"application/*":                     true,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": false,
		"":                                    false,
		"*/*":                                 false,
		"text/html, application/json;q=0.5":   false,
		"text/html;q=0.5, application/json":   true,
		"application/json;q=0":                false,
		"application/json;q=0, application/*": false,
		"garbage;;;":                          false,
	} {
		assert.Equal(t, want, wantsJSON(accept), "%q", accept)
	}
}

func TestNotifyThroughAStandInWithoutStableToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	app.wechat.api.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, Status: http.StatusNotFound})
	b := app.browser(t)
	b.signup("alice")
	b.bind()
	for range 2 {
		p := b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
		require.Equal(t, "done=sent-text", p.url.RawQuery, p.body)
	}
	assert.Len(t, app.wechat.api.Sent("oUser1"), 2)
	assert.Equal(t, 1, app.wechat.api.Calls(wxmptest.APIStableTokenPath), "asked once")
	assert.Equal(t, 1, app.wechat.api.Calls(wxmptest.APITokenPath))
	assert.Contains(t, app.logs.String(), "using cgi-bin/token")
}

func TestLogoutByLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	for _, site := range []string{"", "same-origin", "none"} {
		b := app.browser(t)
		b.signup("user-" + site)
		req, err := http.NewRequest(http.MethodGet, b.abs(logoutPath), nil)
		require.NoError(t, err)
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		head, err := http.NewRequest(http.MethodHead, b.abs(logoutPath), nil)
		require.NoError(t, err)
		b.do(b.manual, head)
		status, _, _ := b.me()
		assert.Equal(t, http.StatusOK, status, "a HEAD changes nothing")
		p := b.do(b.follow, req)
		assert.Equal(t, "/", p.url.Path)
		status, _, _ = b.me()
		assert.Equal(t, http.StatusUnauthorized, status, "Sec-Fetch-Site %q", site)
	}
	assert.Zero(t, app.count(t, "SELECT COUNT(*) FROM sessions"))
}

func TestMultipartAndOversizedForms(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	b := app.browser(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"username": "multi", "password": testPassword, csrfField: b.csrf(signupPath)} {
		require.NoError(t, mw.WriteField(k, v))
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.abs(signupPath), &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	p := b.do(b.follow, req)
	assert.Equal(t, mePath, p.url.Path, p.body)

	p = b.post(loginPath, url.Values{"username": {strings.Repeat("x", maxFormBytes)}, "password": {testPassword}, csrfField: {b.csrf(loginPath)}})
	assert.Equal(t, http.StatusBadRequest, p.status)
}

func TestHostileProfileValues(t *testing.T) {
	t.Parallel()
	u := testUser("oHostile")
	u.HeadImgURL = "javascript:alert(1)"
	u.Nickname = "\xff<b>bold</b>" + strings.Repeat("长", 200) // invalid UTF-8, markup, 600 bytes
	app := newTestApp(t, appOptions{wechat: newTestWeChat(t, u)})
	b := app.browser(t)
	b.signup("alice")
	p := b.bind()
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.NotContains(t, p.body, "javascript:")
	assert.NotContains(t, p.body, `id="avatar"`, "no avatar rather than a script URL")
	assert.NotContains(t, p.body, "<b>bold</b>")
	assert.Contains(t, p.body, "&lt;b&gt;bold&lt;/b&gt;")
	got, err := app.db.bindingByOpenID(context.Background(), "oHostile")
	require.NoError(t, err)
	assert.Empty(t, got.AvatarURL)
	assert.LessOrEqual(t, len(got.Nickname), maxNicknameBytes)
	assert.True(t, utf8.ValidString(got.Nickname))
	assert.Contains(t, got.Nickname, "<b>bold</b>长")
}
