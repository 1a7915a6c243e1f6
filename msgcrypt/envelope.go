package msgcrypt

import (
	"fmt"
	"strings"
	"unicode/utf8"
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
	out := make([]byte, 0, envelopeFixed+cdataLen(e.Encrypt)+cdataLen(e.MsgSignature)+textLen(e.TimeStamp)+cdataLen(e.Nonce))
	out = append(out, envelopeOpen...)
	out = appendCDATA(out, e.Encrypt)
	out = append(out, envelopeSignature...)
	out = appendCDATA(out, e.MsgSignature)
	return appendEnvelopeTail(out, e.TimeStamp, e.Nonce), nil
}

// appendEnvelopeTail appends what follows MsgSignature's text: the
// TimeStamp and Nonce elements and the end of the document.
func appendEnvelopeTail(out []byte, timestamp, nonce string) []byte {
	out = append(out, envelopeTimeStamp...)
	out = appendText(out, timestamp)
	out = append(out, envelopeNonce...)
	out = appendCDATA(out, nonce)
	return append(out, envelopeClose...)
}

// A CDATA section, and how one that would hold "]]>" is split: the text
// is cut after "]]" and the section closed and reopened, as encoding/xml
// does, so that the XML stays well formed and reads back the same text.
const (
	cdataStart = "<![CDATA["
	cdataEnd   = "]]>"
	cdataSplit = "]]]]><![CDATA[>"
)

// cdataLen is len(appendCDATA(nil, s)).
func cdataLen(s string) int {
	if s == "" {
		return 0
	}
	return len(cdataStart) + len(s) + len(cdataEnd) + strings.Count(s, cdataEnd)*(len(cdataSplit)-len(cdataEnd))
}

// appendCDATA appends s as one CDATA section, split where s holds "]]>";
// an empty s is written as nothing, like encoding/xml's ",cdata".
func appendCDATA(out []byte, s string) []byte {
	if s == "" {
		return out
	}
	out = append(out, cdataStart...)
	for {
		i := strings.Index(s, cdataEnd)
		if i < 0 {
			break
		}
		out = append(out, s[:i]...)
		out = append(out, cdataSplit...)
		s = s[i+len(cdataEnd):]
	}
	out = append(out, s...)
	return append(out, cdataEnd...)
}

// textEscape is how encoding/xml escapes the characters that need it in an
// element's text, among those envelopeSafe lets through.
func textEscape(c byte) string {
	switch c {
	case '"':
		return "&#34;"
	case '\'':
		return "&#39;"
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}

// textLen is len(appendText(nil, s)).
func textLen(s string) int {
	n := len(s)
	for i := range len(s) {
		if esc := textEscape(s[i]); esc != "" {
			n += len(esc) - 1
		}
	}
	return n
}

// appendText appends s as element text, escaped as encoding/xml escapes
// it. s must be envelopeSafe: the characters that check refuses are the
// ones encoding/xml would write as character references or U+FFFD.
func appendText(out []byte, s string) []byte {
	last := 0
	for i := range len(s) {
		if esc := textEscape(s[i]); esc != "" {
			out = append(out, s[last:i]...)
			out = append(out, esc...)
			last = i + 1
		}
	}
	return append(out, s[last:]...)
}

// envelopeSafe reports whether s reads back unchanged from the envelope's
// XML: valid UTF-8 without control characters, U+FFFE or U+FFFF.
func envelopeSafe(s string) bool {
	for i, r := range s {
		switch {
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return false
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
	}
	return true
}
