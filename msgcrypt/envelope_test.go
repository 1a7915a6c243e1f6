package msgcrypt

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file keeps the envelope as encoding/xml wrote it, before Marshal and
// Encrypt wrote it directly, and checks that the direct writer agrees with
// it byte for byte.

// referenceCDATA marshals its text as a CDATA section; encoding/xml splits
// the section where the text itself holds "]]>".
type referenceCDATA struct {
	Text string `xml:",cdata"`
}

// referenceEnvelope is the wire shape of Envelope.
type referenceEnvelope struct {
	XMLName      xml.Name       `xml:"xml"`
	Encrypt      referenceCDATA `xml:"Encrypt"`
	MsgSignature referenceCDATA `xml:"MsgSignature"`
	TimeStamp    string         `xml:"TimeStamp"`
	Nonce        referenceCDATA `xml:"Nonce"`
}

// referenceMarshal is Envelope.Marshal as it was written with
// encoding/xml.
func referenceMarshal(e *Envelope) ([]byte, error) {
	for _, f := range [...]struct{ name, value string }{
		{"Encrypt", e.Encrypt}, {"MsgSignature", e.MsgSignature}, {"TimeStamp", e.TimeStamp}, {"Nonce", e.Nonce},
	} {
		if !envelopeSafe(f.value) {
			return nil, fmt.Errorf("%w: %s", ErrInvalidChar, f.name)
		}
	}
	return xml.Marshal(referenceEnvelope{
		Encrypt:      referenceCDATA{e.Encrypt},
		MsgSignature: referenceCDATA{e.MsgSignature},
		TimeStamp:    e.TimeStamp,
		Nonce:        referenceCDATA{e.Nonce},
	})
}

// xmlCannotCarry is, written independently of envelopeSafe, what
// ErrInvalidChar promises to refuse: invalid UTF-8, control characters,
// U+FFFE and U+FFFF.
func xmlCannotCarry(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
			return true
		}
	}
	return false
}

// replyVector is the part of testdata/we_whisper_reply.json these tests
// use: a published reply envelope.
type replyVector struct {
	Token          string `json:"token"`
	EncodingAESKey string `json:"encodingAESKey"`
	AppID          string `json:"appID"`
	Timestamp      string `json:"timestamp"`
	Nonce          string `json:"nonce"`
	MsgSignature   string `json:"msgSignature"`
	Encrypt        string `json:"encrypt"`
	Random         string `json:"random"`
	PlaintextFile  string `json:"plaintextFile"`
}

func loadReplyVector(t testing.TB) (replyVector, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "we_whisper_reply.json"))
	require.NoError(t, err)
	var v replyVector
	require.NoError(t, json.Unmarshal(b, &v))
	plain, err := os.ReadFile(filepath.Join("testdata", v.PlaintextFile))
	require.NoError(t, err)
	return v, plain
}

// checkMarshal compares Marshal with the reference for one envelope, and
// checks what it promises: an accepted envelope reads back unchanged, a
// refused one holds a character XML cannot carry.
func checkMarshal(t *testing.T, e *Envelope) {
	t.Helper()
	got, gotErr := e.Marshal()
	want, wantErr := referenceMarshal(e)
	if wantErr != nil {
		if gotErr == nil || gotErr.Error() != wantErr.Error() || got != nil {
			t.Fatalf("%q: Marshal gives %q, %v; the reference refuses it: %v", *e, got, gotErr, wantErr)
		}
		if !xmlCannotCarry(e.Encrypt) && !xmlCannotCarry(e.MsgSignature) && !xmlCannotCarry(e.TimeStamp) && !xmlCannotCarry(e.Nonce) {
			t.Fatalf("%q: refused, but every character can be carried", *e)
		}
		return
	}
	if gotErr != nil || !bytes.Equal(got, want) {
		t.Fatalf("%q:\nMarshal   %q, %v\nreference %q", *e, got, gotErr, want)
	}
	if cap(got) != len(got) {
		t.Fatalf("%q: %d bytes in a buffer of %d: the length was not computed exactly", *e, len(got), cap(got))
	}
	var back struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal(got, &back); err != nil {
		t.Fatalf("%q: the envelope does not parse: %v", *e, err)
	}
	if back != *e {
		t.Fatalf("%q reads back as %q", *e, back)
	}
}

func TestMarshalMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	v, _ := loadReplyVector(t)
	for _, e := range []Envelope{
		{Encrypt: v.Encrypt, MsgSignature: v.MsgSignature, TimeStamp: v.Timestamp, Nonce: v.Nonce},
		{},
		{Encrypt: "a]]>b]]>", MsgSignature: "]]>", TimeStamp: `1<2>3&"4'`, Nonce: "]]]]>>"},
		{Encrypt: "x", MsgSignature: "y", TimeStamp: "]]>", Nonce: "<![CDATA[&amp;"},
		{Nonce: "\u00e9\U0001F600\uFFFD\u0085\u007f"},
		{Nonce: "a\rb"}, {TimeStamp: "1\n"}, {Encrypt: "\t"}, {MsgSignature: "\xff"}, {Nonce: "\uFFFE"},
		{Nonce: "\uFFFF"}, {TimeStamp: "\xed\xa0\x80"}, {Encrypt: "ok", Nonce: "\x00"},
	} {
		checkMarshal(t, &e)
	}
}

