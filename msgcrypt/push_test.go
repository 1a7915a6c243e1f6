package msgcrypt_test

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// plainQuery is the query of a plain-mode push for the test account.
func plainQuery() url.Values {
	return url.Values{
		"signature": {signature.Compute(testToken, testTS, testNonce)},
		"timestamp": {testTS},
		"nonce":     {testNonce},
		"openid":    {"oyORnuP8q7ou2gfYjqLzSIWZf0rs"},
	}
}

// with returns a copy of q with key set to values (deleted when none).
func with(q url.Values, key string, values ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	if len(values) == 0 {
		delete(out, key)
	} else {
		out[key] = values
	}
	return out
}

func TestOpen(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t)
	plainBody := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><MsgType><![CDATA[text]]></MsgType></xml>")
	safe := safeBody(v.Encrypt)
	aes := v.query()
	plain := plainQuery()

	tests := []struct {
		name      string
		query     url.Values
		body      []byte
		want      error
		wantAlso  error // a second sentinel the error must match
		wantMode  msgcrypt.Mode
		wantPlain []byte
	}{
		{name: "plain, no encrypt_type", query: plain, body: plainBody, wantMode: msgcrypt.ModePlain, wantPlain: plainBody},
		{name: "plain, encrypt_type=raw", query: with(plain, "encrypt_type", "raw"), body: plainBody, wantMode: msgcrypt.ModePlain, wantPlain: plainBody},
		{name: "plain, upper-case signature", query: with(plain, "signature", strings.ToUpper(plain.Get("signature"))), body: plainBody, wantMode: msgcrypt.ModePlain, wantPlain: plainBody},
		{name: "plain, wrong signature", query: with(plain, "signature", strings.Repeat("0", 40)), body: plainBody,
			want: msgcrypt.ErrSignatureMismatch, wantAlso: signature.ErrMismatch},
		{name: "plain, no signature", query: with(plain, "signature"), body: plainBody,
			want: msgcrypt.ErrMissingParams, wantAlso: signature.ErrMissingParams},
		{name: "plain, no query at all", query: nil, body: plainBody, want: msgcrypt.ErrMissingParams},
		{name: "plain mode does not look for msg_signature", query: with(plain, "msg_signature", v.MsgSignature), body: v.Body,
			wantMode: msgcrypt.ModePlain, wantPlain: v.Body},

		{name: "compatible", query: aes, body: v.Body, wantMode: msgcrypt.ModeCompatible, wantPlain: v.Plaintext},
		{name: "safe", query: aes, body: safe, wantMode: msgcrypt.ModeSafe, wantPlain: v.Plaintext},
		{name: "aes without the plain signature", query: with(aes, "signature"), body: safe, wantMode: msgcrypt.ModeSafe, wantPlain: v.Plaintext},
		{name: "aes with a byte order mark and blank lines", query: aes, body: append([]byte("\xef\xbb\xbf\n"), append(safe, '\n')...),
			wantMode: msgcrypt.ModeSafe, wantPlain: v.Plaintext},
		{name: "aes without msg_signature is no plain push", query: with(aes, "msg_signature"), body: v.Body, want: msgcrypt.ErrMissingParams},
		{name: "aes with an empty msg_signature", query: with(aes, "msg_signature", ""), body: v.Body, want: msgcrypt.ErrMissingParams},
		{name: "aes without timestamp", query: with(aes, "timestamp"), body: v.Body, want: msgcrypt.ErrMissingParams},
		{name: "aes without nonce", query: with(aes, "nonce"), body: v.Body, want: msgcrypt.ErrMissingParams},
		{name: "aes with a wrong plain signature", query: with(aes, "signature", strings.Repeat("0", 40)), body: v.Body,
			want: msgcrypt.ErrSignatureMismatch, wantAlso: signature.ErrMismatch},
		{name: "aes with a wrong msg_signature", query: with(aes, "msg_signature", plain.Get("signature")), body: v.Body, want: msgcrypt.ErrSignatureMismatch},
		{name: "aes with another nonce", query: with(with(aes, "nonce", "1"), "signature"), body: v.Body, want: msgcrypt.ErrSignatureMismatch},
		{name: "aes with a plain body", query: aes, body: plainBody, want: msgcrypt.ErrBody},
		{name: "aes with an empty Encrypt", query: aes, body: safeBody(""), want: msgcrypt.ErrBody},
		{name: "aes with an empty body", query: aes, body: nil, want: msgcrypt.ErrBody},
		{name: "aes with a JSON body", query: aes, body: []byte(`{"Encrypt":"` + v.Encrypt + `"}`), want: msgcrypt.ErrBody},
		{name: "aes with another root element", query: aes, body: bytes.ReplaceAll(safe, []byte("xml>"), []byte("msg>")), want: msgcrypt.ErrBody},
		{name: "aes with broken XML", query: aes, body: safe[:len(safe)-3], want: msgcrypt.ErrBody},
		{name: "aes with the Encrypt of another push", query: aes, body: safeBody(loadVector(t, "we_whisper_reply").Encrypt), want: msgcrypt.ErrSignatureMismatch},

		{name: "upper-case AES is unknown", query: with(aes, "encrypt_type", "AES"), body: v.Body, want: msgcrypt.ErrEncryptType},
		{name: "unknown encrypt_type", query: with(aes, "encrypt_type", "rsa"), body: v.Body, want: msgcrypt.ErrEncryptType},
		{name: "empty but present encrypt_type is plain", query: with(plain, "encrypt_type", ""), body: plainBody, wantMode: msgcrypt.ModePlain, wantPlain: plainBody},
		{name: "encrypt_type twice, raw first", query: with(aes, "encrypt_type", "raw", "aes"), body: v.Body, want: msgcrypt.ErrEncryptType},
		{name: "encrypt_type twice, aes first", query: with(plain, "encrypt_type", "aes", "raw"), body: plainBody, want: msgcrypt.ErrEncryptType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := c.Open(tt.query, tt.body)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				if tt.wantAlso != nil {
					assert.ErrorIs(t, err, tt.wantAlso)
				}
				assert.Nil(t, p)
				assertNoLeak(t, err, v.Token, v.EncodingAESKey, "abcdteT", v.MsgSignature, plain.Get("signature"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantMode, p.Mode)
			assert.Equal(t, tt.wantMode != msgcrypt.ModePlain, p.Encrypted())
			assert.Equal(t, string(tt.wantPlain), string(p.Plaintext))
			assert.Equal(t, testTS, p.Timestamp)
			assert.Equal(t, testNonce, p.Nonce)
		})
	}
}

