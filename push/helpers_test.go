package push

import (
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// The token, EncodingAESKey and AppID of the tests' account are the
// examples of WeChat's documentation.
const (
	testToken  = "pamtest"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID  = "wxb11529c136998cb6"
	testTS     = "1714036504"
	testNonce  = "1514711492"
)

// plainRequest is a plain push of body, signed with testToken for ts and
// nonce.
func plainRequest(body []byte, ts, nonce string) *http.Request {
	q := url.Values{
		"signature": {signature.Compute(testToken, ts, nonce)},
		"timestamp": {ts},
		"nonce":     {nonce},
		"openid":    {testOpenID},
	}
	return httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), bytes.NewReader(body))
}

func testCrypter(t testing.TB) *msgcrypt.Crypter {
	t.Helper()
	c, err := msgcrypt.New(testToken, testAESKey, testAppID)
	require.NoError(t, err)
	return c
}

type cdata struct {
	Text string `xml:",cdata"`
}

// safeRequest is push encrypted as in safe mode for ts and nonce:
// ToUserName and Encrypt in the body, msg_signature in the query.
func safeRequest(t testing.TB, push []byte, ts, nonce string) *http.Request {
	t.Helper()
	env, err := testCrypter(t).EncryptEnvelope(msgcrypt.CurrentKey, push, ts, nonce)
	require.NoError(t, err)
	body, err := xml.Marshal(struct {
		XMLName    xml.Name `xml:"xml"`
		ToUserName cdata
		Encrypt    cdata
	}{ToUserName: cdata{testAccount}, Encrypt: cdata{env.Encrypt}})
	require.NoError(t, err)
	q := url.Values{
		"signature":     {signature.Compute(testToken, ts, nonce)},
		"timestamp":     {ts},
		"nonce":         {nonce},
		"openid":        {testOpenID},
		"encrypt_type":  {"aes"},
		"msg_signature": {env.MsgSignature},
	}
	return httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), bytes.NewReader(body))
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// envelope is an encrypted reply as WeChat reads it.
type envelope struct {
	Encrypt, MsgSignature, TimeStamp, Nonce string
}

// openReply checks an encrypted reply's envelope and returns it with the
// plaintext reply.
func openReply(t testing.TB, body []byte) (envelope, []byte) {
	t.Helper()
	var env envelope
	require.NoError(t, xml.Unmarshal(body, &env), "reply: %q", body)
	plain, _, err := testCrypter(t).Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
	require.NoError(t, err, "the envelope must verify and decrypt")
	return env, plain
}

// textReply decodes a plaintext text reply.
type textReply struct {
	ToUserName, FromUserName, MsgType, Content string
	CreateTime                                 int64
}

func decodeText(t testing.TB, body []byte) textReply {
	t.Helper()
	var r textReply
	require.NoError(t, xml.Unmarshal(body, &r), "reply: %q", body)
	return r
}

// counter counts the handler's runs.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[s]++
}

func (c *counter) get(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[s]
}

// logBuffer is a slog.Logger writing JSON lines to a buffer safe for
// concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lateSender is a LateReplySender that hands every reply to a channel.
type lateSender struct {
	sent chan reply.Reply
	err  error
}

func newLateSender() *lateSender { return &lateSender{sent: make(chan reply.Reply, 8)} }

func (s *lateSender) SendReply(_ context.Context, r reply.Reply) error {
	s.sent <- r
	return s.err
}

// newTestServer is NewServer with a logger into buf, failing t on error.
func newTestServer(t testing.TB, h Handler, buf *logBuffer, opts ...Option) *Server {
	t.Helper()
	if buf == nil {
		buf = new(logBuffer)
	}
	s, err := NewServer(testToken, h, append([]Option{WithLogger(buf.logger())}, opts...)...)
	require.NoError(t, err)
	return s
}
