package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

const (
	testToken  = "cli-token-7Hq"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID  = "wx5823bf96d3bd56c7"
)

// output is what one run printed and returned.
type output struct {
	code           int
	stdout, stderr string
}

// wxmp runs the command in process with env as its whole environment and
// nothing on standard input.
func wxmp(t *testing.T, env map[string]string, args ...string) output {
	t.Helper()
	return wxmpStdin(t, env, "", args...)
}

// wxmpStdin is wxmp with stdin as standard input.
func wxmpStdin(t *testing.T, env map[string]string, stdin string, args ...string) output {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := &cli{getenv: func(k string) string { return env[k] }, stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr}
	code := c.run(context.Background(), args)
	out := output{code, stdout.String(), stderr.String()}
	for _, secret := range []string{testToken, testAESKey} {
		assert.NotContains(t, out.stdout+out.stderr, secret, "wxmp never prints the token or the key")
	}
	return out
}

// Timeouts for push and verify, as in wxmptest's own tests. A server that
// answers gets answerTimeout: far more than the slowest answer on a loaded
// 2-core machine under -race, and it costs nothing, as an answer is taken as
// soon as it is in. Only tests about the timeout use lateTimeout, and their
// servers (lateServer) answer only once wxmp has hung up, so no scheduling
// delay can make them look fast or an answering server look slow.
const (
	answerTimeout = "30s"
	lateTimeout   = "300ms"
)

// server runs a WeChat server whose replies answer decides, on /wechat.
func server(t *testing.T, answer func(in message.Message, p *msgcrypt.Push) []byte) string {
	t.Helper()
	return serve(t, wechat(t, answer))
}

// lateServer is server, but each request is answered only once the client
// has hung up (the request's context is done), or when the test ends: a
// server too slow for any timeout on any machine.
func lateServer(t *testing.T, answer func(in message.Message, p *msgcrypt.Push) []byte) string {
	t.Helper()
	h := wechat(t, answer)
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // read first: the server then notices the hang-up
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-r.Context().Done():
		case <-t.Context().Done():
		}
		h.ServeHTTP(w, r)
	}))
}

// serve runs h on a test server until the test ends and returns its
// /wechat URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/wechat"
}

// wechat is a WeChat server's handler: it answers the verification GET
// and opens and parses pushes in every mode, answering them as answer says.
func wechat(t *testing.T, answer func(in message.Message, p *msgcrypt.Push) []byte) http.Handler {
	t.Helper()
	c, err := msgcrypt.New(testToken, testAESKey, testAppID)
	require.NoError(t, err)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if signature.VerifyRequest(testToken, r) != nil {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			io.WriteString(w, r.URL.Query().Get("echostr"))
			return
		}
		p, err := c.OpenRequest(r)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		in, err := message.Parse(p.Plaintext)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		w.Write(answer(in, p))
	})
}

// echo is a correct server: text is echoed, anything else gets success.
func echo(in message.Message, p *msgcrypt.Push) []byte {
	text, ok := in.(*message.Text)
	if !ok {
		return []byte("success")
	}
	b, _ := reply.NewText(text, "echo: "+text.Content).Marshal()
	out, _ := p.Seal(b)
	return out
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out := wxmp(t, nil, args...)
		assert.Equal(t, exitOK, out.code, args)
		for _, cmd := range []string{"push", "verify", "sign", "decrypt", "oauth-server"} {
			assert.Contains(t, out.stdout, cmd, args)
		}
	}
	for _, cmd := range []string{"push", "verify", "sign", "decrypt"} {
		for _, args := range [][]string{{"help", cmd}, {cmd, "-h"}} {
			out := wxmp(t, nil, args...)
			assert.Equal(t, exitOK, out.code, args)
			assert.Contains(t, out.stdout, "Usage: wxmp "+cmd, args)
			assert.Contains(t, out.stdout, "-token", args)
			assert.Empty(t, out.stderr, args)
		}
	}

	out := wxmp(t, nil)
	assert.Equal(t, exitUsage, out.code)
	assert.Contains(t, out.stderr, "Commands:")

	out = wxmp(t, nil, "pull")
	assert.Equal(t, exitUsage, out.code)
	assert.Contains(t, out.stderr, `unknown command "pull"`)
}

func TestHelpHidesEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{envToken: testToken, envAESKey: testAESKey, envAppID: testAppID}
	out := wxmp(t, env, "push", "-h") // wxmp checks the output holds neither secret
	assert.Equal(t, exitOK, out.code)
	assert.Contains(t, out.stdout, "$WECHAT_TOKEN")
	assert.NotContains(t, out.stdout, testAppID)
}

func TestPushGoodServer(t *testing.T) {
	t.Parallel()
	url := server(t, echo)
	secrets := map[string]string{envToken: testToken, envAESKey: testAESKey, envAppID: testAppID}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		mode string
	}{
		{"plain, token as a flag", nil, []string{"-token", testToken}, "plain"},
		{"plain, token from the environment", map[string]string{envToken: testToken}, nil, "plain"},
		{"safe by default with a key", secrets, nil, "safe"},
		{"compatible", secrets, []string{"-mode", "compatible"}, "compatible"},
		{"safe with flags", nil, []string{"-token", testToken, "-aes-key", testAESKey, "-appid", testAppID, "-mode", "safe"}, "safe"},
		{"plain although a key is set", secrets, []string{"-mode", "plain"}, "plain"},
		// The API commands' variables: an AppID without a key means no encryption.
		{"plain with WECHAT_APPID and WECHAT_SECRET set", map[string]string{envToken: testToken, envAppID: testAppID, envSecret: "s"}, nil, "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"push", "-timeout", answerTimeout, "-url", url}, tt.args...)
			out := wxmp(t, tt.env, append(args, "text", "hello", "world")...)
			require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
			assert.Contains(t, out.stdout, "("+tt.mode+" mode)")
			assert.Contains(t, out.stdout, `PASS: text reply from gh_0123456789ab to oWxmpTest0000000000000000001: "echo: hello world"`)
			assert.Contains(t, out.stdout, "<Content><![CDATA[hello world]]></Content>", "the push is shown in clear")
			assert.Equal(t, tt.mode != "plain", strings.Contains(out.stdout, "reply in clear:"))
			assert.NotContains(t, out.stdout, "signature=", "signatures are not printed")

			out = wxmp(t, tt.env, append(args, "-openid", "oMe", "-to", "gh_me", "event", "subscribe")...)
			require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
			assert.Contains(t, out.stdout, `PASS: "success"`)
			assert.Contains(t, out.stdout, "<Event><![CDATA[subscribe]]></Event>")
			assert.Contains(t, out.stdout, "openid=oMe")
			assert.Contains(t, out.stdout, "<ToUserName><![CDATA[gh_me]]></ToUserName>")
		})
	}
}

func TestPushFileAndEvents(t *testing.T) {
	t.Parallel()
	var got []message.Message
	url := server(t, func(in message.Message, p *msgcrypt.Push) []byte {
		got = append(got, in)
		return echo(in, p)
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "push.xml")
	raw := "<xml><ToUserName><![CDATA[gh_file]]></ToUserName><FromUserName><![CDATA[oFile]]></FromUserName>" +
		"<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[from a file]]></Content><MsgId>9</MsgId></xml>"
	require.NoError(t, os.WriteFile(file, []byte(raw), 0o600))

	env := map[string]string{envToken: testToken}
	out := wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "file", file)
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
	assert.Contains(t, out.stdout, `PASS: text reply from gh_file to oFile: "echo: from a file"`)

	out = wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "event", "CLICK", "MENU_KEY")
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
	out = wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "event", "a_brand_new_event")
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)

	require.Len(t, got, 3)
	assert.Equal(t, "MENU_KEY", reflectField(got[1], "EventKey"))
	assert.Equal(t, "a_brand_new_event", reflectField(got[2], "Event"))

	out = wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "file", filepath.Join(dir, "missing.xml"))
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "missing.xml")
}

