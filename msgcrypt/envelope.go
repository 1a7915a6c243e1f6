package msgcrypt

import (
	"fmt"
	"strings"

	"github.com/wxmp/wxmp/internal/xmltext"
)

// Envelope is the XML body of an encrypted reply. Its element names are the
// wire names, TimeStamp with a capital S.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
type Envelope struct {
	// Encrypt is the base64 ciphertext.
	Encrypt string
	// MsgSignature is MsgSignature(token, TimeStamp, Nonce, Encrypt).
	MsgSignature string
	// TimeStamp is in Unix seconds, as the decimal string that was signed.
	TimeStamp string
	// Nonce is the nonce that was signed.
	Nonce string
}

// The envelope's XML around its four fields: what encoding/xml wrote for
// it, one element per field in this order, the root named xml (the
// encoding/xml version is kept as the reference in envelope_test.go).
const (
	envelopeOpen      = "<xml><Encrypt>"
	envelopeSignature = "</Encrypt><MsgSignature>"
	envelopeTimeStamp = "</MsgSignature><TimeStamp>"
	envelopeNonce     = "</TimeStamp><Nonce>"
	envelopeClose     = "</Nonce></xml>"
	envelopeFixed     = len(envelopeOpen) + len(envelopeSignature) + len(envelopeTimeStamp) + len(envelopeNonce) + len(envelopeClose)
)

// Marshal returns the envelope as WeChat expects it, on one line:
//
//	<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce><![CDATA[…]]></Nonce></xml>
//
// A field that XML cannot give back unchanged, which WeChat would then fail
// to verify or to parse, is refused with ErrInvalidChar; "]]>", "<" and "&"
// are fine.
func (e *Envelope) Marshal() ([]byte, error) {
	for _, f := range [...]struct{ name, value string }{
		{"Encrypt", e.Encrypt}, {"MsgSignature", e.MsgSignature}, {"TimeStamp", e.TimeStamp}, {"Nonce", e.Nonce},
	} {
		if !envelopeSafe(f.value) {
			return nil, fmt.Errorf("%w: %s", ErrInvalidChar, f.name)
		}
	}
	out := make([]byte, 0, envelopeFixed+xmltext.CDATALen(e.Encrypt)+xmltext.CDATALen(e.MsgSignature)+
		envelopeTailLen(e.TimeStamp, e.Nonce))
	out = append(out, envelopeOpen...)
	out = xmltext.AppendCDATA(out, e.Encrypt)
	out = append(out, envelopeSignature...)
	out = xmltext.AppendCDATA(out, e.MsgSignature)
	return appendEnvelopeTail(out, e.TimeStamp, e.Nonce), nil
}

// appendEnvelopeTail appends what follows MsgSignature's text: the
// TimeStamp and Nonce elements and the end of the document.
func appendEnvelopeTail(out []byte, timestamp, nonce string) []byte {
	out = append(out, envelopeTimeStamp...)
	out = xmltext.AppendEscaped(out, timestamp)
	out = append(out, envelopeNonce...)
	out = xmltext.AppendCDATA(out, nonce)
	return append(out, envelopeClose...)
}

// A CDATA section's start and end. Encrypt writes the base64 ciphertext
// and the hex signature between them directly: neither alphabet can hold
// "]]>", so neither needs the split xmltext.AppendCDATA makes.
const (
	cdataStart = "<![CDATA["
	cdataEnd   = "]]>"
)

// envelopeTailLen is how many bytes appendEnvelopeTail writes for the
// TimeStamp's and the Nonce's text.
func envelopeTailLen(timestamp, nonce string) int {
	return xmltext.EscapedLen(timestamp) + xmltext.CDATALen(nonce)
}

// envelopeSafe reports whether s may go into the envelope: valid UTF-8
// without control characters (tab, LF and CR included), U+FFFE or U+FFFF,
// as ErrInvalidChar promises.
//
// That is stricter than xmltext.InvalidCharAt, which lets tab, LF and CR
// through because replies and pushes carry them (a CR escaped as "&#xD;").
// The envelope keeps ErrInvalidChar's rule of refusing every control
// character: a CR in a CDATA field would read back as LF and break
// msg_signature, and none of the three belongs in a base64 Encrypt, a hex
// MsgSignature, a decimal TimeStamp or a Nonce.
func envelopeSafe(s string) bool {
	return xmltext.InvalidCharAt(s) < 0 && strings.IndexByte(s, '\t') < 0 &&
		strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0
}
