package message_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func hdr(to, from string, created int64, msgType string) message.Header {
	return message.Header{ToUserName: to, FromUserName: from, CreateTime: created, MsgType: msgType}
}

// TestParseFixtures parses pushes captured by other SDKs' test suites (see
// testdata/SOURCES.md) and compares every field.
func TestParseFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want message.Message
	}{
		{"wechatpy_text.xml", &message.Text{
			Header:  hdr("toUser", "fromUser", 1348831860, "text"),
			Content: "this is a test", MsgID: 1234567890123456,
		}},
		{"easywechat_text_indented.xml", &message.Text{
			Header:  hdr("toUser", "fromUser", 1348831860, "text"),
			Content: "this is a test", MsgID: 1234567890123456,
		}},
		{"nodewebot_text_emoticon.xml", &message.Text{
			Header:  hdr("gh_d3e07d51b513", "oPKu7jgOibOA-De4u8J2RuNKpZRw", 1361374891, "text"),
			Content: "/:8-)", MsgID: 5847060634540564918,
		}},
		{"wechatpy_image.xml", &message.Image{
			Header: hdr("toUser", "fromUser", 1348831860, "image"),
			PicURL: "this is a url", MediaID: "media_id", MsgID: 1234567890123456,
		}},
		{"wechatpy_voice.xml", &message.Voice{
			Header:  hdr("toUser", "fromUser", 1357290913, "voice"),
			MediaID: "media_id", Format: "Format", MsgID: 1234567890123456,
		}},
		{"wechatpy_video.xml", &message.Video{
			Header:  hdr("toUser", "fromUser", 1357290913, "video"),
			MediaID: "media_id", ThumbMediaID: "thumb_media_id", MsgID: 1234567890123456,
		}},
		{"wechatpy_location_msg.xml", &message.Location{
			Header:    hdr("toUser", "fromUser", 1351776360, "location"),
			LocationX: 23.134521, LocationY: 113.358803, Scale: 20, Label: "位置信息",
			MsgID: 1234567890123456,
		}},
		{"wechatpy_link.xml", &message.Link{
			Header: hdr("toUser", "fromUser", 1351776360, "link"),
			Title:  "公众平台官网链接", Description: "公众平台官网链接", URL: "url",
			MsgID: 1234567890123456,
		}},
		{"doc_voice_recognition.xml", &message.Voice{
			Header:  hdr("gh_9a8b7c6d5e4f", "oX1y2Z3a4B5c6D7e8F9g0H1i2J3k", 1700000000, "voice"),
			MediaID: "Kx8-voice-media-8k", Format: "amr", MediaID16K: "Kx8-voice-media-16k",
			Recognition: "腾讯微信团队", MsgID: 24123456789012345,
		}},
		{"doc_shortvideo.xml", &message.ShortVideo{
			Header:  hdr("gh_9a8b7c6d5e4f", "oX1y2Z3a4B5c6D7e8F9g0H1i2J3k", 1700000100, "shortvideo"),
			MediaID: "sv-media", ThumbMediaID: "sv-thumb", MsgID: 24123456789012346,
		}},
		{"doc_text_article.xml", &message.Text{
			Header:  hdr("gh_9a8b7c6d5e4f", "oX1y2Z3a4B5c6D7e8F9g0H1i2J3k", 1700000200, "text"),
			Content: "a <b> & c", MsgID: 24123456789012347, MsgDataID: "2247483650", Idx: "2",
			BizMsgMenuID: "101",
		}},
		{"doc_file.xml", &message.File{
			Header: hdr("gh_9a8b7c6d5e4f", "oX1y2Z3a4B5c6D7e8F9g0H1i2J3k", 1700000300, "file"),
			Title:  "报告.pdf", FileKey: "c3a5d8e0f1", FileMD5: "9e107d9d372bb6826bd81d3542a419d6",
			FileTotalLen: 5368709120, MsgID: 24123456789012348,
		}},
		{"wechatpy_subscribe.xml", &event.Subscribe{
			Header: hdr("toUser", "FromUser", 123456789, "event"),
			Event:  "subscribe",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse(readFixture(t, tt.file))
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestParseUnknownType checks that a MsgType this package does not know is
// no error: the value keeps the header and the raw XML.
func TestParseUnknownType(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "wechatpy_device_text.xml")
	got, err := message.Parse(body)
	require.NoError(t, err)
	u, ok := got.(*message.Unknown)
	require.Truef(t, ok, "got %T, want *message.Unknown", got)
	assert.Equal(t, hdr("toUser", "fromUser", 1348831860, "device_text"), u.Header)
	assert.Equal(t, string(bytes.TrimSpace(body)), string(u.Raw))

	// Raw is a copy: changing the caller's buffer must not change it.
	before := string(u.Raw)
	for i := range body {
		body[i] = 'x'
	}
	assert.Equal(t, before, string(u.Raw))
}

func TestParseAcceptsVariants(t *testing.T) {
	t.Parallel()
	const plain = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_2</FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>hi &amp; bye</Content>" +
		"<MsgId>42</MsgId></xml>"
	want := &message.Text{Header: hdr("gh_1", "o_2", 1700000000, "text"), Content: "hi & bye", MsgID: 42}
	tests := map[string]string{
		"plain":            plain,
		"leading newline":  "\n" + plain,
		"leading spaces":   "  \t " + plain + "\n\n",
		"byte order mark":  "\xef\xbb\xbf" + plain,
		"xml declaration":  `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + plain,
		"CRLF":             strings.ReplaceAll(plain, "><", ">\r\n<"),
		"CDATA everywhere": "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_2]]></FromUserName><CreateTime><![CDATA[1700000000]]></CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi & bye]]></Content><MsgId><![CDATA[42]]></MsgId></xml>",
		"numbers padded":   strings.Replace(plain, "<MsgId>42</MsgId>", "<MsgId>\n 42 \n</MsgId>", 1),
		"upper-case type":  strings.Replace(plain, "<MsgType>text</MsgType>", "<MsgType>TEXT</MsgType>", 1),
		"unknown fields":   strings.Replace(plain, "</xml>", "<Extra><Nested>1</Nested></Extra></xml>", 1),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse([]byte(body))
			require.NoError(t, err)
			if name == "upper-case type" {
				want := *want
				want.MsgType = "TEXT"
				assert.Empty(t, cmp.Diff(&want, got))
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const head = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_2</FromUserName>"
	tests := []struct {
		name string
		body string
		want error
	}{
		{"nil", "", message.ErrEmptyBody},
		{"white space", " \r\n\t ", message.ErrEmptyBody},
		{"not XML", "hello", message.ErrNotXML},
		{"JSON", `{"MsgType":"text"}`, message.ErrNotXML},
		{"truncated", head + "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi", message.ErrNotXML},
		{"unclosed root", head, message.ErrNotXML},
		{"mismatched tags", head + "<MsgType>text</Content></xml>", message.ErrNotXML},
		{"bad entity", head + "<MsgType>text</MsgType><Content>&bogus;</Content></xml>", message.ErrNotXML},
		{"end tag first", "</xml>", message.ErrNotXML},
		{"other root", "<root><MsgType>text</MsgType></root>", message.ErrRootElement},
		{"namespaced root", `<a:xml xmlns:a="urn:x"><MsgType>text</MsgType></a:xml>`, message.ErrRootElement},
		{"no MsgType", head + "<CreateTime>1</CreateTime></xml>", message.ErrNoMsgType},
		{"empty MsgType", head + "<MsgType><![CDATA[ ]]></MsgType></xml>", message.ErrNoMsgType},
		{"CreateTime not a number", head + "<CreateTime>yesterday</CreateTime><MsgType>text</MsgType></xml>", message.ErrInvalidNumber},
		{"MsgId not a number", head + "<MsgType>text</MsgType><MsgId>12ab</MsgId></xml>", message.ErrInvalidNumber},
		{"MsgId overflows int64", head + "<MsgType>text</MsgType><MsgId>99999999999999999999</MsgId></xml>", message.ErrInvalidNumber},
		{"event without Event", head + "<MsgType>event</MsgType></xml>", message.ErrNoEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse([]byte(tt.body))
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
		})
	}
}

func TestHeaderTime(t *testing.T) {
	t.Parallel()
	got, err := message.Parse(readFixture(t, "wechatpy_text.xml"))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2012, 9, 28, 11, 31, 0, 0, time.UTC), got.Head().Time().UTC())
}

// TestParseErrorsQuoteNothing checks that errors do not repeat the body: in
// safe mode the body is decrypted plaintext, which must stay out of logs.
func TestParseErrorsQuoteNothing(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"<xml><MsgType>text</MsgType><Content>&secretword;</Content></xml>",
		"<xml><MsgType>text</MsgType><secretword>x</othersecret></xml>",
		"<xml><MsgType>text</MsgType><Content>secretword",
		"<xml><MsgType>text</MsgType><MsgId>secretword</MsgId></xml>",
		"<secretword/>",
	} {
		_, err := message.Parse([]byte(body))
		require.Error(t, err, body)
		assert.NotContains(t, err.Error(), "secret", body)
	}
}
