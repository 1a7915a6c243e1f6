package msgcrypt

import (
	"bytes"
	"fmt"
)

// Limits of the scan that finds <Encrypt> in an encrypted push's body before
// anything is verified. WeChat's pushes are flat: the deepest (a job result
// in compatible mode, with its clear fields) nests five elements, root
// included, and the longest (a mass-send result listing eight articles)
// has about 300 tags. Past either limit the body is refused with ErrBody,
// so a forged body costs at most about a thousand steps of the scan.
const (
	// maxBodyDepth is how deep elements may nest, the root <xml> counting
	// as one.
	maxBodyDepth = 16
	// maxBodyTokens is how many tags (start, end or empty-element),
	// attributes and CDATA sections the body may hold.
	maxBodyTokens = 1024
	// maxDeclLen bounds the XML declaration (<?xml version="1.0" …?>) that
	// may precede the root.
	maxDeclLen = 256
)

// Why scanBody refuses a body. They are built once, so that refusing a
// forged push costs no allocation.
var (
	errBodyNotXML     = fmt.Errorf("%w: not an <xml> document", ErrBody)
	errBodyUnusual    = fmt.Errorf("%w: comment, processing instruction, DOCTYPE, or attribute on <xml> or <Encrypt>", ErrBody)
	errBodyComplex    = fmt.Errorf("%w: nested deeper than %d elements or more than %d tags", ErrBody, maxBodyDepth, maxBodyTokens)
	errBodyNoEncrypt  = fmt.Errorf("%w: no <Encrypt> element", ErrBody)
	errBodyTwoEncrypt = fmt.Errorf("%w: more than one <Encrypt> element", ErrBody)
	errBodyEncrypt    = fmt.Errorf("%w: <Encrypt> holds markup, an entity or a carriage return", ErrBody)
)

// outerBody is what Open reads of an encrypted push's body before checking
// its signature.
type outerBody struct {
	// encrypt is the text of the root's <Encrypt> child, a slice of the
	// body, with no carriage return, nor entity when outside CDATA: the
	// text as XML reads it. It should be base64; the decoder checks that
	// once the signature has matched.
	encrypt []byte
	// msgType reports whether the root has a <MsgType> child, which only
	// the compatible mode sends beside <Encrypt>.
	msgType bool
}

