package main

import (
	"net/http"
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