// FuzzEnvelopeMarshal is the differential test of the envelope writer
// against encoding/xml. Seeds: the published reply envelope in testdata,
// and text XML needs care with.
func FuzzEnvelopeMarshal(f *testing.F) {
	v, _ := loadReplyVector(f)
	f.Add(v.Encrypt, v.MsgSignature, v.Timestamp, v.Nonce)
	f.Add("a]]>b", "]]]]>", `<&>"'`, "]]>")
	f.Add("", "", "", "")
	f.Add("x", "y", "1\r\n", "\xff\uFFFE\x00\t")
	f.Fuzz(func(t *testing.T, encrypt, msgSignature, timestamp, nonce string) {
		checkMarshal(t, &Envelope{Encrypt: encrypt, MsgSignature: msgSignature, TimeStamp: timestamp, Nonce: nonce})
	})
}

// checkEncrypt compares Encrypt, which writes the envelope itself, with
// EncryptEnvelope marshalled by encoding/xml, for the same random bytes.
func checkEncrypt(t *testing.T, v replyVector, random, reply []byte, timestamp, nonce string) {
	t.Helper()
	direct, err := New(v.Token, v.EncodingAESKey, v.AppID, WithRandom(bytes.NewReader(random)))
	require.NoError(t, err)
	viaXML, err := New(v.Token, v.EncodingAESKey, v.AppID, WithRandom(bytes.NewReader(random)))
	require.NoError(t, err)

	got, gotErr := direct.Encrypt(CurrentKey, reply, timestamp, nonce)
	var want []byte
	env, wantErr := viaXML.EncryptEnvelope(CurrentKey, reply, timestamp, nonce)
	if wantErr == nil {
		want, wantErr = referenceMarshal(env)
	}
	switch {
	case wantErr == nil:
		if gotErr != nil || !bytes.Equal(got, want) {
			t.Fatalf("timestamp %q, nonce %q, %d-byte reply:\nEncrypt   %q, %v\nreference %q", timestamp, nonce, len(reply), got, gotErr, want)
		}
		if cap(got) != len(got) {
			t.Fatalf("%d bytes in a buffer of %d: the length was not computed exactly", len(got), cap(got))
		}
	case errors.Is(wantErr, ErrInvalidChar):
		if !errors.Is(gotErr, ErrInvalidChar) {
			t.Fatalf("timestamp %q, nonce %q: Encrypt gives %v, the reference %v", timestamp, nonce, gotErr, wantErr)
		}
	default:
		if gotErr == nil || gotErr.Error() != wantErr.Error() {
			t.Fatalf("timestamp %q, nonce %q: Encrypt gives %v, the reference %v", timestamp, nonce, gotErr, wantErr)
		}
	}
}

func TestEncryptMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	v, plain := loadReplyVector(t)
	checkEncrypt(t, v, []byte(v.Random), plain, v.Timestamp, v.Nonce)
	got, err := New(v.Token, v.EncodingAESKey, v.AppID, WithRandom(bytes.NewReader([]byte(v.Random))))
	require.NoError(t, err)
	out, err := got.Encrypt(CurrentKey, plain, v.Timestamp, v.Nonce)
	require.NoError(t, err)
	assert.Contains(t, string(out), "<Encrypt><![CDATA["+v.Encrypt+"]]></Encrypt><MsgSignature><![CDATA["+v.MsgSignature+"]]>",
		"the published ciphertext and signature, byte for byte")

	for _, tt := range []struct{ timestamp, nonce string }{
		{"1<2", "a]]>b"}, {`"'&`, "]]]]>>"}, {"", "n"}, {"1", ""}, {"1\n", "n"}, {"1", "\r"}, {"1", "\xff"},
	} {
		checkEncrypt(t, v, []byte(v.Random), plain, tt.timestamp, tt.nonce)
	}
	for _, n := range []int{0, 1, 13, 14, 15, 46, 300, 5000} {
		checkEncrypt(t, v, []byte(v.Random), bytes.Repeat([]byte("]"), n), v.Timestamp, v.Nonce)
	}
}

// FuzzEncrypt is the differential test of the reply writer: Encrypt against
// EncryptEnvelope marshalled by encoding/xml, with the same 16 random
// bytes, for any reply, timestamp and nonce. Seeds: the published reply in
// testdata.
func FuzzEncrypt(f *testing.F) {
	v, plain := loadReplyVector(f)
	f.Add([]byte(v.Random), plain, v.Timestamp, v.Nonce)
	f.Add([]byte("0123456789abcdef"), []byte("success"), "1<2", "]]>")
	f.Add([]byte("0123456789abcdef"), []byte(nil), "1\n", "\xff")
	f.Fuzz(func(t *testing.T, random, reply []byte, timestamp, nonce string) {
		if len(random) < randomLen {
			return
		}
		checkEncrypt(t, v, random[:randomLen], reply, timestamp, nonce)
	})
}
