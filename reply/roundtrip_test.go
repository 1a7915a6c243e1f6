package reply_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// hostile is text that breaks XML built by string concatenation, or that
// XML parsers rewrite (CR and CRLF are turned into LF inside CDATA).
var hostile = []struct {
	name, text string
}{
	{"cdata end", "]]>"},
	{"nested cdata end", "]]]]>>"},
	{"cdata inside", "<![CDATA[x]]>y"},
	{"brackets", "]] ] ]>"},
	{"less than", "<"},
	{"markup", "<xml><Content>evil</Content></xml>"},
	{"entity text", "&amp;"},
	{"char ref text", "&#xD;&#13;&lt;"},
	{"ampersand", "fish & chips"},
	{"quotes", `"double" and 'single'`},
	{"emoji", "😀👍🏽🇨🇳 ZWJ 👨‍👩‍👧"},
	{"cjk", "你好，世界！公众号回复"},
	{"newlines", "line 1\nline 2\n\nline 4\n"},
	{"crlf", "line 1\r\nline 2\r\n"},
	{"lone cr", "a\rb"},
	{"cr before cdata end", "x\r]]>"},
	{"tab", "a\tb"},
	{"surrounding spaces", "  padded  "},
	{"only newline", "\n"},
	{"del and c1 controls", "\x7f\u0085\u009f"},
	{"replacement char", "\uFFFD"},
	{"highest code points", "\uFFFD\U0010FFFF\U000E0000"},
}

// TestTextRoundTrip decodes text replies with encoding/xml and with this
// module's own message.Parse, and requires the content back byte for byte.
func TestTextRoundTrip(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_text.xml")
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := reply.NewText(in, tt.text).Marshal()
			require.NoError(t, err)
			got := decode(t, out)
			require.NotNil(t, got.Content)
			assert.Equal(t, tt.text, *got.Content)

			parsed, err := message.Parse(out)
			require.NoError(t, err)
			require.IsType(t, &message.Text{}, parsed)
			assert.Equal(t, tt.text, parsed.(*message.Text).Content)
		})
	}
}

// TestEveryTextFieldRoundTrips puts each hostile string into every text
// field of every reply type.
func TestEveryTextFieldRoundTrips(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_text.xml")
	fields := []struct {
		name string
		// build puts s in one field; read gets that field back.
		build func(s string) reply.Reply
		read  func(d decoded) string
	}{
		{"Image.MediaId", func(s string) reply.Reply { return reply.NewImage(in, s) },
			func(d decoded) string { return d.Image.MediaID }},
		{"Voice.MediaId", func(s string) reply.Reply { return reply.NewVoice(in, s) },
			func(d decoded) string { return d.Voice.MediaID }},
		{"Video.Title", func(s string) reply.Reply {
			return reply.NewVideo(in, reply.Video{MediaID: "m", Title: s, Description: "d"})
		}, func(d decoded) string { return *d.Video.Title }},
		{"Video.Description", func(s string) reply.Reply {
			return reply.NewVideo(in, reply.Video{MediaID: "m", Title: "t", Description: s})
		}, func(d decoded) string { return *d.Video.Description }},
		{"Music.Title", func(s string) reply.Reply { return reply.NewMusic(in, reply.Music{Title: s, ThumbMediaID: "t"}) },
			func(d decoded) string { return *d.Music.Title }},
		{"Music.Description", func(s string) reply.Reply {
			return reply.NewMusic(in, reply.Music{Description: s, ThumbMediaID: "t"})
		}, func(d decoded) string { return *d.Music.Description }},
		{"Music.MusicUrl", func(s string) reply.Reply { return reply.NewMusic(in, reply.Music{MusicURL: s, ThumbMediaID: "t"}) },
			func(d decoded) string { return *d.Music.MusicURL }},
		{"Music.HQMusicUrl", func(s string) reply.Reply {
			return reply.NewMusic(in, reply.Music{HQMusicURL: s, ThumbMediaID: "t"})
		}, func(d decoded) string { return *d.Music.HQMusicURL }},
		{"Music.ThumbMediaId", func(s string) reply.Reply { return reply.NewMusic(in, reply.Music{ThumbMediaID: s}) },
			func(d decoded) string { return *d.Music.ThumbMediaID }},
		{"Article.Title", func(s string) reply.Reply { return reply.NewNews(in, reply.Article{Title: s}) },
			func(d decoded) string { return d.Articles.Item[0].Title }},
		{"Article.Description", func(s string) reply.Reply { return reply.NewNews(in, reply.Article{Title: "t", Description: s}) },
			func(d decoded) string { return d.Articles.Item[0].Description }},
		{"Article.PicUrl", func(s string) reply.Reply { return reply.NewNews(in, reply.Article{Title: "t", PicURL: s}) },
			func(d decoded) string { return d.Articles.Item[0].PicURL }},
		{"Article.Url", func(s string) reply.Reply { return reply.NewNews(in, reply.Article{Title: "t", URL: s}) },
			func(d decoded) string { return d.Articles.Item[0].URL }},
		{"TransInfo.KfAccount", func(s string) reply.Reply { return reply.NewTransferCustomerService(in, s) },
			func(d decoded) string { return d.TransInfo.KfAccount }},
		{"ToUserName", func(s string) reply.Reply {
			r := reply.NewText(in, "hi")
			r.ToUserName = s
			return r
		}, func(d decoded) string { return d.ToUserName }},
	}
	for _, f := range fields {
		for _, tt := range hostile {
			if tt.text == "\n" && (f.name == "Image.MediaId" || f.name == "Voice.MediaId" ||
				f.name == "Music.ThumbMediaId" || f.name == "ToUserName") {
				continue // white space only: a missing ID, tested in TestMissingField
			}
			t.Run(f.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				out, err := f.build(tt.text).Marshal()
				require.NoError(t, err)
				assert.Equal(t, tt.text, f.read(decode(t, out)))
			})
		}
	}
}
