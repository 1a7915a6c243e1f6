// Package wiretest helps the tests that hold the fast XML path of package
// wire to encoding/xml: it makes edge-case variants of a push to seed their
// fuzz targets, builds pushes from fuzz input out of the element names a
// type uses, and lists the struct types a value reaches so that each can be
// decoded both ways. Only tests import it.
package wiretest

import (
	"bytes"
	"reflect"
	"strings"
)

// Variants returns variants of push, a WeChat XML push with an <xml> root,
// that sit on the edges of what the fast path reads: text split across
// CDATA sections, entities and character references, carriage returns, a
// byte order mark, XML declarations, attributes, name spaces, comments,
// unknown and nested elements, repeated fields, padded and bad numbers,
// empty elements, anything after the root, truncation, invalid UTF-8 and
// characters XML does not allow. Many of them are errors for encoding/xml;
// the rest are not.
func Variants(push []byte) [][]byte {
	p := bytes.TrimSpace(push)
	if !bytes.HasPrefix(p, []byte("<xml>")) || !bytes.HasSuffix(p, []byte("</xml>")) {
		return nil
	}
	inner := p[len("<xml>") : len(p)-len("</xml>")]
	wrap := func(parts ...string) []byte {
		var b bytes.Buffer
		for _, s := range parts {
			b.WriteString(s)
		}
		return b.Bytes()
	}
	in := string(inner)
	var out [][]byte
	add := func(b []byte) { out = append(out, b) }
	// Where the push itself is made differently.
	add(wrap("\xef\xbb\xbf<xml>", in, "</xml>"))
	add(wrap(" \r\n\xef\xbb\xbf\t<xml>", in, "</xml>\r\n"))
	add(wrap(`<?xml version="1.0" encoding="UTF-8"?>`, "\n<xml>", in, "</xml>"))
	add(wrap(`<?xml version="1.0"?><xml>`, in, "</xml>"))
	add(wrap(`<?xml version="1.1"?><xml>`, in, "</xml>"))
	add(wrap(`<?xml version="1.0" encoding="GBK"?><xml>`, in, "</xml>"))
	add(wrap(`<!DOCTYPE xml><xml>`, in, "</xml>"))
	add(wrap("<!-- c --><xml>", in, "</xml>"))
	add(wrap("<xml><!-- c -->", in, "</xml>"))
	add(wrap("<xml><?pi x?>", in, "</xml>"))
	add(wrap("<xml >", in, "</xml >"))
	add(wrap(`<xml a="1">`, in, "</xml>"))
	add(wrap(`<xml xmlns="urn:x">`, in, "</xml>"))
	add(wrap(`<w:xml xmlns:w="urn:x">`, in, "</w:xml>"))
	add(wrap("<XML>", in, "</XML>"))
	add(wrap("<root>", in, "</root>"))
	add(wrap("<xml>", in, "</xml>trailing <garbage & ]]>"))
	add(wrap("<xml>", in, "</xml><xml></xml>"))
	add(wrap("<xml>", in, "</xml"))
	add(wrap("<xml>", in))
	add(wrap("<xml>", in, "</xml2>"))
	add(wrap("<xml>", in, "<Extra><Nested a='1' b=\"2\">x</Nested><Empty/></Extra></xml>"))
	add(wrap("<xml>", in, "<Extra xmlns='urn:y'><y:Nested xmlns:y='urn:z'/></Extra></xml>"))
	add(wrap("<xml>", in, "<Extra><a><b><c><d><e><f>deep</f></e></d></c></b></a></Extra></xml>"))
	// Around the parse limits (wire.MaxDepth 16, MaxAttrs 256), which
	// this package cannot import: nested 16 and 17 deep, and 256 and 257
	// attributes.
	add(wrap("<xml>", in, strings.Repeat("<a>", 15), strings.Repeat("</a>", 15), "</xml>"))
	add(wrap("<xml>", in, strings.Repeat("<a>", 16), strings.Repeat("</a>", 16), "</xml>"))
	add(wrap("<xml>", in, "<a", strings.Repeat(" b=''", 256), "/></xml>"))
	add(wrap("<xml>", in, "<a", strings.Repeat(" b=''", 257), "/></xml>"))
	add(wrap("<xml>text before", in, "text after</xml>"))
	add(wrap("<xml>]]>", in, "</xml>"))
	add(wrap("<xml>\x00", in, "</xml>"))
	add(wrap("<xml>&bogus;", in, "</xml>"))
	add(wrap("<xml>&#0;", in, "</xml>"))
	// Halves of the push.
	add(p[:len(p)/2])
	add(p[:len(p)-1])
	add(p[:len(p)-len("</xml>")])
	// Every element's text edited in the same way, for each edit.
	edits := []func(text string) string{
		func(s string) string { return "<![CDATA[" + s + "]]><![CDATA[" + s + "]]>" },
		func(s string) string { return "<![CDATA[" + s[:len(s)/2] + "]]>" + s[len(s)/2:] },
		func(s string) string { return " \n" + s + "\t " },
		func(s string) string { return "\r\n" + s + "\r" },
		func(s string) string { return "<![CDATA[\r" + s + "\r\n]]>" },
		func(s string) string { return s + "&amp;&lt;&gt;&apos;&quot;&#65;&#x42;&#x4e2D;&#128512;" },
		func(s string) string { return s + "&#xD;&#13;&#xA;&#9;" },
		func(s string) string { return s + "&#xD800;" },
		func(s string) string { return s + "&#xFFFE;" },
		func(s string) string { return s + "&#x110000;" },
		func(s string) string { return s + "&#X41;" },
		func(s string) string { return s + "&#;" },
		func(s string) string { return s + "&amp" },
		func(s string) string { return s + "\xef\xbf\xbe" }, // U+FFFE
		func(s string) string { return s + "\xef\xbf\xbd" }, // U+FFFD
		func(s string) string { return s + "\xff" },
		func(s string) string { return s + "\xed\xa0\x80" }, // an encoded surrogate
		func(s string) string { return s + "\x01" },
		func(s string) string { return s + "]]>" },
		func(s string) string { return s + "]]&gt;" },
		func(s string) string { return s + "<!-- c -->" },
		func(s string) string { return s + "<Child>c</Child>" },
		func(s string) string { return s + "<Child/>" },
		func(s string) string { return "" },
		func(s string) string { return "<![CDATA[]]>" },
		func(s string) string { return " " },
		func(s string) string { return "+" + s },
		func(s string) string { return "-" + s },
		func(s string) string { return s + "0" },
		func(s string) string { return "1e3" },
		func(s string) string { return "0x10" },
		func(s string) string { return "1_000" },
		func(s string) string { return "NaN" },
		func(s string) string { return "-Inf" },
		func(s string) string { return "true" },
		func(s string) string { return "\u00a0" + s + "\u0085" },
		func(s string) string { return "99999999999999999999" },
		func(s string) string { return "-9223372036854775808" },
		func(s string) string { return "4294967296" },
		func(s string) string { return "255" },
		func(s string) string { return "-129" },
	}
	for _, edit := range edits {
		add(editTexts(p, edit))
	}
	// Element-level changes.
	add(bytes.ReplaceAll(p, []byte("</"), []byte("</ ")))
	add(bytes.ReplaceAll(p, []byte("<![CDATA["), []byte("<![cdata[")))
	add(bytes.ReplaceAll(p, []byte("]]>"), []byte("]]")))
	add(replaceTags(p, func(name string) string { return name + " a=\"1\"" }, false))
	add(replaceTags(p, func(name string) string { return name + "\n" }, true))
	add(replaceTags(p, func(name string) string { return "w:" + name }, true))
	add(replaceTags(p, func(name string) string { return name + " a='<'" }, false))
	add(replaceTags(p, func(name string) string { return name + " a=1" }, false))
	add(replaceTags(p, func(name string) string { return name + " xmlns='urn:x'" }, false))
	add(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n")))
	add(bytes.ReplaceAll(p, []byte(">\n"), []byte(">")))
	// Every element repeated, so that the last one must win (or a slice
	// must grow).
	add(bytes.Replace(p, []byte("<xml>"), append([]byte("<xml>"), inner...), 1))
	return out
}

// editTexts returns push with the text inside every leaf element (one that
// holds no other element) replaced by edit(text).
func editTexts(push []byte, edit func(string) string) []byte {
	var out bytes.Buffer
	rest := push
	for {
		open := bytes.IndexByte(rest, '<')
		if open < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		closeTag := bytes.IndexByte(rest[open:], '>')
		if closeTag < 0 || rest[open+1] == '/' || rest[open+1] == '!' || rest[open+1] == '?' {
			n := open + 1
			if closeTag >= 0 {
				n = open + closeTag + 1
			}
			out.Write(rest[:n])
			rest = rest[n:]
			continue
		}
		tagEnd := open + closeTag + 1
		name := string(rest[open+1 : tagEnd-1])
		end := bytes.Index(rest[tagEnd:], []byte("</"+name+">"))
		if end < 0 || bytes.Contains(bytes.ReplaceAll(rest[tagEnd:tagEnd+end], []byte("<![CDATA["), nil), []byte("<")) {
			out.Write(rest[:tagEnd])
			rest = rest[tagEnd:]
			continue
		}
		text := string(rest[tagEnd : tagEnd+end])
		text = string(bytes.TrimSuffix(bytes.TrimPrefix([]byte(text), []byte("<![CDATA[")), []byte("]]>")))
		out.Write(rest[:tagEnd])
		out.WriteString(edit(text))
		rest = rest[tagEnd+end:]
	}
}

// replaceTags rewrites the name part of every start tag (and of every end
// tag too when ends is set) inside the root element.
func replaceTags(push []byte, rename func(string) string, ends bool) []byte {
	var out bytes.Buffer
	rest := push
	first := true
	for {
		open := bytes.IndexByte(rest, '<')
		if open < 0 || open+1 >= len(rest) {
			out.Write(rest)
			return out.Bytes()
		}
		closeTag := bytes.IndexByte(rest[open:], '>')
		if closeTag < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		tagEnd := open + closeTag
		out.Write(rest[:open+1])
		tag := string(rest[open+1 : tagEnd])
		switch {
		case first || tag == "/xml" || len(tag) == 0 || tag[0] == '!' || tag[0] == '?':
			out.WriteString(tag)
		case tag[0] == '/':
			if ends {
				tag = "/" + rename(tag[1:])
			}
			out.WriteString(tag)
		default:
			out.WriteString(rename(tag))
		}
		first = first && !(len(tag) > 0 && tag[0] != '!' && tag[0] != '?')
		out.WriteByte('>')
		rest = rest[tagEnd+1:]
	}
}

// StructTypes returns the struct types reachable from roots through
// fields, slice elements and embedded structs, each once, roots first.
func StructTypes(roots ...reflect.Type) []reflect.Type {
	seen := make(map[reflect.Type]bool)
	var out []reflect.Type
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() == "encoding/xml" {
			return
		}
		seen[t] = true
		out = append(out, t)
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	for _, t := range roots {
		walk(t)
	}
	return out
}

// Build turns data, arbitrary fuzz input, into a push with an <xml> root
// whose elements are named from names: each byte of data picks the next
// step (open an element, close one, an empty element, text, CDATA, one of
// words, a number-like text, an entity, white space, an attribute...) and
// the bytes after it its details. Open elements are closed at the end, so
// most results are well-formed and reach the decoder, which byte-level
// mutation alone rarely does; the text steps copy bytes of data as they
// are, so that invalid characters and markup still turn up.
func Build(data []byte, names, words []string) []byte {
	entities := []string{
		"&amp;", "&lt;", "&gt;", "&apos;", "&quot;", "&#65;", "&#x4E2D;", "&#x1F600;", "&#xD;", "&#13;",
		"&#xD800;", "&#0;", "&#xFFFE;", "&#x110000;", "&bogus;", "&amp", "&#;", "&#X41;", "]]>", "]]&gt;",
		"<!-- c -->", "<?pi x?>", "\xef\xbf\xbe", "\xff", "\x00", "\r\n", "\r",
	}
	spaces := []string{" ", "\n", "\t", "\r\n", "\n    ", "\u00a0", "\u0085"}
	numbers := []string{
		"0", "1", "-1", "+1", " 42 ", "\n7\n", "007", "1e3", "1.5", "-0", "NaN", "-Inf", "0x10", "1_000",
		"true", "false", "T", "f", "yes", "255", "256", "-128", "-129", "65535", "4294967296",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
		"99999999999999999999", "",
	}
	attrs := []string{`a="1"`, `b='x&amp;y'`, `c="]]>"`, `xmlns="urn:x"`, `w:a="1"`, `a=1`, `a="<"`, "\ta = \"1\"\n"}
	if len(names) == 0 {
		names = []string{"xml"}
	}
	words = append(words, numbers...)
	var b bytes.Buffer
	b.WriteString("<xml>")
	var open []string
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return int(c)
	}
	take := func(n int) []byte {
		n = min(n, len(data))
		s := data[:n]
		data = data[n:]
		return s
	}
	for len(data) > 0 {
		switch next() % 12 {
		case 0, 1, 2:
			name := names[next()%len(names)]
			b.WriteString("<" + name + ">")
			open = append(open, name)
		case 3, 4:
			if len(open) > 0 {
				b.WriteString("</" + open[len(open)-1] + ">")
				open = open[:len(open)-1]
			}
		case 5:
			b.WriteString("<" + names[next()%len(names)] + "/>")
		case 6:
			b.Write(take(next() % 16))
		case 7:
			b.WriteString("<![CDATA[")
			b.Write(take(next() % 16))
			b.WriteString("]]>")
		case 8:
			b.WriteString(words[next()%len(words)])
		case 9:
			b.WriteString(entities[next()%len(entities)])
		case 10:
			b.WriteString(spaces[next()%len(spaces)])
		case 11:
			name := names[next()%len(names)]
			b.WriteString("<" + name + " " + attrs[next()%len(attrs)] + ">")
			open = append(open, name)
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// Names lists the element names the `xml` tags of types use (each part of
// an a>b path, and field names for fields without a tag name), for Build.
func Names(types ...reflect.Type) []string {
	seen := make(map[string]bool)
	var out []string
	for _, t := range StructTypes(types...) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
			if name == "" || name == "-" {
				name = f.Name
			}
			for _, part := range strings.Split(name, ">") {
				if part != "" && !seen[part] {
					seen[part] = true
					out = append(out, part)
				}
			}
		}
	}
	return out
}

// WithHead returns push, which starts with <xml>, with head inserted right
// after that: a way to give a built push the MsgType and Event that route
// it to a type, which later elements may still override.
func WithHead(push []byte, head string) []byte {
	rest, ok := bytes.CutPrefix(push, []byte("<xml>"))
	if !ok {
		return push
	}
	return append([]byte("<xml>"+head), rest...)
}
