package msgcrypt_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

// envelope is the reply envelope as a peer would read it.
type envelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

func parseEnvelope(t testing.TB, out []byte) envelope {
	t.Helper()
	var e envelope
	require.NoError(t, xml.Unmarshal(out, &e))
	return e
}

// roundTripSizes are message lengths worth trying: the edges, every length
// that makes the padding a full 32-byte block for the test AppID (18 bytes:
// 16+4+n+18 ≡ 0 mod 32), multiples of 32, and random ones up to 64 KiB.
func roundTripSizes(r *rand.Rand) []int {
	sizes := []int{0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 300, 4096, 64 << 10}
	for n := 26; n < 1024; n += 32 { // full padding block
		sizes = append(sizes, n, n-1, n+1)
	}
	for n := 32; n <= 64<<10; n *= 2 {
		sizes = append(sizes, n)
	}
	for range 40 {
		sizes = append(sizes, r.IntN(64<<10+1))
	}
	return sizes
}

func TestRoundTripSizes(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	c := newCrypter(t)
	for _, n := range roundTripSizes(r) {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(r.Uint32())
		}
		out, err := c.Encrypt(msgcrypt.CurrentKey, msg, testTS, testNonce)
		require.NoError(t, err, "size %d", n)
		env := parseEnvelope(t, out)
		require.Equal(t, testTS, env.TimeStamp)
		require.Equal(t, testNonce, env.Nonce)

		// The padding always adds 1 to 32 bytes up to a multiple of 32.
		ct, err := base64.StdEncoding.DecodeString(env.Encrypt)
		require.NoError(t, err)
		raw := 16 + 4 + n + len(testAppID)
		require.Zero(t, len(ct)%32, "size %d", n)
		require.Equal(t, raw+32-raw%32, len(ct), "size %d", n)
		if raw%32 == 0 {
			plain := decryptRaw(t, testKey, env.Encrypt)
			require.Equal(t, bytes.Repeat([]byte{32}, 32), plain[len(plain)-32:], "full padding block, size %d", n)
		}

		got, key, err := c.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
		require.NoError(t, err, "size %d", n)
		require.Equal(t, msgcrypt.CurrentKey, key)
		require.True(t, bytes.Equal(msg, got), "size %d", n)
	}
}

func TestEncryptUsesFreshRandomBytes(t *testing.T) {
	t.Parallel()
	c := newCrypter(t)
	a, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml>same</xml>"), testTS, testNonce)
	require.NoError(t, err)
	b, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml>same</xml>"), testTS, testNonce)
	require.NoError(t, err)
	assert.NotEqual(t, parseEnvelope(t, a).Encrypt, parseEnvelope(t, b).Encrypt)
}

func TestEnvelopeKeepsAwkwardTextValid(t *testing.T) {
	t.Parallel()
	// The nonce normally comes from the query; whatever it holds, the
	// envelope must stay well-formed XML that gives it back.
	c := newCrypter(t)
	for _, nonce := range []string{"a]]>b", "<x>&amp;", "]]]]>>", "1320562132"} {
		out, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, nonce)
		require.NoError(t, err)
		env := parseEnvelope(t, out)
		assert.Equal(t, nonce, env.Nonce)
		_, _, err = c.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
		assert.NoError(t, err)
	}
	out, err := c.Encrypt(msgcrypt.CurrentKey, []byte("<xml/>"), "1<2", "n")
	require.NoError(t, err)
	assert.Equal(t, "1<2", parseEnvelope(t, out).TimeStamp)
}

