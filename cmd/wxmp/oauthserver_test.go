package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

// oauthLockedBuffer is a bytes.Buffer the server's goroutines may write to
// while the test reads it.
type oauthLockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *oauthLockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *oauthLockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startOAuthServer runs the command with args on a free port and returns
// its output streams, the variables it printed for examples/oauth, and a
// stop function that cancels it and returns its exit status.
func startOAuthServer(t *testing.T, args ...string) (stdout, stderr *oauthLockedBuffer, vars map[string]string, stop func() int) {
	t.Helper()
	stdout, stderr = &oauthLockedBuffer{}, &oauthLockedBuffer{}
	c := &cli{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- c.run(ctx, append([]string{"oauth-server", "-addr", "127.0.0.1:0"}, args...))
	}()
	stopped := false
	stop = func() int {
		t.Helper()
		cancel()
		if stopped {
			return exitOK
		}
		stopped = true
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("oauth-server did not stop after cancel")
			return exitFail
		}
	}
	t.Cleanup(func() { _ = stop() })

	varRE := regexp.MustCompile(`\b(WECHAT_[A-Z_]+|PUBLIC_URL)=(\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if out := stdout.String(); strings.Contains(out, "go run ./examples/oauth") {
			vars = map[string]string{}
			for _, m := range varRE.FindAllStringSubmatch(out, -1) {
				vars[m[1]] = m[2]
			}
			return stdout, stderr, vars, stop
		}
		select {
		case code := <-done:
			t.Fatalf("oauth-server returned early with status %d\nstderr: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no banner in %q", stdout.String())
	return
}

// TestOAuthServerCommand configures examples/oauth the way the banner says
// and signs in through the served fake with package oauth.
func TestOAuthServerCommand(t *testing.T) {
	t.Parallel()
	stdout, stderr, vars, stop := startOAuthServer(t, "-nickname", "Ada 阿达", "-openid", "oAda", "-sex", "2",
		"-unionid", "", "-domain", "localhost, app.example.com")
	base := vars["WECHAT_OPEN_BASE"]
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, base)
	assert.Equal(t, base, vars["WECHAT_API_BASE"])
	assert.Equal(t, wxmptest.DefaultOAuthAppID, vars["WECHAT_APPID"])
	assert.Equal(t, wxmptest.DefaultOAuthAppSecret, vars["WECHAT_SECRET"], "the published fake secret is printed")
	assert.Equal(t, "http://localhost:8080", vars["PUBLIC_URL"])
	assert.Contains(t, stdout.String(), "listening on "+base)
	assert.Contains(t, stdout.String(), "Ada 阿达 (openid oAda)")

	cfg := oauth.Config{
		AppID: vars["WECHAT_APPID"], AppSecret: vars["WECHAT_SECRET"],
		RedirectURL: vars["PUBLIC_URL"] + "/callback", Scope: oauth.ScopeUserInfo,
		Endpoint: oauth.Endpoint{AuthURL: vars["WECHAT_OPEN_BASE"], APIURL: vars["WECHAT_API_BASE"]},
	}
	link, err := cfg.AuthCodeURL("abc")
	require.NoError(t, err)
	browser := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "localhost:8080", back.Host)
	assert.Equal(t, "abc", back.Query().Get("state"))
	code := back.Query().Get("code")

	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, code)
	require.NoError(t, err)
	assert.Empty(t, tok.UnionID, "-unionid '' means not bound")
	user, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, "Ada 阿达", user.Nickname)
	assert.Equal(t, "oAda", user.OpenID)
	assert.Equal(t, oauth.SexFemale, user.Sex)

	// -domain is enforced like the 网页授权域名.
	other := cfg
	other.RedirectURL = "https://elsewhere.example.com/cb"
	link, err = other.AuthCodeURL("abc")
	require.NoError(t, err)
	resp, err = browser.Get(link)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	require.Equal(t, exitOK, stop())
	assert.Contains(t, stdout.String(), "stopped")
	logs := stderr.String()
	assert.Contains(t, logs, "GET /connect/oauth2/authorize 302\n")
	assert.Contains(t, logs, "GET /sns/oauth2/access_token 200\n")
	assert.Contains(t, logs, "GET /sns/userinfo 200\n")
	assert.Contains(t, logs, "GET /connect/oauth2/authorize 400\n")
	for _, s := range []string{code, tok.AccessToken, tok.RefreshToken, cfg.AppSecret} {
		assert.NotContains(t, logs, s, "the request log must not show the query")
	}
}

func TestOAuthServerCustomSecretAndConsent(t *testing.T) {
	t.Parallel()
	const secret = "my-own-dev-secret-123"
	stdout, _, vars, stop := startOAuthServer(t, "-secret", secret, "-appid", "wxdev", "-consent", "refuse")
	assert.NotContains(t, stdout.String(), secret, "a secret given on the command line is not printed")
	assert.Equal(t, "wxdev", vars["WECHAT_APPID"])

	cfg := oauth.Config{AppID: "wxdev", AppSecret: secret, RedirectURL: "http://localhost:8080/callback",
		Scope: oauth.ScopeUserInfo, Endpoint: oauth.Endpoint{AuthURL: vars["WECHAT_OPEN_BASE"], APIURL: vars["WECHAT_API_BASE"]}}
	link, err := cfg.AuthCodeURL("xyz")
	require.NoError(t, err)
	browser := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "http://localhost:8080/callback?state=xyz", resp.Header.Get("Location"), "refused: state only")
	require.Equal(t, exitOK, stop())
}

func TestOAuthServerUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"oauth-server", "-h"}, {"help", "oauth-server"}} {
		out := wxmp(t, nil, args...)
		require.Equal(t, exitOK, out.code, args)
		assert.Contains(t, out.stdout, "Usage: wxmp oauth-server", args)
		assert.Contains(t, out.stdout, "-nickname", args)
		assert.NotContains(t, out.stdout, wxmptest.DefaultOAuthAppSecret, "help shows no secret")
		assert.Empty(t, out.stderr, args)
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-bogus"}, exitUsage, "bogus"},
		{"argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"bad sex", []string{"-sex", "3"}, exitUsage, "-sex"},
		{"bad consent", []string{"-consent", "maybe"}, exitUsage, "-consent"},
		{"empty openid", []string{"-openid", ""}, exitUsage, "-openid"},
		{"empty appid", []string{"-appid", ""}, exitUsage, "-appid"},
		{"bad address", []string{"-addr", "127.0.0.1:notaport"}, exitFail, "notaport"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := wxmp(t, nil, append([]string{"oauth-server"}, tt.args...)...)
			require.Equal(t, tt.code, out.code, "a usage error exits 2 like the other commands")
			assert.Contains(t, out.stderr, tt.want)
			assert.Equal(t, 1, strings.Count(out.stderr, "wxmp oauth-server: "), "the error is printed once:\n%s", out.stderr)
			assert.NotContains(t, out.stdout, "listening")
		})
	}
}

func TestOAuthServerAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	out := wxmp(t, nil, "oauth-server", "-addr", ln.Addr().String())
	require.Equal(t, exitFail, out.code)
	assert.Empty(t, out.stdout)
	assert.Contains(t, out.stderr, "wxmp oauth-server: ")
}
