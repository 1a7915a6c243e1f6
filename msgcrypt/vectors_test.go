package msgcrypt_test

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// vector is one published test vector from testdata (see SOURCES.md).
type vector struct {
	Name           string `json:"-"`
	Token          string `json:"token"`
	EncodingAESKey string `json:"encodingAESKey"`
	AppID          string `json:"appID"`
	Timestamp      string `json:"timestamp"`
	Nonce          string `json:"nonce"`
	MsgSignature   string `json:"msgSignature"`
	Encrypt        string `json:"encrypt"`
	Random         string `json:"random"`
	PlaintextFile  string `json:"plaintextFile"`
	BodyFile       string `json:"bodyFile"`

	Plaintext []byte `json:"-"`
	Body      []byte `json:"-"`
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var vs []vector
	for _, f := range files {
		var v vector
		require.NoError(t, json.Unmarshal(readTestdata(t, filepath.Base(f)), &v), f)
		v.Name = strings.TrimSuffix(filepath.Base(f), ".json")
		v.Plaintext = readTestdata(t, v.PlaintextFile)
		if v.BodyFile != "" {
			v.Body = readTestdata(t, v.BodyFile)
		}
		vs = append(vs, v)
	}
	return vs
}

func loadVector(t testing.TB, name string) vector {
	t.Helper()
	for _, v := range loadVectors(t) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %s", name)
	return vector{}
}

func (v vector) crypter(t testing.TB, opts ...msgcrypt.Option) *msgcrypt.Crypter {
	t.Helper()
	c, err := msgcrypt.New(v.Token, v.EncodingAESKey, v.AppID, opts...)
	require.NoError(t, err)
	return c
}

// query is the query WeChat would send with the vector's push in safe or
// compatible mode, plain signature included.
func (v vector) query() url.Values {
	return url.Values{
		"encrypt_type":  {"aes"},
		"msg_signature": {v.MsgSignature},
		"timestamp":     {v.Timestamp},
		"nonce":         {v.Nonce},
		"signature":     {signature.Compute(v.Token, v.Timestamp, v.Nonce)},
		"openid":        {"oyORnuP8q7ou2gfYjqLzSIWZf0rs"},
	}
}

func TestPublishedVectorsDecrypt(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			c := v.crypter(t)
			require.Equal(t, v.MsgSignature, msgcrypt.MsgSignature(v.Token, v.Timestamp, v.Nonce, v.Encrypt))

			got, key, err := c.Decrypt(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt)
			require.NoError(t, err)
			assert.Equal(t, msgcrypt.CurrentKey, key)
			assert.Equal(t, string(v.Plaintext), string(got))

			got, _, err = c.Decrypt(strings.ToUpper(v.MsgSignature), v.Timestamp, v.Nonce, v.Encrypt)
			require.NoError(t, err, "upper-case msg_signature")
			assert.Equal(t, string(v.Plaintext), string(got))
		})
	}
}

// TestPublishedVectorsReproduce encrypts with the random bytes the publisher
// fixed and must give the published ciphertext and MsgSignature byte for
// byte.
func TestPublishedVectorsReproduce(t *testing.T) {
	t.Parallel()
	n := 0
	for _, v := range loadVectors(t) {
		if v.Random == "" {
			continue
		}
		n++
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			c := v.crypter(t, msgcrypt.WithRandom(strings.NewReader(v.Random)))
			out, err := c.Encrypt(msgcrypt.CurrentKey, v.Plaintext, v.Timestamp, v.Nonce)
			require.NoError(t, err)
			want := "<xml><Encrypt><![CDATA[" + v.Encrypt + "]]></Encrypt>" +
				"<MsgSignature><![CDATA[" + v.MsgSignature + "]]></MsgSignature>" +
				"<TimeStamp>" + v.Timestamp + "</TimeStamp>" +
				"<Nonce><![CDATA[" + v.Nonce + "]]></Nonce></xml>"
			assert.Equal(t, want, string(out))
		})
	}
	require.GreaterOrEqual(t, n, 2, "fixed-random vectors in testdata")
}

// pushFields are the fields of a text push, to compare the clear copy of a
// compatible-mode push with the decrypted one.
type pushFields struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        int64  `xml:"MsgId"`
}

func TestOpenOfficialCompatiblePush(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "official_demo")
	c := v.crypter(t)

	p, err := c.Open(v.query(), v.Body)
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.ModeCompatible, p.Mode)
	assert.True(t, p.Encrypted())
	assert.Equal(t, msgcrypt.CurrentKey, p.Key)
	assert.Equal(t, string(v.Plaintext), string(p.Plaintext))

	// What a user sees: the decrypted push says what the clear copy says.
	var clear, decrypted pushFields
	require.NoError(t, xml.Unmarshal(v.Body, &clear))
	require.NoError(t, xml.Unmarshal(p.Plaintext, &decrypted))
	assert.Empty(t, cmp.Diff(clear, decrypted))
	assert.Equal(t, "abcdteT", decrypted.Content)
	assert.Equal(t, int64(6054768590064713728), decrypted.MsgID)
}

func TestOpenPublishedSafeModePush(t *testing.T) {
	t.Parallel()
	v := loadVector(t, "wechatpy_work_push")
	p, err := v.crypter(t).Open(v.query(), v.Body)
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.ModeSafe, p.Mode)
	var got pushFields
	require.NoError(t, xml.Unmarshal(p.Plaintext, &got))
	assert.Equal(t, "test", got.Content)
	assert.Equal(t, "messense", got.FromUserName)
}