func TestOpenRequireEncryption(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t, msgcrypt.WithRequireEncryption())

	// A captured safe-mode query with encrypt_type dropped and a body in
	// clear: without the option this would pass the plain check.
	forged := with(v.query(), "encrypt_type")
	body := []byte("<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[forged]]></Content></xml>")
	_, err := v.crypter(t).Open(forged, body)
	require.NoError(t, err, "the downgrade works without the option")

	_, err = c.Open(forged, body)
	assert.ErrorIs(t, err, msgcrypt.ErrNotEncrypted)
	_, err = c.Open(with(forged, "encrypt_type", "raw"), body)
	assert.ErrorIs(t, err, msgcrypt.ErrNotEncrypted)

	p, err := c.Open(v.query(), v.Body)
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.ModeCompatible, p.Mode)
}

func TestSeal(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t)
	reply := []byte("<xml><ToUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></ToUserName><Content><![CDATA[a ]]> b]]></Content></xml>")

	t.Run("plain push, reply unchanged", func(t *testing.T) {
		t.Parallel()
		p, err := c.Open(plainQuery(), []byte("<xml/>"))
		require.NoError(t, err)
		out, err := p.Seal(reply)
		require.NoError(t, err)
		assert.Equal(t, string(reply), string(out))
	})
	for _, mode := range []string{"compatible", "safe"} {
		t.Run(mode+" push, reply encrypted and signed with the push's timestamp and nonce", func(t *testing.T) {
			t.Parallel()
			body := v.Body
			if mode == "safe" {
				body = safeBody(v.Encrypt)
			}
			p, err := c.Open(v.query(), body)
			require.NoError(t, err)
			out, err := p.Seal(reply)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(out, []byte("<xml><Encrypt><![CDATA[")), string(out))
			assert.NotContains(t, string(out), "Content")
			env := parseEnvelope(t, out)
			assert.Equal(t, v.Timestamp, env.TimeStamp)
			assert.Equal(t, v.Nonce, env.Nonce)
			got, _, err := c.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
			require.NoError(t, err)
			assert.Equal(t, string(reply), string(got))
		})
	}
	t.Run("success and the empty reply stay literal", func(t *testing.T) {
		t.Parallel()
		p, err := c.Open(v.query(), v.Body)
		require.NoError(t, err)
		for _, r := range [][]byte{[]byte("success"), {}, nil} {
			out, err := p.Seal(r)
			require.NoError(t, err)
			assert.Equal(t, string(r), string(out))
		}
		// Only the exact bytes: anything else is a reply and gets encrypted.
		for _, r := range []string{"success\n", "SUCCESS", " success"} {
			out, err := p.Seal([]byte(r))
			require.NoError(t, err)
			assert.NotEqual(t, r, string(out))
			assert.Contains(t, string(out), "<Encrypt>")
		}
	})
	t.Run("a Push not from a Crypter cannot seal", func(t *testing.T) {
		t.Parallel()
		p := &msgcrypt.Push{Mode: msgcrypt.ModeSafe, Timestamp: testTS, Nonce: testNonce}
		_, err := p.Seal(reply)
		assert.Error(t, err)
		out, err := (&msgcrypt.Push{}).Seal(reply)
		require.NoError(t, err, "a plain Push just passes the reply through")
		assert.Equal(t, reply, out)
	})
}