// TestPushPayloadFile pushes the example payload the README names,
// cmd/wxmp/testdata/text.xml, in every mode: it must stay a valid text
// push that a server echoes.
func TestPushPayloadFile(t *testing.T) {
	t.Parallel()
	const payload = "testdata/text.xml" // from the repository root: cmd/wxmp/testdata/text.xml
	raw, err := os.ReadFile(payload)
	require.NoError(t, err)
	in, err := message.Parse(raw)
	require.NoError(t, err)
	text, ok := in.(*message.Text)
	require.True(t, ok, "%T", in)
	assert.Equal(t, "hello from cmd/wxmp/testdata/text.xml", text.Content)

	url := server(t, echo)
	env := map[string]string{envToken: testToken, envAESKey: testAESKey, envAppID: testAppID}
	for _, mode := range []string{"plain", "compatible", "safe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			out := wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "-mode", mode, "file", payload)
			require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
			assert.Contains(t, out.stdout, "("+mode+" mode)")
			assert.Contains(t, out.stdout, `PASS: text reply from gh_0123456789ab to oWxmpTest0000000000000000001: "echo: hello from cmd/wxmp/testdata/text.xml"`)
		})
	}
}

// TestStandardInput reads "-" (push) and a missing FILE (decrypt) from
// standard input.
func TestStandardInput(t *testing.T) {
	t.Parallel()
	url := server(t, echo)
	raw := "<xml><ToUserName><![CDATA[gh_in]]></ToUserName><FromUserName><![CDATA[oIn]]></FromUserName>" +
		"<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[from stdin]]></Content><MsgId>3</MsgId></xml>"
	out := wxmpStdin(t, map[string]string{envToken: testToken}, raw, "push", "-timeout", answerTimeout, "-url", url, "file", "-")
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
	assert.Contains(t, out.stdout, `PASS: text reply from gh_in to oIn: "echo: from stdin"`)

	c, err := msgcrypt.New(testToken, testAESKey, testAppID)
	require.NoError(t, err)
	envelope, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml><Content>piped</Content></xml>"), "1700000000", "5")
	require.NoError(t, err)
	keys := map[string]string{envAESKey: testAESKey, envAppID: testAppID, envToken: testToken}
	out = wxmpStdin(t, keys, string(envelope), "decrypt")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "<xml><Content>piped</Content></xml>\n", out.stdout)
	assert.Contains(t, out.stderr, "msg_signature checked")
}

func reflectField(m message.Message, name string) string {
	var v struct {
		Event    string `xml:"Event"`
		EventKey string `xml:"EventKey"`
	}
	b, _ := xml.Marshal(m)
	_ = xml.Unmarshal(b, &v)
	if name == "Event" {
		return v.Event
	}
	return v.EventKey
}

