package wire

import (
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/internal/wire/wiretest"
)

// Types that exercise every rule a plan follows, and some a plan refuses.

type kinds struct {
	XMLName xml.Name `xml:"xml"`
	Header
	S   string   `xml:"S"`
	I   int      `xml:"I"`
	I8  int8     `xml:"I8"`
	I16 int16    `xml:"I16"`
	I32 int32    `xml:"I32"`
	I64 int64    `xml:"I64"`
	U   uint     `xml:"U"`
	U8  uint8    `xml:"U8"`
	U16 uint16   `xml:"U16"`
	U32 uint32   `xml:"U32"`
	U64 uint64   `xml:"U64"`
	UP  uintptr  `xml:"UP"`
	F32 float32  `xml:"F32"`
	F64 float64  `xml:"F64"`
	B   bool     `xml:"B"`
	N   level    `xml:"N"`
	Ss  []string `xml:"Ss"`
	Is  []int    `xml:"Is"`
	Bs  []bool   `xml:"Bs"`
	// Paths that share parents.
	ABC string  `xml:"a>b>c"`
	ABD int     `xml:"a>b>d"`
	AE  string  `xml:"a>e"`
	AF  []int64 `xml:"a>f"`
	// Nested structs, alone and repeated, and a slice behind a path.
	Nest   inner   `xml:"Nest"`
	Nests  []inner `xml:"List>item"`
	Direct []inner `xml:"Item"`
	// Tags left out or with omitempty; skipped fields.
	Untagged string
	Omit     string `xml:"Omit,omitempty"`
	Dash     string `xml:"-"`
	Default  string `xml:",omitempty"`
	private  string
}

type level int

type inner struct {
	Name  string   `xml:"Name"`
	Count int      `xml:"Count"`
	Tags  []string `xml:"Tags>Tag"`
	Deep  deeper   `xml:"Deep"`
}

type deeper struct {
	V  float64 `xml:"V"`
	Ok bool    `xml:"Ok"`
}

// anyRoot has an XMLName without a name: any root goes.
type anyRoot struct {
	XMLName xml.Name
	S       string `xml:"S"`
}

// otherRoot wants a root the fast path never accepts.
type otherRoot struct {
	XMLName xml.Name `xml:"root"`
	S       string   `xml:"S"`
}

// noName has no XMLName: any root goes.
type noName struct {
	S string `xml:"S"`
	I int    `xml:"I"`
}

type withAttr struct {
	A string `xml:"a,attr"`
	S string `xml:"S"`
}

type withCharData struct {
	Text string `xml:",chardata"`
	S    string `xml:"S"`
}

type withInner struct {
	Raw string `xml:",innerxml"`
}

type withPointer struct {
	P *string `xml:"S"`
	I int     `xml:"I"`
}

type withInterface struct {
	V any    `xml:"S"`
	I int    `xml:"I"`
	S string `xml:"I2"`
}

type withMap struct {
	M map[string]string `xml:"M"`
	S string            `xml:"S"`
}

type withBytes struct {
	B []byte `xml:"S"`
}

type withTextUnmarshaler struct {
	T upper `xml:"S"`
	I int   `xml:"I"`
}

type upper string

func (u *upper) UnmarshalText(b []byte) error {
	*u = upper(strings.ToUpper(string(b)))
	return nil
}

type selfDecoding struct {
	S string `xml:"S"`
}

func (s *selfDecoding) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s.S = "custom"
	return d.Skip()
}

type clash struct {
	A string `xml:"a"`
	B string `xml:"a>b"`
}

type shadow struct {
	Header
	MsgType string `xml:"MsgType"`
}

type nestedName struct {
	Nest named `xml:"Nest"`
}

type named struct {
	XMLName xml.Name `xml:"Nest"`
	S       string   `xml:"S"`
}

// untaggedNamed has a field without a tag name whose type has an XMLName:
// encoding/xml matches it by the XMLName's name, <Nest>, not by <Field>.
type untaggedNamed struct {
	Field named
	S     string `xml:"S"`
}

