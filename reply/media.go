package reply

import "github.com/wxmp/wxmp/message"

// Image is an image reply (MsgType "image").
//
// Image, [Voice] and [Video] send media already uploaded to WeChat: MediaID is
// the media_id returned by the temporary or permanent media (素材) APIs.
// WeChat rejects a reply whose media ID it does not know, and the user then
// sees "该公众号暂时无法提供服务"; Marshal can only check that the ID is not
// empty.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Image struct {
	Header
	MediaID string
}

// NewImage returns an image reply to in showing the uploaded image mediaID.
// Problems are reported by Marshal.
func NewImage(in message.Message, mediaID string) *Image {
	return &Image{Header: addressTo(in), MediaID: mediaID}
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName, FromUserName or MediaID) or ErrInvalidChar.
func (r *Image) Marshal() ([]byte, error) {
	if err := r.check(field{name: "Image.MediaId", value: r.MediaID, rule: requiredID}); err != nil {
		return nil, err
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *Image) size() int {
	return r.Header.size(typeImage) + len("<Image></Image></xml>") + elemLen("MediaId", r.MediaID)
}

func (r *Image) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeImage)
	b = append(b, "<Image>"...)
	b = appendElem(b, "MediaId", r.MediaID)
	return append(b, "</Image></xml>"...)
}

// Voice is a voice reply (MsgType "voice"). MediaID is as in [Image].
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Voice struct {
	Header
	MediaID string
}

// NewVoice returns a voice reply to in playing the uploaded recording
// mediaID. Problems are reported by Marshal.
func NewVoice(in message.Message, mediaID string) *Voice {
	return &Voice{Header: addressTo(in), MediaID: mediaID}
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName, FromUserName or MediaID) or ErrInvalidChar.
func (r *Voice) Marshal() ([]byte, error) {
	if err := r.check(field{name: "Voice.MediaId", value: r.MediaID, rule: requiredID}); err != nil {
		return nil, err
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *Voice) size() int {
	return r.Header.size(typeVoice) + len("<Voice></Voice></xml>") + elemLen("MediaId", r.MediaID)
}

func (r *Voice) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeVoice)
	b = append(b, "<Voice>"...)
	b = appendElem(b, "MediaId", r.MediaID)
	return append(b, "</Voice></xml>"...)
}

// Video is a video reply (MsgType "video"). MediaID is as in [Image];
// Title and Description are optional and left out of the XML when empty.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Video struct {
	Header
	MediaID     string
	Title       string
	Description string
}

// NewVideo returns a copy of v addressed as a reply to in: its Header is
// replaced as described at [Header], every other field is kept as given.
// It never fails; problems (no MediaID, characters XML cannot carry) are
// reported by Marshal.
//
//	r := reply.NewVideo(in, reply.Video{
//		MediaID: videoID, // from the media (素材) APIs
//		Title:   "How to order",
//	})
func NewVideo(in message.Message, v Video) *Video {
	v.Header = addressTo(in)
	return &v
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName, FromUserName or MediaID) or ErrInvalidChar.
func (r *Video) Marshal() ([]byte, error) {
	if err := r.check(
		field{name: "Video.MediaId", value: r.MediaID, rule: requiredID},
		field{name: "Video.Title", value: r.Title},
		field{name: "Video.Description", value: r.Description}); err != nil {
		return nil, err
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *Video) size() int {
	return r.Header.size(typeVideo) + len("<Video></Video></xml>") +
		elemLen("MediaId", r.MediaID) +
		optionalLen("Title", r.Title) +
		optionalLen("Description", r.Description)
}

func (r *Video) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeVideo)
	b = append(b, "<Video>"...)
	b = appendElem(b, "MediaId", r.MediaID)
	b = appendOptional(b, "Title", r.Title)
	b = appendOptional(b, "Description", r.Description)
	return append(b, "</Video></xml>"...)
}
