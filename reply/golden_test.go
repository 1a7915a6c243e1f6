package reply_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// TestGolden answers captured pushes with each kind of reply. It compares
// the bytes with testdata/<name>.golden, and what an XML reader gets back
// with what the reply must say: addressed back to the sender, stamped by the
// clock, with the right MsgType and body.
func TestGolden(t *testing.T) {
	t.Parallel()
	articles := []reply.Article{
		{Title: "欢迎关注", Description: "点击查看新手指南", PicURL: "https://example.com/big.jpg", URL: "https://example.com/guide"},
		{Title: "Menu & FAQ", Description: "<b>not</b> markup", PicURL: "https://example.com/s1.png", URL: "https://example.com/faq?a=1&b=2"},
		{Title: "Contact", URL: "https://example.com/contact"},
	}
	tests := []struct {
		name  string
		push  string
		build func(t *testing.T, in message.Message) reply.Reply
		want  decoded // the body; addressing, CreateTime and XMLName are checked for all
	}{
		{
			name: "text", push: "nodewebot_text_emoticon.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewText(in, "你好 😀\n第二行")
			},
			want: decoded{MsgType: "text", Content: ptr("你好 😀\n第二行")},
		},
		{
			name: "text_cdata_end", push: "wechatpy_text.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewText(in, "a]]>b <c> & d")
			},
			want: decoded{MsgType: "text", Content: ptr("a]]>b <c> & d")},
		},
		{
			name: "text_crlf", push: "wechatpy_text.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewText(in, "line 1\r\nline 2 <&>")
			},
			want: decoded{MsgType: "text", Content: ptr("line 1\r\nline 2 <&>")},
		},
		{
			name: "image", push: "wechatpy_image.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewImage(in, in.(*message.Image).MediaID)
			},
			want: decoded{MsgType: "image", Image: &decodedMedia{MediaID: "media_id"}},
		},
		{
			name: "voice", push: "wechatpy_voice.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewVoice(in, in.(*message.Voice).MediaID)
			},
			want: decoded{MsgType: "voice", Voice: &decodedMedia{MediaID: "media_id"}},
		},
		{
			name: "video", push: "wechatpy_video.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewVideo(in, reply.Video{
					MediaID:     in.(*message.Video).MediaID,
					Title:       "回放",
					Description: "Your clip, sent back",
				})
			},
			want: decoded{MsgType: "video", Video: &decodedVideo{
				MediaID: "media_id", Title: ptr("回放"), Description: ptr("Your clip, sent back"),
			}},
		},
		{
			name: "video_no_title", push: "wechatpy_video.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewVideo(in, reply.Video{MediaID: in.(*message.Video).MediaID})
			},
			want: decoded{MsgType: "video", Video: &decodedVideo{MediaID: "media_id"}},
		},
		{
			name: "music", push: "wechatpy_text.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewMusic(in, reply.Music{
					Title:        "Song",
					Description:  "Artist — Album",
					MusicURL:     "https://example.com/song.mp3",
					HQMusicURL:   "https://example.com/song.flac",
					ThumbMediaID: "thumb_media_id",
				})
			},
			want: decoded{MsgType: "music", Music: &decodedMusic{
				Title:        ptr("Song"),
				Description:  ptr("Artist — Album"),
				MusicURL:     ptr("https://example.com/song.mp3"),
				HQMusicURL:   ptr("https://example.com/song.flac"),
				ThumbMediaID: ptr("thumb_media_id"),
			}},
		},
		{
			name: "news", push: "wechatpy_click.xml", // an event: up to 8 articles show
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewNews(in, articles...)
			},
			want: decoded{MsgType: "news", ArticleCount: ptr(3), Articles: &struct {
				Item []decodedArticle `xml:"item"`
			}{Item: []decodedArticle{
				{Title: "欢迎关注", Description: "点击查看新手指南", PicURL: "https://example.com/big.jpg", URL: "https://example.com/guide"},
				{Title: "Menu & FAQ", Description: "<b>not</b> markup", PicURL: "https://example.com/s1.png", URL: "https://example.com/faq?a=1&b=2"},
				{Title: "Contact", URL: "https://example.com/contact"},
			}}},
		},
		{
			name: "news_single", push: "wechatpy_text.xml", // a user's message: 1 article shows
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewNews(in, articles[0])
			},
			want: decoded{MsgType: "news", ArticleCount: ptr(1), Articles: &struct {
				Item []decodedArticle `xml:"item"`
			}{Item: []decodedArticle{
				{Title: "欢迎关注", Description: "点击查看新手指南", PicURL: "https://example.com/big.jpg", URL: "https://example.com/guide"},
			}}},
		},
		{
			name: "transfer_customer_service", push: "wechatpy_text.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewTransferCustomerService(in, "")
			},
			want: decoded{MsgType: "transfer_customer_service"},
		},
		{
			name: "transfer_customer_service_kf", push: "wechatpy_text.xml",
			build: func(t *testing.T, in message.Message) reply.Reply {
				return reply.NewTransferCustomerService(in, "test1@test")
			},
			want: decoded{MsgType: "transfer_customer_service", TransInfo: &struct{ KfAccount string }{"test1@test"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := inbound(t, tt.push)
			out, err := tt.build(t, in).Marshal()
			require.NoError(t, err)

			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, out, 0o644))
			}
			golden, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestGolden -update to create it")
			require.Equal(t, string(golden), string(out), "output differs from %s", path)

			want := tt.want
			want.ToUserName = in.Head().FromUserName
			want.FromUserName = in.Head().ToUserName
			want.CreateTime = reply.FixedCreateTime
			got := decode(t, out)
			got.XMLName.Local = ""
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decoded reply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
