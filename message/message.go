package message

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/internal/wire"
)

// Header is the common header every push carries: ToUserName (the Official
// Account's original ID), FromUserName (the sender's OpenID), CreateTime
// (Unix seconds) and MsgType. Every type [Parse] returns embeds it, and its
// Time method gives CreateTime as a time.Time. It is [event.Header], which
// lists the fields.
type Header = event.Header

// Message is what [Parse] returns: one of the pointer types of this package
// (such as *Text) or of package event (such as *event.Subscribe). Use a type
// switch to get at the fields. Any of them gives:
//
//   - Head: the common header.
//   - EventName: the Event element as it arrived ("subscribe", "CLICK", …)
//     for an event, "" for a message.
//   - DedupKey: a string that is the same for two deliveries of one push
//     and differs for two different pushes, to drop WeChat's retries (it
//     retries a push it got no answer to within five seconds, up to three
//     times, with the same XML). A message's key is ToUserName,
//     FromUserName, CreateTime and MsgId, which WeChat recommends for
//     de-duplicating messages (with what the message holds when MsgId is
//     missing); an event's is described at event.Event; an Unknown's holds
//     its header and a SHA-256 of the raw XML. Fields are written
//     length-first ("5:gh_ab"), so that no two different lists of fields
//     give the same key, and a key starts with "m", "e" or "u" for a
//     message, an event or an Unknown, so that kinds never share one. Keys
//     hold OpenIDs: keep them where you would keep those. Building a key
//     takes one allocation.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
type Message interface {
	Head() *Header
	EventName() string
	DedupKey() string
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
// errors.Is. Their text starts with "message: ", also for an event push
// whose fault package event found. Each matches, under errors.Is, the
// sentinel of the same name in package event (and the other way round), so
// a caller may test an error with either package's.
var (
	// ErrEmptyBody: the body is empty or only white space.
	ErrEmptyBody error = wire.NewSentinel(pkgName, wire.KindEmptyBody)
	// ErrNotXML: the body is not well-formed XML (including truncated XML).
	ErrNotXML error = wire.NewSentinel(pkgName, wire.KindNotXML)
	// ErrRootElement: the document's root element is not <xml>.
	ErrRootElement error = wire.NewSentinel(pkgName, wire.KindRootElement)
	// ErrNoMsgType: there is no MsgType, or it is empty.
	ErrNoMsgType error = wire.NewSentinel(pkgName, wire.KindNoMsgType)
	// ErrInvalidNumber: a numeric field (CreateTime, MsgId, Location_X, …)
	// holds something that is not a number of its type.
	ErrInvalidNumber error = wire.NewSentinel(pkgName, wire.KindInvalidNumber)
	// ErrNoEvent: MsgType is "event" but there is no Event element.
	ErrNoEvent error = wire.NewSentinel(pkgName, wire.KindNoEvent)
	// ErrTooComplex: the push nests deeper than MaxDepth, or holds more
	// than MaxTokens tokens or MaxAttrs attributes. It is refused before
	// encoding/xml reads it, in microseconds whatever its size.
	ErrTooComplex error = wire.NewSentinel(pkgName, wire.KindTooComplex)
)

// Parse limits. WeChat's pushes are flat and small: the deepest documented
// ones (a mass-send result's CopyrightCheckResult>ResultList>item>ArticleIdx,
// a menu picture event's SendPicsInfo>PicList>item>PicMd5Sum) nest five
// deep, root included; the largest (a mass send of eight articles) holds
// about 300 tokens; none has attributes. [Parse] refuses a push past any
// limit with ErrTooComplex, whichever way it reads it. They are the same
// values as event's.
const (
	// MaxDepth is how deeply elements may nest, the root counting as 1:
	// three times the deepest documented push.
	MaxDepth = 16
	// MaxTokens is how many start tags (empty-element tags included),
	// CDATA sections, comments, processing instructions (the XML
	// declaration included) and directives a push may hold: more than ten
	// times the largest documented push.
	MaxTokens = 4096
	// MaxAttrs is how many attributes a push may hold in all. WeChat sends
	// none.
	MaxAttrs = 256
)

const pkgName = "message"

// sentinel returns this package's sentinel for kind k.
func sentinel(k wire.Kind) *wire.Sentinel {
	var err error
	switch k {
	case wire.KindEmptyBody:
		err = ErrEmptyBody
	case wire.KindNotXML:
		err = ErrNotXML
	case wire.KindRootElement:
		err = ErrRootElement
	case wire.KindNoMsgType:
		err = ErrNoMsgType
	case wire.KindInvalidNumber:
		err = ErrInvalidNumber
	case wire.KindNoEvent:
		err = ErrNoEvent
	case wire.KindTooComplex:
		err = ErrTooComplex
	default:
		return wire.NewSentinel(pkgName, k)
	}
	return err.(*wire.Sentinel)
}

// Parse decodes the plaintext XML body of a push from WeChat (the POST body
// in plain mode, or the decrypted XML in safe mode) into a typed value:
// *Text, *Image, *Voice, *Video, *ShortVideo, *Location, *Link or *File for
// normal messages; for MsgType "event", the typed event from package event
// (see event.Parse); and *Unknown, with a nil error, for a MsgType this
// package does not know, so that a handler keeps working when WeChat adds
// one. MsgType is matched ignoring surrounding white space and the case of
// ASCII letters ("TEXT" is a text message; "LIN\u212A", with a Kelvin sign,
// is Unknown).
//
// Leading white space, a byte order mark, an XML declaration, CDATA or
// entity-escaped text and CRLF line ends are all accepted. A push past the
// parse limits (MaxDepth, MaxTokens, MaxAttrs) is ErrTooComplex. Errors wrap
// ErrEmptyBody, ErrNotXML, ErrTooComplex, ErrRootElement, ErrNoMsgType,
// ErrNoEvent or ErrInvalidNumber; Parse never panics, and no part of the body is put into
// an error (a syntax error gives its line number only), so errors are safe
// to log even when the body is a decrypted safe-mode push.
//
// One odd field never loses a push. The header (CreateTime must be a
// number) and MsgId are strict: a value that does not parse is
// ErrInvalidNumber. Fields the documentation gives no number type
// (MsgDataId, Idx, bizmsgmenuid) are strings. Any other field that does not
// decode (a Location_X of "north", a FileTotalLen of "12 KB") makes Parse
// return an *Unknown with the push's header, its raw XML and
// InvalidFields naming the fields, and a nil error, so that the handler can
// still answer and WeChat does not retry. Event pushes follow the same
// policy (see event.Parse).
//
// Parse does not keep body; Unknown values hold their own copy.
//
// Parse reads the XML WeChat sends with a purpose-built scanner and leaves
// anything outside it (comments, name spaces, unusual entities, malformed
// XML…) to encoding/xml, which also gives every error; the results are the
// same either way, which the package's differential fuzz test checks.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
func Parse(body []byte) (Message, error) {
	if d, ok := wire.Scan(body); ok {
		msgType := bytes.TrimSpace(d.RootText("MsgType"))
		if wire.EqualFold(msgType, TypeEvent) {
			// event.Parse scans the body again, which costs about
			// 0.3 µs but keeps package event's API free of this
			// module's internals.
			d.Release()
			return parseEvent(body)
		}
		m, ok := parseFast(d, msgType)
		d.Release()
		if ok {
			return m, nil
		}
	}
	m, err := parseXML(body)
	if err != nil {
		return nil, wire.Rename(err, sentinel)
	}
	return m, nil
}

// parseEvent is event.Parse with the error, if any, renamed as this
// package's.
func parseEvent(body []byte) (Message, error) {
	e, err := event.Parse(body)
	if err != nil {
		return nil, wire.Rename(err, sentinel)
	}
	return e, nil
}

// parseFast is Parse on the fast path for a normal message, whose MsgType
// (trimmed) the caller has read from d. Every case that is an error goes
// back to parseXML, so that errors come from one place.
func parseFast(d *wire.Doc, msgType []byte) (Message, bool) {
	if len(msgType) == 0 {
		return nil, false
	}
	m, known := newMessage(string(msgType))
	if m == nil && !isLowerASCII(msgType) {
		m, known = newMessage(wire.ToLower(string(msgType)))
	}
	if m == nil {
		// Unknown has no xml tags: decoding into it fills the Header as
		// the probe reads it, and declines if an element called Raw
		// is there (Raw is []byte, which the fast path leaves).
		u := new(Unknown)
		if !d.Decode(u) {
			return nil, false
		}
		u.Raw = bytes.Clone(d.Body())
		return u, true
	}
	if !d.Decode(m, known) {
		return nil, false
	}
	return m, true
}

// isLowerASCII reports whether s has no upper-case ASCII letters, so that
// wire.ToLower would not change it.
func isLowerASCII(s []byte) bool {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// parseXML is Parse with encoding/xml alone: the path for every push the
// fast path leaves, and the one that reports errors.
func parseXML(body []byte) (Message, error) {
	p, err := wire.ReadProbe(body)
	if err != nil {
		return nil, err
	}
	msgType := strings.TrimSpace(p.MsgType)
	switch {
	case msgType == "":
		return nil, ErrNoMsgType
	case wire.EqualFold(msgType, TypeEvent):
		return parseEvent(body)
	}
	m, _ := newMessage(msgType)
	if m == nil {
		m, _ = newMessage(wire.ToLower(msgType))
	}
	if m == nil {
		return &Unknown{Header: headerOf(&p), Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.DecodeXML(body, m); err != nil {
		return keepOddPush(body, &p, m, err)
	}
	return m, nil
}

// keepOddPush applies Parse's policy for odd fields to a push whose probe p
// has been read and whose decoding into m failed with err: when err is a
// number that does not parse in a field other than MsgId, the push comes
// back as an *Unknown naming the fields; anything else stays an error.
func keepOddPush(body []byte, p *wire.Probe, m Message, err error) (Message, error) {
	if !errors.Is(err, wire.ErrInvalidNumber) {
		return nil, err
	}
	fields := wire.InvalidFields(body, m)
	if len(fields) == 0 || slices.Contains(fields, strictField) {
		return nil, err
	}
	return &Unknown{Header: headerOf(p), Raw: bytes.Clone(wire.Trim(body)), InvalidFields: fields}, nil
}

// strictField is the one field besides the header that fails Parse when
// it does not decode: the message ID, which identifies the push.
const strictField = "MsgId"

// headerOf returns the header fields of a probe.
func headerOf(p *wire.Probe) Header {
	return Header{ToUserName: p.ToUserName, FromUserName: p.FromUserName, CreateTime: p.CreateTime, MsgType: p.MsgType}
}

// newMessage returns a new zero value of the type for an exact MsgType of a
// normal message and the MsgType constant it matched, or nil when the type
// is unknown.
func newMessage(msgType string) (Message, string) {
	switch msgType {
	case TypeText:
		return new(Text), TypeText
	case TypeImage:
		return new(Image), TypeImage
	case TypeVoice:
		return new(Voice), TypeVoice
	case TypeVideo:
		return new(Video), TypeVideo
	case TypeShortVideo:
		return new(ShortVideo), TypeShortVideo
	case TypeLocation:
		return new(Location), TypeLocation
	case TypeLink:
		return new(Link), TypeLink
	case TypeFile:
		return new(File), TypeFile
	}
	return nil, ""
}
