package msgcrypt_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// docHandler is the handler of the package comment (doc.go), compiled.
func docHandler(token, encodingAESKey, appID string) http.Handler {
	c, err := msgcrypt.New(token, encodingAESKey, appID)
	if err != nil {
		log.Fatal(err) // a bad key or an empty token/AppID
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/wechat", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // URL check: plain signature in every mode
			if signature.VerifyRequest(token, r) != nil {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			signature.WriteEcho(w, r) // echostr back, as plain text
			return
		}
		p, err := c.OpenRequest(r) // reads at most DefaultMaxBodyBytes
		switch {
		case errors.Is(err, msgcrypt.ErrBodyTooLarge):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
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
			io.WriteString(w, reply.Success) // nothing to say
			return
		}
		out, err := reply.NewText(text, "you said: "+text.Content).Marshal()
		if err == nil {
			out, err = p.Seal(out) // encrypted in the compatible and safe modes
		}
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Write(out)
	})
	return mux
}

// TestDocHandler plays WeChat against the package comment's handler: the
// verification GET, a text push in each encrypted mode (the reply must be
// what WeChat reads: an encrypted envelope around a valid text reply), and
// forged or oversized pushes.
func TestDocHandler(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	h := docHandler(v.Token, v.EncodingAESKey, v.AppID)
	do := func(method, target string, body []byte) *http.Response {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, target, bytes.NewReader(body)))
		return w.Result()
	}

	t.Run("verification", func(t *testing.T) {
		t.Parallel()
		q := url.Values{"signature": {signature.Compute(v.Token, v.Timestamp, v.Nonce)},
			"timestamp": {v.Timestamp}, "nonce": {v.Nonce}, "echostr": {"<b>hi</b>"}}
		res := do("GET", "/wechat?"+q.Encode(), nil)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
		assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	})
	for _, mode := range []string{"compatible", "safe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			body := v.Body
			if mode == "safe" {
				body = safeBody(v.Encrypt)
			}
			res := do("POST", "/wechat?"+v.query().Encode(), body)
			require.Equal(t, http.StatusOK, res.StatusCode)
			out, _ := io.ReadAll(res.Body)
			env := parseEnvelope(t, out)
			plain, _, err := v.crypter(t).Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
			require.NoError(t, err)
			var got struct {
				XMLName                           xml.Name
				ToUserName, FromUserName, MsgType string
				Content                           string
				CreateTime                        int64
			}
			require.NoError(t, xml.Unmarshal(plain, &got), string(plain))
			assert.Equal(t, "xml", got.XMLName.Local, "a reply's root is <xml>")
			assert.Equal(t, "text", got.MsgType)
			assert.Equal(t, "oyORnuP8q7ou2gfYjqLzSIWZf0rs", got.ToUserName)
			assert.Equal(t, "gh_10f6c3c3ac5a", got.FromUserName)
			assert.Equal(t, "you said: abcdteT", got.Content)
			assert.NotZero(t, got.CreateTime)
		})
	}
	t.Run("forged", func(t *testing.T) {
		t.Parallel()
		res := do("POST", "/wechat?"+with(v.query(), "msg_signature", strings.Repeat("0", 40)).Encode(), v.Body)
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
	})
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		res := do("POST", "/wechat?"+v.query().Encode(), bytes.Repeat([]byte(" "), msgcrypt.DefaultMaxBodyBytes+1))
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
	})
}
