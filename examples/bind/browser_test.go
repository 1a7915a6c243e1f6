package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

// findBrowser returns the path of a Chromium or Chrome to drive: $CHROME,
// else the first of the usual names on $PATH. Under CI=true a missing
// browser fails the test; elsewhere it skips it.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true and no Chromium found (install the Debian package chromium, or set CHROME)")
	}
	t.Skip("no Chromium found (install chromium, or set CHROME); under CI=true this fails")
	return ""
}

// TestBrowserFlow drives the zero-set-up application (fake WeChat in the
// process, a SQLite file) with headless Chromium: sign up, bind through
// the fake's authorize page, the profile with its avatar, the test
// notification, sign out, sign in with WeChat, restart, still bound.
func TestBrowserFlow(t *testing.T) {
	t.Parallel()
	chrome := findBrowser(t)
	dir := t.TempDir()
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(dir, "bind.db")}
	proc := startProcess(t, env)
	base := proc.publicURL

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(filepath.Join(dir, "chrome")),
		chromedp.WindowSize(1024, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses root with its sandbox
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	// The first Do starts the browser, and must not carry a timeout.
	require.NoError(t, chromedp.Do(browserCtx, chromedp.Navigate("about:blank")))

	// load runs actions that make the page navigate (a click on a link or
	// a submit button) and waits, at most 30 s, until the new page has
	// loaded, redirects and all; it returns the page's path and status.
	load := func(name string, actions ...chromedp.Action[chromedp.Void]) (string, int64) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browserCtx, 30*time.Second)
		defer cancel()
		resp, err := chromedp.RunResponse(ctx, actions...)
		require.NoError(t, err, name)
		u, err := url.Parse(resp.URL)
		require.NoError(t, err)
		return u.Path, resp.Status
	}
	// do runs actions that do not navigate, such as waiting for the
	// avatar to be drawn, for at most 30 s.
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browserCtx, 30*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Do(ctx, actions...), name)
	}
	text := func(sel string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browserCtx, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return s
	}
	// avatarDrawn waits until the avatar has loaded and has a size: it is
	// shown, not just referenced.
	avatarDrawn := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.querySelector("#avatar").complete && document.querySelector("#avatar").naturalWidth > 0`,
			chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
		return err
	})
	user := wxmptest.DefaultOAuthUser()

	path, status := load("sign-up page", chromedp.Navigate(base+signupPath))
	assert.Equal(t, signupPath, path)
	assert.EqualValues(t, http.StatusOK, status)
	assert.Contains(t, text("#fake-wechat"), "Fake WeChat", "the fake-mode banner")
	do("fill the form",
		chromedp.SendKeys(chromedp.CSS("#username"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	path, status = load("sign up", chromedp.Click(chromedp.CSS("#signup button")))
	assert.Equal(t, mePath, path)
	assert.EqualValues(t, http.StatusOK, status)
	assert.Equal(t, "alice", text("#username"))

	// POST /bind, 303 to the fake's authorize page, its consent, 302 to
	// the callback, 303 to /me.
	path, status = load("bind through the fake consent page", chromedp.Click(chromedp.CSS("#bind button")))
	assert.Equal(t, mePath, path)
	assert.EqualValues(t, http.StatusOK, status)
	do("the avatar is drawn", chromedp.WaitVisible(chromedp.CSS("#avatar")), avatarDrawn)
	assert.Equal(t, user.Nickname, text("#nickname"))
	assert.Equal(t, user.OpenID, text("#openid"))
	assert.Contains(t, text("#notice"), "bound")
	assert.Contains(t, text("#fake-wechat"), "Fake WeChat")

	path, _ = load("send the test notification", chromedp.Click(chromedp.CSS("#notify button")))
	assert.Equal(t, mePath, path)
	assert.Contains(t, text("#notice"), "customer-service")
	path, _ = load("see it on the fake's page", chromedp.Click(chromedp.CSS("#fake-page")))
	assert.Equal(t, fakePrefix+"/", path)
	assert.Contains(t, text("body"), "test notification for alice")
	assert.Contains(t, text("body"), user.OpenID)

	load("back", chromedp.Navigate(base+mePath))
	path, _ = load("sign out", chromedp.Click(chromedp.CSS("#logout button")))
	assert.Equal(t, "/", path)
	_, status = load("me is closed", chromedp.Navigate(base+mePath))
	assert.EqualValues(t, http.StatusUnauthorized, status)
	assert.Contains(t, text("h1"), "Please sign in")

	load("home", chromedp.Navigate(base+"/"))
	path, status = load("sign in with WeChat", chromedp.Click(chromedp.CSS("#wechat-login")))
	assert.Equal(t, mePath, path)
	assert.EqualValues(t, http.StatusOK, status)
	assert.Equal(t, "alice", text("#username"))

	// Restart the server on the same address and file.
	proc.stop()
	env["ADDR"] = proc.addr
	proc = startProcess(t, env)
	require.Equal(t, base, proc.publicURL)

	path, status = load("still signed in and bound after a restart", chromedp.Navigate(base+mePath))
	assert.Equal(t, mePath, path)
	assert.EqualValues(t, http.StatusOK, status)
	do("the avatar is drawn", chromedp.WaitVisible(chromedp.CSS("#avatar")), avatarDrawn)
	assert.Equal(t, "alice", text("#username"))
	assert.Equal(t, user.Nickname, text("#nickname"))
	load("sign out again", chromedp.Click(chromedp.CSS("#logout button")))
	path, _ = load("sign in with WeChat after the restart", chromedp.Click(chromedp.CSS("#wechat-login")))
	assert.Equal(t, mePath, path)
	assert.Equal(t, "alice", text("#username"))
}