func TestOpenRequest(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t, msgcrypt.WithMaxBodyBytes(int64(len(v.Body))))

	r := httptest.NewRequest("POST", "/wechat?"+v.query().Encode(), bytes.NewReader(v.Body))
	p, err := c.OpenRequest(r)
	require.NoError(t, err)
	assert.Equal(t, string(v.Plaintext), string(p.Plaintext))

	r = httptest.NewRequest("POST", "/wechat?"+v.query().Encode(), bytes.NewReader(append(v.Body, ' ')))
	_, err = c.OpenRequest(r)
	assert.ErrorIs(t, err, msgcrypt.ErrBodyTooLarge)

	broken := errors.New("connection reset")
	r = httptest.NewRequest("POST", "/wechat?"+v.query().Encode(), iotest.ErrReader(broken))
	_, err = c.OpenRequest(r)
	assert.ErrorIs(t, err, broken)

	r = httptest.NewRequest("GET", "/wechat?"+plainQuery().Encode()+"&echostr=x", nil)
	r.Body = nil
	p, err = newCrypter(t).OpenRequest(r)
	require.NoError(t, err, "a bodiless plain request opens to an empty plaintext")
	assert.Empty(t, p.Plaintext)

	_, err = c.OpenRequest(nil)
	assert.ErrorIs(t, err, msgcrypt.ErrMissingParams)
}

func TestOpenRequestDefaultLimit(t *testing.T) {
	t.Parallel()
	c := newCrypter(t)
	big := bytes.Repeat([]byte{' '}, msgcrypt.DefaultMaxBodyBytes+1)
	r := httptest.NewRequest("POST", "/wechat?"+plainQuery().Encode(), bytes.NewReader(big))
	_, err := c.OpenRequest(r)
	assert.ErrorIs(t, err, msgcrypt.ErrBodyTooLarge)

	r = httptest.NewRequest("POST", "/wechat?"+plainQuery().Encode(), bytes.NewReader(big[1:]))
	_, err = c.OpenRequest(r)
	assert.NoError(t, err, "exactly the limit is allowed")
}
