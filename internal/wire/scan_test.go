package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/internal/wire/wiretest"
)

// scanSeeds are bodies the scanner takes, in the shapes WeChat sends and
// at the edges of what the scanner reads.
var scanSeeds = []string{
	"<xml><ToUserName><![CDATA[toUser]]></ToUserName><CreateTime>1348831860</CreateTime>" +
		"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>",
	"\n   <xml>\n\t<A>1</A>\n\t<B><C>x</C><C>y</C></B>\n</xml>\n",
	"\xef\xbb\xbf<xml><A>bom</A></xml>",
	`<?xml version="1.0" encoding="UTF-8"?>` + "\r\n<xml>\r\n<A>crlf\r\n</A>\r\n</xml>",
	`<?xml version="1.0"?><xml><A>a &amp; b &lt;c&gt; &apos;&quot; &#65;&#x4e2D;&#128512;&#xD;&#xD800;</A></xml>`,
	"<xml><A><![CDATA[a]]]]><![CDATA[>b]]>c<![CDATA[\r\n\r]]>d\re</A></xml>",
	"<xml><A>x<B/>y<C></C>z</A><D\n/><E a='1' b=\"&amp;]]>'\"\t/></xml>trailing <garbage",
	"<xml></xml ><other/>",
	"<xml><Empty></Empty><Empty/><E.f-g_1>x</E.f-g_1></xml>",
	"<xml><A>中文 \u00a0\U0010FFFF ] ]] >]</A></xml>",
}

// docTokens renders the scanned element idx and its content as the tokens
// encoding/xml gives for it, character data decoded.
func docTokens(d *Doc, idx int, out []string) []string {
	t := d.toks[idx]
	name := string(d.body[t.start:t.end])
	out = append(out, "<"+name+">")
	for j := idx + 1; j < int(t.next); {
		c := d.toks[j]
		if c.kind == tokElement {
			out = docTokens(d, j, out)
			j = int(c.next)
			continue
		}
		out = append(out, "text "+string(appendText(nil, d.body[c.start:c.end], c.flags)))
		j++
	}
	return append(out, "</"+name+">")
}

// xmlTokens renders the root element of body and its content as tokens,
// read with encoding/xml's Decoder as xml.Unmarshal reads it: everything
// before the root skipped, nothing read after the root's end.
func xmlTokens(body []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var out []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return out, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != "" {
				return out, fmt.Errorf("element %s in name space %q", tok.Name.Local, tok.Name.Space)
			}
			out = append(out, "<"+tok.Name.Local+">")
			depth++
		case xml.EndElement:
			out = append(out, "</"+tok.Name.Local+">")
			depth--
			if depth == 0 {
				return out, nil
			}
		case xml.CharData:
			if depth > 0 {
				// The scanner keeps empty runs out; encoding/xml
				// gives none either.
				out = append(out, "text "+string(tok))
			}
		default:
			if depth > 0 {
				out = append(out, fmt.Sprintf("%T", tok))
			}
		}
	}
}

// FuzzScan holds the scanner to encoding/xml's tokenizer: whenever Scan
// takes a body, encoding/xml reads the same root element without an error,
// as the same elements holding the same character data.
func FuzzScan(f *testing.F) {
	for _, s := range append(scanSeeds, seedPushes...) {
		f.Add([]byte(s))
		for _, v := range wiretest.Variants(bytes.TrimPrefix([]byte(s), []byte("\xef\xbb\xbf"))) {
			f.Add(v)
		}
	}
	names := []string{"A", "B", "C", "xml", "ToUserName", "MsgType"}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The input as it is, and a push built from it (see
		// wiretest.Build), which is mostly well-formed.
		requireSameTokens(t, data)
		requireSameTokens(t, wiretest.Build(data, names, nil))
	})
}

// requireSameTokens requires that, if Scan takes body, encoding/xml reads
// the same root element without an error, as the same elements holding the
// same character data.
func requireSameTokens(t *testing.T, body []byte) {
	t.Helper()
	d, ok := Scan(body)
	if !ok {
		return
	}
	defer d.Release()
	got := docTokens(d, 0, nil)
	want, err := xmlTokens(Trim(body))
	require.NoError(t, err, "Scan took %q", body)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Scan and encoding/xml read %q differently (-xml +Scan):\n%s", body, diff)
	}
	// xml.Unmarshal agrees that the root is <xml>.
	var root struct {
		XMLName xml.Name `xml:"xml"`
	}
	require.NoError(t, xml.Unmarshal(Trim(body), &root))
}

