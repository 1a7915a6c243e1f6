package msgcrypt

import (
	"encoding/xml"
	"fmt"
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
func (e *Envelope) Marshal() ([]byte, error) {
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
