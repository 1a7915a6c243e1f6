package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

const (
	testAppID  = "wx0a1b2c3d4e5f6a7b"
	testSecret = "S3cr3tAppSecretForTheBindExample"
	// A nickname a user would notice being mangled or executed: markup,
	// quotes, an entity, Chinese and an emoji outside the BMP.
	hostileNickname = `<script>alert("x")</script><img src=x onerror=alert(1)>'&amp;小明😀`
	testPassword    = "correct horse battery"
)

// testUser is the WeChat user the fake plays unless a test says otherwise.
func testUser(openID string) wxmptest.OAuthUser {
	return wxmptest.OAuthUser{
		OpenID: openID, UnionID: "oUnion" + openID, Nickname: hostileNickname, Sex: oauth.SexFemale,
		Province: "广东", City: "深圳", Country: "中国",
		HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/" + openID + "/132",
	}
}

// testWeChat is a stand-in for WeChat's two hosts on one test server, as
// WECHAT_OPEN_BASE and WECHAT_API_BASE would point at: the authorize page
// and /sns/ from wxmptest's OAuth fake, /cgi-bin/ from its API fake.
type testWeChat struct {
	oauth *wxmptest.OAuthServer
	api   *wxmptest.APIServer
	srv   *httptest.Server
}

// newTestWeChat starts the stand-in; the API fake knows the OpenIDs as
// followers.
func newTestWeChat(t *testing.T, user wxmptest.OAuthUser, followers ...string) *testWeChat {
	t.Helper()
	o := wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{
		AppID: testAppID, AppSecret: testSecret, User: user, Domains: []string{"127.0.0.1"},
	})
	users := []wxmptest.APIUser{{OpenID: user.OpenID}}
	for _, f := range followers {
		users = append(users, wxmptest.APIUser{OpenID: f})
	}
	a, err := wxmptest.NewUnstartedAPIServer(wxmptest.WithAPICredentials(testAppID, testSecret), wxmptest.WithAPIUsers(users...))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/connect/", o.Handler())
	mux.Handle("/sns/", o.Handler())
	mux.Handle("/cgi-bin/", a.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &testWeChat{oauth: o, api: a, srv: srv}
}

// secrets are the values that must never reach a log line or a page.
func (w *testWeChat) secrets() []string {
	return append(w.oauth.Secrets(), w.api.Secrets()...)
}

// testClock is a clock a test can move forward.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
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

// testApp is one instance of the application over HTTP, in real mode,
// against a stand-in for WeChat.
type testApp struct {
	wechat *testWeChat
	srv    *httptest.Server
	db     *DB
	logs   *syncBuffer
	clock  *testClock
	cfg    config
}

type appOptions struct {
	databaseURL string        // "" means a new SQLite file
	wechat      *testWeChat   // nil means a new stand-in playing testUser("oUser1")
	tweak       func(*config) // changes the configuration
}

func newTestApp(t *testing.T, opts appOptions) *testApp {
	t.Helper()
	a := &testApp{wechat: opts.wechat, logs: &syncBuffer{}, clock: &testClock{}}
	if a.wechat == nil {
		a.wechat = newTestWeChat(t, testUser("oUser1"))
	}
	if opts.databaseURL == "" {
		opts.databaseURL = testDatabaseURLs(t)["sqlite"](t)
	}
	a.db = openTestDB(t, opts.databaseURL)
	a.srv = httptest.NewUnstartedServer(nil)
	a.cfg = config{
		AppID:       testAppID,
		Secret:      testSecret,
		PublicURL:   "http://" + a.srv.Listener.Addr().String(),
		OpenBase:    a.wechat.srv.URL,
		APIBase:     a.wechat.srv.URL,
		DatabaseURL: opts.databaseURL,
		now:         a.clock.now,
		bcryptCost:  bcrypt.MinCost,
	}
	if opts.tweak != nil {
		opts.tweak(&a.cfg)
	}
	h, err := newServer(a.cfg, a.db, slog.New(slog.NewJSONHandler(a.logs, nil)))
	require.NoError(t, err)
	a.srv.Config.Handler = h
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	t.Cleanup(func() { a.assertNothingSensitiveLogged(t) })
	return a
}

func (a *testApp) assertNothingSensitiveLogged(t *testing.T) {
	t.Helper()
	logs := a.logs.String()
	for _, s := range append(a.wechat.secrets(), testPassword) {
		assert.NotContains(t, logs, s, "a secret, code, token or password was logged")
	}
}

