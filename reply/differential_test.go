package reply_test

import (
	"encoding/xml"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// fuzzReplies builds one reply of every type from the fuzzed values: the
// header as given, the body from a to e, and a news reply with n articles
// (0 and 9 included, to reach Marshal's count check), article i taking
// its fields from a to e rotated by i. want is what encoding/xml must read
// back when Marshal accepts the reply.
func fuzzReplies(t *testing.T, h reply.Header, a, b, c, d, e string, n int) []struct {
	r    reply.Reply
	want decoded
} {
	t.Helper()
	var in message.Message // every header is replaced by h
	text := reply.NewText(in, a)
	text.Header = h
	image := reply.NewImage(in, a)
	image.Header = h
	voice := reply.NewVoice(in, b)
	voice.Header = h
	video := reply.NewVideo(in, reply.Video{MediaID: a, Title: b, Description: c})
	video.Header = h
	music := reply.NewMusic(in, reply.Music{Title: a, Description: b, MusicURL: c, HQMusicURL: d, ThumbMediaID: e})
	music.Header = h
	news := reply.NewNews(in, reply.Article{Title: "placeholder"})
	news.Header = h
	fields := [...]string{a, b, c, d, e}
	var items []decodedArticle
	for i := range n {
		art := reply.Article{
			Title:       fields[i%5],
			Description: fields[(i+1)%5],
			PicURL:      fields[(i+2)%5],
			URL:         fields[(i+3)%5],
		}
		news.Articles = append(news.Articles[:i], art)
		items = append(items, decodedArticle(art))
	}
	news.Articles = news.Articles[:n]
	transfer := reply.NewTransferCustomerService(in, a)
	transfer.Header = h

	head := decoded{ToUserName: h.ToUserName, FromUserName: h.FromUserName, CreateTime: h.CreateTime}
	with := func(msgType string, body func(d *decoded)) decoded {
		d := head
		d.MsgType = msgType
		body(&d)
		return d
	}
	optional := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return []struct {
		r    reply.Reply
		want decoded
	}{
		{text, with("text", func(x *decoded) { x.Content = &a })},
		{image, with("image", func(x *decoded) { x.Image = &decodedMedia{MediaID: a} })},
		{voice, with("voice", func(x *decoded) { x.Voice = &decodedMedia{MediaID: b} })},
		{video, with("video", func(x *decoded) {
			x.Video = &decodedVideo{MediaID: a, Title: optional(b), Description: optional(c)}
		})},
		{music, with("music", func(x *decoded) {
			x.Music = &decodedMusic{Title: &a, Description: &b, MusicURL: &c, HQMusicURL: &d, ThumbMediaID: &e}
		})},
		{news, with("news", func(x *decoded) {
			x.ArticleCount = &n
			x.Articles = &struct {
				Item []decodedArticle `xml:"item"`
			}{Item: items}
		})},
		{transfer, with("transfer_customer_service", func(x *decoded) {
			if a != "" {
				x.TransInfo = &struct{ KfAccount string }{a}
			}
		})},
	}
}

// FuzzDifferential holds Marshal to what encoding/xml wrote before this
// package had its own writer (reference_test.go): for every reply type and
// any field values, the writer's bytes equal encoding/xml's, even for text
// Marshal refuses, and Marshal returns the same error (same text, same
// order of checks) or the same bytes, allocated once at their exact
// length, which encoding/xml reads back to the values given.
func FuzzDifferential(f *testing.F) {
	const created = reply.FixedCreateTime
	// The golden cases.
	f.Add("oPKu7jgOibOA-De4u8J2RuNKpZRw", "gh_d3e07d51b513", int64(created), "你好 😀\n第二行", "media_id", "回放", "Your clip, sent back", "thumb_media_id", uint8(1))
	f.Add("fromUser", "toUser", int64(created), "a]]>b <c> & d", "Artist — Album", "https://example.com/song.mp3", "https://example.com/song.flac", "thumb_media_id", uint8(3))
	f.Add("fromUser", "toUser", int64(created), "line 1\r\nline 2 <&>", "欢迎关注", "点击查看新手指南", "https://example.com/big.jpg", "https://example.com/guide", uint8(1))
	f.Add("FromUser", "toUser", int64(created), "Menu & FAQ", "<b>not</b> markup", "https://example.com/s1.png", "https://example.com/faq?a=1&b=2", "", uint8(3))
	f.Add("fromUser", "toUser", int64(created), "test1@test", "", "", "", "t", uint8(8))
	f.Add("fromUser", "toUser", int64(created), "", "", "", "", "", uint8(1))
	// Edges: counts, clocks, white space, text XML parsers rewrite or
	// reject.
	f.Add("o", "gh", int64(0), "x", "y", "z", "w", "v", uint8(0))
	f.Add("o", "gh", int64(-1), "x", "y", "z", "w", "v", uint8(9))
	f.Add("o", "gh", int64(math.MinInt64), "x\r]]>", "\t'\"", "]]]]>>", "\r", "\n", uint8(2))
	f.Add("o", "gh", int64(math.MaxInt64), "😀👍🏽", "\uFFFD", "\U0010FFFF", "\x7f\u0085", " ", uint8(5))
	f.Add(" ", "gh", int64(1), "x", "y", "z", "w", "v", uint8(1))
	f.Add("o", "\r\n", int64(1), "x", "y", "z", "w", "v", uint8(1))
	f.Add("o\r", "g<h>", int64(1), "x", "y", "z", "w", "v", uint8(1))
	f.Add("o", "gh", int64(1), "\r'\"&<>\t\n]]>", "'\"&<>\t\n", "\r\xff", "\r\x00", "\r\uFFFD\uFFFE", uint8(3))
	f.Add("o", "gh", int64(1), "a\x00b", "\xff", "\xed\xa0\x80", "\uFFFE", "\x1b", uint8(4))
	f.Add("o\xff", "gh", int64(1), "", "", "", "", "", uint8(1))
	for _, h := range hostile {
		f.Add("o", "gh", int64(created), h.text, h.text, h.text, h.text, h.text, uint8(7))
	}

	f.Fuzz(func(t *testing.T, to, from string, createTime int64, a, b, c, d, e string, n uint8) {
		h := reply.Header{ToUserName: to, FromUserName: from, CreateTime: createTime}
		for _, tt := range fuzzReplies(t, h, a, b, c, d, e, int(n%10)) {
			// The writer itself, on any text, checked or not.
			v, _ := refWire(tt.r)
			wantUnchecked, err := xml.Marshal(v)
			require.NoError(t, err)
			unchecked := reply.AppendUnchecked(tt.r)
			require.Equal(t, string(wantUnchecked), string(unchecked), "%T, unchecked", tt.r)
			require.Equal(t, len(unchecked), cap(unchecked), "%T, unchecked: allocated at its length", tt.r)

			// Marshal: the same checks, then the same bytes.
			want, wantErr := refMarshal(tt.r)
			got, err := tt.r.Marshal()
			if wantErr != nil {
				require.Error(t, err, "%T: encoding/xml path refused it", tt.r)
				require.Equal(t, wantErr.Error(), err.Error(), "%T", tt.r)
				for _, sentinel := range []error{reply.ErrMissingField, reply.ErrInvalidChar, reply.ErrArticleCount} {
					require.Equal(t, errors.Is(wantErr, sentinel), errors.Is(err, sentinel), "%T: %v", tt.r, sentinel)
				}
				require.Nil(t, got)
				continue
			}
			require.NoError(t, err, "%T", tt.r)
			require.Equal(t, string(want), string(got), "%T", tt.r)
			require.Equal(t, len(got), cap(got), "%T: allocated once, at its length", tt.r)

			back := decode(t, got)
			back.XMLName.Local = ""
			if diff := cmp.Diff(tt.want, back); diff != "" {
				t.Fatalf("%T read back (-want +got):\n%s", tt.r, diff)
			}
		}
	})
}
