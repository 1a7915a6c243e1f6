package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

const (
	testAppID  = "wx0a1b2c3d4e5f6a7b"
	testSecret = "S3cr3tAppSecretForTheExample0001"
	// The nickname a user would notice being mangled: markup, Chinese and
	// emoji (one outside the BMP).
	nastyNickname = `<script>alert(1)</script>小明😀`
)

// newWeChat starts wxmptest's fake of WeChat's two OAuth hosts, playing a
// user whose nickname a user would notice being mangled. Like WeChat, it
// redirects only to domain, the account's 网页授权域名.
func newWeChat(t *testing.T, domain string) *wxmptest.OAuthServer {
	t.Helper()
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{
		AppID: testAppID, AppSecret: testSecret, User: testUser(), Domains: []string{domain},
	})
	t.Cleanup(s.Close)
	return s
}

func testUser() wxmptest.OAuthUser {
	return wxmptest.OAuthUser{
		OpenID: "oUser1", UnionID: "oUnionoUser1", Nickname: nastyNickname, Sex: oauth.SexFemale,
		Province: "广东", City: "深圳", Country: "中国",
		HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132",
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is the example served over HTTP, wired to a fake WeChat, and a
// browser with a cookie jar.
type harness struct {
	wechat  *wxmptest.OAuthServer
	app     *httptest.Server
	logs    *syncBuffer
	browser *http.Client // follows redirects, like a browser
	manual  *http.Client // same cookies, does not follow redirects
	jar     http.CookieJar
}

// cookie returns the browser's cookie named name for the app, or nil.
func (h *harness) cookie(t *testing.T, name string) *http.Cookie {
	t.Helper()
	u, err := url.Parse(h.app.URL)
	require.NoError(t, err)
	for _, c := range h.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func newHarness(t *testing.T, tweak func(*config)) *harness {
	t.Helper()
	return newHarnessScheme(t, "http", tweak)
}

// newHarnessScheme is newHarness with the app served over scheme, "http"
// or "https" (a test certificate the browser trusts).
func newHarnessScheme(t *testing.T, scheme string, tweak func(*config)) *harness {
	t.Helper()
	h := &harness{logs: &syncBuffer{}}
	h.app = httptest.NewUnstartedServer(nil)
	publicURL := scheme + "://" + h.app.Listener.Addr().String()
	h.wechat = newWeChat(t, "127.0.0.1")
	cfg := config{
		AppID:     testAppID,
		Secret:    testSecret,
		PublicURL: publicURL,
		Addr:      ":0",
		Endpoint:  h.wechat.Endpoint(),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	h.app.Config.Handler = newServer(cfg, slog.New(slog.NewJSONHandler(h.logs, nil)))
	var transport http.RoundTripper = http.DefaultTransport
	if scheme == "https" {
		h.app.StartTLS()
		transport = h.app.Client().Transport
	} else {
		h.app.Start()
	}
	t.Cleanup(h.app.Close)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	h.jar = jar
	h.browser = &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: transport}
	h.manual = &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() { h.assertNothingSensitiveLogged(t) })
	return h
}

func (h *harness) assertNothingSensitiveLogged(t *testing.T) {
	t.Helper()
	logs := h.logs.String()
	for _, s := range h.wechat.Secrets() {
		assert.NotContains(t, logs, s, "a secret, code or token was logged")
	}
}

type page struct {
	status int
	body   string
	url    *url.URL // where the browser ended up
	header http.Header
}

func get(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return page{status: resp.StatusCode, body: string(b), url: resp.Request.URL, header: resp.Header}
}

// assertNoSecrets checks a page the visitor sees.
func (h *harness) assertNoSecrets(t *testing.T, p page) {
	t.Helper()
	for _, s := range h.wechat.Secrets() {
		assert.NotContains(t, p.body, s, "a secret, code or token reached the page")
	}
}

func TestProfileFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)

	home := get(t, h.browser, h.app.URL+"/")
	assert.Equal(t, http.StatusOK, home.status)
	assert.Contains(t, home.body, `href="/login"`)

	// /login: the redirect to WeChat and the state cookie, as sent.
	resp, err := h.manual.Get(h.app.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	var state *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == stateCookie {
			state = c
		}
	}
	require.NotNil(t, state, "no state cookie")
	assert.True(t, state.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, state.SameSite)
	assert.False(t, state.Secure, "PUBLIC_URL is http")
	assert.Equal(t, "/", state.Path)
	assert.Equal(t, 600, state.MaxAge)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	sent := loc.Query().Get("state")
	assert.Regexp(t, `^[A-Za-z0-9]{16,128}$`, sent)
	wantLocation := h.wechat.URL + "/connect/oauth2/authorize?appid=" + testAppID +
		"&redirect_uri=" + strings.ReplaceAll(url.QueryEscape(h.app.URL+"/callback"), "+", "%20") +
		"&response_type=code&scope=snsapi_userinfo&state=" + sent + "#wechat_redirect"
	assert.Equal(t, wantLocation, resp.Header.Get("Location"))

	// The browser follows it: WeChat consents and sends it back to
	// /callback, which signs the visitor in and sends them on to /me.
	profile := get(t, h.browser, resp.Header.Get("Location"))
	require.Equal(t, http.StatusOK, profile.status, profile.body)
	assert.Equal(t, "/me", profile.url.Path, "the profile lives at a stable URL")
	assert.Contains(t, profile.body, `&lt;script&gt;alert(1)&lt;/script&gt;小明😀`)
	assert.NotContains(t, profile.body, "<script>")
	assert.Contains(t, profile.body, "female")
	assert.Contains(t, profile.body, "广东")
	assert.Contains(t, profile.body, "深圳")
	assert.Contains(t, profile.body, "中国")
	assert.Contains(t, profile.body, "oUser1")
	assert.Contains(t, profile.body, `src="https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"`)
	assert.NotContains(t, profile.body, "snapshot")
	assert.Equal(t, "no-referrer", profile.header.Get("Referrer-Policy"), "the code in the URL must not leak to the avatar host")
	assert.Contains(t, profile.header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Equal(t, "no-store", profile.header.Get("Cache-Control"))
	h.assertNoSecrets(t, profile)

	assert.Nil(t, h.cookie(t, stateCookie), "the state cookie is cleared after the callback")
	session := h.cookie(t, sessionCookie)
	require.NotNil(t, session, "the profile is kept in a session cookie")
	for _, s := range h.wechat.Secrets() {
		assert.NotContains(t, session.Value, s, "no code or token in the session")
	}

	// A reload (issue 11 item 7) shows the same profile, without asking
	// WeChat again.
	for range 2 {
		reload := get(t, h.browser, profile.url.String())
		require.Equal(t, http.StatusOK, reload.status)
		assert.Equal(t, "/me", reload.url.Path)
		assert.Contains(t, reload.body, `&lt;script&gt;alert(1)&lt;/script&gt;小明😀`)
		assert.Contains(t, reload.body, "oUser1")
		h.assertNoSecrets(t, reload)
	}
	assert.Equal(t, 1, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
	assert.Equal(t, 1, h.wechat.Calls(wxmptest.OAuthUserInfoPath))

	// The home page says who is signed in.
	home = get(t, h.browser, h.app.URL+"/")
	assert.Contains(t, home.body, `href="/me"`)
}

func TestCallbackRefusesForgedState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	// The visitor started a login, so their browser holds a state cookie.
	resp, err := h.manual.Get(h.app.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	h.wechat.SetUser(wxmptest.OAuthUser{OpenID: "oVictim", Nickname: "victim"})
	code := h.wechat.IssueCode(oauth.ScopeUserInfo)

	for _, tt := range []struct {
		name   string
		client *http.Client
		query  string
	}{
		{"state from another login", h.browser, "code=" + code + "&state=ATTACKERSTATE"},
		{"no state", h.browser, "code=" + code},
		{"no cookie", &http.Client{}, "code=" + code + "&state=ATTACKERSTATE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := get(t, tt.client, h.app.URL+"/callback?"+tt.query)
			assert.Equal(t, http.StatusBadRequest, p.status)
			assert.Contains(t, p.body, "not valid")
			assert.NotContains(t, p.body, "oVictim")
		})
	}
	assert.Zero(t, h.wechat.Calls(wxmptest.OAuthAccessTokenPath), "a forged callback must not reach WeChat")
}

func TestRefusedConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.wechat.SetConsent(wxmptest.OAuthConsentRefuse)
	p := get(t, h.browser, h.app.URL+"/login")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "/callback", p.url.Path)
	assert.Empty(t, p.url.Query().Get("code"))
	assert.Contains(t, p.body, "chose not to share")
	assert.Contains(t, p.body, `href="/login"`)
	assert.Zero(t, h.wechat.Calls(wxmptest.OAuthAccessTokenPath))
}

