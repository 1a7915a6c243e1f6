package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "test-token-Zq8"

// wechatSign signs the way WeChat does, written out here rather than
// calling package signature, so the test checks the example against the
// protocol and not against itself.
// With a fourth string (the Encrypt text) it gives msg_signature.
func wechatSign(parts ...string) string {
	parts = append([]string(nil), parts...)
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// signedQuery returns the query WeChat puts on a push to our URL.
func signedQuery(token string) url.Values {
	ts := "1700000000"
	nonce := "1514711492"
	return url.Values{
		"signature": {wechatSign(token, ts, nonce)},
		"timestamp": {ts},
		"nonce":     {nonce},
		"openid":    {"oX1y2Z3a4B5c6D7e8F9g0H1i2J3k"},
	}
}

func newTestServer(t *testing.T) (*httptest.Server, *syncWriter) {
	t.Helper()
	return newTestServerWith(t, config{token: testToken})
}

func newTestServerWith(t *testing.T, cfg config) (*httptest.Server, *syncWriter) {
	t.Helper()
	logs := &syncWriter{w: new(bytes.Buffer)}
	h, err := newHandler(cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle(path, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, logs
}

// syncWriter lets the server goroutines and the test share a buffer.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

func post(t *testing.T, srv *httptest.Server, q url.Values, body []byte) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/wechat?"+q.Encode(), "text/xml", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// replyXML is a passive text reply as WeChat reads it.
type replyXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func TestVerificationGET(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	get := func(q url.Values) (int, string) {
		resp, err := http.Get(srv.URL + "/wechat?" + q.Encode())
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	q := signedQuery(testToken)
	q.Set("echostr", "5837397520665436492")
	status, body := get(q)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "5837397520665436492", body, "echostr must come back verbatim")

	wrong := signedQuery("another-token")
	wrong.Set("echostr", "123")
	status, body = get(wrong)
	assert.Equal(t, http.StatusForbidden, status)
	assert.NotContains(t, body, "123")

	for _, drop := range []string{"signature", "timestamp", "nonce"} {
		q := signedQuery(testToken)
		q.Set("echostr", "123")
		q.Del(drop)
		status, _ := get(q)
		assert.Equal(t, http.StatusBadRequest, status, "without %s", drop)
	}

	noEcho := signedQuery(testToken)
	status, _ = get(noEcho)
	assert.Equal(t, http.StatusBadRequest, status, "without echostr")
}

// TestPushEveryMessageType pushes each captured payload signed as WeChat
// signs it and checks the reply WeChat would show the user.
//
// Each payload goes to a server of its own: several of the captured
// payloads, of different types, carry the same sender and MsgId, which
// to WeChat (and to the server's dedupe) would make them one push.
func TestPushEveryMessageType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		content string // "" means the answer must be the literal success
	}{
		{"wechatpy_text.xml", "this is a test"},
		{"easywechat_text_indented.xml", "this is a test"},
		{"nodewebot_text_emoticon.xml", "/:8-)"},
		{"doc_text_article.xml", "a <b> & c"},
		{"wechatpy_image.xml", "image received: this is a url"},
		{"wechatpy_voice.xml", "voice received: format Format"},
		{"doc_voice_recognition.xml", "voice received: format amr, recognised as: 腾讯微信团队"},
		{"wechatpy_video.xml", "video received: media_id"},
		{"doc_shortvideo.xml", "short video received: sv-media"},
		{"wechatpy_location_msg.xml", "location received: 位置信息 (23.134521, 113.358803)"},
		{"wechatpy_link.xml", "link received: 公众平台官网链接 url"},
		{"doc_file.xml", "file received: 报告.pdf (5368709120 bytes)"},
		{"wechatpy_subscribe.xml", "Welcome! Send me any message and I will echo it back."},
		{"wechatpy_subscribe_qrscene.xml", "Welcome! Send me any message and I will echo it back."},
		{"doc_unsubscribe.xml", ""},
		{"wechatpy_click.xml", "menu click received: EVENTKEY"},
		{"wechatpy_scan.xml", "QR code scanned: scene SCENE_VALUE"},
		{"wechatpy_device_text.xml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			srv, logs := newTestServer(t)
			t.Cleanup(func() {
				assert.NotContains(t, logs.String(), testToken, "the token must never be logged")
			})
			body := fixture(t, tt.file)
			var in struct {
				ToUserName, FromUserName string
			}
			require.NoError(t, xml.Unmarshal(body, &in))

			before := time.Now().Unix()
			resp, out := post(t, srv, signedQuery(testToken), body)
			require.Equal(t, http.StatusOK, resp.StatusCode, out)
			if tt.content == "" {
				assert.Equal(t, "success", out)
				return
			}
			assert.Equal(t, "application/xml; charset=utf-8", resp.Header.Get("Content-Type"))
			var got replyXML
			require.NoError(t, xml.Unmarshal([]byte(out), &got), out)
			assert.Equal(t, in.FromUserName, got.ToUserName, "reply goes back to the sender")
			assert.Equal(t, in.ToUserName, got.FromUserName, "reply comes from the account")
			assert.Equal(t, "text", got.MsgType)
			assert.Equal(t, tt.content, got.Content)
			assert.InDelta(t, before, got.CreateTime, 5)
		})
	}
}

