package message_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
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