// TestPushBrokenServers points push at servers that break WeChat's rules
// and expects each rule named, with exit status 1.
func TestPushBrokenServers(t *testing.T) {
	t.Parallel()
	swap := func(in message.Message, p *msgcrypt.Push) []byte {
		r := reply.NewText(in, "hi")
		r.ToUserName, r.FromUserName = r.FromUserName, r.ToUserName
		b, _ := r.Marshal()
		out, _ := p.Seal(b)
		return out
	}
	tests := []struct {
		name   string
		answer func(in message.Message, p *msgcrypt.Push) []byte
		modes  []string
		rule   string
	}{
		// A good answer, but only once wxmp has hung up (see the loop).
		{"late", echo, []string{"plain", "safe"}, "wxmptest: no answer in time: 2 deliveries, none answered within " + lateTimeout},
		{"JSON", func(message.Message, *msgcrypt.Push) []byte { return []byte(`{"msgtype":"text"}`) },
			[]string{"plain", "compatible", "safe"}, "looks like JSON"},
		{"not swapped", swap, []string{"plain", "compatible", "safe"}, "not the push's swapped"},
		{"truncated", func(in message.Message, p *msgcrypt.Push) []byte {
			b := echo(in, p)
			return b[:len(b)-20]
		}, []string{"plain", "safe"}, "cut short"},
		{"plaintext reply to an encrypted push", func(in message.Message, _ *msgcrypt.Push) []byte {
			b, _ := reply.NewText(in, "hi").Marshal()
			return b
		}, []string{"compatible", "safe"}, "reply to an encrypted push is not encrypted"},
	}
	for _, tt := range tests {
		for _, mode := range tt.modes {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				url, timeout := "", answerTimeout
				if tt.name == "late" {
					url, timeout = lateServer(t, tt.answer), lateTimeout
				} else {
					url = server(t, tt.answer)
				}
				env := map[string]string{envToken: testToken, envAESKey: testAESKey, envAppID: testAppID}
				out := wxmp(t, env, "push", "-timeout", answerTimeout, "-url", url, "-mode", mode, "-timeout", timeout, "-retries", "1", "text", "hello")
				assert.Equal(t, exitFail, out.code, out.stdout)
				assert.Contains(t, out.stdout, "FAIL: ")
				assert.Contains(t, out.stdout, tt.rule)
				assert.Contains(t, out.stdout, serviceError)
			})
		}
	}
}

func TestPushUsageErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{envToken: testToken}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no URL", env, []string{"text", "x"}, "-url is required"},
		{"no token", nil, []string{"-url", "http://localhost/", "text", "x"}, "-token or $WECHAT_TOKEN is required"},
		{"nothing to push", env, []string{"-url", "http://localhost/"}, "say what to push"},
		{"text without content", env, []string{"-url", "http://localhost/", "text"}, `got "text" with 0 argument(s)`},
		{"unknown kind", env, []string{"-url", "http://localhost/", "image", "x"}, `got "image"`},
		{"safe without key", env, []string{"-url", "http://localhost/", "-mode", "safe", "text", "x"}, "needs both -aes-key"},
		{"key without AppID", map[string]string{envToken: testToken, envAESKey: testAESKey}, []string{"-url", "http://localhost/", "text", "x"}, "needs both -aes-key"},
		{"bad mode", env, []string{"-url", "http://localhost/", "-mode", "secure", "text", "x"}, "-mode must be"},
		{"bad key", map[string]string{envToken: testToken, envAESKey: "short", envAppID: testAppID}, []string{"-url", "http://localhost/", "text", "x"}, "invalid EncodingAESKey"},
		{"relative URL", env, []string{"-url", "/wechat", "text", "x"}, "absolute"},
		{"unknown flag", env, []string{"-url", "http://localhost/", "-verbose", "text", "x"}, "flag provided but not defined"},
		{"negative retries", env, []string{"-url", "http://localhost/", "-retries", "-1", "text", "x"}, "retries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := wxmp(t, tt.env, append([]string{"push"}, tt.args...)...)
			assert.Equal(t, exitUsage, out.code)
			assert.Contains(t, out.stderr, tt.want)
			assert.Contains(t, out.stderr, "Usage: wxmp push")
			assert.Empty(t, out.stdout)
		})
	}
}

// TestRedirectNotFollowed points push and verify at a URL that redirects
// to a good server: WeChat follows no redirect, and neither does wxmp.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	good := server(t, echo)
	moved := serve(t, http.RedirectHandler(good, http.StatusFound))
	env := map[string]string{envToken: testToken}
	out := wxmp(t, env, "push", "-timeout", answerTimeout, "-url", moved, "text", "x")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stdout, "FAIL: wxmptest: HTTP status is not 200: HTTP 302 Found")
	assert.NotContains(t, out.stdout, "echo: x")
	out = wxmp(t, env, "verify", "-timeout", answerTimeout, "-url", moved)
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stdout, "HTTP 302 Found")
}

func TestPushNoServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	out := wxmp(t, map[string]string{envToken: testToken}, "push", "-timeout", answerTimeout, "-url", url, "text", "x")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stdout, "FAIL: wxmptest: no HTTP answer")
}

