package reply_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxmp/wxmp/reply"
)

// TestStructConstructors: NewVideo and NewMusic take the reply's fields as
// a struct, keep every field as given and replace the Header with the
// address of the push, whatever Header the struct carried.
func TestStructConstructors(t *testing.T) {
	t.Parallel()
	in := inbound(t, "wechatpy_video.xml")
	stale := reply.Header{ToUserName: "stale-to", FromUserName: "stale-from", CreateTime: 1}
	want := reply.NewText(in, "x").Header

	video := reply.NewVideo(in, reply.Video{Header: stale, MediaID: "m", Title: "t", Description: "d"})
	if diff := cmp.Diff(&reply.Video{Header: want, MediaID: "m", Title: "t", Description: "d"}, video); diff != "" {
		t.Errorf("NewVideo (-want +got):\n%s", diff)
	}

	music := reply.NewMusic(in, reply.Music{Header: stale, Title: "t", Description: "d",
		MusicURL: "u", HQMusicURL: "hq", ThumbMediaID: "th"})
	if diff := cmp.Diff(&reply.Music{Header: want, Title: "t", Description: "d",
		MusicURL: "u", HQMusicURL: "hq", ThumbMediaID: "th"}, music); diff != "" {
		t.Errorf("NewMusic (-want +got):\n%s", diff)
	}
}
