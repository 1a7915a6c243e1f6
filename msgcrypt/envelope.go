package msgcrypt

import (
	"encoding/xml"
	"fmt"
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

// cdata marshals its text as a CDATA section; encoding/xml splits the
// section where the text itself holds "]]>", so the XML stays valid.
type cdata struct {
	Text string `xml:",cdata"`
}

// envelopeXML is the wire shape of Envelope.
type envelopeXML struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

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
	out, err := xml.Marshal(envelopeXML{
		Encrypt:      cdata{e.Encrypt},
		MsgSignature: cdata{e.MsgSignature},
		TimeStamp:    e.TimeStamp,
		Nonce:        cdata{e.Nonce},
	})
	if err != nil { // encoding/xml does not fail on these string fields; kept so a change there cannot go unnoticed
		return nil, fmt.Errorf("msgcrypt: marshalling the envelope: %w", err)
	}
	return out, nil
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
