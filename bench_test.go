package wxmp_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// End-to-end benchmarks: one push per iteration, from a new httptest
// request to the reply in the recorder, through a handler built from the
// public API the way the README writes it. The benchmarks/ module runs the
// same push through other SDKs for comparison.

// The account and the push. The token, EncodingAESKey and AppID are the
// examples of WeChat's documentation.
const (
	benchToken   = "pamtest"
	benchAESKey  = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	benchAppID   = "wxb11529c136998cb6"
	benchAccount = "gh_3c884a361561"
	benchOpenID  = "oia2TjjewbmiOUlr6X-1crbLOvLw"
	benchTS      = "1714036504"
	benchNonce   = "1514711492"
	benchContent = "周六几点开门？Open on Saturday?"
	// benchPush is a 309-byte text message laid out as WeChat sends it, in
	// the shape of wechatpy's test_parse_text_message fixture.
	benchPush = "<xml><ToUserName><![CDATA[" + benchAccount + "]]></ToUserName>\n" +
		"<FromUserName><![CDATA[" + benchOpenID + "]]></FromUserName>\n" +
		"<CreateTime>" + benchTS + "</CreateTime>\n" +
		"<MsgType><![CDATA[text]]></MsgType>\n" +
		"<Content><![CDATA[" + benchContent + "]]></Content>\n" +
		"<MsgId>24537389287403911</MsgId>\n" +
		"</xml>"
	xmlContentType = "application/xml; charset=utf-8"
)

// plainHandler checks the signature, reads the body (at most 256 KiB), parses
// it and echoes a text message as a text reply.
func plainHandler(token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := signature.VerifyRequest(token, r); err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 256<<10))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		msg, err := message.Parse(body)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		text, ok := msg.(*message.Text)
		if !ok {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := reply.NewText(text, text.Content).Marshal()
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Header().Set("Content-Type", xmlContentType)
		w.Write(out)
	})
}

// safeHandler opens the push (signatures, decryption, AppID), parses it and
// seals the echo.
func safeHandler(c *msgcrypt.Crypter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := c.OpenRequest(r)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		msg, err := message.Parse(p.Plaintext)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		text, ok := msg.(*message.Text)
		if !ok {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := reply.NewText(text, text.Content).Marshal()
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		sealed, err := p.Seal(out)
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Header().Set("Content-Type", xmlContentType)
		w.Write(sealed)
	})
}

// benchReply is what the baseline handler writes: a plain text reply of
// the size the plain handler writes.
const benchReply = "<xml><ToUserName><![CDATA[" + benchOpenID + "]]></ToUserName>" +
	"<FromUserName><![CDATA[" + benchAccount + "]]></FromUserName>" +
	"<CreateTime>" + benchTS + "</CreateTime><MsgType><![CDATA[text]]></MsgType>" +
	"<Content><![CDATA[" + benchContent + "]]></Content></xml>"

// baselineHandler is the httptest plumbing alone: it writes a fixed reply
// without reading the request.
func baselineHandler() http.Handler {
	out := []byte(benchReply)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", xmlContentType)
		w.Write(out)
	})
}

// request is one POST as WeChat sends it.
type request struct {
	target string
	body   []byte
}

