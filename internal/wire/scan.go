package wire

import (
	"bytes"
	"math"
	"sync"
)

// The fast path reads the XML WeChat actually sends: one <xml> root holding
// elements with plain ASCII names, no attributes, and text or CDATA inside.
// Scan turns such a body into a flat list of tokens in one pass and checks,
// on the way, everything encoding/xml would check in the part of the body
// encoding/xml reads (tags that match, characters XML allows, valid UTF-8,
// entities, "]]>" outside CDATA). It never reports an error: whatever it
// does not take (comments, processing instructions, a DOCTYPE, attributes,
// name spaces, white space inside tags, another root) it leaves to
// encoding/xml, which decides, errors included. A body past a parse limit
// (MaxDepth, MaxTokens, MaxAttrs) it leaves too, as soon as it gets there:
// CheckLimits, which the fallback runs first, refuses it just as fast. The differential
// fuzz tests hold it to that: whenever Scan and the decoder accept a body,
// encoding/xml accepts it too and gives the same values.

// maxPooledTokens bounds the token list a pooled Doc keeps, so that one
// huge push does not pin its memory in the pool. It is the most tokens a
// push within MaxTokens can have (text between each two of them), so that
// a push at the limit, or a hostile one that Scan leaves there, does not
// allocate a new list each time.
const maxPooledTokens = 2*MaxTokens + 2

// maxPooledBytes bounds each byte buffer a pooled Doc keeps.
const maxPooledBytes = 64 << 10

// Kinds of token.
const (
	tokElement = iota // an element: name in body[start:end]
	tokText           // character data: raw text or CDATA content in body[start:end]
)

// Flags of a text token.
const (
	textCDATA  = 1 << iota // CDATA content: taken as is but for line ends
	textEntity             // raw text holding at least one entity reference
	textCR                 // holds a carriage return, which XML reads as a line feed
)

// token is one element or one run of character data of a scanned body.
type token struct {
	start, end int32 // span in Doc.body: the element's name, or the text
	next       int32 // an element's next sibling: the index after its last descendant
	kind       uint8
	flags      uint8
}

// Doc is a push the fast path has scanned. It holds tokens that point into
// the body; the values it decodes never do (every string is a copy). A Doc
// comes from a pool: call Release when done with it, and keep nothing that
// came from it except the values it decoded.
type Doc struct {
	body    []byte
	toks    []token
	scratch []byte // joined text of an element that has more than one piece
	// strs holds the text of the strings one Decode sets, joined: Decode
	// makes them substrings of one new string, one allocation instead of
	// one each.
	strs []byte
}

// docPool recycles Docs between calls. Nothing in a Doc outlives the call
// that got it: decoded strings are fresh copies.
var docPool = sync.Pool{New: func() any { return new(Doc) }}

// Scan scans body (after Trim) with the fast path. It returns false when
// body is outside what the fast path reads; the caller then decodes it with
// encoding/xml, which also finds every error. A Doc it returns must be
// released.
func Scan(body []byte) (*Doc, bool) {
	body = Trim(body)
	root := rootStart(body)
	if root < 0 || len(body) > math.MaxInt32 {
		return nil, false
	}
	d := docPool.Get().(*Doc)
	d.body = body
	if !d.scan(root, root > 0) {
		d.Release()
		return nil, false
	}
	return d, true
}