func TestVerifyCommand(t *testing.T) {
	t.Parallel()
	url := server(t, echo)
	env := map[string]string{envToken: testToken}
	out := wxmp(t, env, "verify", "-timeout", answerTimeout, "-url", url)
	require.Equal(t, exitOK, out.code, out.stdout+out.stderr)
	assert.Contains(t, out.stdout, "PASS: the body is the echostr")
	assert.Contains(t, out.stdout, "echostr=")

	out = wxmp(t, nil, "verify", "-timeout", answerTimeout, "-url", url, "-token", "another-token")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stdout, "FAIL: wxmptest: HTTP status is not 200: HTTP 403 Forbidden")
	assert.Contains(t, out.stdout, "refuse to save this server URL")
	assert.NotContains(t, out.stdout, serviceError, "the user sees nothing of a failed URL check")

	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `"`+r.URL.Query().Get("echostr")+`"`)
	}))
	t.Cleanup(bad.Close)
	out = wxmp(t, env, "verify", "-timeout", answerTimeout, "-url", bad.URL)
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stdout, "verification answer is not the echostr")

	for _, args := range [][]string{{"verify"}, {"verify", "-url", url, "-token", ""}, {"verify", "-url", url, "-token", "t", "extra"}} {
		out := wxmp(t, nil, args...)
		assert.Equal(t, exitUsage, out.code, args)
	}
}

func TestSignCommand(t *testing.T) {
	t.Parallel()
	// The worked example of WeChat's documentation.
	out := wxmp(t, nil, "sign", "-token", "AAAAA", "-timestamp", "1714036504", "-nonce", "1514711492")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "signature=f464b24fc39322e44b38aa78f5edd27bd1441696\ntimestamp=1714036504\nnonce=1514711492\n"+
		"nonce=1514711492&signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504\n", out.stdout)

	out = wxmp(t, map[string]string{envToken: testToken}, "sign", "-timestamp", "1700000000", "-nonce", "7", "-encrypt", "Q0lQSEVS")
	require.Equal(t, exitOK, out.code)
	want := sortedSHA1(testToken, "1700000000", "7", "Q0lQSEVS")
	assert.Contains(t, out.stdout, "msg_signature="+want+"\n")
	assert.Contains(t, out.stdout, "encrypt_type=aes&msg_signature="+want)

	out = wxmp(t, map[string]string{envToken: testToken}, "sign")
	require.Equal(t, exitOK, out.code)
	assert.Regexp(t, `^signature=[0-9a-f]{40}\ntimestamp=\d+\nnonce=\d+\n`, out.stdout)

	assert.Equal(t, exitUsage, wxmp(t, nil, "sign").code)
	assert.Equal(t, exitUsage, wxmp(t, nil, "sign", "-token", "t", "extra").code)
}