// pointerNamed is the same through a pointer, which encoding/xml follows.
type pointerNamed struct {
	Field *named `xml:",omitempty"`
	S     string `xml:"S"`
}

type recursive struct {
	S    string      `xml:"S"`
	Kids []recursive `xml:"Kid"`
}

// fuzzTypes are decoded from every fuzz input both ways.
var fuzzTypes = []reflect.Type{
	reflect.TypeFor[kinds](), reflect.TypeFor[inner](), reflect.TypeFor[Probe](), reflect.TypeFor[Header](),
	reflect.TypeFor[anyRoot](), reflect.TypeFor[otherRoot](), reflect.TypeFor[noName](),
	reflect.TypeFor[withAttr](), reflect.TypeFor[withCharData](), reflect.TypeFor[withInner](),
	reflect.TypeFor[withPointer](), reflect.TypeFor[withInterface](), reflect.TypeFor[withMap](),
	reflect.TypeFor[withBytes](), reflect.TypeFor[withTextUnmarshaler](), reflect.TypeFor[selfDecoding](),
	reflect.TypeFor[clash](), reflect.TypeFor[shadow](), reflect.TypeFor[nestedName](), reflect.TypeFor[recursive](),
	reflect.TypeFor[untaggedNamed](), reflect.TypeFor[pointerNamed](),
}

// cmpOpts compare decoded values: NaN equals NaN (both sides parse "NaN"
// the same way), and unexported fields are never set by either side.
var cmpOpts = cmp.Options{cmpopts.EquateNaNs(), cmpopts.IgnoreUnexported(kinds{})}

// fastDecode decodes body into a new value of typ with the fast path alone
// and reports whether the fast path took it. A value the fast path left
// must still be zero.
func fastDecode(t *testing.T, body []byte, typ reflect.Type, known ...string) (reflect.Value, bool) {
	t.Helper()
	v := reflect.New(typ)
	d, ok := Scan(body)
	if !ok {
		return v, false
	}
	defer d.Release()
	if !d.Decode(v.Interface(), known...) {
		require.True(t, v.Elem().IsZero(), "the fast path left a %v half filled", typ)
		return v, false
	}
	return v, true
}

// requireSameAsXML decodes body into typ with the fast path and, if the
// fast path takes it, with xml.Unmarshal, and requires both to agree.
func requireSameAsXML(t *testing.T, body []byte, typ reflect.Type, known ...string) bool {
	t.Helper()
	fast, ok := fastDecode(t, body, typ, known...)
	if !ok {
		return false
	}
	ref := reflect.New(typ)
	if err := xml.Unmarshal(Trim(body), ref.Interface()); err != nil {
		t.Fatalf("the fast path took %q as %v; encoding/xml rejects it: %v", body, typ, err)
	}
	if diff := cmp.Diff(ref.Interface(), fast.Interface(), cmpOpts); diff != "" {
		t.Fatalf("the fast path and encoding/xml disagree on %q as %v (-xml +fast):\n%s", body, typ, diff)
	}
	return true
}

