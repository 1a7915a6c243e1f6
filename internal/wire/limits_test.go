package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/internal/wire/wiretest"
)

// refLimits reads body with encoding/xml's tokenizer, counting what the
// limits bound, and reports whether the body passes a limit (tooComplex)
// before the end of its root element. decided is false when encoding/xml
// finds an error first: then CheckLimits may say either.
func refLimits(body []byte) (tooComplex, decided bool) {
	b := Trim(body)
	d := xml.NewDecoder(bytes.NewReader(b))
	var c limitCounter
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return false, false
		}
		deepest := 0
		switch t := tok.(type) {
		case xml.StartElement:
			c.tokens++
			c.attrs += len(t.Attr)
			c.depth++
			deepest = c.depth
		case xml.EndElement:
			c.depth--
			if c.depth == 0 {
				return false, true
			}
		case xml.CharData:
			if bytes.HasPrefix(b[off:], []byte("<![CDATA[")) {
				c.tokens++
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			c.tokens++
		}
		if c.over(deepest) != "" {
			return true, true
		}
	}
}

// requireLimitsAgree checks CheckLimits against refLimits, and that a body
// Scan takes is within the limits.
func requireLimitsAgree(t *testing.T, body []byte) {
	t.Helper()
	err := CheckLimits(body)
	if err != nil {
		require.ErrorIs(t, err, ErrTooComplex)
		var e *Error
		require.True(t, errors.As(err, &e) && e.Detail != "", "%v", err)
	}
	if tooComplex, decided := refLimits(body); decided {
		require.Equal(t, tooComplex, err != nil, "CheckLimits(%.200q) = %v", body, err)
	}
	if d, ok := Scan(body); ok {
		d.Release()
		require.NoError(t, err, "Scan took %.200q", body)
	}
}

// limitSeeds sit at the edges of the limits, in the shapes the fast path
// reads and in shapes only encoding/xml reads.
func limitSeeds() []string {
	nest := func(n int, open, close string) string {
		return "<xml>" + strings.Repeat(open, n-1) + strings.Repeat(close, n-1) + "</xml>"
	}
	attrs := func(n int) string {
		var b strings.Builder
		b.WriteString("<xml><a")
		for i := range n {
			b.WriteString(" a")
			b.WriteString(strings.Repeat("x", i%7))
			b.WriteByte(byte('a' + i%26))
			b.WriteString(string(rune('A' + i/26%26)))
			b.WriteString(string(rune('A' + i/676%26)))
			b.WriteString(`="=>'"`)
		}
		b.WriteString("/></xml>")
		return b.String()
	}
	return []string{
		nest(MaxDepth, "<a>", "</a>"),
		nest(MaxDepth+1, "<a>", "</a>"),
		nest(MaxDepth, "<a >", "</a >"),
		nest(MaxDepth+1, "<a x='>'>", "</a>"),
		"<xml>" + strings.Repeat("<a>", MaxDepth-2) + "<b/>" + strings.Repeat("</a>", MaxDepth-2) + "</xml>",
		"<xml>" + strings.Repeat("<a>", MaxDepth-1) + "<b/>" + strings.Repeat("</a>", MaxDepth-1) + "</xml>",
		"<xml>" + strings.Repeat("<a/>", MaxTokens-1) + "</xml>",
		"<xml>" + strings.Repeat("<a/>", MaxTokens) + "</xml>",
		`<?xml version="1.0"?><xml>` + strings.Repeat("<a/>", MaxTokens-2) + "</xml>",
		`<?xml version="1.0"?><xml>` + strings.Repeat("<a/>", MaxTokens-1) + "</xml>",
		"<xml><a>" + strings.Repeat("<![CDATA[x]]>", MaxTokens-2) + "</a></xml>",
		"<xml><a>" + strings.Repeat("<![CDATA[x]]>", MaxTokens-1) + "</a></xml>",
		"<xml>" + strings.Repeat("<!-- c -->", MaxTokens-1) + "</xml>",
		"<xml>" + strings.Repeat("<?p x?>", MaxTokens) + "</xml>",
		"<!DOCTYPE x [<!ENTITY a '>'><!-- <b> --><!ELEMENT c ANY>]>" + "<xml>" + strings.Repeat("<a/>", MaxTokens-2) + "</xml>",
		"<!DOCTYPE x [<!ENTITY a '>'><!-- <b> --><!ELEMENT c ANY>]>" + "<xml>" + strings.Repeat("<a/>", MaxTokens-1) + "</xml>",
		attrs(MaxAttrs),
		attrs(MaxAttrs + 1),
		strings.Replace(attrs(MaxAttrs), "<a", `<a xmlns:w="urn:x" w:b="1"`, 1),
		"<xml/>" + strings.Repeat("<a>", 2*MaxDepth),
		"<xml></xml>" + strings.Repeat("<a/>", 2*MaxTokens),
		"</xml>" + strings.Repeat("<a>", 2*MaxDepth),
		strings.Repeat("<a>", 2*MaxDepth),
		"<xml><a b='" + strings.Repeat("<c>", 2*MaxDepth),
		"<xml><![CDATA[" + strings.Repeat("<c>", 2*MaxDepth),
		"<xml><!--" + strings.Repeat("<c>", 2*MaxDepth),
	}
}

// TestCheckLimits checks CheckLimits at the edges of each limit.
func TestCheckLimits(t *testing.T) {
	t.Parallel()
	want := []bool{
		false, true, false, true, false, true, false, true, false, true, false, true, false, true, false, true,
		false, true, true, false, false, false, true, false, false, false,
	}
	seeds := limitSeeds()
	require.Len(t, want, len(seeds))
	for i, s := range seeds {
		err := CheckLimits([]byte(s))
		assert.Equal(t, want[i], err != nil, "seed %d %.120q: %v", i, s, err)
		requireLimitsAgree(t, []byte(s))
	}
}

// FuzzCheckLimits holds CheckLimits to encoding/xml's tokenizer: wherever
// encoding/xml reads a body up to a verdict, CheckLimits gives the same
// one; and Scan takes nothing past the limits.
func FuzzCheckLimits(f *testing.F) {
	for _, s := range limitSeeds() {
		f.Add([]byte(s))
	}
	for _, s := range append(scanSeeds, seedPushes...) {
		f.Add([]byte(s))
		for _, v := range wiretest.Variants(bytes.TrimPrefix([]byte(s), []byte("\xef\xbb\xbf"))) {
			f.Add(v)
		}
	}
	names := []string{"A", "B", "xml"}
	f.Fuzz(func(t *testing.T, data []byte) {
		requireLimitsAgree(t, data)
		// A deeper push built from the input (see wiretest.Build), the
		// input repeated so that its steps repeat. (The seeds reach
		// MaxTokens.)
		requireLimitsAgree(t, wiretest.Build(bytes.Repeat(data, 1+256/(1+len(data))), names, nil))
	})
}
