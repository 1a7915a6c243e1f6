package main

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTwoInstancesShareTheDatabase runs two instances of the application
// on one database, as behind a load balancer: on PostgreSQL when
// TEST_DATABASE_URL is set, and on one SQLite file.
func TestTwoInstancesShareTheDatabase(t *testing.T) {
	t.Parallel()
	for name, newURL := range testDatabaseURLs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dbURL := newURL(t)
			wechat := newTestWeChat(t, testUser("oShared"), "oOther")
			a := newTestApp(t, appOptions{databaseURL: dbURL, wechat: wechat})
			b := newTestApp(t, appOptions{databaseURL: dbURL, wechat: wechat})
			onA := a.browser(t)
			onB := b.browserWithJar(t, onA.jar) // the same visitor, routed to B

			// A session made on A works on B, and B's pages carry its token.
			onA.signup("alice")
			_, v, _ := onB.me()
			assert.Equal(t, "alice", v["username"])

			// A bind started on A finishes on B; B sees it, and so does A.
			cb := onA.bindCallbackURL()
			p := onB.get(onInstance(t, cb, b))
			require.Equal(t, http.StatusOK, p.status, p.body)
			assert.Equal(t, mePath, p.url.Path)
			_, v, _ = onA.me()
			require.NotNil(t, v["wechat"])
			assert.Equal(t, "oShared", v["wechat"].(map[string]any)["openid"])

			// Sign in with WeChat on B for the binding made through both.
			other := b.browser(t)
			p = other.get(wechatLoginPath)
			assert.Equal(t, mePath, p.url.Path)
			assert.Contains(t, p.body, "alice")

			// One access_token for both instances.
			onA.post(notifyPath, url.Values{csrfField: {onA.csrf(mePath)}})
			onB.post(notifyPath, url.Values{csrfField: {onB.csrf(mePath)}})
			assert.Len(t, wechat.api.Sent("oShared"), 2)
			assert.Equal(t, 1, wechat.api.TokenRequests(), "B used the token A saved")

			// Signing out on B ends the session on A.
			onB.post(logoutPath, url.Values{csrfField: {onB.csrf(mePath)}})
			status, _, _ := onA.me()
			assert.Equal(t, http.StatusUnauthorized, status)

			// Two accounts finishing a bind of one WeChat at the same moment,
			// one on each instance: exactly one binding.
			onA.signup("bob")
			bob := onA
			carolA := a.browser(t)
			carolA.signup("carol")
			bobB := b.browserWithJar(t, bob.jar)
			wechat.oauth.SetUser(testUser("oOther"))
			cbBob, cbCarol := bob.bindCallbackURL(), carolA.bindCallbackURL()
			var wg sync.WaitGroup
			var bobStatus, carolStatus int
			start := make(chan struct{})
			wg.Go(func() { <-start; bobStatus = bobB.get(onInstance(t, cbBob, b)).status })
			wg.Go(func() { <-start; carolStatus = carolA.get(cbCarol).status })
			close(start)
			wg.Wait()
			assert.ElementsMatch(t, []int{http.StatusOK, http.StatusConflict}, []int{bobStatus, carolStatus})
			assert.Equal(t, 1, a.count(t, "SELECT COUNT(*) FROM bindings WHERE openid = ?", "oOther"))
		})
	}
}

// onInstance moves a URL of one instance (a callback WeChat redirects to)
// to the instance app, as a load balancer might.
func onInstance(t *testing.T, raw string, app *testApp) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return strings.TrimRight(app.srv.URL, "/") + u.Path + "?" + u.RawQuery
}

// freeAddr returns a loopback address no one listens on right now, for a
// process whose PUBLIC_URL must be known before it starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestTwoProcessesFromTheEnvironment starts two instances as an operator
// would, configured by environment variables only, against a stand-in for
// WeChat (WECHAT_OPEN_BASE, WECHAT_API_BASE) and one database.
func TestTwoProcessesFromTheEnvironment(t *testing.T) {
	t.Parallel()
	for name, newURL := range testDatabaseURLs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wechat := newTestWeChat(t, testUser("oEnv"))
			dbURL := newURL(t)
			start := func() *process {
				addr := freeAddr(t)
				return startProcess(t, map[string]string{
					"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret,
					"PUBLIC_URL": "http://" + addr, "ADDR": addr, "DATABASE_URL": dbURL,
					"WECHAT_OPEN_BASE": wechat.srv.URL, "WECHAT_API_BASE": wechat.srv.URL,
				})
			}
			a, b := start(), start()
			assert.NotContains(t, a.logs.String(), "fake mode")
			onA := newBrowser(t, a.publicURL, wechat.secrets, newJar(t))
			onB := newBrowser(t, b.publicURL, wechat.secrets, onA.jar)
			onA.signup("alice")
			require.Equal(t, mePath, onA.bind().url.Path)
			_, v, _ := onB.me()
			assert.Equal(t, "alice", v["username"])
			assert.Equal(t, "oEnv", v["wechat"].(map[string]any)["openid"])
			p := onB.post(notifyPath, url.Values{csrfField: {onB.csrf(mePath)}})
			assert.Equal(t, "done=sent-text", p.url.RawQuery)
			assert.Len(t, wechat.api.Sent("oEnv"), 1)
			fresh := newBrowser(t, b.publicURL, wechat.secrets, newJar(t))
			assert.Equal(t, mePath, fresh.get(wechatLoginPath).url.Path)
			for _, proc := range []*process{a, b} {
				for _, s := range append(wechat.secrets(), testPassword) {
					assert.NotContains(t, proc.logs.String(), s)
				}
			}
		})
	}
}

func newJar(t *testing.T) *cookiejar.Jar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return jar
}
