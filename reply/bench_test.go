package reply_test

import (
	"testing"

	"github.com/wxmp/wxmp/reply"
)

// BenchmarkText builds and marshals a short text reply to a captured push.
func BenchmarkText(b *testing.B) {
	in := inbound(b, "nodewebot_text_emoticon.xml")
	b.ReportAllocs()
	for b.Loop() {
		out, err := reply.NewText(in, "你好！Thanks for your message 😀").Marshal()
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkNews3 builds and marshals a news reply with 3 articles to a
// captured menu-click event.
func BenchmarkNews3(b *testing.B) {
	in := inbound(b, "wechatpy_click.xml")
	a := articles(3)
	b.ReportAllocs()
	for b.Loop() {
		out, err := reply.NewNews(in, a...).Marshal()
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}
