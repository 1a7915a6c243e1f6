package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

// TestZeroSetUp runs the application as `go run .` does with no variable
// but a port and a database file: fake WeChat in the same process, the
// banner on every page, and the whole flow.
func TestZeroSetUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	proc := startProcess(t, map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(dir, "bind.db")})
	assert.Equal(t, "http://"+proc.addr, proc.publicURL)
	assert.Contains(t, proc.logs.String(), `"msg":"fake mode`)

	b := newProcessBrowser(t, proc.publicURL)

	assertBanner := func(p page) {
		t.Helper()
		assert.Contains(t, p.body, `id="fake-wechat"`, "the fake-mode banner on %s", p.url.Path)
	}
	for _, path := range []string{"/", signupPath, loginPath, "/nothing"} {
		assertBanner(b.get(path))
	}
	p := b.post(signupPath, url.Values{"username": {"alice"}, "password": {testPassword}, csrfField: {b.csrf(signupPath)}})
	require.Equal(t, mePath, p.url.Path, p.body)
	assertBanner(p)

	// Bind through the fake's authorize page, under /fake-wechat/.
	p = b.post(bindPath, url.Values{csrfField: {b.csrf(mePath)}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, mePath, p.url.Path)
	assertBanner(p)
	def := wxmptest.DefaultOAuthUser()
	assert.Contains(t, p.body, def.Nickname)
	assert.Contains(t, p.body, `src="`+proc.publicURL+fakeAvatarPath+`"`)
	avatar := b.get(fakeAvatarPath)
	assert.Equal(t, "image/svg+xml", avatar.header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(avatar.body, "<svg"))

	// The notification, and the fake's page that shows it.
	p = b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
	assert.Equal(t, "done=sent-text", p.url.RawQuery)
	assert.Contains(t, p.body, `href="`+proc.publicURL+`/fake-wechat/"`)
	fakePage := b.get("/fake-wechat/")
	assert.Equal(t, http.StatusOK, fakePage.status)
	assert.Contains(t, fakePage.body, def.OpenID)
	assert.Contains(t, fakePage.body, "test notification for alice")

	// Sign out, sign in with WeChat.
	b.post(logoutPath, url.Values{csrfField: {b.csrf(mePath)}})
	p = b.get(wechatLoginPath)
	assert.Equal(t, mePath, p.url.Path)
	assert.Contains(t, p.body, "alice")
	proc.stop()

	// The same file after a restart, with a template configured.
	proc = startProcess(t, map[string]string{
		"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(dir, "bind.db"),
		"WECHAT_TEMPLATE_ID": "my_template_0001",
	})
	assert.Contains(t, proc.logs.String(), `"applied":null`, "nothing left to migrate")
	b = newProcessBrowser(t, proc.publicURL)
	b.post(loginPath, url.Values{"username": {"alice"}, "password": {testPassword}, csrfField: {b.csrf(loginPath)}})
	_, v, _ := b.me()
	assert.Equal(t, def.OpenID, v["wechat"].(map[string]any)["openid"])
	p = b.post(notifyPath, url.Values{csrfField: {b.csrf(mePath)}})
	assert.Equal(t, "done=sent-template", p.url.RawQuery)
	assert.Contains(t, b.get("/fake-wechat/").body, "my_template_0001")
}

// newProcessBrowser is a browser for an application started by
// startProcess.
func newProcessBrowser(t *testing.T, publicURL string) *browser {
	t.Helper()
	return newBrowser(t, publicURL, func() []string { return nil }, newJar(t))
}
