package reply_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// TestMissingField: replies WeChat would reject, which users would see as
// "该公众号暂时无法提供服务", fail at Marshal with ErrMissingField and name
// the field.
func TestMissingField(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_text.xml")
	withHeader := func(h reply.Header) reply.Reply {
		r := reply.NewText(in, "hi")
		r.Header = h
		return r
	}
	tests := []struct {
		name  string
		reply reply.Reply
		field string
	}{
		{"text without content", reply.NewText(in, ""), "Content"},
		{"image without media id", reply.NewImage(in, ""), "Image.MediaId"},
		{"image with blank media id", reply.NewImage(in, " \t\n"), "Image.MediaId"},
		{"voice without media id", reply.NewVoice(in, ""), "Voice.MediaId"},
		{"video without media id", reply.NewVideo(in, reply.Video{Title: "title", Description: "description"}), "Video.MediaId"},
		{"music without thumbnail", reply.NewMusic(in, reply.Music{Title: "t", MusicURL: "https://example.com/a.mp3"}), "Music.ThumbMediaId"},
		{"news article without title", reply.NewNews(in, reply.Article{Title: "ok"}, reply.Article{URL: "https://example.com"}), "Articles[1].Title"},
		{"no ToUserName", withHeader(reply.Header{FromUserName: "gh_1", CreateTime: 1}), "ToUserName"},
		{"blank ToUserName", withHeader(reply.Header{ToUserName: "  ", FromUserName: "gh_1", CreateTime: 1}), "ToUserName"},
		{"no FromUserName", withHeader(reply.Header{ToUserName: "o1", CreateTime: 1}), "FromUserName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := tt.reply.Marshal()
			require.ErrorIs(t, err, reply.ErrMissingField)
			assert.Contains(t, err.Error(), tt.field)
			assert.Nil(t, out)
		})
	}
}

// TestOptionalFieldsMayBeEmpty: fields the official page marks optional,
// and text that is only white space, are accepted.
func TestOptionalFieldsMayBeEmpty(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_text.xml")
	for name, r := range map[string]reply.Reply{
		"text of spaces":      reply.NewText(in, "   "),
		"video, id only":      reply.NewVideo(in, reply.Video{MediaID: "m"}),
		"music, thumb only":   reply.NewMusic(in, reply.Music{ThumbMediaID: "t"}),
		"article, title only": reply.NewNews(in, reply.Article{Title: "t"}),
		"transfer, any agent": reply.NewTransferCustomerService(in, ""),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := r.Marshal()
			require.NoError(t, err)
			decode(t, out)
		})
	}
}

// TestNilMessage: a nil inbound message, plain or a typed nil pointer,
// never panics; Marshal reports the missing address.
func TestNilMessage(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]message.Message{
		"nil interface":        nil,
		"nil *message.Text":    (*message.Text)(nil),
		"nil *event.Subscribe": (*event.Subscribe)(nil),
		"nil *message.Unknown": (*message.Unknown)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			news := reply.NewNews(in, reply.Article{Title: "t"})
			for _, r := range []reply.Reply{
				reply.NewText(in, "hi"),
				reply.NewImage(in, "m"),
				reply.NewVoice(in, "m"),
				reply.NewVideo(in, reply.Video{MediaID: "m", Title: "t", Description: "d"}),
				reply.NewMusic(in, reply.Music{ThumbMediaID: "t"}),
				news,
				reply.NewTransferCustomerService(in, "kf@test"),
			} {
				out, err := r.Marshal()
				require.ErrorIs(t, err, reply.ErrMissingField, "%T", r)
				assert.Contains(t, err.Error(), "ToUserName")
				assert.Nil(t, out)
			}
		})
	}
}

