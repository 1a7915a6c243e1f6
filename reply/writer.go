package reply

import (
	"strconv"

	"github.com/wxmp/wxmp/internal/xmltext"
)

// Replies are written without encoding/xml, byte for byte as encoding/xml
// wrote this package's former wire structs (FuzzDifferential holds the two
// together): elements in order with no white space between them, text
// through xmltext.Append (CDATA, or escaped text when it holds a CR),
// numbers in decimal.
//
// Each reply type has an appendTo method, which alone decides the bytes,
// and a size method, which adds up the same pieces so that Marshal
// allocates its output once. A size that disagreed with appendTo would
// only cost an extra allocation, never change the output; the tests
// require len == cap for every reply they marshal.

// elemLen is the length appendElem adds.
func elemLen(name, s string) int {
	return len("<></>") + 2*len(name) + xmltext.Len(s)
}

// appendElem appends <name>s</name>, with s as text; an empty s gives an
// empty element.
func appendElem(b []byte, name, s string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = xmltext.Append(b, s)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// optionalLen is the length appendOptional adds.
func optionalLen(name, s string) int {
	if s == "" {
		return 0
	}
	return elemLen(name, s)
}

// appendOptional appends <name>s</name>, or nothing when s is "".
func appendOptional(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendElem(b, name, s)
}

// intLen is the length of i in decimal.
func intLen(i int64) int {
	var digits [20]byte // any int64, sign included
	return len(strconv.AppendInt(digits[:0], i, 10))
}

// size is the length appendTo adds.
func (h *Header) size(msgType string) int {
	return len("<xml><CreateTime></CreateTime>") +
		elemLen("ToUserName", h.ToUserName) +
		elemLen("FromUserName", h.FromUserName) +
		intLen(h.CreateTime) +
		elemLen("MsgType", msgType)
}

// appendTo appends the start of a reply document: the root element's
// start tag and h with msgType. The caller appends the body and "</xml>".
func (h *Header) appendTo(b []byte, msgType string) []byte {
	b = append(b, "<xml>"...)
	b = appendElem(b, "ToUserName", h.ToUserName)
	b = appendElem(b, "FromUserName", h.FromUserName)
	b = append(b, "<CreateTime>"...)
	b = strconv.AppendInt(b, h.CreateTime, 10)
	b = append(b, "</CreateTime>"...)
	return appendElem(b, "MsgType", msgType)
}
