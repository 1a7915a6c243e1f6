package xmltext

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidCharAt(t *testing.T) {
	t.Parallel()
	tests := map[string]int{
		"":                   -1,
		"plain":              -1,
		"tab\tLF\nCR\r":      -1,
		"emoji 😀 中文":         -1,
		"\uFFFD is fine":     -1,
		"nul\x00":            3,
		"esc\x1b[0m":         3,
		"ab\xff":             2,
		"x\uFFFE":            1,
		"x\uFFFF":            1,
		"truncated \xe4\xb8": 10,
	}
	for s, want := range tests {
		assert.Equal(t, want, InvalidCharAt(s), "%q", s)
	}
}

func TestWrapRoundTrips(t *testing.T) {
	t.Parallel()
	type doc struct {
		XMLName xml.Name `xml:"xml"`
		Content Text     `xml:"Content"`
	}
	type back struct {
		Content string `xml:"Content"`
	}
	for _, s := range []string{"", "a]]>b", "]]]]>>", "<&>", "line\r\nnext\rlast", "😀"} {
		b, err := xml.Marshal(doc{Content: Wrap(s)})
		require.NoError(t, err)
		var got back
		require.NoError(t, xml.Unmarshal(b, &got), "%s", b)
		assert.Equal(t, s, got.Content, "%s", b)
	}
}
