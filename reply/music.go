package reply

import "github.com/wxmp/wxmp/message"

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
// It never fails; problems (no ThumbMediaID, characters XML cannot carry)
// are reported by Marshal.
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
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *Music) size() int {
	return r.Header.size(typeMusic) + len("<Music></Music></xml>") +
		elemLen("Title", r.Title) +
		elemLen("Description", r.Description) +
		elemLen("MusicUrl", r.MusicURL) +
		elemLen("HQMusicUrl", r.HQMusicURL) +
		elemLen("ThumbMediaId", r.ThumbMediaID)
}

func (r *Music) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeMusic)
	b = append(b, "<Music>"...)
	b = appendElem(b, "Title", r.Title)
	b = appendElem(b, "Description", r.Description)
	b = appendElem(b, "MusicUrl", r.MusicURL)
	b = appendElem(b, "HQMusicUrl", r.HQMusicURL)
	b = appendElem(b, "ThumbMediaId", r.ThumbMediaID)
	return append(b, "</Music></xml>"...)
}