// scanBody finds the <Encrypt> child of the root of an encrypted push's
// body in one pass, without allocating and without decoding anything but
// the structure: it skips the text of every other element (a quick search
// for the next '<', or for the end of a CDATA section) and never looks at
// what the clear fields of the compatible mode say. The body's signature is
// not yet checked, so the scan is bounded and refuses anything a push from
// WeChat never holds:
//
//   - before the root, only a UTF-8 byte order mark, white space and an XML
//     declaration; after it, only white space;
//   - the root is <xml>; element names are ASCII letters, digits, '_',
//     '-' and '.'; end tags match their start tags; neither the root nor
//     <Encrypt> has attributes (others' are skipped);
//   - no comment, processing instruction or DOCTYPE;
//   - at most maxBodyDepth levels, and maxBodyTokens tags, attributes and
//     CDATA sections;
//   - exactly one <Encrypt> child of the root, holding text, bare or in one
//     CDATA section, without a carriage return or an entity: text that
//     XML reads as written, so that the signature is checked over what
//     encoding/xml would find. Whether it is base64 is the decoder's
//     check, after the signature's.
//
// Where the scan accepts a body, encoding/xml either refuses it too (the
// clear fields' text is not checked) or reads the same Encrypt from it.
// Errors wrap ErrBody and never quote the body.
func scanBody(b []byte) (outerBody, error) {
	var out outerBody
	i, ok := skipProlog(b)
	if !ok {
		return out, errBodyUnusual
	}
	// The root start tag, with no attribute.
	switch rest := b[i:]; {
	case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("<?")):
		return out, errBodyUnusual // a DOCTYPE, a comment, a stray instruction
	case !bytes.HasPrefix(rest, []byte("<xml")), len(rest) > 4 && isNameByte(rest[4]): // <msg>, <xmlfoo>
		return out, errBodyNotXML
	}
	i = skipSpace(b, i+len("<xml"))
	switch {
	case i >= len(b):
		return out, errBodyNotXML
	case b[i] == '/': // <xml/>: nothing inside
		return out, errBodyNoEncrypt
	case b[i] != '>':
		return out, errBodyUnusual
	}
	i++

	// open holds the names of the open elements below the root.
	var open [maxBodyDepth - 1][]byte
	depth, tokens := 0, 1 // the root's start tag
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return out, errBodyNotXML // the root never ends
		}
		i += j
		if tokens++; tokens > maxBodyTokens {
			return out, errBodyComplex
		}
		switch {
		case bytes.HasPrefix(b[i:], []byte(cdataStart)):
			end := bytes.Index(b[i+len(cdataStart):], []byte(cdataEnd))
			if end < 0 {
				return out, errBodyNotXML
			}
			i += len(cdataStart) + end + len(cdataEnd)

		case i+1 < len(b) && b[i+1] == '/':
			name, k, ok := endTag(b, i)
			if !ok {
				return out, errBodyNotXML
			}
			if depth == 0 { // the end of the root
				if string(name) != "xml" || skipSpace(b, k) != len(b) {
					return out, errBodyNotXML
				}
				if out.encrypt == nil {
					return out, errBodyNoEncrypt
				}
				return out, nil
			}
			if !bytes.Equal(name, open[depth-1]) {
				return out, errBodyNotXML
			}
			depth--
			i = k

		case i+1 < len(b) && (b[i+1] == '!' || b[i+1] == '?'):
			return out, errBodyUnusual

		default:
			name, k, attrs, empty, err := startTag(b, i)
			if err != nil {
				return out, err
			}
			if tokens += attrs; tokens > maxBodyTokens {
				return out, errBodyComplex
			}
			i = k
			if depth == 0 {
				switch string(name) {
				case "Encrypt":
					switch {
					case attrs > 0:
						return out, errBodyUnusual
					case out.encrypt != nil:
						return out, errBodyTwoEncrypt
					case empty:
						return out, errBodyNoEncrypt
					}
					var n int
					if out.encrypt, i, n, err = encryptText(b, i); err != nil {
						return out, err
					}
					tokens += n
					continue
				case "MsgType":
					out.msgType = true
				}
			}
			if empty {
				continue
			}
			if depth == len(open) {
				return out, errBodyComplex
			}
			open[depth] = name
			depth++
		}
	}
}

// skipProlog returns where the root element should start in b: after a
// UTF-8 byte order mark, white space, and an XML declaration followed by
// white space. It reports false for a declaration that does not end within
// maxDeclLen bytes.
func skipProlog(b []byte) (int, bool) {
	i := 0
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	i = skipSpace(b, i)
	if rest := b[i:]; bytes.HasPrefix(rest, []byte("<?xml")) && len(rest) > 5 && isSpace(rest[5]) {
		end := bytes.Index(rest[:min(len(rest), maxDeclLen)], []byte("?>"))
		if end < 0 {
			return i, false
		}
		i = skipSpace(b, i+end+len("?>"))
	}
	return i, true
}

// startTag reads the start tag at b[i] ('<' followed by anything but '/',
// '!' or '?'). It returns the element's name, the index after the tag, how
// many attributes it has, and whether it was an empty-element tag
// (<Name/>). Attributes are skipped, not decoded: no push from WeChat is
// known to have any, but the compatible mode repeats a push in clear, and a
// future one might.
func startTag(b []byte, i int) (name []byte, next, attrs int, empty bool, err error) {
	k := scanName(b, i+1)
	if k == i+1 {
		return nil, 0, 0, false, errBodyNotXML
	}
	name = b[i+1 : k]
	for {
		j := skipSpace(b, k)
		switch {
		case j >= len(b):
			return nil, 0, 0, false, errBodyNotXML
		case b[j] == '>':
			return name, j + 1, attrs, false, nil
		case b[j] == '/':
			if j+1 < len(b) && b[j+1] == '>' {
				return name, j + 2, attrs, true, nil
			}
			return nil, 0, 0, false, errBodyNotXML
		case j == k: // no white space before an attribute
			return nil, 0, 0, false, errBodyNotXML
		}
		if k = skipAttr(b, j); k < 0 {
			return nil, 0, 0, false, errBodyNotXML
		}
		attrs++
	}
}

