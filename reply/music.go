package reply

import (
	"github.com/wxmp/wxmp/internal/xmltext"
	"github.com/wxmp/wxmp/message"
)

// Music is a music reply (MsgType "music"): a card that plays MusicURL, or
// HQMusicURL (the high-quality file, which WeChat prefers on Wi-Fi).
// ThumbMediaID, the media_id of an uploaded thumbnail, is the one required
// field; Title, Description and the two URLs are optional and written as
// empty elements when empty.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Music struct {
	Header
	Title       string
	Description string
	MusicURL    string
	HQMusicURL  string
	// ThumbMediaID is required.
	ThumbMediaID string
}

// NewMusic returns a copy of m addressed as a reply to in: its Header is
// replaced as described at [Header], every other field is kept as given.
// Problems are reported by Marshal.
//
//	r := reply.NewMusic(in, reply.Music{
//		Title:        "Song",
//		MusicURL:     "https://example.com/song.mp3",
//		HQMusicURL:   "https://example.com/song-hq.mp3",
//		ThumbMediaID: thumbID,
//	})
func NewMusic(in message.Message, m Music) *Music {
	m.Header = addressTo(in)
	return &m
}

type musicWire struct {
	wireHeader
	Music struct {
		Title        xmltext.Text `xml:"Title"`
		Description  xmltext.Text `xml:"Description"`
		MusicURL     xmltext.Text `xml:"MusicUrl"`
		HQMusicURL   xmltext.Text `xml:"HQMusicUrl"`
		ThumbMediaID xmltext.Text `xml:"ThumbMediaId"`
	} `xml:"Music"`
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName, FromUserName or ThumbMediaID) or ErrInvalidChar.
func (r *Music) Marshal() ([]byte, error) {
	if err := r.check(
		field{name: "Music.Title", value: r.Title},
		field{name: "Music.Description", value: r.Description},
		field{name: "Music.MusicUrl", value: r.MusicURL},
		field{name: "Music.HQMusicUrl", value: r.HQMusicURL},
		field{name: "Music.ThumbMediaId", value: r.ThumbMediaID, rule: requiredID}); err != nil {
		return nil, err
	}
	w := musicWire{wireHeader: r.wire(typeMusic)}
	w.Music.Title = xmltext.Wrap(r.Title)
	w.Music.Description = xmltext.Wrap(r.Description)
	w.Music.MusicURL = xmltext.Wrap(r.MusicURL)
	w.Music.HQMusicURL = xmltext.Wrap(r.HQMusicURL)
	w.Music.ThumbMediaID = xmltext.Wrap(r.ThumbMediaID)
	return marshal(&w)
}