func TestSnapshotUserIsFlagged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := testUser()
	u.Snapshot = true
	h.wechat.SetUser(u)
	p := get(t, h.browser, h.app.URL+"/login")
	require.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "/me", p.url.Path)
	assert.Contains(t, p.body, "snapshot mode")
	assert.Contains(t, p.body, "使用完整服务")
}

func TestWeChatFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      wxmptest.OAuthFault
		wantStatus int
		want       []string
	}{
		{"code rejected (40029)", wxmptest.OAuthFault{ErrCode: 40029, ErrMsg: "invalid code"},
			http.StatusBadRequest, []string{"40029", "invalid or has expired"}},
		{"code expired (42003)", wxmptest.OAuthFault{ErrCode: 42003, ErrMsg: "code expired"},
			http.StatusBadRequest, []string{"42003", "expired"}},
		{"profile not allowed (48001)", wxmptest.OAuthFault{Path: wxmptest.OAuthUserInfoPath, ErrCode: 48001, ErrMsg: "api unauthorized"},
			http.StatusBadRequest, []string{"48001", "may not read"}},
		{"system busy (-1)", wxmptest.OAuthFault{ErrCode: -1, ErrMsg: "system error"},
			http.StatusBadRequest, []string{"-1", "try again"}},
		{"WeChat answers 500", wxmptest.OAuthFault{Status: http.StatusInternalServerError, Body: "upstream trouble"},
			http.StatusOK, []string{"not answering"}},
		{"WeChat answers garbage", wxmptest.OAuthFault{Body: `<html>502 Bad Gateway</html>`},
			http.StatusOK, []string{"not answering"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, nil)
			h.wechat.SetFaults(tt.fault)
			p := get(t, h.browser, h.app.URL+"/login")
			assert.Equal(t, tt.wantStatus, p.status)
			assert.Equal(t, "/callback", p.url.Path)
			for _, w := range tt.want {
				assert.Contains(t, p.body, w)
			}
			assert.Contains(t, p.header.Get("Content-Type"), "text/html")
			h.assertNoSecrets(t, p)
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config) {
		c.VerifyName = "MP_verify_AbC123xyz.txt"
		c.VerifyContent = []byte("AbC123xyz")
	})
	p := get(t, h.browser, h.app.URL+"/MP_verify_AbC123xyz.txt")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "AbC123xyz", p.body)
	assert.Equal(t, "text/plain; charset=utf-8", p.header.Get("Content-Type"))

	assert.Equal(t, http.StatusNotFound, get(t, h.browser, h.app.URL+"/MP_verify_other.txt").status)
	assert.Equal(t, http.StatusNotFound, get(t, h.browser, h.app.URL+"/nothing").status)

	resp, err := h.browser.Post(h.app.URL+"/login", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	// Without configuration there is no verification file.
	bare := newHarness(t, nil)
	assert.Equal(t, http.StatusNotFound, get(t, bare.browser, bare.app.URL+"/MP_verify_AbC123xyz.txt").status)
}

