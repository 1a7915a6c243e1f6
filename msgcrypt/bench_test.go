package msgcrypt_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/msgcrypt"
)

// benchMessage is a 300-byte text push, about the size of a real one.
func benchMessage() []byte {
	msg := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[")
	tail := []byte("]]></Content><MsgId>6054768590064713728</MsgId></xml>")
	msg = append(msg, bytes.Repeat([]byte("x"), 300-len(msg)-len(tail))...)
	return append(msg, tail...)
}

func BenchmarkEncrypt(b *testing.B) {
	c := newCrypter(b)
	msg := benchMessage()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encrypt(msgcrypt.CurrentKey, msg, testTS, testNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt(b *testing.B) {
	c := newCrypter(b)
	msg := benchMessage()
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, msg, testTS, testNonce)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Decrypt(env.MsgSignature, testTS, testNonce, env.Encrypt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenSeal is a whole encrypted exchange: open a safe-mode push,
// seal a reply of the same size.
func BenchmarkOpenSeal(b *testing.B) {
	c := newCrypter(b)
	msg := benchMessage()
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, msg, testTS, testNonce)
	if err != nil {
		b.Fatal(err)
	}
	q, body := aesQuery(env.Encrypt), safeBody(env.Encrypt)
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.Open(q, body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Seal(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenRequestSeal is BenchmarkOpenSeal through net/http: a
// safe-mode POST read by OpenRequest, then the reply sealed. A request's
// body can be read once, so each iteration builds its request around a
// fresh bytes.Reader; that costs 2 allocations (the request is a shallow
// copy of a template, its body a new reader) of what is reported.
func BenchmarkOpenRequestSeal(b *testing.B) {
	c := newCrypter(b)
	msg := benchMessage()
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, msg, testTS, testNonce)
	if err != nil {
		b.Fatal(err)
	}
	body := safeBody(env.Encrypt)
	q := aesQuery(env.Encrypt)
	q.Set("openid", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
	template := httptest.NewRequest("POST", "/wechat?"+q.Encode(), nil)
	template.ContentLength = int64(len(body))
	b.ReportAllocs()
	for b.Loop() {
		r := *template
		r.Body = io.NopCloser(bytes.NewReader(body))
		p, err := c.OpenRequest(&r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Seal(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// forgedBodies are encrypted-mode bodies an attacker can send without the
// token: their msg_signature (forgedQuery) is wrong whatever they hold.
// Each large one is about 1 MiB; the Encrypt they carry is a real one.
func forgedBodies(encrypt string) map[string][]byte {
	const size = 1 << 20
	head := "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
	tail := "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>"
	room := size - len(head) - len(tail)
	levels := room / len("<a></a>")
	flat := room / len("<a>x</a>")
	return map[string][]byte{
		// Elements nested as deep as 1 MiB allows, before the Encrypt.
		"nested-1MiB": []byte(head + strings.Repeat("<a>", levels) + strings.Repeat("</a>", levels) + tail),
		// As many sibling elements as 1 MiB holds.
		"flat-1MiB": []byte(head + strings.Repeat("<a>x</a>", flat) + tail),
		// One Encrypt of 1 MiB of base64: all of it is signed, so all of it
		// is hashed before the signature can be refused.
		"encrypt-1MiB": []byte(head + "<Encrypt><![CDATA[" + strings.Repeat("A", size-len(head)-len(tail)+len(encrypt)) + "]]></Encrypt></xml>"),
		// A push of the usual size.
		"small": safeBody(encrypt),
	}
}

// forgedQuery is a safe-mode query whose msg_signature signs nothing the
// body holds.
func forgedQuery() url.Values {
	q := aesQuery("another ciphertext")
	q.Del("signature") // optional, and an attacker can leave it out
	return q
}

// BenchmarkOpenForged measures how long a forged encrypted push takes to be
// refused. The body limit is raised above 1 MiB so that the whole body
// reaches Open's check instead of being refused for its size.
func BenchmarkOpenForged(b *testing.B) {
	c := newCrypter(b, msgcrypt.WithMaxBodyBytes(2<<20))
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, benchMessage(), testTS, testNonce)
	if err != nil {
		b.Fatal(err)
	}
	bodies := forgedBodies(env.Encrypt)
	q := forgedQuery()
	for _, name := range []string{"nested-1MiB", "flat-1MiB", "encrypt-1MiB", "small"} {
		body := bodies[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Open(q, body); err == nil {
					b.Fatal("a forged push was accepted")
				}
			}
		})
	}
}

// BenchmarkOpenValid opens a genuine push of the usual size in each
// encrypted mode.
func BenchmarkOpenValid(b *testing.B) {
	v := loadVector(b, "official_demo")
	c := v.crypter(b)
	for _, tt := range []struct {
		name string
		body []byte
	}{{"safe", safeBody(v.Encrypt)}, {"compatible", v.Body}} {
		b.Run(tt.name, func(b *testing.B) {
			q := v.query()
			b.SetBytes(int64(len(tt.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Open(q, tt.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
