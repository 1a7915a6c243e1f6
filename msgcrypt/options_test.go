package msgcrypt_test

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

func TestOptionsRefuseNilAndOutOfRange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opt  msgcrypt.Option
		name string // the option the error must name
	}{
		{msgcrypt.WithWindow(0), "WithWindow"},
		{msgcrypt.WithWindow(-time.Second), "WithWindow"},
		{msgcrypt.WithNow(nil), "WithNow"},
		{msgcrypt.WithRandom(nil), "WithRandom"},
		{msgcrypt.WithMaxBodyBytes(0), "WithMaxBodyBytes"},
		{msgcrypt.WithMaxBodyBytes(-1), "WithMaxBodyBytes"},
		{msgcrypt.WithPreviousKey("short"), "WithPreviousKey"},
	} {
		c, err := msgcrypt.New(testToken, testKey, testAppID, nil, tt.opt)
		require.ErrorIs(t, err, msgcrypt.ErrInvalidConfig, tt.name)
		assert.Nil(t, c)
		assert.Contains(t, err.Error(), tt.name)
		assertNoLeak(t, err, testToken, testKey)
	}
	_, err := msgcrypt.New(testToken, testKey, testAppID, nil, msgcrypt.WithWindow(time.Minute), nil)
	assert.NoError(t, err, "nil options are skipped")
}

// TestWindow checks the timestamp window on every way a push is opened:
// off by default, two-sided, and checked only once the signature matched.
func TestWindow(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo") // timestamp 1409735669
	stamp := time.Unix(1409735669, 0)
	at := func(d time.Duration) msgcrypt.Option {
		return msgcrypt.WithNow(func() time.Time { return stamp.Add(d) })
	}
	window := msgcrypt.WithWindow(5 * time.Minute)
	plainBody := []byte("<xml><MsgType>text</MsgType></xml>")
	tests := []struct {
		name string
		opts []msgcrypt.Option
		want error
	}{
		{"off by default, even years later", []msgcrypt.Option{at(10 * 365 * 24 * time.Hour)}, nil},
		{"on time", []msgcrypt.Option{window, at(0)}, nil},
		{"at the old edge", []msgcrypt.Option{window, at(5 * time.Minute)}, nil},
		{"at the future edge", []msgcrypt.Option{window, at(-5 * time.Minute)}, nil},
		{"too old", []msgcrypt.Option{window, at(5*time.Minute + time.Second)}, msgcrypt.ErrStale},
		{"too far in the future", []msgcrypt.Option{window, at(-5*time.Minute - time.Second)}, msgcrypt.ErrStale},
		{"the real clock", []msgcrypt.Option{window}, msgcrypt.ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := v.crypter(t, tt.opts...)
			check := func(how string, err error) {
				t.Helper()
				if tt.want == nil {
					assert.NoError(t, err, how)
				} else {
					assert.ErrorIs(t, err, tt.want, how)
				}
			}
			_, err := c.Open(v.query(), v.Body)
			check("Open, compatible", err)
			_, err = c.Open(v.query(), safeBody(v.Encrypt))
			check("Open, safe", err)
			_, err = c.OpenRequest(httptest.NewRequest("POST", "/wechat?"+v.query().Encode(), bytes.NewReader(v.Body)))
			check("OpenRequest", err)
			_, _, err = c.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt)
			check("Decrypt", err)
			q := plainQuery()
			q.Set("timestamp", v.Timestamp)
			q.Set("signature", signatureFor(v.Timestamp))
			_, err = c.Open(q, plainBody)
			check("Open, plain", err)
		})
	}

	t.Run("not a number", func(t *testing.T) {
		t.Parallel()
		c := newCrypter(t, window, at(0))
		env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, []byte("<xml/>"), "soon", testNonce)
		require.NoError(t, err)
		_, _, err = c.Decrypt(env.MsgSignature, "soon", testNonce, env.Encrypt)
		assert.ErrorIs(t, err, msgcrypt.ErrTimestamp)
	})
	t.Run("a forged push learns nothing of the clock", func(t *testing.T) {
		t.Parallel()
		c := v.crypter(t, window, at(time.Hour))
		_, err := c.Open(with(v.query(), "msg_signature", strings.Repeat("0", 40)), v.Body)
		assert.ErrorIs(t, err, msgcrypt.ErrSignatureMismatch)
		assert.False(t, errors.Is(err, msgcrypt.ErrStale))
	})
}

// TestOpenRefusesBodiesPastTheLimit: Open, not only OpenRequest, holds the
// body limit, so a framework that reads bodies with a looser bound still
// never scans or hashes more.
func TestOpenRefusesBodiesPastTheLimit(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t, msgcrypt.WithMaxBodyBytes(int64(len(v.Body))))
	_, err := c.Open(v.query(), v.Body)
	require.NoError(t, err, "exactly the limit")
	_, err = c.Open(v.query(), append(v.Body, ' '))
	assert.ErrorIs(t, err, msgcrypt.ErrBodyTooLarge)
	_, err = v.crypter(t).Open(v.query(), bytes.Repeat([]byte{' '}, msgcrypt.DefaultMaxBodyBytes+1))
	assert.ErrorIs(t, err, msgcrypt.ErrBodyTooLarge, "the default limit")
}

// TestDefaultMaxBodyBytesFitsPushes holds the sizing of the default limit
// (see its doc): far above a real push, encrypted in either mode, and far
// below what a forged request could make a server read before.
func TestDefaultMaxBodyBytesFitsPushes(t *testing.T) {
	t.Parallel()
	assert.LessOrEqual(t, msgcrypt.DefaultMaxBodyBytes, 256<<10)
	c := newCrypter(t)
	for _, tt := range []struct {
		mode  msgcrypt.Mode
		clear int // bytes of message content in clear
	}{{msgcrypt.ModeCompatible, 100 << 10}, {msgcrypt.ModeSafe, 180 << 10}} {
		plain := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>" +
			"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
			strings.Repeat("文", tt.clear/3) + "]]></Content><MsgId>6054768590064713728</MsgId></xml>")
		env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, plain, testTS, testNonce)
		require.NoError(t, err)
		body := safeBody(env.Encrypt)
		if tt.mode == msgcrypt.ModeCompatible {
			body = bytes.Replace(plain, []byte("</xml>"), []byte("<Encrypt><![CDATA["+env.Encrypt+"]]></Encrypt></xml>"), 1)
		}
		require.LessOrEqual(t, len(body), msgcrypt.DefaultMaxBodyBytes, "%v push of %d bytes in clear", tt.mode, len(plain))
		r := httptest.NewRequest("POST", "/wechat?"+aesQuery(env.Encrypt).Encode(), bytes.NewReader(body))
		p, err := c.OpenRequest(r)
		require.NoError(t, err)
		assert.Equal(t, tt.mode, p.Mode)
		assert.Equal(t, string(plain), string(p.Plaintext))
	}
}

// signatureFor is the plain query signature of the test account for a
// timestamp and testNonce.
func signatureFor(timestamp string) string {
	return signature.Compute(testToken, timestamp, testNonce)
}
