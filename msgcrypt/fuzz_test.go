package msgcrypt_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/internal/wire"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// FuzzDecrypt checks, for any input, that Decrypt does not panic, accepts
// only the true msg_signature (no forgery), and that whatever it accepts is
// exactly the buffer an encryption of the returned message would start with.
// When resign is set the fuzz input is signed correctly first, so the
// decryption paths get explored too. Seeds: every vector in testdata.
func FuzzDecrypt(f *testing.F) {
	official := loadVector(f, "official_demo")
	for _, v := range loadVectors(f) {
		f.Add(v.MsgSignature, v.Timestamp, v.Nonce, v.Encrypt, false)
		f.Add("", v.Timestamp, v.Nonce, v.Encrypt, true)
	}
	f.Add("", testTS, testNonce, "AAAA", true)
	f.Add("", testTS, testNonce, strings.Repeat("A", 44), true)
	c := official.crypter(f)

	f.Fuzz(func(t *testing.T, sig, ts, nonce, encrypt string, resign bool) {
		want := msgcrypt.MsgSignature(official.Token, ts, nonce, encrypt)
		if resign {
			sig = want
		}
		got, key, err := c.Decrypt(sig, ts, nonce, encrypt)
		if err != nil {
			if strings.Contains(err.Error(), official.Token) || strings.Contains(err.Error(), want) {
				t.Fatalf("error %q leaks the token or the signature", err)
			}
			return
		}
		if !strings.EqualFold(sig, want) {
			t.Fatalf("accepted msg_signature %q, want %q", sig, want)
		}
		if key != msgcrypt.CurrentKey {
			t.Fatalf("key %v, only the current key is configured", key)
		}
		// Re-encrypt the message with the same 16 random bytes: the buffers
		// agree up to the padding, so the ciphertexts agree up to the last
		// full AES block before it, and the padding is 1 to 32 bytes.
		ct, err := base64.StdEncoding.DecodeString(encrypt)
		if err != nil {
			t.Fatalf("accepted non-base64: %v", err)
		}
		random := decryptRaw(t, official.EncodingAESKey, encrypt)[:16]
		again, err := msgcrypt.New(official.Token, official.EncodingAESKey, official.AppID, msgcrypt.WithRandom(bytes.NewReader(random)))
		if err != nil {
			t.Fatal(err)
		}
		env, err := again.EncryptEnvelope(msgcrypt.CurrentKey, got, ts, nonce)
		if err != nil {
			t.Fatal(err)
		}
		re, err := base64.StdEncoding.DecodeString(env.Encrypt)
		if err != nil {
			t.Fatal(err)
		}
		unpadded := 16 + 4 + len(got) + len(official.AppID)
		if pad := len(ct) - unpadded; pad < 1 || pad > 32 {
			t.Fatalf("accepted %d bytes of padding", pad)
		}
		if k := unpadded / 16 * 16; !bytes.Equal(ct[:k], re[:k]) {
			t.Fatal("accepted a buffer that is not what the message encrypts to")
		}
	})
}