// TestInvalidChar: characters XML 1.0 cannot carry, and invalid UTF-8,
// fail with ErrInvalidChar in any field, and the error does not repeat the
// text.
func TestInvalidChar(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_text.xml")
	bad := []struct{ name, text string }{
		{"NUL", "secret\x00"},
		{"ESC", "secret\x1b[31m"},
		{"vertical tab", "secret\v"},
		{"form feed", "secret\f"},
		{"U+FFFE", "secret\uFFFE"},
		{"U+FFFF", "secret\uFFFF"},
		{"invalid UTF-8", "secret\xff"},
		{"truncated UTF-8", "secret\xe4\xbd"},
		{"UTF-8 encoded surrogate", "secret\xed\xa0\x80"},
	}
	fields := map[string]func(s string) reply.Reply{
		"Content":       func(s string) reply.Reply { return reply.NewText(in, s) },
		"Image.MediaId": func(s string) reply.Reply { return reply.NewImage(in, s) },
		"Voice.MediaId": func(s string) reply.Reply { return reply.NewVoice(in, s) },
		"Video.Description": func(s string) reply.Reply {
			return reply.NewVideo(in, reply.Video{MediaID: "m", Title: "t", Description: s})
		},
		"Music.HQMusicUrl": func(s string) reply.Reply {
			return reply.NewMusic(in, reply.Music{HQMusicURL: s, ThumbMediaID: "t"})
		},
		"Articles[0].Url":     func(s string) reply.Reply { return reply.NewNews(in, reply.Article{Title: "t", URL: s}) },
		"TransInfo.KfAccount": func(s string) reply.Reply { return reply.NewTransferCustomerService(in, s) },
		"FromUserName": func(s string) reply.Reply {
			r := reply.NewText(in, "hi")
			r.FromUserName = s
			return r
		},
	}
	for field, build := range fields {
		for _, tt := range bad {
			t.Run(field+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				out, err := build(tt.text).Marshal()
				require.ErrorIs(t, err, reply.ErrInvalidChar)
				assert.Contains(t, err.Error(), field)
				assert.Contains(t, err.Error(), "byte 6", "offset of the bad character")
				assert.NotContains(t, err.Error(), "secret")
				assert.Nil(t, out)
			})
		}
	}
}

// TestAddressing: the reply goes back to the sender, from the account, for
// messages and events alike, with stray white space around the IDs dropped.
func TestAddressing(t *testing.T) {
	t.Parallel()
	indented := []byte("<xml>\n <ToUserName>\n   gh_0123456789ab\n </ToUserName>\n" +
		" <FromUserName> oUser-1 </FromUserName>\n <CreateTime>1348831860</CreateTime>\n" +
		" <MsgType>text</MsgType>\n <Content>hi</Content>\n</xml>")
	indentedIn, err := message.Parse(indented)
	require.NoError(t, err)
	tests := []struct {
		name     string
		in       message.Message
		to, from string
	}{
		{"text message", inbound(t, "nodewebot_text_emoticon.xml"), "oPKu7jgOibOA-De4u8J2RuNKpZRw", "gh_d3e07d51b513"},
		{"subscribe event", inbound(t, "wechatpy_subscribe.xml"), "FromUser", "toUser"},
		{"indented ids", indentedIn, "oUser-1", "gh_0123456789ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := reply.NewText(tt.in, "hi")
			assert.Equal(t, reply.Header{ToUserName: tt.to, FromUserName: tt.from, CreateTime: reply.FixedCreateTime}, r.Header)
			out, err := r.Marshal()
			require.NoError(t, err)
			got := decode(t, out)
			assert.Equal(t, tt.to, got.ToUserName)
			assert.Equal(t, tt.from, got.FromUserName)
		})
	}
}

// TestCallerCreateTime: a CreateTime set by the caller is what goes out.
func TestCallerCreateTime(t *testing.T) {
	t.Parallel()
	r := reply.NewText(inbound(t, "wechatpy_text.xml"), "hi")
	r.CreateTime = 1700000000
	out, err := r.Marshal()
	require.NoError(t, err)
	assert.Equal(t, int64(1700000000), decode(t, out).CreateTime)
	assert.Contains(t, string(out), "<CreateTime>1700000000</CreateTime>", "a plain integer, not CDATA")
}

// TestMarshalRepeatable: Marshal neither changes the reply nor depends on
// being called once.
func TestMarshalRepeatable(t *testing.T) {
	t.Parallel()
	r := reply.NewNews(inbound(t, "wechatpy_click.xml"), reply.Article{Title: "a]]>b\r\n"}, reply.Article{Title: "c"})
	before := *r
	first, err := r.Marshal()
	require.NoError(t, err)
	second, err := r.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(first), string(second))
	assert.Equal(t, before, *r)
}

// TestSuccess: the no-reply body is the literal WeChat documents.
func TestSuccess(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "success", reply.Success)
	assert.False(t, strings.ContainsAny(reply.Success, "<> \n"), "plain text, not XML")
}
