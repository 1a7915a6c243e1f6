package reply_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/reply"
)

// TestAllocs holds the allocation counts the benchmarks report, for every
// reply type, built and marshalled through the Reply interface as a
// handler would: one for the reply, one for the output (and one for the
// copy of a news reply's articles); nothing else, whatever the text.
func TestAllocs(t *testing.T) {
	text := inbound(t, "nodewebot_text_emoticon.xml")
	event := inbound(t, "wechatpy_click.xml")
	three := articles(3)
	tests := []struct {
		name   string
		allocs float64
		build  func() reply.Reply
	}{
		{"text", 2, func() reply.Reply { return reply.NewText(text, "你好！Thanks for your message 😀") }},
		{"text with CR and ]]>", 2, func() reply.Reply { return reply.NewText(text, "a]]>b\r\nc <&>") }},
		{"image", 2, func() reply.Reply { return reply.NewImage(text, "media_id") }},
		{"voice", 2, func() reply.Reply { return reply.NewVoice(text, "media_id") }},
		{"video", 2, func() reply.Reply { return reply.NewVideo(text, reply.Video{MediaID: "media_id", Title: "title"}) }},
		{"music", 2, func() reply.Reply { return reply.NewMusic(text, reply.Music{Title: "t", ThumbMediaID: "thumb"}) }},
		{"news", 3, func() reply.Reply { return reply.NewNews(event, three...) }},
		{"transfer", 2, func() reply.Reply { return reply.NewTransferCustomerService(text, "kf@test") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testing.AllocsPerRun(100, func() {
				out, err := tt.build().Marshal()
				if err != nil || len(out) == 0 {
					t.Fatal(err)
				}
			})
			assert.Equal(t, tt.allocs, got)
		})
	}
}
