package xmltext

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samples is text that CDATA or escaping must treat with care; it seeds
// FuzzAppend too.
var samples = []string{
	"",
	"plain",
	"]]>",
	"a]]>b",
	"]]]]>>",
	"]]>]]>",
	"<![CDATA[x]]>y",
	"]] ] ]>",
	"<&>\"'",
	"tab\tLF\nCR\rCRLF\r\n",
	"x\r]]>",
	"😀 中文",
	"\uFFFD",
	"nul\x00esc\x1b",
	"bad \xff\xfe utf-8",
	"truncated \xe4\xb8",
	"surrogate \xed\xa0\x80",
	"\uFFFE\uFFFF",
	"\x7f\u0085",
}

// TestAppend pins what WeChat sees for a few inputs; FuzzAppend checks
// every input against encoding/xml.
func TestAppend(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"hi", "<![CDATA[hi]]>"},
		{"a]]>b", "<![CDATA[a]]]]><![CDATA[>b]]>"},
		{"]]>]]>", "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>"},
		{"<&>\"'\t\n", "<![CDATA[<&>\"'\t\n]]>"},
		{"a\r\nb", "a&#xD;&#xA;b"},
		{"\r<&>\"'\t]]>", "&#xD;&lt;&amp;&gt;&#34;&#39;&#x9;]]&gt;"},
		{"\r\x00\xff😀", "&#xD;\uFFFD\uFFFD😀"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := Append([]byte("prefix"), tt.in)
			assert.Equal(t, "prefix"+tt.want, string(got))
			assert.Equal(t, len(tt.want), Len(tt.in))
		})
	}
}

// cdataDoc and charDataDoc are elements whose content encoding/xml writes
// as CDATA and as escaped text.
type cdataDoc struct {
	XMLName xml.Name `xml:"x"`
	Text    string   `xml:",cdata"`
}

type charDataDoc struct {
	XMLName xml.Name `xml:"x"`
	Text    string   `xml:",chardata"`
}

// wrapDoc is the element as reply and wxmptest declare theirs.
type wrapDoc struct {
	XMLName xml.Name `xml:"x"`
	Content Text     `xml:"Content"`
}

// FuzzAppend is the differential test of the append helpers: for any
// string, each writes exactly the bytes encoding/xml writes for the same
// text, Len, CDATALen and EscapedLen predict their writers' lengths, and
// text XML can carry reads back unchanged.
func FuzzAppend(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := xml.Marshal(cdataDoc{Text: s})
		require.NoError(t, err)
		assert.Equal(t, string(want), "<x>"+string(AppendCDATA(nil, s))+"</x>", "AppendCDATA(%q)", s)
		assert.Equal(t, len(want)-len("<x></x>"), CDATALen(s), "CDATALen(%q)", s)

		want, err = xml.Marshal(charDataDoc{Text: s})
		require.NoError(t, err)
		assert.Equal(t, string(want), "<x>"+string(AppendEscaped(nil, s))+"</x>", "AppendEscaped(%q)", s)
		var esc bytes.Buffer
		require.NoError(t, xml.EscapeText(&esc, []byte(s)))
		assert.Equal(t, esc.String(), string(AppendEscaped(nil, s)), "EscapeText(%q)", s)
		assert.Equal(t, esc.Len(), EscapedLen(s), "EscapedLen(%q)", s)

		want, err = xml.Marshal(wrapDoc{Content: Wrap(s)})
		require.NoError(t, err)
		got := Append([]byte("<x><Content>"), s)
		got = append(got, "</Content></x>"...)
		require.Equal(t, string(want), string(got), "Append(%q)", s)
		require.Equal(t, len(Append(nil, s)), Len(s), "Len(%q)", s)

		if InvalidCharAt(s) >= 0 {
			return
		}
		var back struct {
			Content string `xml:"Content"`
		}
		require.NoError(t, xml.Unmarshal(got, &back), "%q", got)
		require.Equal(t, s, back.Content)
	})
}