var seedPushes = []string{
	`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_2]]></FromUserName>` +
		`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Event>e</Event>` +
		`<S>s</S><I>-1</I><I8>8</I8><I16>16</I16><I32>32</I32><I64>64</I64><U>1</U><U8>8</U8><U16>16</U16>` +
		`<U32>32</U32><U64>64</U64><UP>7</UP><F32>1.5</F32><F64>2.25</F64><B>true</B><N>3</N>` +
		`<Ss>x</Ss><Ss>y</Ss><Is>1</Is><Is>2</Is><Bs>1</Bs><Bs>F</Bs>` +
		`<a><b><c>abc</c><d>4</d></b><e>ae</e><f>5</f><f>6</f></a>` +
		`<Nest><Name>n</Name><Count>1</Count><Tags><Tag>t1</Tag><Tag>t2</Tag></Tags><Deep><V>0.5</V><Ok>1</Ok></Deep></Nest>` +
		`<List><item><Name>i1</Name></item><item><Name>i2</Name><Count>2</Count></item></List>` +
		`<Item><Name>d</Name></Item><Untagged>u</Untagged><Omit>o</Omit><Dash>no</Dash><Default>def</Default>` +
		`<Name>top</Name><Count>9</Count><Tags><Tag>top</Tag></Tags><Kid><S>k</S><Kid><S>kk</S></Kid></Kid>` +
		`<M>m</M><private>p</private></xml>`,
	"<xml>\n  <S>a</S>\n  <I> 42 </I>\n  <Nest>\n    <Name><![CDATA[x]]></Name>\n  </Nest>\n</xml>",
	`<xml><S>a &amp; b &lt;c&gt; &#65;&#x4E2D;</S><I>+7</I><F64>1e3</F64><B> true </B></xml>`,
	"<xml><S>one</S><S>two</S><Nest><Name>a</Name></Nest><Nest><Count>2</Count></Nest></xml>",
	"<xml><S><![CDATA[a]]]]><![CDATA[>b]]></S><S2>x</S2></xml>",
	"<xml><S>a<Child>ignored</Child>b<Other/>c</S></xml>",
	"<xml><Unknown><Deep><Deeper a=\"1\" b='2'>x</Deeper></Deep></Unknown><S/></xml>",
}

func FuzzDecode(f *testing.F) {
	for _, s := range seedPushes {
		f.Add([]byte(s))
		for _, v := range wiretest.Variants([]byte(s)) {
			f.Add(v)
		}
	}
	names := append(wiretest.Names(fuzzTypes...), "Unknown", "xml")
	words := []string{"text", "gh_1", "e"}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The input as it is, and a push built from it out of the
		// element names the types use (see wiretest.Build).
		requireDecodeSameAsXML(t, data)
		requireDecodeSameAsXML(t, wiretest.Build(data, names, words))
	})
}

// requireDecodeSameAsXML decodes body into every fuzz type both ways, and
// with Decode and DecodeXML, and requires the same results.
func requireDecodeSameAsXML(t *testing.T, body []byte) {
	t.Helper()
	for _, typ := range fuzzTypes {
		requireSameAsXML(t, body, typ)
		requireInvalidFieldsAgree(t, body, typ)
	}
	requireSameAsXML(t, body, reflect.TypeFor[Probe](), "text", "gh_1", "")

	// Decode as a whole, fast path and fallback together, matches
	// encoding/xml alone, errors included.
	var fast, ref kinds
	fastErr, refErr := Decode(body, &fast), DecodeXML(body, &ref)
	requireSameError(t, refErr, fastErr)
	if diff := cmp.Diff(ref, fast, cmpOpts); diff != "" {
		t.Fatalf("Decode and DecodeXML disagree on %q (-xml +Decode):\n%s", body, diff)
	}

	// A value that is not zero goes to encoding/xml, which keeps
	// what the body does not set.
	fast, ref = kinds{S: "kept", Is: []int{9}}, kinds{S: "kept", Is: []int{9}}
	requireSameError(t, DecodeXML(body, &ref), Decode(body, &fast))
	if diff := cmp.Diff(ref, fast, cmpOpts); diff != "" {
		t.Fatalf("Decode into a filled value disagrees on %q (-xml +Decode):\n%s", body, diff)
	}
}

func requireSameError(t *testing.T, want, got error) {
	t.Helper()
	if want == nil || got == nil {
		require.Equal(t, want, got)
		return
	}
	require.Equal(t, want.Error(), got.Error())
	for _, s := range []error{ErrNotXML, ErrInvalidNumber} {
		require.Equal(t, errors.Is(want, s), errors.Is(got, s))
	}
}

