package message

// The normal (non-event) messages a user can send to an Official Account.
// Each embeds [Header]. MsgID is the 64-bit message ID that WeChat
// recommends for de-duplicating retried pushes. MsgDataID and Idx are set
// only when the message was sent from an article: the article's data ID and
// its position (from 1) in a multi-article post. The documentation gives
// neither a type (its sample shows "xxxx" for both), so they are kept as
// the text WeChat sends (see [Parse] for how odd fields are handled).
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html

// Text is a text message (MsgType "text").
type Text struct {
	Header
	Content   string `xml:"Content"`
	MsgID     int64  `xml:"MsgId"`
	MsgDataID string `xml:"MsgDataId"`
	Idx       string `xml:"Idx"`
	// BizMsgMenuID is set when the text is the user's tap on an option of a
	// customer-service menu message: the option's id, the string the
	// account gave it when sending the menu.
	BizMsgMenuID string `xml:"bizmsgmenuid"`
}

// Image is an image message (MsgType "image").
type Image struct {
	Header
	// PicURL is the URL of the picture on WeChat's servers.
	PicURL string `xml:"PicUrl"`
	// MediaID fetches the picture through the temporary media API.
	MediaID   string `xml:"MediaId"`
	MsgID     int64  `xml:"MsgId"`
	MsgDataID string `xml:"MsgDataId"`
	Idx       string `xml:"Idx"`
}

// Voice is a voice message (MsgType "voice").
type Voice struct {
	Header
	// MediaID fetches the recording through the temporary media API.
	MediaID string `xml:"MediaId"`
	// Format is the recording's format, such as "amr" or "speex".
	Format string `xml:"Format"`
	// Recognition is WeChat's transcription, present only when speech
	// recognition is switched on for the account.
	Recognition string `xml:"Recognition"`
	// MediaID16K fetches the recording at a 16 kHz sample rate.
	MediaID16K string `xml:"MediaId16K"`
	MsgID      int64  `xml:"MsgId"`
	MsgDataID  string `xml:"MsgDataId"`
	Idx        string `xml:"Idx"`
}

// Video is a video message (MsgType "video").
type Video struct {
	Header
	MediaID string `xml:"MediaId"`
	// ThumbMediaID fetches the video's thumbnail.
	ThumbMediaID string `xml:"ThumbMediaId"`
	MsgID        int64  `xml:"MsgId"`
	MsgDataID    string `xml:"MsgDataId"`
	Idx          string `xml:"Idx"`
}

// ShortVideo is a short-video message (MsgType "shortvideo").
type ShortVideo struct {
	Header
	MediaID      string `xml:"MediaId"`
	ThumbMediaID string `xml:"ThumbMediaId"`
	MsgID        int64  `xml:"MsgId"`
	MsgDataID    string `xml:"MsgDataId"`
	Idx          string `xml:"Idx"`
}

// Location is a location the user shared (MsgType "location").
type Location struct {
	Header
	// LocationX is the latitude, in degrees.
	LocationX float64 `xml:"Location_X"`
	// LocationY is the longitude, in degrees.
	LocationY float64 `xml:"Location_Y"`
	// Scale is the map's zoom level.
	Scale float64 `xml:"Scale"`
	// Label describes the place in words.
	Label     string `xml:"Label"`
	MsgID     int64  `xml:"MsgId"`
	MsgDataID string `xml:"MsgDataId"`
	Idx       string `xml:"Idx"`
}

// Link is a link message (MsgType "link").
type Link struct {
	Header
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	URL         string `xml:"Url"`
	MsgID       int64  `xml:"MsgId"`
	MsgDataID   string `xml:"MsgDataId"`
	Idx         string `xml:"Idx"`
}

// File is a file message (MsgType "file"). WeChat pushes it, though its
// documentation does not list it.
type File struct {
	Header
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	FileKey     string `xml:"FileKey"`
	// FileMD5 is the file's MD5 in hex.
	FileMD5 string `xml:"FileMd5"`
	// FileTotalLen is the file's size in bytes.
	FileTotalLen int64 `xml:"FileTotalLen"`
	MsgID        int64 `xml:"MsgId"`
}

// Unknown is a push whose MsgType this package does not know, or a push of
// a known type one of whose fields did not decode. Raw holds the whole push
// (without surrounding white space) for the caller to decode.
//
// InvalidFields is nil for an unknown MsgType. For a known one it names the
// fields that did not decode (see [Parse]), by their wire names, a path
// such as "SendPicsInfo>Count" for a nested one: the push is kept, so that
// a handler can still answer it, rather than failing with
// ErrInvalidNumber, which would make WeChat retry it and show the user an
// error.
type Unknown struct {
	Header
	Raw           []byte
	InvalidFields []string `xml:"-"`
}