// sortedSHA1 is WeChat's signature written out from the protocol.
func sortedSHA1(parts ...string) string {
	parts = slices.Clone(parts)
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

func TestDecryptCommand(t *testing.T) {
	t.Parallel()
	c, err := msgcrypt.New(testToken, testAESKey, testAppID)
	require.NoError(t, err)
	plain := "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[captured]]></Content></xml>"
	envelope, err := c.Encrypt(msgcrypt.CurrentKey, []byte(plain), "1700000000", "42")
	require.NoError(t, err)
	var env struct{ Encrypt, MsgSignature string }
	require.NoError(t, xml.Unmarshal(envelope, &env))
	safePush := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[` + env.Encrypt + `]]></Encrypt></xml>`
	query := "signature=x&timestamp=1700000000&nonce=42&encrypt_type=aes&msg_signature=" + env.MsgSignature

	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	replyFile := write("reply.xml", string(envelope))
	pushFile := write("push.xml", safePush)
	bareFile := write("bare.txt", env.Encrypt+"\n")
	keys := map[string]string{envAESKey: testAESKey, envAppID: testAppID}
	withToken := map[string]string{envAESKey: testAESKey, envAppID: testAppID, envToken: testToken}

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		checked bool
	}{
		{"reply, signature checked", withToken, []string{replyFile}, true},
		{"reply, no token", keys, []string{replyFile}, false},
		{"push with its query", withToken, []string{"-query", query, pushFile}, true},
		{"push with its whole URL", withToken, []string{"-query", "http://example.com/wechat?" + query, pushFile}, true},
		{"push without a query", withToken, []string{pushFile}, false},
		{"bare Encrypt text", keys, []string{bareFile}, false},
		{"flags instead of the environment", nil, []string{"-aes-key", testAESKey, "-appid", testAppID, replyFile}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := wxmp(t, tt.env, append([]string{"decrypt"}, tt.args...)...)
			require.Equal(t, exitOK, out.code, out.stderr)
			assert.Equal(t, plain+"\n", out.stdout)
			if tt.checked {
				assert.Contains(t, out.stderr, "msg_signature checked")
			} else {
				assert.Contains(t, out.stderr, "not checked")
			}
		})
	}

	failures := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"wrong token", map[string]string{envAESKey: testAESKey, envAppID: testAppID, envToken: "other"}, []string{replyFile}, exitFail, "signature mismatch"},
		{"wrong AppID", map[string]string{envAESKey: testAESKey, envAppID: "wx0000000000000000"}, []string{replyFile}, exitFail, "AppID mismatch"},
		{"wrong query", withToken, []string{"-query", strings.Replace(query, "nonce=42", "nonce=43", 1), pushFile}, exitFail, "signature mismatch"},
		{"query without token", keys, []string{"-query", query, pushFile}, exitUsage, "-query needs -token"},
		{"no key", map[string]string{envAppID: testAppID}, []string{replyFile}, exitUsage, "-aes-key"},
		{"no AppID", map[string]string{envAESKey: testAESKey}, []string{replyFile}, exitUsage, "-appid"},
		{"bad key", map[string]string{envAESKey: "short", envAppID: testAppID}, []string{replyFile}, exitUsage, "invalid EncodingAESKey"},
		{"no Encrypt", keys, []string{write("plain.xml", plain)}, exitFail, "no Encrypt"},
		{"not XML", keys, []string{write("broken.xml", "<xml><Encrypt>")}, exitFail, "not XML"},
		{"two files", keys, []string{replyFile, pushFile}, exitUsage, "at most one FILE"},
		{"missing file", keys, []string{filepath.Join(dir, "nope.xml")}, exitFail, "nope.xml"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := wxmp(t, tt.env, append([]string{"decrypt"}, tt.args...)...)
			assert.Equal(t, tt.code, out.code)
			assert.Contains(t, out.stderr, tt.want)
			assert.NotContains(t, out.stdout, "captured", "nothing is shown unless it decrypts and checks")
		})
	}
}

func TestPrintBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "  (empty)\n"},
		{"lines", []byte("a\nb\n"), "  a\n  b\n"},
		{"terminal escape", []byte("\x1b[31mred"), "  \"\\x1b[31mred\"\n"},
		{"binary", []byte{0xff, 0xfe}, "  \"\\xff\\xfe\"\n"},
		{"long", bytes.Repeat([]byte("x"), maxShown+5), "  " + strings.Repeat("x", maxShown) + "\n  … (5 more bytes)\n"},
		{"cut inside a character", append(bytes.Repeat([]byte("x"), maxShown-1), "你"...), "  " + strings.Repeat("x", maxShown-1) + "\n  … (3 more bytes)\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		printBody(&b, tt.in)
		assert.Equal(t, tt.want, b.String(), tt.name)
	}
}

// TestRunUsesTheRealEnvironment checks run itself, as main calls it.
func TestRunUsesTheRealEnvironment(t *testing.T) {
	t.Setenv(envToken, "AAAAA")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"sign", "-timestamp", "1714036504", "-nonce", "1514711492"}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "signature=f464b24fc39322e44b38aa78f5edd27bd1441696\n"))
}