// TestFastPathTakes checks that the fast path reads the shapes it is for,
// so that the fuzz test above compares something: each of these bodies must
// be decoded by it, into the values encoding/xml gives.
func TestFastPathTakes(t *testing.T) {
	t.Parallel()
	for i, s := range seedPushes {
		assert.True(t, requireSameAsXML(t, []byte(s), reflect.TypeFor[kinds]()), "seed %d", i)
		assert.True(t, requireSameAsXML(t, []byte(s), reflect.TypeFor[Probe]()), "seed %d", i)
	}
	var k kinds
	d, ok := Scan([]byte(seedPushes[0]))
	require.True(t, ok)
	defer d.Release()
	require.True(t, d.Decode(&k))
	assert.Equal(t, "abc", k.ABC)
	assert.Equal(t, []int64{5, 6}, k.AF)
	assert.Equal(t, []string{"t1", "t2"}, k.Nest.Tags)
	assert.Len(t, k.Nests, 2)
	assert.Equal(t, level(3), k.N)
	assert.Equal(t, xml.Name{Local: "xml"}, k.XMLName)
	assert.Equal(t, "text", k.MsgType)
	assert.Equal(t, "u", k.Untagged)
	assert.Equal(t, "def", k.Default)
	assert.Empty(t, k.Dash)
	assert.Empty(t, k.private, "an unexported field was set")

	// More string sets than a decoder holds back at once: the last of
	// the repeated elements still wins.
	var many strings.Builder
	many.WriteString("<xml>")
	for i := range 2*maxPending + 3 {
		fmt.Fprintf(&many, "<S>%d</S><ToUserName>t%d</ToUserName><MsgType>text</MsgType>", i, i)
	}
	many.WriteString("<Untagged>u</Untagged></xml>")
	require.True(t, requireSameAsXML(t, []byte(many.String()), reflect.TypeFor[kinds](), "text"))
	v, _ := fastDecode(t, []byte(many.String()), reflect.TypeFor[kinds](), "text")
	assert.Equal(t, fmt.Sprint(2*maxPending+2), v.Elem().FieldByName("S").String())

	for _, body := range []string{
		"\xef\xbb\xbf \n<xml><S>bom</S></xml>",
		`<?xml version="1.0" encoding="UTF-8"?>` + "\r\n<xml><S>decl</S></xml>",
		"<xml><S>cr\r\nlf\rcr</S></xml>",
		"<xml><S><![CDATA[cr\r\n]]>&#xD;\n</S></xml>",
		"<xml><S>x</S></xml>trailing garbage <",
		"<xml><S >x</S\n><T a='1' b = \"2\"/><U\ta=\"&amp;]]>\"\t/></xml >",
		"<xml><S>\xe4\xb8\xad&#128512;\U0010FFFF</S></xml>",
		"<xml><S>]]&gt; ] ]] > </S></xml>",
		"<xml><S>&#xD800;</S></xml>",
	} {
		assert.True(t, requireSameAsXML(t, []byte(body), reflect.TypeFor[kinds]()), "%q", body)
	}
}

