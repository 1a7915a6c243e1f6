package msgcrypt_test

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// Account settings for tests that do not need a published vector. The key is
// the official demo's.
const (
	testToken = "spamtest"
	testKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID = "wx2c2769f8efd9abc2"
	testTS    = "1409735669"
	testNonce = "1320562132"
	// otherKey is a second valid EncodingAESKey.
	otherKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
)

func newCrypter(t testing.TB, opts ...msgcrypt.Option) *msgcrypt.Crypter {
	t.Helper()
	c, err := msgcrypt.New(testToken, testKey, testAppID, opts...)
	require.NoError(t, err)
	return c
}

// rawKey decodes an EncodingAESKey the way the technical plan says, for
// tests that build ciphertexts by hand.
func rawKey(t testing.TB, encodingAESKey string) []byte {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	require.NoError(t, err)
	require.Len(t, k, 32)
	return k
}

// encryptRaw AES-256-CBC encrypts buf (a multiple of 16 bytes, padding
// included) with the key and IV WeChat uses, and base64-encodes it. It lets
// tests build ciphertexts this package would never produce.
func encryptRaw(t testing.TB, encodingAESKey string, buf []byte) string {
	t.Helper()
	k := rawKey(t, encodingAESKey)
	block, err := aes.NewCipher(k)
	require.NoError(t, err)
	out := make([]byte, len(buf))
	cipher.NewCBCEncrypter(block, k[:16]).CryptBlocks(out, buf)
	return base64.StdEncoding.EncodeToString(out)
}

// decryptRaw is the inverse of encryptRaw, without any unpadding.
func decryptRaw(t testing.TB, encodingAESKey, encrypt string) []byte {
	t.Helper()
	k := rawKey(t, encodingAESKey)
	ct, err := base64.StdEncoding.DecodeString(encrypt)
	require.NoError(t, err)
	block, err := aes.NewCipher(k)
	require.NoError(t, err)
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, k[:16]).CryptBlocks(out, ct)
	return out
}

// layout builds random | len | msg | appID with the given length field,
// without padding.
func layout(random string, length uint32, msg, appID string) []byte {
	buf := append([]byte(random), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(buf[16:], length)
	buf = append(buf, msg...)
	return append(buf, appID...)
}

// pad32 appends PKCS#7 padding to a multiple of 32.
func pad32(buf []byte) []byte {
	n := 32 - len(buf)%32
	for range n {
		buf = append(buf, byte(n))
	}
	return buf
}

// aesQuery is a compatible/safe-mode query for the test account signing
// encrypt.
func aesQuery(encrypt string) url.Values {
	return url.Values{
		"encrypt_type":  {"aes"},
		"msg_signature": {msgcrypt.MsgSignature(testToken, testTS, testNonce, encrypt)},
		"timestamp":     {testTS},
		"nonce":         {testNonce},
		"signature":     {signature.Compute(testToken, testTS, testNonce)},
	}
}

// safeBody is a safe-mode push body carrying encrypt.
func safeBody(encrypt string) []byte {
	return []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>")
}