// skipAttr returns the index after the attribute starting at b[i]
// (name="value" or name='value', with optional white space around the '='),
// or -1 if there is none. The name may hold a namespace prefix; the value
// may not hold '<'.
func skipAttr(b []byte, i int) int {
	k := scanName(b, i)
	if k == i {
		return -1
	}
	for k < len(b) && (isNameByte(b[k]) || b[k] == ':') {
		k++
	}
	k = skipSpace(b, k)
	if k >= len(b) || b[k] != '=' {
		return -1
	}
	k = skipSpace(b, k+1)
	if k >= len(b) || b[k] != '"' && b[k] != '\'' {
		return -1
	}
	end := bytes.IndexByte(b[k+1:], b[k])
	if end < 0 || bytes.IndexByte(b[k+1:k+1+end], '<') >= 0 {
		return -1
	}
	return k + 1 + end + 1
}

// endTag reads the end tag at b[i] ("</"). It returns the name, the index
// after the tag, and false if the tag is malformed.
func endTag(b []byte, i int) (name []byte, next int, ok bool) {
	k := scanName(b, i+2)
	if k == i+2 {
		return nil, 0, false
	}
	name = b[i+2 : k]
	k = skipSpace(b, k)
	if k >= len(b) || b[k] != '>' {
		return nil, 0, false
	}
	return name, k + 1, true
}

// encryptText reads the content and end tag of the <Encrypt> element whose
// start tag ends at b[i]: base64 text, bare or in one CDATA section, and
// nothing else. It returns the text, the index after the end tag, and how
// many tokens (CDATA section and end tag) it read.
func encryptText(b []byte, i int) (text []byte, next, tokens int, err error) {
	rest := b[i:]
	if bytes.HasPrefix(rest, []byte(cdataStart)) {
		rest = rest[len(cdataStart):]
		end := bytes.Index(rest, []byte(cdataEnd))
		if end < 0 {
			return nil, 0, 0, errBodyNotXML
		}
		text, rest = rest[:end], rest[end+len(cdataEnd):]
		tokens++
	} else {
		end := bytes.IndexByte(rest, '<')
		if end < 0 {
			return nil, 0, 0, errBodyNotXML
		}
		text, rest = rest[:end], rest[end:]
	}
	if !bytes.HasPrefix(rest, []byte("</")) {
		return nil, 0, 0, errBodyEncrypt // more than one piece of content
	}
	name, k, ok := endTag(b, len(b)-len(rest))
	if !ok || string(name) != "Encrypt" {
		return nil, 0, 0, errBodyNotXML
	}
	switch {
	case len(text) == 0:
		return nil, 0, 0, errBodyNoEncrypt
	case bytes.IndexByte(text, '\r') >= 0, tokens == 0 && bytes.IndexByte(text, '&') >= 0:
		// XML reads a CR as LF and an entity as what it stands for: the
		// text signed would not be the text written.
		return nil, 0, 0, errBodyEncrypt
	}
	return text, k, tokens + 1, nil
}

// scanName returns the index after the element name starting at b[i], or i
// if none starts there.
func scanName(b []byte, i int) int {
	if i >= len(b) || !isNameStart(b[i]) {
		return i
	}
	for i++; i < len(b) && isNameByte(b[i]); i++ {
	}
	return i
}

func isNameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || '0' <= c && c <= '9' || c == '-' || c == '.'
}

// skipSpace returns the index of the first byte from b[i] on that is not
// XML white space (space, tab, CR, LF).
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
