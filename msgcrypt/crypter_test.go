package msgcrypt_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		token, key, appID string
		opts              []msgcrypt.Option
		want              error
	}{
		{name: "official demo settings", token: testToken, key: testKey, appID: testAppID},
		{name: "with a previous key", token: testToken, key: testKey, appID: testAppID,
			opts: []msgcrypt.Option{msgcrypt.WithPreviousKey(otherKey)}},
		{name: "nil option is skipped", token: testToken, key: testKey, appID: testAppID, opts: []msgcrypt.Option{nil}},
		{name: "empty token", key: testKey, appID: testAppID, want: msgcrypt.ErrEmptyToken},
		{name: "empty AppID", token: testToken, key: testKey, want: msgcrypt.ErrEmptyAppID},
		{name: "empty key", token: testToken, appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "42 characters", token: testToken, key: testKey[:42], appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "44 characters", token: testToken, key: testKey + "=", appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "already padded", token: testToken, key: testKey[:42] + "=", appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "not base64", token: testToken, key: "!" + testKey[1:], appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "line break inside", token: testToken, key: testKey[:20] + "\n" + testKey[21:], appID: testAppID, want: msgcrypt.ErrInvalidKey},
		{name: "bad previous key", token: testToken, key: testKey, appID: testAppID,
			opts: []msgcrypt.Option{msgcrypt.WithPreviousKey("short")}, want: msgcrypt.ErrInvalidKey},
		{name: "empty previous key", token: testToken, key: testKey, appID: testAppID,
			opts: []msgcrypt.Option{msgcrypt.WithPreviousKey("")}, want: msgcrypt.ErrInvalidKey},
		{name: "nil random source", token: testToken, key: testKey, appID: testAppID,
			opts: []msgcrypt.Option{msgcrypt.WithRandom(nil)}, want: msgcrypt.ErrInvalidConfig},
		{name: "zero body limit", token: testToken, key: testKey, appID: testAppID,
			opts: []msgcrypt.Option{msgcrypt.WithMaxBodyBytes(0)}, want: msgcrypt.ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := msgcrypt.New(tt.token, tt.key, tt.appID, tt.opts...)
			if tt.want == nil {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, c)
			assertNoLeak(t, err, tt.token, tt.key, otherKey)
		})
	}
}

// assertNoLeak fails if the error's message holds one of the secrets.
func assertNoLeak(t *testing.T, err error, secrets ...string) {
	t.Helper()
	msg := strings.ToLower(err.Error())
	for _, s := range secrets {
		if len(s) >= 6 {
			assert.NotContains(t, msg, strings.ToLower(s))
		}
	}
}

func TestKeyAndModeStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "current", msgcrypt.CurrentKey.String())
	assert.Equal(t, "previous", msgcrypt.PreviousKey.String())
	assert.Equal(t, "Key(7)", msgcrypt.Key(7).String())
	assert.Equal(t, "plain", msgcrypt.ModePlain.String())
	assert.Equal(t, "compatible", msgcrypt.ModeCompatible.String())
	assert.Equal(t, "safe", msgcrypt.ModeSafe.String())
	assert.Equal(t, "Mode(9)", msgcrypt.Mode(9).String())
}

func TestEncryptErrors(t *testing.T) {
	t.Parallel()
	c := newCrypter(t)
	_, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), "", testNonce)
	assert.ErrorIs(t, err, msgcrypt.ErrMissingParams)
	assert.Contains(t, err.Error(), "timestamp")
	_, err = c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, "")
	assert.ErrorIs(t, err, msgcrypt.ErrMissingParams)
	assert.Contains(t, err.Error(), "nonce")
	_, err = c.Encrypt(msgcrypt.PreviousKey, []byte("<xml/>"), testTS, testNonce)
	assert.ErrorIs(t, err, msgcrypt.ErrInvalidKey, "no previous key configured")

	// A timestamp or nonce that the XML envelope would not give back as
	// signed: WeChat would reject the reply, so Encrypt says so instead of
	// writing it.
	for _, tt := range []struct{ field, ts, nonce string }{
		{"Nonce", testTS, "a\rb"},
		{"Nonce", testTS, "a\x00b"},
		{"Nonce", testTS, "\xff"},
		{"Nonce", testTS, "\uFFFE"},
		{"TimeStamp", "1409735669\n", testNonce},
	} {
		out, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), tt.ts, tt.nonce)
		assert.Nil(t, out)
		assert.ErrorIs(t, err, msgcrypt.ErrInvalidChar, "timestamp %q, nonce %q", tt.ts, tt.nonce)
		if assert.Error(t, err) {
			assert.Contains(t, err.Error(), tt.field)
		}
	}
	// EncryptEnvelope writes no XML and leaves such values to the caller.
	_, err = c.EncryptEnvelope(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, "a\rb")
	assert.NoError(t, err)
	_, err = (&msgcrypt.Envelope{Encrypt: "AAAA", MsgSignature: "x", TimeStamp: testTS, Nonce: "\uFFFD"}).Marshal()
	assert.NoError(t, err, "a real U+FFFD is a valid character")

	broken := errors.New("entropy ran out")
	c = newCrypter(t, msgcrypt.WithRandom(iotest.ErrReader(broken)))
	_, err = c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, testNonce)
	assert.ErrorIs(t, err, broken)
	c = newCrypter(t, msgcrypt.WithRandom(strings.NewReader("short")))
	_, err = c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, testNonce)
	assert.Error(t, err, "fewer than 16 random bytes")
}

func TestErrorsAreDistinctAndPrefixed(t *testing.T) {
	t.Parallel()
	config := []error{msgcrypt.ErrEmptyToken, msgcrypt.ErrEmptyAppID, msgcrypt.ErrInvalidKey}
	all := append([]error{msgcrypt.ErrInvalidConfig,
		msgcrypt.ErrMissingParams, msgcrypt.ErrEncryptType, msgcrypt.ErrNotEncrypted, msgcrypt.ErrSignatureMismatch,
		msgcrypt.ErrTimestamp, msgcrypt.ErrStale, msgcrypt.ErrBody,
		msgcrypt.ErrBodyTooLarge, msgcrypt.ErrMalformed, msgcrypt.ErrBadPadding, msgcrypt.ErrAppIDMismatch,
		msgcrypt.ErrInvalidChar}, config...)
	for i, a := range all {
		assert.True(t, strings.HasPrefix(a.Error(), "msgcrypt: "), a.Error())
		for j, b := range all {
			if i != j && !(b == msgcrypt.ErrInvalidConfig && slices.Contains(config, a)) {
				assert.NotErrorIs(t, a, b)
			}
		}
	}
	for _, err := range config {
		assert.ErrorIs(t, err, msgcrypt.ErrInvalidConfig, "a configuration error")
	}
}