// serve is one benchmark iteration: a new request and recorder, ServeHTTP.
func (p request) serve(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, p.target, bytes.NewReader(p.body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func plainPush() request {
	q := url.Values{
		"signature": {signature.Compute(benchToken, benchTS, benchNonce)},
		"timestamp": {benchTS},
		"nonce":     {benchNonce},
		"openid":    {benchOpenID},
	}
	return request{target: "/wechat?" + q.Encode(), body: []byte(benchPush)}
}

// zeroReader makes the safe push the same bytes on every run.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// safePush encrypts benchPush as WeChat does in safe mode: ToUserName and
// Encrypt in the body, encrypt_type=aes and msg_signature in the query.
func safePush(tb testing.TB) request {
	tb.Helper()
	c, err := msgcrypt.New(benchToken, benchAESKey, benchAppID, msgcrypt.WithRandom(zeroReader{}))
	require.NoError(tb, err)
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, []byte(benchPush), benchTS, benchNonce)
	require.NoError(tb, err)
	type cdata struct {
		Text string `xml:",cdata"`
	}
	body, err := xml.Marshal(struct {
		XMLName    xml.Name `xml:"xml"`
		ToUserName cdata
		Encrypt    cdata
	}{ToUserName: cdata{benchAccount}, Encrypt: cdata{env.Encrypt}})
	require.NoError(tb, err)
	q := url.Values{
		"signature":     {signature.Compute(benchToken, benchTS, benchNonce)},
		"timestamp":     {benchTS},
		"nonce":         {benchNonce},
		"openid":        {benchOpenID},
		"encrypt_type":  {"aes"},
		"msg_signature": {env.MsgSignature},
	}
	return request{target: "/wechat?" + q.Encode(), body: body}
}

func newBenchCrypter(tb testing.TB) *msgcrypt.Crypter {
	tb.Helper()
	c, err := msgcrypt.New(benchToken, benchAESKey, benchAppID)
	require.NoError(tb, err)
	return c
}

// requireEcho fails tb unless w is a 200 answer WeChat shows as a text
// reply from the account to the user saying benchContent. An encrypted one
// must carry a valid msg_signature and decrypt, with msgcrypt, for the
// AppID. It decodes with encoding/xml, not with package reply.
func requireEcho(tb testing.TB, w *httptest.ResponseRecorder, encrypted bool) {
	tb.Helper()
	require.Equal(tb, http.StatusOK, w.Code)
	body := w.Body.Bytes()
	if encrypted {
		var env struct {
			Encrypt, MsgSignature, TimeStamp, Nonce string
		}
		require.NoError(tb, xml.Unmarshal(body, &env))
		plain, _, err := newBenchCrypter(tb).Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
		require.NoError(tb, err, "the reply envelope must verify and decrypt")
		body = plain
	}
	var got struct {
		ToUserName, FromUserName, MsgType, Content string
		CreateTime                                 int64
	}
	require.NoError(tb, xml.Unmarshal(body, &got))
	assert.Equal(tb, "text", got.MsgType)
	assert.Equal(tb, benchOpenID, got.ToUserName)
	assert.Equal(tb, benchAccount, got.FromUserName)
	assert.Positive(tb, got.CreateTime)
	assert.Equal(tb, benchContent, got.Content)
	if tb.Failed() {
		tb.FailNow()
	}
}

// benchPushes checks one answer outside the timed loop, then serves p once
// per iteration.
func benchPushes(b *testing.B, h http.Handler, p request, check func(*httptest.ResponseRecorder)) {
	check(p.serve(h))
	b.ReportAllocs()
	for b.Loop() {
		if w := p.serve(h); w.Code != http.StatusOK {
			b.Fatalf("HTTP status %d", w.Code)
		}
	}
}

func BenchmarkPushPlain(b *testing.B) {
	benchPushes(b, plainHandler(benchToken), plainPush(), func(w *httptest.ResponseRecorder) {
		requireEcho(b, w, false)
	})
}

func BenchmarkPushSafe(b *testing.B) {
	benchPushes(b, safeHandler(newBenchCrypter(b)), safePush(b), func(w *httptest.ResponseRecorder) {
		requireEcho(b, w, true)
	})
}

// BenchmarkHTTPTestBaseline is what every push benchmark spends on httptest
// itself; the rest is the SDK's.
func BenchmarkHTTPTestBaseline(b *testing.B) {
	benchPushes(b, baselineHandler(), plainPush(), func(w *httptest.ResponseRecorder) {
		require.Equal(b, http.StatusOK, w.Code)
		require.Equal(b, benchReply, w.Body.String())
	})
}

// TestPushHandlers runs the benchmarks' handlers once, so that go test
// checks what the benchmarks time: the echo for the right push, a refusal
// for a forged one.
func TestPushHandlers(t *testing.T) {
	t.Parallel()
	assert.Len(t, benchPush, 309)
	forge := func(p request, param string) request {
		u, err := url.Parse(p.target)
		require.NoError(t, err)
		q := u.Query()
		q.Set(param, strings.Repeat("0", 40))
		u.RawQuery = q.Encode()
		return request{target: u.String(), body: p.body}
	}
	plain, safe := plainPush(), safePush(t)
	for _, tc := range []struct {
		name      string
		handler   http.Handler
		push      request
		encrypted bool
		forged    []string
	}{
		{"plain", plainHandler(benchToken), plain, false, []string{"signature"}},
		{"safe", safeHandler(newBenchCrypter(t)), safe, true, []string{"signature", "msg_signature"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireEcho(t, tc.push.serve(tc.handler), tc.encrypted)
			for _, param := range tc.forged {
				w := forge(tc.push, param).serve(tc.handler)
				assert.Equal(t, http.StatusForbidden, w.Code, "a forged %s must be refused", param)
			}
		})
	}
	t.Run("baseline", func(t *testing.T) {
		t.Parallel()
		w := plain.serve(baselineHandler())
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, benchReply, w.Body.String())
	})
}

// The same push through push.Server, with a push.Mux echoing text as the
// README writes it. Each iteration sends a push with a MsgId of its own
// (benchRingSize of them, more than push.DefaultMemoryMaxEntries), so
// that dedupe finds no earlier delivery and the handler runs every time,
// with the memory store full and evicting as on a busy server. The
// NoDedupe variants show what dedupe costs.

// benchRingSize is how many different pushes a ring holds.
const benchRingSize = 1 << 17

// benchMsgID is benchPush's MsgId, which distinctPushes replaces.
const benchMsgID = "24537389287403911"