// FuzzOpen checks that Open does not panic on any query and body, that a
// plain push is accepted only with the true signature, and an encrypted one
// only with the true msg_signature over the body's Encrypt as the body scan
// finds it (and the true signature when one is sent), and that its
// plaintext is what Decrypt gives.
// When resign is set the test signs whatever the body holds, so that the
// decryption paths behind the signature get explored. Seeds: the official
// compatible-mode push and a safe-mode one from testdata, and plain pushes.
func FuzzOpen(f *testing.F) {
	v := loadVector(f, "official_demo")
	c := v.crypter(f)
	f.Add(v.query().Encode(), v.Body, false)
	f.Add(v.query().Encode(), safeBody(v.Encrypt), false)
	f.Add(with(v.query(), "signature").Encode(), safeBody(v.Encrypt), true)
	f.Add(with(v.query(), "encrypt_type", "raw").Encode(), v.Body, false)
	f.Add(plainQuery().Encode(), []byte("<xml><MsgType>text</MsgType></xml>"), false)
	f.Add("encrypt_type=aes&encrypt_type=raw", v.Body, true)
	f.Add("", []byte(nil), false)

	f.Fuzz(func(t *testing.T, rawQuery string, body []byte, resign bool) {
		q, _ := url.ParseQuery(rawQuery) // a partial parse is still a query
		ts, nonce := q.Get("timestamp"), q.Get("nonce")
		encrypt, _, scanErr := msgcrypt.ScanEncrypt(body)
		parsed := scanErr == nil
		if resign {
			q.Set("signature", signature.Compute(v.Token, ts, nonce))
			if parsed {
				q.Set("msg_signature", msgcrypt.MsgSignature(v.Token, ts, nonce, encrypt))
			}
		}
		p, err := c.Open(q, body)
		if err != nil {
			if strings.Contains(err.Error(), v.Token) {
				t.Fatalf("error %q leaks the token", err)
			}
			return
		}
		if len(q["encrypt_type"]) > 1 {
			t.Fatal("accepted a repeated encrypt_type")
		}
		plainSig := signature.Compute(v.Token, ts, nonce)
		switch q.Get("encrypt_type") {
		case "", "raw":
			if p.Mode != msgcrypt.ModePlain || !bytes.Equal(p.Plaintext, body) {
				t.Fatalf("plain push opened as %v", p.Mode)
			}
			if !strings.EqualFold(q.Get("signature"), plainSig) {
				t.Fatalf("accepted signature %q", q.Get("signature"))
			}
		case "aes":
			if !parsed {
				t.Fatal("accepted an encrypted push whose body has no Encrypt to sign")
			}
			if !strings.EqualFold(q.Get("msg_signature"), msgcrypt.MsgSignature(v.Token, ts, nonce, encrypt)) {
				t.Fatalf("accepted msg_signature %q", q.Get("msg_signature"))
			}
			if s := q.Get("signature"); s != "" && !strings.EqualFold(s, plainSig) {
				t.Fatalf("accepted signature %q beside msg_signature", s)
			}
			want, _, err := c.Decrypt(q.Get("msg_signature"), ts, nonce, encrypt)
			if err != nil || !bytes.Equal(want, p.Plaintext) {
				t.Fatalf("Open and Decrypt disagree (Decrypt: %v)", err)
			}
			if !p.Encrypted() {
				t.Fatal("encrypted push reported as plain")
			}
		default:
			t.Fatalf("accepted encrypt_type %q", q.Get("encrypt_type"))
		}
	})
}

