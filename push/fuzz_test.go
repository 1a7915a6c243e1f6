package push

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// FuzzServeHTTP sends arbitrary bodies, correctly signed, to a server in
// the plain and the safe mode: as a plain push, as the plaintext inside a
// valid encrypted push, and as the body of an encrypted push. The server
// must never panic and never answer with a 5xx; an authenticated push it
// can parse gets 200.
//
//	go test -run '^$' -fuzz FuzzServeHTTP -fuzztime 30s ./push
func FuzzServeHTTP(f *testing.F) {
	for _, dir := range []string{"../message/testdata", "../event/testdata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, uint8(0))
		}
	}
	f.Add(textPush(1, "hi"), uint8(1))
	f.Add(eventPush("CLICK", "k", 1), uint8(2))
	f.Add([]byte("<xml><ToUserName>a</ToUserName><Encrypt>AAAA</Encrypt></xml>"), uint8(2))
	f.Add([]byte{}, uint8(0))

	h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
		// Echo whatever arrived, so that replies carry fuzzed text.
		if m, ok := msg.(*message.Text); ok {
			return reply.NewText(m, m.Content), nil
		}
		return reply.NewText(msg, msg.Head().MsgType), nil
	})
	plain := newTestServer(f, h, nil)
	safe := newTestServer(f, h, nil, WithEncryption(testAESKey, testAppID), WithMaxBodyBytes(64<<10))
	f.Fuzz(func(t *testing.T, body []byte, how uint8) {
		var s *Server
		var r *http.Request
		switch how % 3 {
		case 0:
			s, r = plain, plainRequest(body, testTS, testNonce)
		case 1:
			s, r = safe, safeRequest(t, body, testTS, testNonce)
		case 2:
			s, r = safe, plainRequest(body, testTS, testNonce)
			r.URL.RawQuery += "&encrypt_type=aes&msg_signature=" + strings.Repeat("0", 40)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if w.Code == http.StatusOK && how%3 != 2 {
			if _, err := message.Parse(body); err != nil {
				t.Fatalf("200 for a push message.Parse refuses: %v", err)
			}
		}
		if w.Code != http.StatusOK && how%3 != 2 && len(body) < 60<<10 && bytes.HasPrefix(bytes.TrimSpace(body), []byte("<xml>")) {
			if _, err := message.Parse(body); err == nil {
				t.Fatalf("status %d for a push message.Parse takes", w.Code)
			}
		}
	})
}