// count returns the number of rows of a table (a query's first column).
func (a *testApp) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, a.db.queryRow(context.Background(), a.db.sql, query, args...).Scan(&n))
	return n
}

// browser is a visitor with a cookie jar.
type browser struct {
	t       *testing.T
	base    string          // the application's URL
	secrets func() []string // what no page may show
	jar     *cookiejar.Jar
	follow  *http.Client // follows redirects, like a browser
	manual  *http.Client // same cookies, does not follow redirects
}

func (a *testApp) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return a.browserWithJar(t, jar)
}

// browserWithJar is a browser for a on the cookies of another: the same
// visitor reaching another instance through a load balancer.
func (a *testApp) browserWithJar(t *testing.T, jar *cookiejar.Jar) *browser {
	return newBrowser(t, a.srv.URL, a.wechat.secrets, jar)
}

func newBrowser(t *testing.T, base string, secrets func() []string, jar *cookiejar.Jar) *browser {
	return &browser{
		t: t, base: base, secrets: secrets, jar: jar,
		follow: &http.Client{Jar: jar, Timeout: 20 * time.Second},
		manual: &http.Client{Jar: jar, Timeout: 20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

type page struct {
	status int
	body   string
	url    *url.URL // where the browser ended up
	header http.Header
}

func (b *browser) do(c *http.Client, req *http.Request) page {
	b.t.Helper()
	resp, err := c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	p := page{status: resp.StatusCode, body: string(body), url: resp.Request.URL, header: resp.Header}
	if !strings.HasPrefix(p.url.String(), b.base) {
		return p // WeChat's page, which carries codes
	}
	for _, s := range b.secrets() {
		assert.NotContains(b.t, p.body, s, "a secret, code or token reached a page")
	}
	return p
}

// abs makes an application path absolute; an absolute URL stays.
func (b *browser) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return b.base + path
}

// get loads a page, following redirects.
func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.abs(path), nil)
	require.NoError(b.t, err)
	return b.do(b.follow, req)
}

// getManual loads a page without following a redirect.
func (b *browser) getManual(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.abs(path), nil)
	require.NoError(b.t, err)
	return b.do(b.manual, req)
}

// post submits a form, following the redirects that answer it.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	return b.postWith(b.follow, path, form, nil)
}

func (b *browser) postWith(c *http.Client, path string, form url.Values, header http.Header) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.abs(path), strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return b.do(c, req)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token of the forms on the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	require.Equal(b.t, http.StatusOK, p.status, p.body)
	m := csrfRE.FindStringSubmatch(p.body)
	require.NotNil(b.t, m, "no CSRF token on %s", path)
	return m[1]
}

// signup creates an account and signs in.
func (b *browser) signup(name string) {
	b.t.Helper()
	p := b.post(signupPath, url.Values{"username": {name}, "password": {testPassword}, csrfField: {b.csrf(signupPath)}})
	require.Equal(b.t, http.StatusOK, p.status, p.body)
	require.Equal(b.t, mePath, p.url.Path)
}

// bind binds the signed-in account to the WeChat user the stand-in plays,
// following the redirects through the authorize page, and returns the
// page it ends on.
func (b *browser) bind() page {
	b.t.Helper()
	return b.post(bindPath, url.Values{csrfField: {b.csrf(mePath)}})
}

// bindCallbackURL starts a bind and returns the callback URL WeChat sends
// the browser back to, without loading it.
func (b *browser) bindCallbackURL() string {
	b.t.Helper()
	p := b.postWith(b.manual, bindPath, url.Values{csrfField: {b.csrf(mePath)}}, nil)
	require.Equal(b.t, http.StatusSeeOther, p.status, p.body)
	auth := b.getManual(p.header.Get("Location"))
	require.Equal(b.t, http.StatusFound, auth.status, auth.body)
	return auth.header.Get("Location")
}

// me returns /me as JSON: its status and the decoded body.
func (b *browser) me() (int, map[string]any, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.abs(mePath), nil)
	require.NoError(b.t, err)
	req.Header.Set("Accept", "application/json")
	p := b.do(b.manual, req)
	var v map[string]any
	require.NoError(b.t, json.Unmarshal([]byte(p.body), &v), p.body)
	assert.Equal(b.t, "application/json; charset=utf-8", p.header.Get("Content-Type"))
	return p.status, v, p.body
}

// cookie returns the browser's cookie named name for the app, or nil.
func (b *browser) cookie(name string) *http.Cookie {
	u, err := url.Parse(b.base)
	require.NoError(b.t, err)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}