func TestEncryptEnvelopeMatchesEncrypt(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "we_whisper_reply")
	env, err := v.crypter(t, msgcrypt.WithRandom(bytes.NewReader([]byte(v.Random)))).
		EncryptEnvelope(msgcrypt.CurrentKey, v.Plaintext, v.Timestamp, v.Nonce)
	require.NoError(t, err)
	assert.Equal(t, &msgcrypt.Envelope{Encrypt: v.Encrypt, MsgSignature: v.MsgSignature, TimeStamp: v.Timestamp, Nonce: v.Nonce}, env)
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	// oldSide still encrypts with the key used before the change; newSide has
	// the new key and keeps the old one as previous.
	oldSide, err := msgcrypt.New(testToken, otherKey, testAppID)
	require.NoError(t, err)
	newSide := newCrypter(t, msgcrypt.WithPreviousKey(otherKey))
	newOnly := newCrypter(t)

	push, err := oldSide.Encrypt(msgcrypt.CurrentKey, []byte("<xml>old key</xml>"), testTS, testNonce)
	require.NoError(t, err)
	env := parseEnvelope(t, push)

	_, _, err = newOnly.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
	require.Error(t, err, "the new key alone cannot read it")

	p, err := newSide.Open(aesQuery(env.Encrypt), safeBody(env.Encrypt))
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.PreviousKey, p.Key)
	assert.Equal(t, "<xml>old key</xml>", string(p.Plaintext))

	// The reply goes out under the key that decrypted the push.
	out, err := p.Seal([]byte("<xml>reply</xml>"))
	require.NoError(t, err)
	reply := parseEnvelope(t, out)
	got, key, err := oldSide.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt)
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.CurrentKey, key)
	assert.Equal(t, "<xml>reply</xml>", string(got))
	_, _, err = newOnly.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt)
	assert.Error(t, err)

	// A push under the new key is read with it, and answered with it.
	push, err = newOnly.Encrypt(msgcrypt.CurrentKey, []byte("<xml>new key</xml>"), testTS, testNonce)
	require.NoError(t, err)
	env = parseEnvelope(t, push)
	p, err = newSide.Open(aesQuery(env.Encrypt), safeBody(env.Encrypt))
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.CurrentKey, p.Key)
	out, err = p.Seal([]byte("<xml>reply</xml>"))
	require.NoError(t, err)
	reply = parseEnvelope(t, out)
	_, _, err = newOnly.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt)
	assert.NoError(t, err)
}

// TestConcurrentRoundTrips runs encryptions and decryptions of different
// messages at once on one Crypter, both keys in use: the cipher state
// reused between calls must never be shared by two of them (run with
// -race).
func TestConcurrentRoundTrips(t *testing.T) {
	t.Parallel()
	oldSide, err := msgcrypt.New(testToken, otherKey, testAppID)
	require.NoError(t, err)
	c := newCrypter(t, msgcrypt.WithPreviousKey(otherKey))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				msg := bytes.Repeat([]byte{byte('a' + g)}, 1+(g*97+i*31)%700)
				sender := c
				if i%3 == 0 {
					sender = oldSide
				}
				out, err := sender.Encrypt(msgcrypt.CurrentKey, msg, testTS, testNonce)
				if err != nil {
					errs <- err
					return
				}
				var env envelope
				if err := xml.Unmarshal(out, &env); err != nil {
					errs <- err
					return
				}
				got, _, err := c.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, msg) {
					errs <- fmt.Errorf("goroutine %d, message %d: decrypted another message", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDecryptAllocatesOneBuffer(t *testing.T) {
	c := newCrypter(t)
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, benchMessage(), testTS, testNonce)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(200, func() {
		if _, _, err := c.Decrypt(env.MsgSignature, testTS, testNonce, env.Encrypt); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "one buffer for the join, the ciphertext and the plaintext")
}

func TestEncryptAllocatesOnlyTheEnvelope(t *testing.T) {
	c := newCrypter(t)
	msg := benchMessage()
	// Many runs, so that the race detector's random dropping of pooled
	// items (a new sealer is three allocations) cannot tip the average.
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := c.Encrypt(msgcrypt.CurrentKey, msg, testTS, testNonce); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "the envelope, written in place; the rest is pooled")
}
