package msgcrypt_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

// TestForgedPushIsRefusedWithoutParsing holds the point of checking
// msg_signature first: a forged encrypted push costs a bounded scan for
// <Encrypt> and one hash, never a parse of its body, whatever the body
// holds. Allocations stand for the work, which a test must not time. The
// body limit is raised above the bodies' 1 MiB so that Open sees them.
func TestForgedPushIsRefusedWithoutParsing(t *testing.T) {
	c := newCrypter(t, msgcrypt.WithMaxBodyBytes(2<<20))
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, benchMessage(), testTS, testNonce)
	require.NoError(t, err)
	q := forgedQuery()
	for name, body := range forgedBodies(env.Encrypt) {
		t.Run(name, func(t *testing.T) {
			_, err := c.Open(q, body)
			require.Error(t, err)
			assert.True(t, errors.Is(err, msgcrypt.ErrSignatureMismatch) || errors.Is(err, msgcrypt.ErrBody), "%v", err)
			allocs := testing.AllocsPerRun(5, func() { _, _ = c.Open(q, body) })
			// The join that msg_signature hashes, and the error.
			assert.LessOrEqual(t, allocs, 2.0)
		})
	}
}

// TestOpenChecksSignatureBeforeClearFields: in compatible mode the body
// repeats the message in clear beside <Encrypt>. Those fields are covered
// by no signature and never read: a forged push is refused for its
// signature whatever they hold, and a genuine one opens even when they
// would not parse.
func TestOpenChecksSignatureBeforeClearFields(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t)
	clear := []byte("<Content><![CDATA[abcdteT]]></Content>")
	require.True(t, bytes.Contains(v.Body, clear))
	for name, odd := range map[string]string{
		"unknown entity":    "<Content>a &nope; b</Content>",
		"control character": "<Content>a \x01 b</Content>",
		"invalid UTF-8":     "<Content>a \xff b</Content>",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := bytes.Replace(v.Body, clear, []byte(odd), 1)
			_, err := c.Open(with(v.query(), "msg_signature", "0123456789012345678901234567890123456789"), body)
			assert.ErrorIs(t, err, msgcrypt.ErrSignatureMismatch)
			p, err := c.Open(v.query(), body)
			require.NoError(t, err)
			assert.Equal(t, msgcrypt.ModeCompatible, p.Mode)
			assert.Equal(t, string(v.Plaintext), string(p.Plaintext))
		})
	}
}

// TestOpenAllocatesTheBufferAndThePush holds the fast path's cost now that
// the body is scanned in place: opening a genuine push allocates the one
// buffer Decrypt needs and the Push, in either encrypted mode, and sealing
// its reply one envelope more.
func TestOpenAllocatesTheBufferAndThePush(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled decrypters and sealers at random")
	}
	v := loadVector(t, "official_demo")
	c := v.crypter(t)
	q := v.query()
	for _, body := range [][]byte{v.Body, safeBody(v.Encrypt)} {
		allocs := testing.AllocsPerRun(1000, func() {
			if _, err := c.Open(q, body); err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, 2.0, allocs)
	}
	reply := benchMessage()
	allocs := testing.AllocsPerRun(1000, func() {
		p, err := c.Open(q, v.Body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Seal(reply); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 3.0, allocs, "was 5 when the body was decoded before the signature")
}
