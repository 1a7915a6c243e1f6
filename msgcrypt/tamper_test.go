package msgcrypt_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

const rnd16 = "0123456789abcdef"

// TestDecryptRejects feeds Decrypt ciphertexts that are wrong in one way
// each, all correctly signed unless the case is about the signature, and
// checks the sentinel.
func TestDecryptRejects(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	msg := "<xml><Content><![CDATA[hi]]></Content></xml>"
	good := encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)), msg, testAppID)))

	// Flip the lowest bit of the last byte of the next-to-last AES block: in
	// CBC this flips the lowest bit of the final plaintext byte, the pad count.
	ct, err := base64.StdEncoding.DecodeString(v.Encrypt)
	require.NoError(t, err)
	ct[len(ct)-17] ^= 0x01
	flipped := base64.StdEncoding.EncodeToString(ct)

	withPad := func(pad byte, count int) string {
		buf := layout(rnd16, uint32(len(msg)), msg, testAppID)
		for len(buf)%16 != 0 || count > 0 {
			buf = append(buf, pad)
			count--
		}
		// Make sure the final byte is the pad byte under test.
		if len(buf)%16 != 0 {
			t.Fatal("bad test layout")
		}
		buf[len(buf)-1] = pad
		return encryptRaw(t, testKey, buf)
	}
	short := func(n int) string { // a decrypted buffer of n bytes before padding
		return encryptRaw(t, testKey, pad32([]byte(strings.Repeat("r", n))))
	}

	tests := []struct {
		name    string
		sig     string // "" means: sign encrypt correctly
		encrypt string
		want    error
	}{
		{name: "control: well formed", encrypt: good},
		{name: "ciphertext tampered, signature kept", sig: v.MsgSignature, encrypt: flipped, want: msgcrypt.ErrSignatureMismatch},
		{name: "signature tampered", sig: "0" + v.MsgSignature[1:], encrypt: v.Encrypt, want: msgcrypt.ErrSignatureMismatch},
		{name: "signature truncated", sig: v.MsgSignature[:39], encrypt: v.Encrypt, want: msgcrypt.ErrSignatureMismatch},
		{name: "pad count tampered and re-signed", encrypt: flipped, want: msgcrypt.ErrBadPadding},
		{name: "other AppID", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)), msg, "wx0000000000000000"))), want: msgcrypt.ErrAppIDMismatch},
		{name: "AppID with a suffix", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)), msg, testAppID+"x"))), want: msgcrypt.ErrAppIDMismatch},
		{name: "AppID cut short", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)), msg, testAppID[:17]))), want: msgcrypt.ErrAppIDMismatch},
		{name: "no AppID", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)), msg, ""))), want: msgcrypt.ErrAppIDMismatch},
		{name: "length field one short", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)-1), msg, testAppID))), want: msgcrypt.ErrAppIDMismatch},
		{name: "length field larger than the buffer", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, uint32(len(msg)+len(testAppID)+1), msg, testAppID))), want: msgcrypt.ErrMalformed},
		{name: "length field 0xFFFFFFFF", encrypt: encryptRaw(t, testKey, pad32(layout(rnd16, 0xFFFFFFFF, msg, testAppID))), want: msgcrypt.ErrMalformed},
		{name: "buffer shorter than the header", encrypt: short(19), want: msgcrypt.ErrMalformed},
		{name: "buffer of only padding", encrypt: encryptRaw(t, testKey, pad32(nil)), want: msgcrypt.ErrMalformed},
		{name: "pad byte 0", encrypt: withPad(0, 16), want: msgcrypt.ErrBadPadding},
		{name: "pad byte 33", encrypt: withPad(33, 40), want: msgcrypt.ErrBadPadding},
		{name: "pad byte 255", encrypt: withPad(255, 16), want: msgcrypt.ErrBadPadding},
		{name: "pad bytes disagree", encrypt: func() string {
			buf := pad32(layout(rnd16, uint32(len(msg)), msg, testAppID))
			buf[len(buf)-2] ^= 0x40
			return encryptRaw(t, testKey, buf)
		}(), want: msgcrypt.ErrBadPadding},
		{name: "pad longer than a one-block buffer", encrypt: encryptRaw(t, testKey, []byte(strings.Repeat("\x20", 16))), want: msgcrypt.ErrBadPadding},
		{name: "not base64", encrypt: "not*base64!", want: msgcrypt.ErrMalformed},
		{name: "base64 of 15 bytes", encrypt: base64.StdEncoding.EncodeToString(make([]byte, 15)), want: msgcrypt.ErrMalformed},
		{name: "base64 of 33 bytes", encrypt: base64.StdEncoding.EncodeToString(make([]byte, 33)), want: msgcrypt.ErrMalformed},
		{name: "base64 of nothing", encrypt: "====", want: msgcrypt.ErrMalformed},
		{name: "empty", encrypt: "", want: msgcrypt.ErrMalformed},
		{name: "encrypted with another key", encrypt: encryptRaw(t, otherKey, pad32(layout(rnd16, uint32(len(msg)), msg, testAppID)))},
	}
	c, err := msgcrypt.New(v.Token, v.EncodingAESKey, v.AppID)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig := tt.sig
			if sig == "" {
				sig = msgcrypt.MsgSignature(v.Token, testTS, testNonce, tt.encrypt)
			}
			got, _, err := c.Decrypt(sig, testTS, testNonce, tt.encrypt)
			if tt.name == "control: well formed" {
				require.NoError(t, err)
				assert.Equal(t, msg, string(got))
				return
			}
			require.Error(t, err)
			assert.Nil(t, got)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assertNoLeak(t, err, v.Token, v.EncodingAESKey, sig, msgcrypt.MsgSignature(v.Token, testTS, testNonce, tt.encrypt), msg)
		})
	}
}