// rootStart returns where the root start tag "<xml>" is in body: at 0, or
// after an XML declaration of version 1.0 in UTF-8 written in one of the
// usual ways and white space. It returns -1 for anything else.
func rootStart(body []byte) int {
	const root = "<xml>"
	i := 0
	for _, decl := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<?xml version="1.0" encoding="utf-8"?>`,
		`<?xml version="1.0"?>`,
	} {
		if bytes.HasPrefix(body, []byte(decl)) {
			i = skipSpace(body, len(decl))
			break
		}
	}
	if !bytes.HasPrefix(body[i:], []byte(root)) {
		return -1
	}
	return i
}

// skipSpace returns the index of the first byte from b[i] on that is not
// XML white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// Release returns d to the pool. d must not be used afterwards.
func (d *Doc) Release() {
	d.body = nil
	if cap(d.toks) > maxPooledTokens {
		d.toks = nil
	}
	d.toks = d.toks[:0]
	if cap(d.scratch) > maxPooledBytes {
		d.scratch = nil
	}
	d.scratch = d.scratch[:0]
	if cap(d.strs) > maxPooledBytes {
		d.strs = nil
	}
	d.strs = d.strs[:0]
	docPool.Put(d)
}

// Body returns the scanned body: the input without surrounding white space
// or byte order mark. It is the caller's memory, not a copy.
func (d *Doc) Body() []byte { return d.body }

// scan fills d.toks from d.body, whose root element starts at root, after
// an XML declaration if decl is set. It stops at the root's end tag,
// ignoring anything after it as xml.Unmarshal does, and returns false for
// anything the fast path does not read.
func (d *Doc) scan(root int, decl bool) bool {
	toks, ok := scanTokens(d.body, root, decl, d.toks[:0])
	d.toks = toks
	return ok
}

// scanTokens appends the tokens of the root element that starts at b[root]
// to toks. It counts what CheckLimits counts, the XML declaration included
// when decl is set, and returns false past a limit.
func scanTokens(b []byte, root int, decl bool, toks []token) ([]token, bool) {
	var open [MaxDepth]int32 // the open elements, as indexes into toks
	depth := 0
	var limits limitCounter
	if decl {
		limits.tokens++
	}
	for i := root; i < len(b); {
		if b[i] != '<' {
			// Mostly the white space between elements: read that here,
			// and any other text with scanText.
			end := i
			for end < len(b) && (b[end] == ' ' || b[end] == '\n' || b[end] == '\t') {
				end++
			}
			var flags uint8
			if end == len(b) || b[end] != '<' {
				var ok bool
				end, flags, ok = scanText(b, end)
				if !ok || end == len(b) {
					// The body ends inside an element.
					return toks, false
				}
			}
			toks = append(toks, token{kind: tokText, flags: flags, start: int32(i), end: int32(end)})
			i = end
			continue
		}
		if i+1 == len(b) {
			return toks, false
		}
		switch c := b[i+1]; {
		case c == '/':
			if depth == 0 {
				return toks, false
			}
			t := &toks[open[depth-1]]
			name := b[t.start:t.end]
			// The end tag must repeat the open element's name: "</"
			// name, white space, ">".
			nameEnd := i + 2 + len(name)
			if nameEnd >= len(b) || string(b[i+2:nameEnd]) != string(name) {
				return toks, false
			}
			end := nameEnd
			if b[end] != '>' {
				end = skipSpace(b, end)
				if end == nameEnd && isNameByte(b[end]) || end == len(b) || b[end] != '>' {
					return toks, false
				}
			}
			t.next = int32(len(toks))
			depth--
			i = end + 1
			if depth == 0 {
				return toks, true
			}
		case c == '!':
			const cdataOpen = "<![CDATA["
			if !bytes.HasPrefix(b[i:], []byte(cdataOpen)) || depth == 0 {
				return toks, false
			}
			limits.tokens++
			start := i + len(cdataOpen)
			end, flags, ok := scanCDATA(b, start)
			if !ok || limits.tokens > MaxTokens {
				return toks, false
			}
			toks = append(toks, token{kind: tokText, flags: flags | textCDATA, start: int32(start), end: int32(end)})
			i = end + len("]]>")
		case isNameStart(c):
			nameEnd := scanName(b, i+1)
			limits.tokens++
			if depth == MaxDepth || limits.tokens > MaxTokens || depth == 0 && i != root || nameEnd == len(b) {
				return toks, false
			}
			idx := int32(len(toks))
			t := token{kind: tokElement, start: int32(i + 1), end: int32(nameEnd)}
			end, empty := nameEnd+1, false
			if b[nameEnd] != '>' {
				var ok bool
				end, empty, ok = scanAttrs(b, nameEnd, &limits)
				if !ok {
					return toks, false
				}
			}
			if empty {
				// <Name/> is an element with nothing in it.
				t.next = idx + 1
			} else {
				open[depth] = idx
				depth++
			}
			toks = append(toks, t)
			i = end
		default:
			return toks, false
		}
	}
	return toks, false
}

// scanAttrs checks the rest of a start tag from b[i], just after the
// element's name, and returns the index after its '>' and whether the tag
// was an empty-element tag ("/>"). Attributes are checked as encoding/xml
// checks them and otherwise ignored, as encoding/xml ignores them for every
// type the fast path fills. An attribute named xmlns, which would put
// elements in a name space, and attribute names with a ':' are left to
// encoding/xml, and so is a tag that takes the attributes past MaxAttrs
// (counted in limits).
func scanAttrs(b []byte, i int, limits *limitCounter) (end int, empty, ok bool) {
	for {
		j := skipSpace(b, i)
		if j >= len(b)-1 {
			return 0, false, false
		}
		switch b[j] {
		case '>':
			return j + 1, false, true
		case '/':
			return j + 2, true, b[j+1] == '>'
		}
		nameEnd := scanName(b, j)
		if j == i || nameEnd == j || string(b[j:nameEnd]) == "xmlns" {
			return 0, false, false
		}
		j = skipSpace(b, nameEnd)
		if j == len(b) || b[j] != '=' {
			return 0, false, false
		}
		j = skipSpace(b, j+1)
		if j == len(b) || b[j] != '"' && b[j] != '\'' {
			return 0, false, false
		}
		valueEnd, ok := scanAttrValue(b, j+1, b[j])
		limits.attrs++
		if !ok || limits.attrs > MaxAttrs {
			return 0, false, false
		}
		i = valueEnd + 1
	}
}

// isNameStart reports whether c may start an element name the fast path
// reads: an ASCII letter or underscore. (XML allows more; the rest goes to
// encoding/xml.)
func isNameStart(c byte) bool {
	// c|0x20 maps 'A'-'Z' onto 'a'-'z' and nothing else onto them.
	return 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_'
}

// isNameByte reports whether c may continue an element name the fast path
// reads. It leaves out ':', so that no name has a name space.
func isNameByte(c byte) bool {
	return isNameStart(c) || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// scanName returns the end of the name that starts at b[i], or i when there
// is none.
func scanName(b []byte, i int) int {
	if i >= len(b) || !isNameStart(b[i]) {
		return i
	}
	i++
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	return i
}