// FuzzOpenRequest is the differential test of OpenRequest, which reads the
// raw query and the body itself, against Open over r.URL.Query() and the
// whole body: on any query and body both must give the same push or the
// same error text. When resign is set, correct signatures for the query's
// timestamp and nonce and the body's Encrypt are put first in the query, so
// that the accepting paths are explored too.
func FuzzOpenRequest(f *testing.F) {
	v := loadVector(f, "official_demo")
	c := v.crypter(f, msgcrypt.WithMaxBodyBytes(2048))
	f.Add(v.query().Encode(), v.Body, false)
	f.Add(v.query().Encode(), safeBody(v.Encrypt), false)
	f.Add("encrypt_type=aes&nonce=1+2&timestamp=%31&msg_signature=x;y", safeBody(v.Encrypt), true)
	f.Add(plainQuery().Encode()+"&encrypt_type=raw", []byte("<xml/>"), false)
	f.Add("encrypt_type=aes&encrypt_type=%zz", v.Body, true)
	f.Add("", []byte(nil), false)
	f.Fuzz(func(t *testing.T, raw string, body []byte, resign bool) {
		if resign {
			q, _ := url.ParseQuery(raw)
			ts, nonce := q.Get("timestamp"), q.Get("nonce")
			var outer struct {
				Encrypt string `xml:"Encrypt"`
			}
			_ = xml.Unmarshal(wire.Trim(body), &outer)
			raw = "signature=" + signature.Compute(v.Token, ts, nonce) +
				"&msg_signature=" + msgcrypt.MsgSignature(v.Token, ts, nonce, outer.Encrypt) + "&" + raw
		}
		r := httptest.NewRequest("POST", "/wechat", bytes.NewReader(body))
		r.URL.RawQuery = raw
		got, gotErr := c.OpenRequest(r)

		var want *msgcrypt.Push
		wantErr := fmt.Errorf("%w: more than 2048 bytes", msgcrypt.ErrBodyTooLarge)
		if len(body) <= 2048 {
			want, wantErr = c.Open(r.URL.Query(), body)
		}
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("OpenRequest gives error %v, Open %v", gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if !bytes.Equal(got.Plaintext, want.Plaintext) || got.Mode != want.Mode || got.Key != want.Key ||
			got.Timestamp != want.Timestamp || got.Nonce != want.Nonce {
			t.Fatalf("OpenRequest gives %+v, Open %+v", got, want)
		}
	})
}

// FuzzOpenBody is the differential test of how Open reads an encrypted
// push's body against encoding/xml. Open finds <Encrypt> with a bounded
// scan that refuses (ErrBody) what no push from WeChat holds, where
// encoding/xml may read on; but where both read a body they must agree.
// The query is signed for the <Encrypt> that xml.Unmarshal finds, so:
// where Open's scan gets past the body and encoding/xml reads it too, the
// signature must match (the same Encrypt) and the mode must follow the
// MsgType encoding/xml sees; where encoding/xml finds no Encrypt, Open must
// refuse the push (ErrBody, or the signature). Seeds: the pushes in
// testdata, compatible and safe, and bodies the scan refuses.
func FuzzOpenBody(f *testing.F) {
	v := loadVector(f, "official_demo")
	c := v.crypter(f)
	f.Add(v.Body)
	f.Add(safeBody(v.Encrypt))
	f.Add(append([]byte("\xef\xbb\xbf \n"), safeBody(v.Encrypt)...))
	f.Add(bytes.ReplaceAll(v.Body, []byte("<Encrypt>"), []byte("<Encrypt>\n")))
	f.Add([]byte("<xml><Encrypt>a</Encrypt><Encrypt>" + v.Encrypt + "</Encrypt></xml>"))
	f.Add([]byte("<xml><MsgType></MsgType><Encrypt>&#65;" + v.Encrypt[1:] + "</Encrypt></xml>"))
	f.Add([]byte("<xml><Content>&nope;</Content><MsgType/><Encrypt>" + v.Encrypt + "</Encrypt></xml>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		var outer struct {
			XMLName xml.Name `xml:"xml"`
			Encrypt string   `xml:"Encrypt"`
			MsgType *string  `xml:"MsgType"`
		}
		xmlErr := xml.Unmarshal(wire.Trim(body), &outer)
		q := v.query()
		q.Set("msg_signature", msgcrypt.MsgSignature(v.Token, v.Timestamp, v.Nonce, outer.Encrypt))
		p, err := c.Open(q, body)
		if errors.Is(err, msgcrypt.ErrBody) {
			return // refused before the signature
		}
		if xmlErr != nil || outer.Encrypt == "" {
			if !errors.Is(err, msgcrypt.ErrSignatureMismatch) {
				t.Fatalf("encoding/xml finds no Encrypt (%v), Open gives %v", xmlErr, err)
			}
			return
		}
		if errors.Is(err, msgcrypt.ErrSignatureMismatch) {
			t.Fatalf("encoding/xml finds Encrypt %q, Open reads another", outer.Encrypt)
		}
		if err != nil {
			return // a signed Encrypt that does not decrypt
		}
		if want := outer.MsgType != nil; p.Mode == msgcrypt.ModeCompatible != want {
			t.Fatalf("opened as %v, encoding/xml sees a MsgType: %v", p.Mode, want)
		}
	})
}