func TestPushHostileContentStaysValidXML(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	for i, content := range []string{
		"]]>", "a]]>b<c>&amp;", "<![CDATA[x]]>", "😀 emoji\nnew line\r\nCRLF", "</xml><xml>",
	} {
		var buf bytes.Buffer
		buf.WriteString("<xml><ToUserName>gh_1</ToUserName><FromUserName>o_2</FromUserName>")
		buf.WriteString("<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>")
		require.NoError(t, xml.EscapeText(&buf, []byte(content)))
		// Each its own MsgId: one MsgId from one sender is one push,
		// whose retries get the first delivery's reply.
		fmt.Fprintf(&buf, "</Content><MsgId>%d</MsgId></xml>", i+1)
		resp, out := post(t, srv, signedQuery(testToken), buf.Bytes())
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var got replyXML
		require.NoError(t, xml.Unmarshal([]byte(out), &got), out)
		assert.Equal(t, content, got.Content, "the echo must carry the text exactly, CR included")
	}
}

func TestPushRefusals(t *testing.T) {
	t.Parallel()
	srv, logs := newTestServer(t)
	good := fixture(t, "wechatpy_text.xml")
	tests := []struct {
		name   string
		query  url.Values
		body   []byte
		status int
	}{
		{"forged signature", signedQuery("not-our-token"), good, http.StatusForbidden},
		{"no signature", url.Values{"timestamp": {"1"}, "nonce": {"2"}}, good, http.StatusBadRequest},
		{"no query at all", url.Values{}, good, http.StatusBadRequest},
		{"empty body", signedQuery(testToken), nil, http.StatusBadRequest},
		{"not XML", signedQuery(testToken), []byte("hello"), http.StatusBadRequest},
		{"JSON", signedQuery(testToken), []byte(`{"MsgType":"text"}`), http.StatusBadRequest},
		{"truncated XML", signedQuery(testToken), good[:len(good)/2], http.StatusBadRequest},
		{"wrong root", signedQuery(testToken), []byte("<root><MsgType>text</MsgType></root>"), http.StatusBadRequest},
		{"no MsgType", signedQuery(testToken), []byte("<xml><Content>x</Content></xml>"), http.StatusBadRequest},
		{"bad number", signedQuery(testToken), []byte("<xml><MsgType>text</MsgType><CreateTime>soon</CreateTime></xml>"), http.StatusBadRequest},
		{"over the body limit", signedQuery(testToken), bytes.Repeat([]byte(" "), maxBody+1), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, _ := post(t, srv, tt.query, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
	t.Run("other method", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequest(http.MethodPut, srv.URL+"/wechat?"+signedQuery(testToken).Encode(), bytes.NewReader(good))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
	t.Cleanup(func() {
		assert.NotContains(t, logs.String(), testToken, "the token must never be logged")
	})
}

// TestRunServesAndShutsDown starts the program as main does, on a free
// port, pushes one message through a real connection, then cancels the
// context and expects a clean exit.
func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	env := map[string]string{"WECHAT_TOKEN": testToken, "ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncWriter{w: new(bytes.Buffer)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, logs) }()

	var resp *http.Response
	require.Eventually(t, func() bool {
		resp, err = http.Post("http://"+addr+"/wechat?"+signedQuery(testToken).Encode(), "text/xml",
			bytes.NewReader(fixture(t, "wechatpy_text.xml")))
		return err == nil
	}, 5*time.Second, 20*time.Millisecond)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "<![CDATA[this is a test]]>")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunDefaultToken(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var logs bytes.Buffer
	err := run(ctx, func(k string) string {
		if k == "ADDR" {
			return "127.0.0.1:0"
		}
		return ""
	}, &logs)
	require.NoError(t, err)
	assert.Contains(t, logs.String(), "WECHAT_TOKEN is not set")
	assert.NotContains(t, logs.String(), defaultToken)
}