func TestHTTPSCookieIsSecureAndPrefixIsKept(t *testing.T) {
	t.Parallel()
	cfg := config{AppID: testAppID, Secret: testSecret, PublicURL: "https://wx.example.com/profile"}
	srv := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))

	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
	require.Equal(t, http.StatusFound, rec.Code)
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.True(t, cookies[0].Secure)
	assert.Equal(t, "__Host-"+stateCookie, cookies[0].Name, "https: a __Host- cookie")
	assert.Equal(t, "/", cookies[0].Path)
	assert.Empty(t, cookies[0].Domain)
	assert.Contains(t, rec.Header().Get("Location"),
		"https://open.weixin.qq.com/connect/oauth2/authorize?appid="+testAppID+
			"&redirect_uri=https%3A%2F%2Fwx.example.com%2Fprofile%2Fcallback&response_type=code&scope=snsapi_userinfo&state=")

	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Contains(t, rec.Body.String(), `href="/profile/login"`)
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	verifyPath := filepath.Join(dir, "MP_verify_Q1w2E3r4T5y6U7i8.txt")
	require.NoError(t, os.WriteFile(verifyPath, []byte("Q1w2E3r4T5y6U7i8"), 0o600))
	badName := filepath.Join(dir, "verify.txt")
	require.NoError(t, os.WriteFile(badName, []byte("x"), 0o600))
	bigPath := filepath.Join(dir, "MP_verify_big.txt")
	require.NoError(t, os.WriteFile(bigPath, bytes.Repeat([]byte("x"), maxVerifySize+1), 0o600))

	base := map[string]string{
		"WECHAT_APPID":  testAppID,
		"WECHAT_SECRET": testSecret,
		"PUBLIC_URL":    "https://wx.example.com/",
	}
	env := func(extra map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return func(k string) string { return m[k] }
	}

	cfg, err := loadConfig(env(nil))
	require.NoError(t, err)
	assert.Equal(t, ":8080", cfg.Addr)
	assert.Equal(t, "https://wx.example.com", cfg.PublicURL)
	assert.Equal(t, "https://wx.example.com/callback", cfg.oauthConfig().RedirectURL)
	assert.Empty(t, cfg.VerifyName)

	cfg, err = loadConfig(env(map[string]string{
		"ADDR": "127.0.0.1:9999", "WECHAT_OPEN_BASE": "http://127.0.0.1:1", "WECHAT_API_BASE": "http://127.0.0.1:2/sns-proxy",
		"MP_VERIFY_FILE": verifyPath,
	}))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9999", cfg.Addr)
	assert.Equal(t, oauth.Endpoint{AuthURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:2/sns-proxy"}, cfg.Endpoint)
	assert.Equal(t, "MP_verify_Q1w2E3r4T5y6U7i8.txt", cfg.VerifyName)
	assert.Equal(t, "Q1w2E3r4T5y6U7i8", string(cfg.VerifyContent))

	cfg, err = loadConfig(env(map[string]string{"MP_VERIFY_NAME": "MP_verify_abc.txt", "MP_VERIFY_CONTENT": "abc"}))
	require.NoError(t, err)
	assert.Equal(t, "MP_verify_abc.txt", cfg.VerifyName)
	assert.Equal(t, "abc", string(cfg.VerifyContent))

	// Nothing set: fake mode, with the fake's credentials.
	cfg, err = loadConfig(func(string) string { return "" })
	require.NoError(t, err)
	assert.True(t, cfg.Fake)
	assert.Equal(t, wxmptest.DefaultOAuthAppID, cfg.AppID)
	assert.Equal(t, wxmptest.DefaultOAuthAppSecret, cfg.Secret)
	assert.Empty(t, cfg.PublicURL, "derived from the listening address in run")
	assert.Equal(t, ":8080", cfg.Addr)
	cfg, err = loadConfig(env(nil))
	require.NoError(t, err)
	assert.False(t, cfg.Fake)

	for _, tt := range []struct {
		name  string
		extra map[string]string
		want  string
	}{
		{"no appid", map[string]string{"WECHAT_APPID": ""}, "WECHAT_APPID"},
		{"no secret", map[string]string{"WECHAT_SECRET": ""}, "WECHAT_SECRET"},
		{"no public url", map[string]string{"PUBLIC_URL": ""}, "PUBLIC_URL"},
		{"relative public url", map[string]string{"PUBLIC_URL": "wx.example.com"}, "PUBLIC_URL"},
		{"public url with query", map[string]string{"PUBLIC_URL": "https://wx.example.com/?a=1"}, "PUBLIC_URL"},
		{"bad open base", map[string]string{"WECHAT_OPEN_BASE": "localhost:9000"}, "WECHAT_OPEN_BASE"},
		{"bad api base", map[string]string{"WECHAT_API_BASE": "ftp://x"}, "WECHAT_API_BASE"},
		{"verify file missing", map[string]string{"MP_VERIFY_FILE": filepath.Join(dir, "MP_verify_none.txt")}, "MP_VERIFY_FILE"},
		{"verify file too big", map[string]string{"MP_VERIFY_FILE": bigPath}, "MP_VERIFY_FILE"},
		{"verify file badly named", map[string]string{"MP_VERIFY_FILE": badName}, "MP_verify_"},
		{"verify both ways", map[string]string{"MP_VERIFY_FILE": verifyPath, "MP_VERIFY_NAME": "MP_verify_a.txt"}, "not both"},
		{"verify name without content", map[string]string{"MP_VERIFY_NAME": "MP_verify_a.txt"}, "together"},
		{"verify name with a path", map[string]string{"MP_VERIFY_NAME": "../MP_verify_a.txt", "MP_VERIFY_CONTENT": "a"}, "MP_verify_"},
		{"verify name with a dash", map[string]string{"MP_VERIFY_NAME": "MP_verify_a-b.txt", "MP_VERIFY_CONTENT": "a"}, "MP_verify_"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(env(tt.extra))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// TestRun starts the real program loop on a free port, drives it through
// the fake WeChat and stops it by cancelling the context, as SIGTERM does.
func TestRun(t *testing.T) {
	t.Parallel()
	wechat := newWeChat(t, "app.invalid")
	env := map[string]string{
		"WECHAT_APPID":     testAppID,
		"WECHAT_SECRET":    testSecret,
		"PUBLIC_URL":       "http://app.invalid",
		"ADDR":             "127.0.0.1:0",
		"WECHAT_OPEN_BASE": wechat.URL,
		"WECHAT_API_BASE":  wechat.URL,
	}
	app := startRun(t, env)
	base := "http://" + app.addr
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	p := get(t, browser, base+"/")
	assert.Equal(t, http.StatusOK, p.status)

	// /login → WeChat's authorize page → back to PUBLIC_URL/callback,
	// which the test maps onto the listening address.
	resp, err := browser.Get(base + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	resp, err = browser.Get(resp.Header.Get("Location"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "app.invalid", back.Host)
	appURL, err := url.Parse(base)
	require.NoError(t, err)
	// Cookies were set for the listening address; send them there.
	back.Scheme, back.Host = appURL.Scheme, appURL.Host
	resp, err = browser.Get(back.String())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/me", resp.Header.Get("Location"))
	p = get(t, browser, base+"/me")
	assert.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "&lt;script&gt;")

	out := app.stop(t)
	assert.Contains(t, out, `"msg":"stopped"`)
	assert.Contains(t, out, `"path":"/callback"`)
	for _, s := range wechat.Secrets() {
		assert.NotContains(t, out, s, "a secret, code or token was logged")
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		assert.True(t, json.Valid([]byte(line)), "log line is not JSON: %s", line)
	}
}

// TestRunFailsWithPartialConfig: fake mode needs every WeChat variable
// unset, so a deployment that lost WECHAT_APPID fails instead of serving a
// fake sign-in.
func TestRunFailsWithPartialConfig(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{"WECHAT_SECRET": testSecret},
		{"WECHAT_SECRET": testSecret, "PUBLIC_URL": "https://wx.example.com"},
		{"WECHAT_API_BASE": "http://127.0.0.1:8081"},
		{"WECHAT_OPEN_BASE": "http://127.0.0.1:8081", "ADDR": "127.0.0.1:0"},
	} {
		err := run(context.Background(), func(k string) string { return env[k] }, io.Discard)
		require.Error(t, err, env)
		assert.Contains(t, err.Error(), "WECHAT_APPID")
		assert.NotContains(t, err.Error(), testSecret)
	}
}

// TestRunFakeMode starts the program with no configuration at all, as
// "go run ./examples/oauth" on a laptop does, and signs in through the
// in-process fake WeChat like a browser would.
func TestRunFakeMode(t *testing.T) {
	t.Parallel()
	app := startRun(t, map[string]string{"ADDR": "127.0.0.1:0"}) // the only variable: a free port
	base := "http://" + app.addr
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	home := get(t, browser, base+"/")
	assert.Equal(t, http.StatusOK, home.status)
	assert.Contains(t, home.body, `id="fake-wechat"`, "the banner says sign-in is fake")
	assert.Contains(t, home.body, "WECHAT_APPID is not set")

	// /login → /fake-wechat/connect/oauth2/authorize → /callback, all on
	// this one address, then the server's own calls to the fake.
	var callback *url.URL
	browser.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if r.URL.Path == "/callback" {
			callback = r.URL
		}
		return nil
	}
	profile := get(t, browser, base+"/login")
	require.Equal(t, http.StatusOK, profile.status, profile.body)
	assert.Equal(t, "/me", profile.url.Path)
	assert.Equal(t, app.addr, profile.url.Host, "PUBLIC_URL defaults to the listening address")
	require.NotNil(t, callback)
	assert.NotEmpty(t, callback.Query().Get("code"))
	user := wxmptest.DefaultOAuthUser()
	assert.Contains(t, profile.body, user.Nickname)
	assert.Contains(t, profile.body, user.OpenID)
	assert.Contains(t, profile.body, user.City)
	assert.Contains(t, profile.body, `id="fake-wechat"`)

	// A reload shows the profile again.
	reload := get(t, browser, profile.url.String())
	assert.Equal(t, http.StatusOK, reload.status)
	assert.Contains(t, reload.body, user.Nickname)

	out := app.stop(t)
	assert.Contains(t, out, `"msg":"fake mode: WECHAT_APPID is not set`)
	assert.Contains(t, out, `"fake_wechat":true`)
	assert.Contains(t, out, `"path":"/fake-wechat/connect/oauth2/authorize"`)
	assert.Contains(t, out, `"path":"/fake-wechat/sns/userinfo"`)
	assert.Contains(t, out, `"msg":"stopped"`)
	// The fake's codes and tokens start with FAKE…; none may be logged.
	for _, s := range []string{"FAKECODE", "FAKEAT", "FAKERT", wxmptest.DefaultOAuthAppSecret, callback.Query().Get("code")} {
		assert.NotContains(t, out, s)
	}
}

func TestWithFakeWeChat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		publicURL string
		addr      net.Addr
		want      config
	}{
		{"unspecified address", "", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, config{
			PublicURL: "http://localhost:8080",
			Endpoint:  oauth.Endpoint{AuthURL: "http://localhost:8080/fake-wechat", APIURL: "http://[::]:8080/fake-wechat"},
		}},
		{"loopback", "", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}, config{
			PublicURL: "http://127.0.0.1:9000",
			Endpoint:  oauth.Endpoint{AuthURL: "http://127.0.0.1:9000/fake-wechat", APIURL: "http://127.0.0.1:9000/fake-wechat"},
		}},
		{"PUBLIC_URL kept", "http://192.168.1.5:8080/app", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, config{
			PublicURL: "http://192.168.1.5:8080/app",
			Endpoint:  oauth.Endpoint{AuthURL: "http://192.168.1.5:8080/app/fake-wechat", APIURL: "http://0.0.0.0:8080/fake-wechat"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := loadConfig(func(k string) string { return map[string]string{"PUBLIC_URL": tt.publicURL}[k] })
			require.NoError(t, err)
			require.True(t, c.Fake)
			c, err = c.withFakeWeChat(tt.addr)
			require.NoError(t, err)
			assert.Equal(t, tt.want.PublicURL, c.PublicURL)
			assert.Equal(t, tt.want.Endpoint, c.Endpoint)
			require.NotNil(t, c.FakeWeChat)
			assert.Equal(t, c.AppID, c.FakeWeChat.AppID())
			require.NotNil(t, c.FakeAPI, "the API fake is served too")
			assert.Equal(t, tt.want.PublicURL+"/fake-wechat-api", c.FakeAPI.URL)
			assert.Equal(t, c.AppID, c.FakeAPI.AppID())
			assert.Equal(t, c.Secret, c.FakeAPI.AppSecret())
		})
	}
}

// running is the program started by startRun.
type running struct {
	addr   string // from the "listening" log line
	stdout *syncBuffer
	cancel context.CancelFunc
	done   chan error // run's result
}

// startRun starts the real program loop, run, with env as its environment
// and waits until it listens.
func startRun(t *testing.T, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &running{stdout: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx, func(k string) string { return env[k] }, r.stdout) }()
	r.addr = waitForListening(t, r.stdout)
	return r
}

// stop cancels run's context, as SIGTERM does, requires run to return nil
// within 15 s and returns everything it logged.
func (r *running) stop(t *testing.T) string {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	return r.stdout.String()
}

// waitForListening reads the "listening" log line and returns its addr.
func waitForListening(t *testing.T, stdout *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(stdout.String()))
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				return line.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no listening line in %q", stdout.String())
	return ""
}
