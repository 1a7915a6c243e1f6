package xmltext

import (
	"strings"
	"unicode/utf8"
)

// The pieces encoding/xml writes around and inside a CDATA section: a "]]>"
// in the text ends the section after "]]" and starts a new one before ">".
const (
	cdataStart = "<![CDATA["
	cdataEnd   = "]]>"
	cdataSplit = "]]]]><![CDATA[>"
)

// Append appends s to dst exactly as encoding/xml writes Wrap(s) inside an
// element: as a CDATA section ([AppendCDATA]), or, when s holds a CR, as
// escaped character data ([AppendEscaped]). It writes nothing for "".
// Append does not check s; callers reject what [InvalidCharAt] finds
// first.
func Append(dst []byte, s string) []byte {
	if escapes(s) {
		return AppendEscaped(dst, s)
	}
	return AppendCDATA(dst, s)
}

// Len returns how many bytes Append(dst, s) appends, so that a writer can
// allocate its output once.
func Len(s string) int {
	if escapes(s) {
		return EscapedLen(s)
	}
	return CDATALen(s)
}

// AppendCDATA appends s to dst as encoding/xml writes a string field tagged
// ",cdata": nothing for "", otherwise "<![CDATA[" s "]]>" with every "]]>"
// in s split across two sections ("]]]]><![CDATA[>"). The bytes of s are
// copied as they are, whatever they hold.
func AppendCDATA(dst []byte, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, cdataStart...)
	for {
		i := strings.Index(s, cdataEnd)
		if i < 0 {
			break
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, cdataSplit...)
		s = s[i+len(cdataEnd):]
	}
	dst = append(dst, s...)
	return append(dst, cdataEnd...)
}

// CDATALen returns how many bytes AppendCDATA(dst, s) appends: 0 for "",
// otherwise len(s) plus the section's start and end, plus 12 more for each
// "]]>" in s.
func CDATALen(s string) int {
	if s == "" {
		return 0
	}
	// A "]]>" cannot overlap another, so Count finds the same ones as
	// AppendCDATA's left-to-right search.
	return len(cdataStart) + len(s) + len(cdataEnd) +
		strings.Count(s, cdataEnd)*(len(cdataSplit)-len(cdataEnd))
}

// AppendEscaped appends s to dst as encoding/xml's EscapeText writes it:
// & < > " ' become "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"; tab, LF and CR
// become "&#x9;", "&#xA;", "&#xD;"; invalid UTF-8 and characters outside
// XML's Char production (see [InvalidCharAt]) become U+FFFD, one per
// invalid byte or character.
func AppendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		if plain(s[i]) {
			i++
			continue
		}
		esc, width := escapeAt(s, i)
		if esc == "" {
			i += width
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		i += width
		last = i
	}
	return append(dst, s[last:]...)
}

// EscapedLen returns how many bytes AppendEscaped(dst, s) appends. It walks
// s as AppendEscaped does, so it costs about as much.
func EscapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); {
		if plain(s[i]) {
			i++
			continue
		}
		esc, width := escapeAt(s, i)
		if esc != "" {
			n += len(esc) - width
		}
		i += width
	}
	return n
}

// plain reports whether c is an ASCII character that AppendEscaped writes
// as it is. It is small enough to inline, so the loops above step over
// plain text without calling escapeAt for each byte.
func plain(c byte) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '\''
}

// escapeAt returns what AppendEscaped writes for the character at s[i] and
// how many bytes of s it takes; esc is "" for a character written as it is.
func escapeAt(s string, i int) (esc string, width int) {
	c := s[i]
	if c >= utf8.RuneSelf {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			return "\uFFFD", size
		}
		return "", size
	}
	switch c {
	case '&':
		return "&amp;", 1
	case '<':
		return "&lt;", 1
	case '>':
		return "&gt;", 1
	case '"':
		return "&#34;", 1
	case '\'':
		return "&#39;", 1
	case '\t':
		return "&#x9;", 1
	case '\n':
		return "&#xA;", 1
	case '\r':
		return "&#xD;", 1
	}
	if c < 0x20 {
		return "\uFFFD", 1
	}
	return "", 1
}