// TestFastPathLeaves checks that the fast path leaves to encoding/xml what
// it does not read, whether encoding/xml takes it or not.
func TestFastPathLeaves(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"",
		"<xml>",
		"<xml><S>x</S>",
		"<xml><S>x</T></xml>",
		"<xml><S>x</S></XML>",
		"<XML><S>x</S></XML>",
		"text<xml></xml>",
		"<!-- c --><xml></xml>",
		"<xml><!-- c --></xml>",
		"<xml><?pi?></xml>",
		"<!DOCTYPE xml><xml></xml>",
		`<?xml version="1.1"?><xml></xml>`,
		`<?xml version="1.0" encoding="GBK"?><xml></xml>`,
		`<xml xmlns="urn:x"></xml>`,
		`<xml a="1"></xml>`,
		`<xml><S xmlns="urn:x">x</S></xml>`,
		`<xml><w:S xmlns:w="urn:x">x</w:S></xml>`,
		`<xml><S w:a="1">x</S></xml>`,
		`<xml><S a=1>x</S></xml>`,
		`<xml><S a>x</S></xml>`,
		`<xml><S a="<">x</S></xml>`,
		`<xml><S a="1"b="2">x</S></xml>`,
		"<xml><S>&bogus;</S></xml>",
		"<xml><S>&amp</S></xml>",
		"<xml><S>&#0;</S></xml>",
		"<xml><S>&#xFFFE;</S></xml>",
		"<xml><S>&#x110000;</S></xml>",
		"<xml><S>&#X41;</S></xml>",
		"<xml><S>a]]>b</S></xml>",
		"<xml><S>\x00</S></xml>",
		"<xml><S>\xff</S></xml>",
		"<xml><S>\xef\xbf\xbe</S></xml>",
		"<xml><S><![CDATA[\x01]]></S></xml>",
		"<xml><S><![CDATA[open</S></xml>",
		"<xml><中>x</中></xml>",
		"<xml><S1.-_>x</S1.-_><1S>x</1S></xml>",
		"<xml>" + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + "</xml>",
	} {
		_, ok := fastDecode(t, []byte(body), reflect.TypeFor[kinds]())
		assert.False(t, ok, "%q", body)
	}
	for _, c := range []struct {
		body string
		typ  reflect.Type
	}{
		{"<xml><I>x</I></xml>", reflect.TypeFor[kinds]()},
		{"<xml><I> </I></xml>", reflect.TypeFor[kinds]()},
		{"<xml><I8>128</I8></xml>", reflect.TypeFor[kinds]()},
		{"<xml><U8>-1</U8></xml>", reflect.TypeFor[kinds]()},
		{"<xml><U>+1</U></xml>", reflect.TypeFor[kinds]()},
		{"<xml><B>yes</B></xml>", reflect.TypeFor[kinds]()},
		{"<xml><F64>1,5</F64></xml>", reflect.TypeFor[kinds]()},
		{"<xml><Nest><Deep><V>v</V></Deep></Nest></xml>", reflect.TypeFor[kinds]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[otherRoot]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withAttr]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withCharData]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withInner]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withPointer]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withInterface]()},
		{"<xml><M>x</M></xml>", reflect.TypeFor[withMap]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withBytes]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[withTextUnmarshaler]()},
		{"<xml><S>x</S></xml>", reflect.TypeFor[selfDecoding]()},
		{"<xml><a>x</a></xml>", reflect.TypeFor[clash]()},
		{"<xml><MsgType>x</MsgType></xml>", reflect.TypeFor[shadow]()},
		{"<xml><Nest><S>x</S></Nest></xml>", reflect.TypeFor[nestedName]()},
		{"<xml><Nest><S>x</S></Nest><S>y</S></xml>", reflect.TypeFor[untaggedNamed]()},
		{"<xml><Nest><S>x</S></Nest><S>y</S></xml>", reflect.TypeFor[pointerNamed]()},
	} {
		_, ok := fastDecode(t, []byte(c.body), c.typ)
		assert.False(t, ok, "%q as %v", c.body, c.typ)
	}
}

// TestDecodeKnownStrings checks that a string equal to one the caller
// names is that string, not a copy, and that other strings are copies that
// do not share the body's memory.
func TestDecodeKnownStrings(t *testing.T) {
	t.Parallel()
	body := []byte("<xml><MsgType>text</MsgType><ToUserName>gh</ToUserName></xml>")
	const known = "text"
	d, ok := Scan(body)
	require.True(t, ok)
	var h Header
	require.True(t, d.Decode(&h, known))
	d.Release()
	assert.Equal(t, "text", h.MsgType)
	assert.Equal(t, "gh", h.ToUserName)
	assert.Same(t, unsafe.StringData(known), unsafe.StringData(h.MsgType), "MsgType is a copy")
	for i := range body {
		body[i] = 'x'
	}
	assert.Equal(t, "gh", h.ToUserName)
}
