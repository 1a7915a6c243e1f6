package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
)

const (
	testAppID  = "wx0a1b2c3d4e5f6a7b"
	testSecret = "S3cr3tAppSecretForTheExample0001"
	// The nickname a user would notice being mangled: markup, Chinese and
	// emoji (one outside the BMP).
	nastyNickname = `<script>alert(1)</script>小明😀`
)

// fakeWeChat stands in for open.weixin.qq.com (authorize) and
// api.weixin.qq.com (/sns/): text/plain JSON, errors as HTTP 200 + errcode,
// single-use codes.
type fakeWeChat struct {
	open, api *httptest.Server

	mu          sync.Mutex
	redirectURI string // what authorize must be asked to redirect to
	refuse      bool   // the user declines consent
	snapshot    bool   // tokens are for snapshot-mode users
	apiStatus   int    // non-zero: every /sns/ call answers this status
	apiBody     string // non-empty: every /sns/ call answers this body
	userinfoErr int    // non-zero: /sns/userinfo answers this errcode
	codes       map[string]string
	used        map[string]bool
	tokens      map[string]string
	n           int
	tokenCalls  int
	sensitive   []string // every code and token handed out
}

func newFakeWeChat(t *testing.T) *fakeWeChat {
	t.Helper()
	f := &fakeWeChat{codes: map[string]string{}, used: map[string]bool{}, tokens: map[string]string{}}
	f.open = httptest.NewServer(http.HandlerFunc(f.serveOpen))
	t.Cleanup(f.open.Close)
	f.api = httptest.NewServer(http.HandlerFunc(f.serveAPI))
	t.Cleanup(f.api.Close)
	return f
}

func (f *fakeWeChat) set(fn func(f *fakeWeChat)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// issueCode mints a code for openID, as a consent would. f.mu is held.
func (f *fakeWeChat) issueCode(openID string) string {
	f.n++
	code := "0a1CODE" + strconv.Itoa(f.n) + "xYz"
	f.codes[code] = openID
	f.sensitive = append(f.sensitive, code)
	return code
}

func (f *fakeWeChat) Sensitive() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{testSecret}, f.sensitive...)
}

func (f *fakeWeChat) TokenCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCalls
}

func (f *fakeWeChat) serveOpen(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	want := regexp.MustCompile(`^appid=` + testAppID + `&redirect_uri=([^&]+)&response_type=code&scope=snsapi_userinfo&state=([A-Za-z0-9]{1,128})$`)
	m := want.FindStringSubmatch(r.URL.RawQuery)
	if r.URL.Path != "/connect/oauth2/authorize" || m == nil {
		http.Error(w, "10003 redirect_uri or parameters wrong", http.StatusBadRequest)
		return
	}
	redirect, err := url.QueryUnescape(m[1])
	if err != nil || redirect != f.redirectURI {
		http.Error(w, "10003 redirect_uri domain mismatch", http.StatusBadRequest)
		return
	}
	state := m[2]
	if f.refuse {
		http.Redirect(w, r, redirect+"?state="+state, http.StatusFound)
		return
	}
	code := f.issueCode("oUser" + strconv.Itoa(f.n+1))
	http.Redirect(w, r, redirect+"?code="+code+"&state="+state, http.StatusFound)
}

