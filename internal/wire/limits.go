package wire

import (
	"bytes"
	"strconv"
)

// Parse limits. WeChat's pushes are flat and small: the deepest documented
// ones (MASSSENDJOBFINISH's CopyrightCheckResult>ResultList>item>ArticleIdx,
// the menu pictures' SendPicsInfo>PicList>item>PicMd5Sum) nest five deep,
// root included, and the largest (a mass send of eight articles) holds
// about 300 tokens and no attributes. A push past a limit is refused with
// an error of kind KindTooComplex before encoding/xml reads it, so that a
// body nested 100,000 deep or holding 100,000 attributes costs microseconds
// rather than the hundreds of milliseconds encoding/xml would spend on it.
const (
	// MaxDepth is how deeply elements may nest, the root counting as 1:
	// three times the deepest documented push.
	MaxDepth = 16
	// MaxTokens is how many start tags (empty-element tags included),
	// CDATA sections, comments, processing instructions (the XML
	// declaration included) and directives a push may hold up to the end
	// of its root element: more than ten times the largest documented
	// push.
	MaxTokens = 4096
	// MaxAttrs is how many attributes all the start tags of a push may
	// hold together. WeChat sends none.
	MaxAttrs = 256
)

// limitCounter counts what the limits bound, as the body is read in
// document order.
type limitCounter struct {
	depth  int // elements open
	tokens int
	attrs  int
}

// over returns the limit the counts have passed, as an error detail, or "".
// deepest is the depth of the element just read.
func (c *limitCounter) over(deepest int) string {
	if deepest <= MaxDepth && c.tokens <= MaxTokens && c.attrs <= MaxAttrs {
		return ""
	}
	switch {
	case deepest > MaxDepth:
		return "elements nest deeper than " + strconv.Itoa(MaxDepth)
	case c.tokens > MaxTokens:
		return "more than " + strconv.Itoa(MaxTokens) + " tokens"
	case c.attrs > MaxAttrs:
		return "more than " + strconv.Itoa(MaxAttrs) + " attributes"
	}
	return ""
}

// CheckLimits returns an error of kind KindTooComplex when body (after
// Trim) passes one of the limits before the end of its root element, and
// nil otherwise. It reads the markup as encoding/xml does (start and end
// tags, quoted attribute values, CDATA, comments, processing instructions
// and directives) without checking it: a body that is not well-formed is
// left for encoding/xml to refuse, unless it passes a limit first. Within a
// start tag it counts an attribute at each '=' outside quotes, so a tag
// holding too many attributes is refused without reading the rest of it.
//
// Scan applies the same limits in the same order, so that whatever Scan
// takes is within them.
func CheckLimits(body []byte) error {
	b := Trim(body)
	var c limitCounter
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return nil
		}
		i += j
		rest := b[i:]
		var end int // where the construct ends, relative to rest; -1 if it does not
		deepest := 0
		next := byte(0)
		if len(rest) > 1 {
			next = rest[1]
		}
		switch {
		case next == '/':
			c.depth--
			if c.depth <= 0 {
				// The end of the root (or an end tag before it,
				// which encoding/xml refuses): nothing after it is
				// read.
				return nil
			}
			end = bytes.IndexByte(rest, '>')
		case next == '?':
			c.tokens++
			end = indexAfter(rest, 2, "?>")
		case next == '!':
			c.tokens++
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				end = indexAfter(rest, 4, "-->")
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				end = indexAfter(rest, 9, "]]>")
			default:
				end = directiveEnd(rest)
			}
		default:
			c.tokens++
			var empty, ok bool
			end, empty, ok = c.startTag(rest)
			if !ok {
				return errorf(ErrTooComplex, c.over(c.depth+1))
			}
			deepest = c.depth + 1
			if !empty {
				c.depth++
			}
		}
		if over := c.over(deepest); over != "" {
			return errorf(ErrTooComplex, over)
		}
		if end < 0 || deepest > 0 && c.depth == 0 {
			// An unterminated construct, which encoding/xml refuses,
			// or an empty root element (<xml/>), which ends the
			// document.
			return nil
		}
		i += end + 1
	}
}

// startTag reads the start tag at the start of b, counting its attributes,
// and returns the index of its '>' (-1 if there is none) and whether it is
// an empty-element tag. ok is false as soon as the attributes pass
// MaxAttrs.
func (c *limitCounter) startTag(b []byte) (end int, empty, ok bool) {
	last := byte(0) // the last byte outside quotes other than white space
	for i := 1; i < len(b); i++ {
		switch ch := b[i]; ch {
		case '"', '\'':
			j := bytes.IndexByte(b[i+1:], ch)
			if j < 0 {
				return -1, false, true
			}
			i += j + 1
			last = ch
		case '=':
			c.attrs++
			if c.attrs > MaxAttrs {
				return 0, false, false
			}
			last = ch
		case '>':
			return i, last == '/', true
		case ' ', '\t', '\r', '\n':
		default:
			last = ch
		}
	}
	return -1, false, true
}

// indexAfter returns the index of the last byte of the first sep in b at or
// after from, or -1.
func indexAfter(b []byte, from int, sep string) int {
	j := bytes.Index(b[from:], []byte(sep))
	if j < 0 {
		return -1
	}
	return from + j + len(sep) - 1
}

// directiveEnd returns the index of the '>' that ends the directive (such as
// <!DOCTYPE …>) at the start of b, or -1. As in encoding/xml, angle
// brackets nest, quoted ones do not count, and comments inside are skipped.
func directiveEnd(b []byte) int {
	var quote byte
	depth := 0
	for i := 2; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			if depth == 0 {
				return i
			}
			depth--
		case c == '<':
			if bytes.HasPrefix(b[i:], []byte("<!--")) {
				j := indexAfter(b, i+4, "-->")
				if j < 0 {
					return -1
				}
				i = j
				continue
			}
			depth++
		}
	}
	return -1
}
