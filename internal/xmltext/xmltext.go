// Package xmltext writes text into WeChat's XML the way WeChat writes it,
// and finds characters XML cannot carry. Package reply uses it for replies,
// msgcrypt for the encrypted reply's envelope and wxmptest for the pushes it
// builds, so all follow one rule.
//
// [Text] (with [Wrap]) is the rule as a field type for encoding/xml;
// [Append] writes the same bytes into a []byte for code that writes XML
// without encoding/xml, and [Len] says beforehand how many. A writer whose
// field is always one form uses [AppendCDATA] with [CDATALen], or
// [AppendEscaped] with [EscapedLen].
package xmltext

import (
	"strings"
	"unicode/utf8"
)

// Text is a text element for encoding/xml. Text goes out as a CDATA
// section, which is how WeChat writes and documents its XML; encoding/xml
// splits a "]]>" inside it into two sections, so any text stays
// well-formed.
//
// CDATA cannot carry a carriage return: XML parsers turn CR and CRLF into
// LF before parsing (XML 1.0 §2.11), inside CDATA too. Text with a CR is
// therefore written as escaped character data instead (CR becomes "&#xD;"),
// which every XML parser reads back exactly. Only one of the two fields is
// ever set.
type Text struct {
	CDATA   string `xml:",cdata"`
	Escaped string `xml:",chardata"`
}

// Wrap returns s as a Text for the wire.
func Wrap(s string) Text {
	if escapes(s) {
		return Text{Escaped: s}
	}
	return Text{CDATA: s}
}

// escapes reports whether s goes out as escaped character data rather
// than CDATA (see [Text]).
func escapes(s string) bool {
	return strings.IndexByte(s, '\r') >= 0
}

// InvalidCharAt returns the byte offset of the first invalid UTF-8 sequence
// or character outside XML 1.0's Char production in s (control characters
// other than tab, LF and CR; U+FFFE and U+FFFF), or -1 if there is none.
func InvalidCharAt(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			return i
		}
		i += size
	}
	return -1
}

// isXMLChar reports whether r is in XML 1.0's Char production (for runes
// from U+0080 up; valid UTF-8 never holds surrogates).
func isXMLChar(r rune) bool {
	return r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
}
