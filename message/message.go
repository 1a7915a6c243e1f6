package message

import (
	"bytes"
	"strings"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/internal/wire"
)

// Header is the common header every push carries: ToUserName (the Official
// Account's original ID), FromUserName (the sender's OpenID), CreateTime
// (Unix seconds) and MsgType. Every type [Parse] returns embeds it, and its
// Time method gives CreateTime as a time.Time.
type Header = wire.Header

// Message is what [Parse] returns: one of the pointer types of this package
// (such as *Text) or of package event (such as *event.Subscribe). Use a type
// switch to get at the fields; Head gives the common header of any of them.
type Message interface {
	Head() *Header
}

// Wire values of MsgType.
const (
	TypeText       = "text"
	TypeImage      = "image"
	TypeVoice      = "voice"
	TypeVideo      = "video"
	TypeShortVideo = "shortvideo"
	TypeLocation   = "location"
	TypeLink       = "link"
	TypeFile       = "file"
	TypeEvent      = "event"
)

// Sentinel errors returned by [Parse], wrapped with detail; test them with
// errors.Is. The event package exports the same values.
var (
	// ErrEmptyBody: the body is empty or only white space.
	ErrEmptyBody = wire.ErrEmptyBody
	// ErrNotXML: the body is not well-formed XML (including truncated XML).
	ErrNotXML = wire.ErrNotXML
	// ErrRootElement: the document's root element is not <xml>.
	ErrRootElement = wire.ErrRootElement
	// ErrNoMsgType: there is no MsgType, or it is empty.
	ErrNoMsgType = wire.ErrNoMsgType
	// ErrInvalidNumber: a numeric field (CreateTime, MsgId, Location_X, …)
	// holds something that is not a number of its type.
	ErrInvalidNumber = wire.ErrInvalidNumber
	// ErrNoEvent: MsgType is "event" but there is no Event element.
	ErrNoEvent = wire.ErrNoEvent
)

// Parse decodes the plaintext XML body of a push from WeChat (the POST body
// in plain mode, or the decrypted XML in safe mode) into a typed value:
// *Text, *Image, *Voice, *Video, *ShortVideo, *Location, *Link or *File for
// normal messages; for MsgType "event", the typed event from package event
// (see event.Parse); and *Unknown, with a nil error, for a MsgType this
// package does not know, so that a handler keeps working when WeChat adds
// one.
//
// Leading white space, a byte order mark, an XML declaration, CDATA or
// entity-escaped text and CRLF line ends are all accepted. Errors wrap
// ErrEmptyBody, ErrNotXML, ErrRootElement, ErrNoMsgType, ErrNoEvent or
// ErrInvalidNumber; Parse never panics, and no part of the body is put into
// an error (a syntax error gives its line number only), so errors are safe
// to log even when the body is a decrypted safe-mode push.
//
// Parse does not keep body; Unknown values hold their own copy.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
func Parse(body []byte) (Message, error) {
	p, err := wire.ReadProbe(body)
	if err != nil {
		return nil, err
	}
	msgType := strings.TrimSpace(p.MsgType)
	switch {
	case msgType == "":
		return nil, ErrNoMsgType
	case strings.EqualFold(msgType, TypeEvent):
		return event.Parse(body)
	}
	m := newMessage(msgType)
	if m == nil {
		m = newMessage(strings.ToLower(msgType))
	}
	if m == nil {
		return &Unknown{Header: p.Header, Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.Decode(body, m); err != nil {
		return nil, err
	}
	return m, nil
}

// newMessage returns a new zero value of the type for an exact MsgType of a
// normal message, or nil when the type is unknown.
func newMessage(msgType string) Message {
	switch msgType {
	case TypeText:
		return new(Text)
	case TypeImage:
		return new(Image)
	case TypeVoice:
		return new(Voice)
	case TypeVideo:
		return new(Video)
	case TypeShortVideo:
		return new(ShortVideo)
	case TypeLocation:
		return new(Location)
	case TypeLink:
		return new(Link)
	case TypeFile:
		return new(File)
	}
	return nil
}