func (f *fakeWeChat) serveAPI(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.apiStatus != 0 {
		http.Error(w, "upstream trouble", f.apiStatus)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	if f.apiBody != "" {
		_, _ = io.WriteString(w, f.apiBody)
		return
	}
	q := r.URL.Query()
	errcode := func(code int, msg string) {
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
	}
	switch r.URL.Path {
	case "/sns/oauth2/access_token":
		f.tokenCalls++
		code := q.Get("code")
		switch {
		case q.Get("appid") != testAppID || q.Get("secret") != testSecret || q.Get("grant_type") != "authorization_code":
			errcode(40001, "invalid credential")
		case f.used[code]:
			errcode(40163, "code been used, rid: 65a0-1b2c")
		case f.codes[code] == "":
			errcode(40029, "invalid code")
		default:
			openID := f.codes[code]
			delete(f.codes, code)
			f.used[code] = true
			at, rt := "ACCESSTOKEN"+code, "REFRESHTOKEN"+code
			f.tokens[at] = openID
			f.sensitive = append(f.sensitive, at, rt)
			body := map[string]any{"access_token": at, "expires_in": 7200, "refresh_token": rt,
				"openid": openID, "scope": "snsapi_userinfo"}
			if f.snapshot {
				body["is_snapshotuser"] = 1
			}
			_ = json.NewEncoder(w).Encode(body)
		}
	case "/sns/userinfo":
		openID, ok := f.tokens[q.Get("access_token")]
		switch {
		case f.userinfoErr != 0:
			errcode(f.userinfoErr, "as configured")
		case !ok:
			errcode(40001, "invalid credential")
		case openID != q.Get("openid"):
			errcode(40003, "invalid openid")
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{
				"openid": openID, "nickname": nastyNickname, "sex": "2",
				"province": "广东", "city": "深圳", "country": "中国",
				"headimgurl": "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132",
				"privilege":  []string{}, "unionid": "oUnion" + openID,
			})
		}
	default:
		http.NotFound(w, r)
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
	wechat  *fakeWeChat
	app     *httptest.Server
	logs    *syncBuffer
	browser *http.Client // follows redirects, like a browser
	manual  *http.Client // same cookies, does not follow redirects
}

func newHarness(t *testing.T, tweak func(*config)) *harness {
	t.Helper()
	h := &harness{wechat: newFakeWeChat(t), logs: &syncBuffer{}}
	h.app = httptest.NewUnstartedServer(nil)
	publicURL := "http://" + h.app.Listener.Addr().String()
	cfg := config{
		AppID:     testAppID,
		Secret:    testSecret,
		PublicURL: publicURL,
		Addr:      ":0",
		Endpoint:  oauth.Endpoint{AuthURL: h.wechat.open.URL, APIURL: h.wechat.api.URL},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	h.app.Config.Handler = newServer(cfg, slog.New(slog.NewJSONHandler(h.logs, nil)))
	h.app.Start()
	t.Cleanup(h.app.Close)
	h.wechat.set(func(f *fakeWeChat) { f.redirectURI = publicURL + "/callback" })

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	h.browser = &http.Client{Jar: jar, Timeout: 10 * time.Second}
	h.manual = &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() { h.assertNothingSensitiveLogged(t) })
	return h
}

func (h *harness) assertNothingSensitiveLogged(t *testing.T) {
	t.Helper()
	logs := h.logs.String()
	for _, s := range h.wechat.Sensitive() {
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
	for _, s := range h.wechat.Sensitive() {
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
	assert.Regexp(t, `^[A-Za-z0-9]{16,128}$`, state.Value)
	wantLocation := h.wechat.open.URL + "/connect/oauth2/authorize?appid=" + testAppID +
		"&redirect_uri=" + strings.ReplaceAll(url.QueryEscape(h.app.URL+"/callback"), "+", "%20") +
		"&response_type=code&scope=snsapi_userinfo&state=" + state.Value + "#wechat_redirect"
	assert.Equal(t, wantLocation, resp.Header.Get("Location"))

	// The browser follows it: WeChat consents and sends it back.
	profile := get(t, h.browser, resp.Header.Get("Location"))
	require.Equal(t, http.StatusOK, profile.status, profile.body)
	assert.Equal(t, "/callback", profile.url.Path)
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

	// A reload replays the used code: a friendly page naming 40163.
	reload := get(t, h.browser, profile.url.String())
	assert.Less(t, reload.status, 500)
	assert.Equal(t, http.StatusBadRequest, reload.status)
	assert.Contains(t, reload.body, "40163")
	assert.Contains(t, reload.body, "already been used")
	assert.Contains(t, reload.body, `href="/login"`)
	h.assertNoSecrets(t, reload)
}

func TestCallbackRefusesForgedState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	// The visitor started a login, so their browser holds a state cookie.
	resp, err := h.manual.Get(h.app.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	var code string
	h.wechat.set(func(f *fakeWeChat) { code = f.issueCode("oVictim") })

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
	assert.Zero(t, h.wechat.TokenCalls(), "a forged callback must not reach WeChat")
}

func TestRefusedConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.wechat.set(func(f *fakeWeChat) { f.refuse = true })
	p := get(t, h.browser, h.app.URL+"/login")
	assert.Equal(t, http.StatusOK, p.status)
	assert.Equal(t, "/callback", p.url.Path)
	assert.Empty(t, p.url.Query().Get("code"))
	assert.Contains(t, p.body, "chose not to share")
	assert.Contains(t, p.body, `href="/login"`)
	assert.Zero(t, h.wechat.TokenCalls())
}

func TestSnapshotUserIsFlagged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.wechat.set(func(f *fakeWeChat) { f.snapshot = true })
	p := get(t, h.browser, h.app.URL+"/login")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "snapshot mode")
	assert.Contains(t, p.body, "使用完整服务")
}

func TestWeChatFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(f *fakeWeChat)
		wantStatus int
		want       []string
	}{
		{"code rejected (40029)", func(f *fakeWeChat) { f.apiBody = `{"errcode":40029,"errmsg":"invalid code"}` },
			http.StatusBadRequest, []string{"40029", "invalid or has expired"}},
		{"code expired (42003)", func(f *fakeWeChat) { f.apiBody = `{"errcode":42003,"errmsg":"code expired"}` },
			http.StatusBadRequest, []string{"42003", "expired"}},
		{"profile not allowed (48001)", func(f *fakeWeChat) { f.userinfoErr = 48001 },
			http.StatusBadRequest, []string{"48001", "may not read"}},
		{"system busy (-1)", func(f *fakeWeChat) { f.apiBody = `{"errcode":-1,"errmsg":"system error"}` },
			http.StatusBadRequest, []string{"-1", "try again"}},
		{"WeChat answers 500", func(f *fakeWeChat) { f.apiStatus = http.StatusInternalServerError },
			http.StatusOK, []string{"not answering"}},
		{"WeChat answers garbage", func(f *fakeWeChat) { f.apiBody = `<html>502 Bad Gateway</html>` },
			http.StatusOK, []string{"not answering"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, nil)
			h.wechat.set(tt.setup)
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
	wechat := newFakeWeChat(t)
	env := map[string]string{
		"WECHAT_APPID":     testAppID,
		"WECHAT_SECRET":    testSecret,
		"PUBLIC_URL":       "http://app.invalid",
		"ADDR":             "127.0.0.1:0",
		"WECHAT_OPEN_BASE": wechat.open.URL,
		"WECHAT_API_BASE":  wechat.api.URL,
	}
	wechat.set(func(f *fakeWeChat) { f.redirectURI = "http://app.invalid/callback" })
	stdout := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, stdout) }()

	addr := waitForListening(t, stdout)
	base := "http://" + addr
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
	p = get(t, browser, back.String())
	assert.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "&lt;script&gt;")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	out := stdout.String()
	assert.Contains(t, out, `"msg":"stopped"`)
	assert.Contains(t, out, `"path":"/callback"`)
	for _, s := range wechat.Sensitive() {
		assert.NotContains(t, out, s, "a secret, code or token was logged")
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		assert.True(t, json.Valid([]byte(line)), "log line is not JSON: %s", line)
	}
}

func TestRunFailsWithoutConfig(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), func(string) string { return "" }, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WECHAT_APPID")
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
