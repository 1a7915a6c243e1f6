package wire

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// Character data, checked and decoded the way encoding/xml does it (see its
// Decoder.text): raw text runs to the next '<' and may hold the five
// predefined entities and character references; CDATA runs to the first
// "]]>" and is taken as is. In both, CR LF and a lone CR read as LF, and
// every character, after entities are replaced, must be valid UTF-8 in
// XML's Char production. Raw text must not hold "]]>".

// scanText checks the raw text that starts at b[i] and returns where it
// ends (at the next '<', or len(b)) and its flags. ok is false when
// encoding/xml would reject the text, or when it holds an entity the fast
// path does not read (encoding/xml rejects those too without a custom
// entity map, but the fast path leaves the verdict to it).
func scanText(b []byte, i int) (end int, flags uint8, ok bool) {
	return scanChars(b, i, 0)
}

// scanAttrValue checks an attribute value that starts at b[i], after its
// opening quote, and returns the index of the closing quote.
func scanAttrValue(b []byte, i int, quote byte) (end int, ok bool) {
	end, _, ok = scanChars(b, i, quote)
	return end, ok && end < len(b)
}

// scanChars is scanText when quote is 0, and reads a quoted attribute value
// up to quote otherwise: there '<' is an error and "]]>" is allowed.
func scanChars(b []byte, i int, quote byte) (end int, flags uint8, ok bool) {
	for i < len(b) {
		c := b[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '&' && c != ']' && c != quote {
			i++
			continue
		}
		switch {
		case c == quote && quote != 0:
			return i, flags, true
		case c == '<':
			if quote != 0 {
				return 0, 0, false
			}
			return i, flags, true
		case c == '&':
			_, n := entityAt(b[i:])
			if n == 0 {
				return 0, 0, false
			}
			flags |= textEntity
			i += n
		case c == ']':
			if quote == 0 && bytes.HasPrefix(b[i:], []byte("]]>")) {
				return 0, 0, false
			}
			i++
		case c >= utf8.RuneSelf:
			n := charLen(b[i:])
			if n == 0 {
				return 0, 0, false
			}
			i += n
		case c == '\r':
			flags |= textCR
			i++
		case c == '\n' || c == '\t':
			i++
		default: // another control character
			return 0, 0, false
		}
	}
	return i, flags, true
}

// scanCDATA checks the content of the CDATA section that starts at b[i],
// after "<![CDATA[", and returns where it ends (at the "]]>" that closes it)
// and its flags.
func scanCDATA(b []byte, i int) (end int, flags uint8, ok bool) {
	for i < len(b) {
		// Eight bytes at a time while they are all printable ASCII
		// other than ']': the base64 of an encrypted push is that
		// and nothing else. Any other byte goes to the switch below.
		for i+8 <= len(b) && plainCDATA8(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == ']':
			if bytes.HasPrefix(b[i:], []byte("]]>")) {
				return i, flags, true
			}
			i++
		case c >= 0x20 && c < utf8.RuneSelf || c == '\n' || c == '\t':
			i++
		case c == '\r':
			flags |= textCR
			i++
		case c >= utf8.RuneSelf:
			n := charLen(b[i:])
			if n == 0 {
				return 0, 0, false
			}
			i += n
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// plainCDATA8 reports whether the eight bytes packed in x are all in
// 0x20–0x7F and none is ']'. It uses the usual word-at-a-time tests: a
// byte below n shows as a high bit in (x - n·0x01…) &^ x once every byte
// is below 0x80, and a byte equal to c as a zero byte of x ^ c·0x01….
func plainCDATA8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	if x&highs != 0 {
		return false
	}
	if (x-0x20*ones)&^x&highs != 0 {
		return false
	}
	y := x ^ (']' * ones)
	return (y-ones)&^y&highs == 0
}

// charLen returns the length of the UTF-8 sequence at the start of b, which
// starts with a byte of at least 0x80, or 0 when it is not valid UTF-8 or
// not an XML character (U+FFFE, U+FFFF; valid UTF-8 never holds a
// surrogate).
func charLen(b []byte) int {
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
		return 0
	}
	return n
}

// isXMLChar reports whether r is in XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}

// entityAt reads the entity reference at the start of b (which starts with
// '&') and returns the character it stands for and its length. n is 0 when
// the reference is not one encoding/xml turns into an allowed character:
// the five predefined entities, "&#" decimal digits ";" and "&#x" hex
// digits ";" (a lowercase x only) of at most U+10FFFF.
func entityAt(b []byte) (r rune, n int) {
	switch {
	case bytes.HasPrefix(b, []byte("&lt;")):
		return '<', 4
	case bytes.HasPrefix(b, []byte("&gt;")):
		return '>', 4
	case bytes.HasPrefix(b, []byte("&amp;")):
		return '&', 5
	case bytes.HasPrefix(b, []byte("&apos;")):
		return '\'', 6
	case bytes.HasPrefix(b, []byte("&quot;")):
		return '"', 6
	case !bytes.HasPrefix(b, []byte("&#")):
		return 0, 0
	}
	i, base := 2, 10
	if i < len(b) && b[i] == 'x' {
		i, base = 3, 16
	}
	start := i
	for i < len(b) && isDigit(b[i], base) {
		i++
	}
	if i == len(b) || b[i] != ';' {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(b[start:i]), base, 64)
	if err != nil || v > utf8.MaxRune {
		return 0, 0
	}
	r = rune(v)
	if !utf8.ValidRune(r) {
		// encoding/xml writes string(rune(v)), which turns a surrogate
		// into U+FFFD.
		r = utf8.RuneError
	}
	if !isXMLChar(r) {
		return 0, 0
	}
	return r, i + 1
}

func isDigit(c byte, base int) bool {
	return '0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
}