// TestScanTakes checks that the scanner reads the seeds, so that FuzzScan
// compares something.
func TestScanTakes(t *testing.T) {
	t.Parallel()
	for _, s := range scanSeeds {
		d, ok := Scan([]byte(s))
		if !assert.True(t, ok, "%q", s) {
			continue
		}
		want, err := xmlTokens(Trim([]byte(s)))
		require.NoError(t, err)
		assert.Equal(t, want, docTokens(d, 0, nil))
		d.Release()
	}
}

// TestScanLeaves checks that the scanner leaves to encoding/xml what it
// does not read, whether encoding/xml accepts it or not.
func TestScanLeaves(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"",
		" ",
		"<xml>",
		"<xml><A>x</A>",
		"<xml><A>x",
		"<xml><A>x</B></xml>",
		"<xml><A>x</A></XML>",
		"<XML></XML>",
		"<xml/>",
		"<xml >x</xml>",
		"text<xml></xml>",
		"<!-- c --><xml></xml>",
		"<xml><!-- c --></xml>",
		"<xml><?pi?></xml>",
		"<!DOCTYPE xml><xml></xml>",
		"<xml><!DOCTYPE x></xml>",
		`<?xml version="1.1"?><xml></xml>`,
		`<?xml version="1.0" encoding="GBK"?><xml></xml>`,
		`<?xml version='1.0'?><xml></xml>`,
		`<xml xmlns="urn:x"></xml>`,
		`<xml a="1"></xml>`,
		`<xml><A xmlns="urn:x">x</A></xml>`,
		`<xml><w:A xmlns:w="urn:x">x</w:A></xml>`,
		`<xml><A w:a="1">x</A></xml>`,
		`<xml><A a=1>x</A></xml>`,
		`<xml><A a>x</A></xml>`,
		`<xml><A a="<">x</A></xml>`,
		`<xml><A a="1"b="2">x</A></xml>`,
		`<xml><A a="&bogus;">x</A></xml>`,
		`<xml><A a="x`,
		"<xml><A>&bogus;</A></xml>",
		"<xml><A>&amp</A></xml>",
		"<xml><A>&#0;</A></xml>",
		"<xml><A>&#;</A></xml>",
		"<xml><A>&#x;</A></xml>",
		"<xml><A>&#xFFFE;</A></xml>",
		"<xml><A>&#x110000;</A></xml>",
		"<xml><A>&#99999999999999999999999;</A></xml>",
		"<xml><A>&#X41;</A></xml>",
		"<xml><A>a]]>b</A></xml>",
		"<xml><A>\x00</A></xml>",
		"<xml><A>\x1f</A></xml>",
		"<xml><A>\xff</A></xml>",
		"<xml><A>\xed\xa0\x80</A></xml>",
		"<xml><A>\xef\xbf\xbe</A></xml>",
		"<xml><A>\xef\xbf\xbf</A></xml>",
		"<xml><A><![CDATA[\x01]]></A></xml>",
		"<xml><A><![CDATA[\xef\xbf\xbe]]></A></xml>",
		"<xml><A><![CDATA[open</A></xml>",
		"<xml><A><![cdata[x]]></A></xml>",
		"<xml><中>x</中></xml>",
		"<xml><1A>x</1A></xml>",
		"<xml><-A>x</-A></xml>",
		"<xml><A/ ></xml>",
		"<xml></ A></xml>",
		"<xml><A></A ></xml",
		"<xml>" + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + "</xml>",
	} {
		d, ok := Scan([]byte(body))
		if ok {
			d.Release()
		}
		assert.False(t, ok, "%q", body)
	}
}

// TestPlainCDATA8 holds the word-at-a-time test to its byte-at-a-time
// meaning: every byte value, at every position of the word.
func TestPlainCDATA8(t *testing.T) {
	for v := range 256 {
		for p := range 8 {
			w := []byte("AAAAAAAA")
			w[p] = byte(v)
			want := v >= 0x20 && v < 0x80 && v != ']'
			if got := plainCDATA8(binary.LittleEndian.Uint64(w)); got != want {
				t.Errorf("byte %#x at %d: got %v, want %v", v, p, got, want)
			}
		}
	}
}
