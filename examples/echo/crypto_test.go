package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The safe-mode tests encrypt pushes and decrypt replies with the small
// implementation below, written from the protocol (random(16) || length ||
// message || AppID, PKCS#7 to 32 bytes, AES-256-CBC, IV = key[:16]) and
// independent of package msgcrypt, so the example is checked against the
// protocol rather than against the code it runs.

const (
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID  = "wx5823bf96d3bd56c7"
)

func aesKey(t *testing.T) []byte {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(testAESKey + "=")
	require.NoError(t, err)
	require.Len(t, k, 32)
	return k
}

func wechatEncrypt(t *testing.T, msg []byte, appID string) string {
	t.Helper()
	key := aesKey(t)
	var buf bytes.Buffer
	random := make([]byte, 16)
	_, err := rand.Read(random)
	require.NoError(t, err)
	buf.Write(random)
	require.NoError(t, binary.Write(&buf, binary.BigEndian, uint32(len(msg))))
	buf.Write(msg)
	buf.WriteString(appID)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	out := make([]byte, buf.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, buf.Bytes())
	return base64.StdEncoding.EncodeToString(out)
}

func wechatDecrypt(t *testing.T, encrypt string) (msg []byte, appID string) {
	t.Helper()
	key := aesKey(t)
	ct, err := base64.StdEncoding.DecodeString(encrypt)
	require.NoError(t, err)
	require.Zero(t, len(ct)%aes.BlockSize)
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	require.True(t, pad >= 1 && pad <= 32, "pad byte %d", pad)
	pt = pt[:len(pt)-pad]
	n := binary.BigEndian.Uint32(pt[16:20])
	return pt[20 : 20+n], string(pt[20+n:])
}

// encryptedPush builds what WeChat sends in safe mode (compat=false: only
// ToUserName and Encrypt) or compatible mode (compat=true: the plaintext
// fields too), with its query.
func encryptedPush(t *testing.T, plain []byte, compat bool, appID string) (url.Values, []byte) {
	t.Helper()
	enc := wechatEncrypt(t, plain, appID)
	var body []byte
	if compat {
		body = bytes.Replace(plain, []byte("</xml>"), []byte("<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>"), 1)
	} else {
		body = []byte("<xml><ToUserName><![CDATA[gh_9a8b7c6d5e4f]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	}
	q := signedQuery(testToken)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", wechatSign(testToken, q.Get("timestamp"), q.Get("nonce"), enc))
	return q, body
}

// envelopeXML is the encrypted reply as WeChat reads it.
type envelopeXML struct {
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	TimeStamp    string `xml:"TimeStamp"`
	Nonce        string `xml:"Nonce"`
}

func TestPushEncryptedModes(t *testing.T) {
	t.Parallel()
	srv, logs := newTestServerWith(t, config{token: testToken, aesKey: testAESKey, appID: testAppID})
	plain := fixture(t, "wechatpy_text.xml")

	for _, mode := range []struct {
		name   string
		compat bool
	}{{"safe", false}, {"compatible", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			q, body := encryptedPush(t, plain, mode.compat, testAppID)
			resp, out := post(t, srv, q, body)
			require.Equal(t, http.StatusOK, resp.StatusCode, out)

			var env envelopeXML
			require.NoError(t, xml.Unmarshal([]byte(out), &env), out)
			assert.NotContains(t, out, "this is a test", "the reply must not travel in clear")
			assert.Equal(t, wechatSign(testToken, env.TimeStamp, env.Nonce, env.Encrypt), env.MsgSignature)

			msg, appID := wechatDecrypt(t, env.Encrypt)
			assert.Equal(t, testAppID, appID)
			var got replyXML
			require.NoError(t, xml.Unmarshal(msg, &got), string(msg))
			assert.Equal(t, "fromUser", got.ToUserName)
			assert.Equal(t, "toUser", got.FromUserName)
			assert.Equal(t, "text", got.MsgType)
			assert.Equal(t, "this is a test", got.Content)
		})
	}

	t.Run("plain push to an encrypting server", func(t *testing.T) {
		t.Parallel()
		// A correctly signed plain push: its signature does not cover the
		// body, so a server in safe mode must not take it.
		resp, out := post(t, srv, signedQuery(testToken), plain)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, out)
		raw := signedQuery(testToken)
		raw.Set("encrypt_type", "raw")
		resp, out = post(t, srv, raw, plain)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, out)
	})

	t.Run("success stays plain", func(t *testing.T) {
		t.Parallel()
		q, body := encryptedPush(t, fixture(t, "doc_unsubscribe.xml"), false, testAppID)
		resp, out := post(t, srv, q, body)
		require.Equal(t, http.StatusOK, resp.StatusCode, out)
		assert.Equal(t, "success", out)
	})

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		q, body := encryptedPush(t, plain, false, testAppID)
		noMsgSig := cloneQuery(q)
		noMsgSig.Del("msg_signature")
		badMsgSig := cloneQuery(q)
		badMsgSig.Set("msg_signature", strings.Repeat("0", 40))
		otherApp, otherBody := encryptedPush(t, plain, false, "wx0000000000000000")
		unknownType := cloneQuery(q)
		unknownType.Set("encrypt_type", "rsa")
		tampered := bytes.Replace(body, []byte("<Encrypt><![CDATA["), []byte("<Encrypt><![CDATA[AAAA"), 1)

		for _, tt := range []struct {
			name   string
			query  url.Values
			body   []byte
			status int
		}{
			{"no msg_signature", noMsgSig, body, http.StatusBadRequest},
			{"forged msg_signature", badMsgSig, body, http.StatusForbidden},
			{"another AppID", otherApp, otherBody, http.StatusForbidden},
			{"unknown encrypt_type", unknownType, body, http.StatusBadRequest},
			{"tampered ciphertext", q, tampered, http.StatusForbidden},
			{"no Encrypt element", q, plain, http.StatusBadRequest},
		} {
			resp, out := post(t, srv, tt.query, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode, "%s: %s", tt.name, out)
		}
	})
	t.Cleanup(func() {
		for _, secret := range []string{testToken, testAESKey, "this is a test"} {
			assert.NotContains(t, logs.String(), secret, "logs must not carry the token, key or plaintext")
		}
	})
}

func TestPlainServerRefusesEncryptedPush(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	q, body := encryptedPush(t, fixture(t, "wechatpy_text.xml"), false, testAppID)
	resp, out := post(t, srv, q, body)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, out)
}

func TestNewHandlerConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []config{
		{token: testToken, aesKey: testAESKey},
		{token: testToken, appID: testAppID},
		{token: testToken, aesKey: "too-short", appID: testAppID},
	} {
		_, err := newHandler(cfg, nil)
		require.Error(t, err, "%+v", cfg)
		assert.NotContains(t, err.Error(), testAESKey)
	}
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
