package msgcrypt_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
)

// Peer tests: replies from this package must decrypt in an independent
// implementation, and its ciphertexts must decrypt here. Each peer is
// skipped when the tool is not installed.

// peerSizes covers empty, short, full-padding-block and large messages.
var peerSizes = []int{0, 1, 26, 58, 300, 1000, 64 << 10}

func peerMessage(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	msg := make([]byte, n)
	for i := range msg {
		msg[i] = byte(r.Uint32())
	}
	return msg
}

// pythonPeer runs testdata/peer.py, which uses Python's "cryptography".
func pythonPeer(t *testing.T, req map[string]string) map[string]string {
	t.Helper()
	in, err := json.Marshal(req)
	require.NoError(t, err)
	cmd := exec.Command("python3", filepath.Join("testdata", "peer.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var resp map[string]string
	require.NoError(t, json.Unmarshal(out, &resp))
	return resp
}

func requirePython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command("python3", "-c", "import cryptography").Run(); err != nil {
		t.Skip("python3 has no cryptography package")
	}
}

func TestPeerPython(t *testing.T) {
	t.Parallel()
	requirePython(t)
	c := newCrypter(t)
	account := map[string]string{"token": testToken, "key": testKey, "appID": testAppID, "timestamp": testTS, "nonce": testNonce}
	req := func(extra map[string]string) map[string]string {
		r := map[string]string{}
		for k, v := range account {
			r[k] = v
		}
		for k, v := range extra {
			r[k] = v
		}
		return r
	}
	for _, n := range peerSizes {
		msg := peerMessage(n)

		// Ours → Python.
		env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, msg, testTS, testNonce)
		require.NoError(t, err)
		resp := pythonPeer(t, req(map[string]string{"op": "open", "encrypt": env.Encrypt, "msgSignature": env.MsgSignature}))
		require.Empty(t, resp["error"], "size %d", n)
		got, err := base64.StdEncoding.DecodeString(resp["plaintext"])
		require.NoError(t, err)
		assert.True(t, bytes.Equal(msg, got), "python decrypts our reply of %d bytes", n)

		// Python → ours.
		resp = pythonPeer(t, req(map[string]string{"op": "seal", "plaintext": base64.StdEncoding.EncodeToString(msg)}))
		got, _, err = c.Decrypt(resp["msgSignature"], testTS, testNonce, resp["encrypt"])
		require.NoError(t, err, "size %d", n)
		assert.True(t, bytes.Equal(msg, got), "we decrypt python's ciphertext of %d bytes", n)
	}

	// The peer reads every published vector as we do; this also checks the
	// plaintext files testdata/SOURCES.md calls derived.
	for _, v := range loadVectors(t) {
		resp := pythonPeer(t, map[string]string{"op": "open", "token": v.Token, "key": v.EncodingAESKey, "appID": v.AppID,
			"timestamp": v.Timestamp, "nonce": v.Nonce, "encrypt": v.Encrypt, "msgSignature": v.MsgSignature})
		require.Empty(t, resp["error"], v.Name)
		got, err := base64.StdEncoding.DecodeString(resp["plaintext"])
		require.NoError(t, err)
		assert.Equal(t, string(v.Plaintext), string(got), v.Name)
	}

	// The peer must also refuse what is wrong, or agreeing with it proves little.
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, []byte("<xml/>"), testTS, testNonce)
	require.NoError(t, err)
	resp := pythonPeer(t, req(map[string]string{"op": "open", "encrypt": env.Encrypt, "msgSignature": env.MsgSignature, "appID": "wx0000000000000000"}))
	assert.Equal(t, "appid", resp["error"])
}

func requireOpenSSL(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	return path
}

// opensslCBC runs "openssl enc" with the account's key and IV, without
// padding (WeChat pads to 32 bytes, which openssl does not know).
func opensslCBC(t *testing.T, openssl string, decrypt bool, in []byte) []byte {
	t.Helper()
	k := rawKey(t, testKey)
	dir := t.TempDir()
	inFile := filepath.Join(dir, "in")
	require.NoError(t, os.WriteFile(inFile, in, 0o600))
	mode := "-e"
	if decrypt {
		mode = "-d"
	}
	cmd := exec.Command(openssl, "enc", mode, "-aes-256-cbc", "-nopad",
		"-K", hex.EncodeToString(k), "-iv", hex.EncodeToString(k[:16]), "-in", inFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	return out
}

func TestPeerOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := requireOpenSSL(t)
	c := newCrypter(t)
	for _, n := range peerSizes {
		msg := peerMessage(n)

		// Ours → openssl: decrypt, then read the layout by hand.
		env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, msg, testTS, testNonce)
		require.NoError(t, err)
		ct, err := base64.StdEncoding.DecodeString(env.Encrypt)
		require.NoError(t, err)
		plain := opensslCBC(t, openssl, true, ct)
		pad := int(plain[len(plain)-1])
		require.True(t, pad >= 1 && pad <= 32, "pad %d", pad)
		require.Equal(t, bytes.Repeat([]byte{byte(pad)}, pad), plain[len(plain)-pad:])
		plain = plain[:len(plain)-pad]
		require.Equal(t, uint32(n), binary.BigEndian.Uint32(plain[16:20]))
		assert.True(t, bytes.Equal(msg, plain[20:20+n]), "openssl decrypts our reply of %d bytes", n)
		assert.Equal(t, testAppID, string(plain[20+n:]))

		// openssl → ours.
		ct = opensslCBC(t, openssl, false, pad32(layout(rnd16, uint32(n), string(msg), testAppID)))
		encrypt := base64.StdEncoding.EncodeToString(ct)
		got, _, err := c.Decrypt(msgcrypt.MsgSignature(testToken, testTS, testNonce, encrypt), testTS, testNonce, encrypt)
		require.NoError(t, err, "size %d", n)
		assert.True(t, bytes.Equal(msg, got), "we decrypt openssl's ciphertext of %d bytes", n)
	}
}
