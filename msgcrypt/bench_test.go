package msgcrypt_test

import (
	"bytes"
	"io"
	"net/http/httptest"
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
