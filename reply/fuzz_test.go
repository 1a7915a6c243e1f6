package reply_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// xmlChars is XML 1.0's Char production, written out independently of the
// package's own check.
var xmlChars = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x09, Hi: 0x0A, Stride: 1},
		{Lo: 0x0D, Hi: 0x0D, Stride: 1},
		{Lo: 0x20, Hi: 0xD7FF, Stride: 1},
		{Lo: 0xE000, Hi: 0xFFFD, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x10000, Hi: 0x10FFFF, Stride: 1},
	},
}

func xmlCanCarry(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.Is(xmlChars, r) })
}

// FuzzTextRoundTrip: any content either fails cleanly (ErrMissingField
// when empty, ErrInvalidChar exactly when XML cannot carry it) or comes
// back from encoding/xml byte for byte, in a reply still addressed to the
// sender.
func FuzzTextRoundTrip(f *testing.F) {
	for _, name := range []string{"wechatpy_text.xml", "nodewebot_text_emoticon.xml"} {
		f.Add(inbound(f, name).(*message.Text).Content)
	}
	for _, h := range hostile {
		f.Add(h.text)
	}
	f.Add("")
	f.Add("a\x00b")
	f.Add("\x1b[0m")
	f.Add("\uFFFE")
	f.Add("\xff\xfe")
	in := inbound(f, "nodewebot_text_emoticon.xml")

	f.Fuzz(func(t *testing.T, content string) {
		out, err := reply.NewText(in, content).Marshal()
		switch {
		case content == "":
			require.ErrorIs(t, err, reply.ErrMissingField)
			return
		case !xmlCanCarry(content):
			require.ErrorIs(t, err, reply.ErrInvalidChar)
			require.Regexp(t, `^reply: character not allowed in XML: Content at byte \d+$`, err.Error(),
				"the error names the field and offset, never the text")
			return
		}
		require.NoError(t, err)
		var got struct {
			ToUserName string
			Content    string
		}
		require.NoError(t, xml.Unmarshal(out, &got), "not well-formed:\n%q", out)
		require.Equal(t, content, got.Content)
		require.Equal(t, in.Head().FromUserName, got.ToUserName)
	})
}
