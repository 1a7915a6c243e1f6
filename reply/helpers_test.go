package reply_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// Every reply type is a reply.Reply.
var (
	_ reply.Reply = (*reply.Text)(nil)
	_ reply.Reply = (*reply.Image)(nil)
	_ reply.Reply = (*reply.Voice)(nil)
	_ reply.Reply = (*reply.Video)(nil)
	_ reply.Reply = (*reply.Music)(nil)
	_ reply.Reply = (*reply.News)(nil)
	_ reply.Reply = (*reply.TransferCustomerService)(nil)
)

// inbound parses a captured push from testdata.
func inbound(t testing.TB, name string) message.Message {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	in, err := message.Parse(body)
	require.NoError(t, err)
	return in
}

// decoded is a reply as a plain encoding/xml reader sees it, written
// independently of the package's own wire types. Pointers tell an absent
// element from an empty one.
type decoded struct {
	XMLName      xml.Name
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      *string
	Image        *decodedMedia
	Voice        *decodedMedia
	Video        *decodedVideo
	Music        *decodedMusic
	ArticleCount *int
	Articles     *struct {
		Item []decodedArticle `xml:"item"`
	}
	TransInfo *struct {
		KfAccount string
	}
}

type decodedMedia struct {
	MediaID string `xml:"MediaId"`
}

type decodedVideo struct {
	MediaID     string `xml:"MediaId"`
	Title       *string
	Description *string
}

type decodedMusic struct {
	Title        *string
	Description  *string
	MusicURL     *string `xml:"MusicUrl"`
	HQMusicURL   *string `xml:"HQMusicUrl"`
	ThumbMediaID *string `xml:"ThumbMediaId"`
}

type decodedArticle struct {
	Title       string
	Description string
	PicURL      string `xml:"PicUrl"`
	URL         string `xml:"Url"`
}

// decode reads out with a strict encoding/xml decoder, requiring exactly
// one well-formed <xml> document.
func decode(t testing.TB, out []byte) decoded {
	t.Helper()
	var d decoded
	require.NoError(t, xml.Unmarshal(out, &d), "reply is not well-formed XML:\n%s", out)
	require.Equal(t, "xml", d.XMLName.Local)
	return d
}

func ptr[T any](v T) *T { return &v }