// distinctPushes returns n pushes shaped as benchPush, with the MsgIds
// 30000000000000000, 30000000000000001, … in place of benchMsgID, in clear
// or encrypted as safePush does.
func distinctPushes(n int, safe bool) ([]request, error) {
	prefix, suffix, ok := strings.Cut(benchPush, benchMsgID)
	if !ok {
		return nil, fmt.Errorf("benchPush has no MsgId %s", benchMsgID)
	}
	c, err := msgcrypt.New(benchToken, benchAESKey, benchAppID, msgcrypt.WithRandom(zeroReader{}))
	if err != nil {
		return nil, err
	}
	plainTarget := plainPush().target
	out := make([]request, n)
	for i := range out {
		xmlPush := prefix + strconv.FormatUint(30_000_000_000_000_000+uint64(i), 10) + suffix
		if !safe {
			out[i] = request{target: plainTarget, body: []byte(xmlPush)}
			continue
		}
		env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, []byte(xmlPush), benchTS, benchNonce)
		if err != nil {
			return nil, err
		}
		type cdata struct {
			Text string `xml:",cdata"`
		}
		body, err := xml.Marshal(struct {
			XMLName    xml.Name `xml:"xml"`
			ToUserName cdata
			Encrypt    cdata
		}{ToUserName: cdata{benchAccount}, Encrypt: cdata{env.Encrypt}})
		if err != nil {
			return nil, err
		}
		q := url.Values{
			"signature":     {signature.Compute(benchToken, benchTS, benchNonce)},
			"timestamp":     {benchTS},
			"nonce":         {benchNonce},
			"openid":        {benchOpenID},
			"encrypt_type":  {"aes"},
			"msg_signature": {env.MsgSignature},
		}
		out[i] = request{target: "/wechat?" + q.Encode(), body: body}
	}
	return out, nil
}

// The rings are built once per process, when a benchmark first needs one.
var (
	plainRing = sync.OnceValues(func() ([]request, error) { return distinctPushes(benchRingSize, false) })
	safeRing  = sync.OnceValues(func() ([]request, error) { return distinctPushes(benchRingSize, true) })
)

// pushServer is push.Server with a Mux that echoes text messages.
func pushServer(tb testing.TB, opts ...push.Option) http.Handler {
	tb.Helper()
	mux := push.NewMux()
	push.Handle(mux, func(_ context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, m.Content), nil
	})
	s, err := push.NewServer(benchToken, mux, opts...)
	require.NoError(tb, err)
	return s
}

// benchRing checks the answer to the ring's first push outside the timed
// loop, then serves the next push of the ring once per iteration.
func benchRing(b *testing.B, h http.Handler, ring func() ([]request, error), encrypted bool) {
	pushes, err := ring()
	require.NoError(b, err)
	requireEcho(b, pushes[0].serve(h), encrypted)
	b.ReportAllocs()
	i := 1
	for b.Loop() {
		if w := pushes[i%len(pushes)].serve(h); w.Code != http.StatusOK {
			b.Fatalf("HTTP status %d", w.Code)
		}
		i++
	}
}

func BenchmarkPushServerPlain(b *testing.B) {
	benchRing(b, pushServer(b), plainRing, false)
}

func BenchmarkPushServerSafe(b *testing.B) {
	benchRing(b, pushServer(b, push.WithEncryption(benchAESKey, benchAppID)), safeRing, true)
}

func BenchmarkPushServerPlainNoDedupe(b *testing.B) {
	benchRing(b, pushServer(b, push.WithoutDedup()), plainRing, false)
}

func BenchmarkPushServerSafeNoDedupe(b *testing.B) {
	benchRing(b, pushServer(b, push.WithEncryption(benchAESKey, benchAppID), push.WithoutDedup()), safeRing, true)
}

// TestPushServer runs the push.Server benchmarks' handler once per mode on
// pushes of the rings' shape: the echo for each, once per push even when
// it comes twice, and a refusal for a forged one.
func TestPushServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		safe      bool
		opts      []push.Option
		forgeable string
	}{
		{"plain", false, nil, "signature"},
		{"safe", true, []push.Option{push.WithEncryption(benchAESKey, benchAppID)}, "msg_signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pushes, err := distinctPushes(2, tc.safe)
			require.NoError(t, err)
			h := pushServer(t, tc.opts...)
			for _, p := range append(pushes, pushes...) {
				requireEcho(t, p.serve(h), tc.safe)
			}
			u, err := url.Parse(pushes[0].target)
			require.NoError(t, err)
			q := u.Query()
			q.Set(tc.forgeable, strings.Repeat("0", 40))
			u.RawQuery = q.Encode()
			w := request{target: u.String(), body: pushes[0].body}.serve(h)
			assert.Equal(t, http.StatusForbidden, w.Code)
		})
	}
}
