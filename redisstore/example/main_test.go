package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// redisURL returns REDIS_URL, or that of a redis-server the test starts on
// a free port and kills at its cleanup. Without redis-server the test
// skips, or fails under CI=true.
func redisURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on the PATH; CI needs it (apt-get install redis-server)")
		}
		t.Skip("redis-server is not on the PATH: install Debian's redis-server, or set REDIS_URL")
	}
	dir := t.TempDir()
	for range 5 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		cmd := exec.Command(path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", dir, "--logfile", "")
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			ok := false
			for sc.Scan() {
				if !ok && strings.Contains(sc.Text(), "Ready to accept connections") {
					ok = true
					ready <- true
				}
			}
			if !ok {
				ready <- false
			}
		}()
		if <-ready {
			t.Cleanup(func() {
				cmd.Process.Kill()
				cmd.Wait()
			})
			return "redis://127.0.0.1:" + port + "/0"
		}
		cmd.Wait()
	}
	t.Fatal("redis-server did not start")
	return ""
}

// copyOf starts a copy of the server with env on a free port and returns
// its base URL; it stops at the test's cleanup.
func copyOf(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, func(k string) string { return env[k] }, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-errc:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-errc)
	})
	return "http://" + addr
}

func TestTwoCopiesShareOneRedis(t *testing.T) {
	t.Parallel()
	fake, err := wxmptest.NewAPIServer()
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	var b [6]byte
	rand.Read(b[:])
	env := map[string]string{
		"REDIS_URL": redisURL(t),
		"ADDR":      "127.0.0.1:0",
		// The test checks what the copies share; a machine loaded by
		// parallel tests must not send them to their memory.
		"REDIS_TIMEOUT":   "1s",
		"WECHAT_TOKEN":    "test-token",
		"WECHAT_AES_KEY":  "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		"WECHAT_APPID":    fake.AppID(),
		"WECHAT_SECRET":   fake.AppSecret(),
		"WECHAT_API_BASE": fake.URL,
	}
	urls := map[string]string{}
	for _, name := range []string{"a", "b"} {
		e := map[string]string{"INSTANCE": name}
		for k, v := range env {
			e[k] = v
		}
		urls[name] = copyOf(t, e)
	}
	pusher := func(name string) *wxmptest.Pusher {
		p, err := wxmptest.NewPusher("test-token", wxmptest.WithURL(urls[name]+"/wechat"),
			wxmptest.WithEncryption(msgcrypt.ModeSafe, env["WECHAT_AES_KEY"], env["WECHAT_APPID"]), wxmptest.WithRetries(0))
		require.NoError(t, err)
		return p
	}
	pa, pb := pusher("a"), pusher("b")
	xml := func(id int) []byte {
		return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>"+
			"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello %s]]></Content>"+
			"<MsgId>%d</MsgId></xml>", hex.EncodeToString(b[:]), id)
	}
	content := func(p *wxmptest.Pusher, push []byte) string {
		res, err := p.PushXML(context.Background(), push)
		require.NoError(t, err)
		require.NotNil(t, res.Reply)
		return res.Reply.Content
	}

	// A retry that reaches b after a answered gets a's reply.
	first := content(pa, xml(1))
	assert.Equal(t, "hello "+hex.EncodeToString(b[:])+" (from a)", first)
	assert.Equal(t, first, content(pb, xml(1)))

	// One push delivered to both at once: one answer for both.
	for id := 2; id < 12; id++ {
		var ra, rb string
		var wg sync.WaitGroup
		wg.Go(func() { ra = content(pa, xml(id)) })
		wg.Go(func() { rb = content(pb, xml(id)) })
		wg.Wait()
		assert.Equal(t, ra, rb, "push %d", id)
	}

	// Both copies sign pages with one ticket, fetched once, on one token.
	var wg sync.WaitGroup
	for _, base := range urls {
		for range 10 {
			wg.Go(func() {
				res, err := http.Get(base + "/jssdk?url=https://app.example/page")
				if !assert.NoError(t, err) {
					return
				}
				defer res.Body.Close()
				assert.Equal(t, http.StatusOK, res.StatusCode)
				var cfg jssdk.Config
				assert.NoError(t, json.NewDecoder(res.Body).Decode(&cfg))
				assert.Equal(t, jssdk.Sign(fake.Ticket(), cfg.NonceStr, cfg.Timestamp, "https://app.example/page"), cfg.Signature)
			})
		}
	}
	wg.Wait()
	assert.Equal(t, 1, fake.TokenRequests(), "one token for both copies")
	assert.Equal(t, 1, fake.Calls(wxmptest.APITicketPath), "one ticket for both copies")
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "REDIS_URL is not set"},
		{map[string]string{"REDIS_URL": "http://secret@host"}, "REDIS_URL: not a redis"},
		{map[string]string{"REDIS_URL": "redis://localhost:1/0", "REDIS_TIMEOUT": "5s"}, "REDIS_TIMEOUT"},
		{map[string]string{"REDIS_URL": "redis://localhost:1/0", "REDIS_TIMEOUT": "soon"}, "REDIS_TIMEOUT"},
		{map[string]string{"REDIS_URL": "redis://localhost:1/0", "WECHAT_AES_KEY": "k"}, "WECHAT_APPID is not"},
		{map[string]string{"REDIS_URL": "redis://localhost:1/0", "WECHAT_SECRET": "s3cret"}, "WECHAT_APPID is not"},
		{map[string]string{"REDIS_URL": "redis://localhost:1/0", "WECHAT_AES_KEY": "short", "WECHAT_APPID": "wx1"}, "WECHAT_AES_KEY"},
	} {
		err := run(context.Background(), func(k string) string { return tc.env[k] }, io.Discard, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
		for _, v := range tc.env {
			if len(v) > 3 && !strings.HasPrefix(v, "redis://") {
				assert.NotContains(t, err.Error(), v, "the error names the variable, not its value")
			}
		}
		assert.NotContains(t, err.Error(), "secret@")
	}
}