// TestMiddleTamperNeedsTheToken shows what guards the middle of a message:
// AES-CBC alone cannot notice a changed block there (WeChat's scheme has no
// MAC), so msg_signature, which only the token holder can compute, must be
// and is checked first.
func TestMiddleTamperNeedsTheToken(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t)
	ct, err := base64.StdEncoding.DecodeString(v.Encrypt)
	require.NoError(t, err)
	ct[70] ^= 0x01 // inside the message, far from the length field and the AppID
	tampered := base64.StdEncoding.EncodeToString(ct)

	_, _, err = c.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, tampered)
	require.ErrorIs(t, err, msgcrypt.ErrSignatureMismatch, "without the token, the change is caught")

	resigned := msgcrypt.MsgSignature(v.Token, v.Timestamp, v.Nonce, tampered)
	got, _, err := c.Decrypt(resigned, v.Timestamp, v.Nonce, tampered)
	require.NoError(t, err, "with the token, CBC cannot tell")
	assert.NotEqual(t, string(v.Plaintext), string(got))
	assert.Len(t, got, len(v.Plaintext))
}

func TestDecryptRequiresParams(t *testing.T) {
	t.Parallel()
	c := newCrypter(t)
	v := loadVector(t, "official_demo")
	for _, tt := range []struct{ sig, ts, nonce, missing string }{
		{"", v.Timestamp, v.Nonce, "msg_signature"},
		{v.MsgSignature, "", v.Nonce, "timestamp"},
		{v.MsgSignature, v.Timestamp, "", "nonce"},
	} {
		_, _, err := c.Decrypt(tt.sig, tt.ts, tt.nonce, v.Encrypt)
		require.ErrorIs(t, err, msgcrypt.ErrMissingParams)
		assert.Contains(t, err.Error(), tt.missing)
	}
}

func TestDecryptWithWrongTokenOrAppID(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	wrongToken, err := msgcrypt.New("spamtesT", v.EncodingAESKey, v.AppID)
	require.NoError(t, err)
	_, _, err = wrongToken.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt)
	assert.ErrorIs(t, err, msgcrypt.ErrSignatureMismatch)

	wrongApp, err := msgcrypt.New(v.Token, v.EncodingAESKey, "wx2c2769f8efd9abc3")
	require.NoError(t, err)
	_, _, err = wrongApp.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt)
	assert.ErrorIs(t, err, msgcrypt.ErrAppIDMismatch)

	// With the right key only as the previous one, the AppID check still
	// applies, and the error is the current key's.
	rotated, err := msgcrypt.New(v.Token, otherKey, "wx2c2769f8efd9abc3", msgcrypt.WithPreviousKey(v.EncodingAESKey))
	require.NoError(t, err)
	_, _, err = rotated.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt)
	assert.Error(t, err)
}
