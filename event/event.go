package event

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/wxmp/wxmp/internal/wire"
)

// Event is implemented by every type this package returns: a pointer to one
// of the structs below, or *[Unknown]. It is the same method set as
// message.Message, so any Event is also a message.Message.
//
// Head returns the common header. EventName returns the Event element as it
// arrived ("subscribe", "CLICK", …).
//
// DedupKey returns a string that is the same for two deliveries of one push
// and differs for two different pushes. WeChat retries a push it got no
// answer to within five seconds, up to three times, with the same XML, and
// asks developers to de-duplicate events by FromUserName + CreateTime; that
// alone would merge two events of one user in one second (two QR scans,
// two template results), so each type's key also holds the fields that
// tell such events apart: ToUserName, FromUserName, CreateTime, Event and
// EventKey, then, per type, the MsgID of a job result, the publish_id, the
// Ticket, the card's UserCardCode, an OrderId, … (each type's DedupKey
// lists them). An [Unknown]'s key holds the header, the name and a SHA-256
// of the raw XML. The fields are written length-first ("5:gh_ab"), so no
// two different lists of fields give the same key; a key starts with "e"
// for an event and "u" for an Unknown, so it never equals a message's.
// Keys hold OpenIDs: keep them where you would keep those. Building a key
// takes one allocation.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Event interface {
	Head() *Header
	EventName() string
	DedupKey() string
}

// Sentinel errors returned by [Parse], wrapped with detail; test them with
// errors.Is. Their text starts with "event: ". Each matches, under
// errors.Is, the sentinel of the same name in package message (and the
// other way round), so a caller may test an error with either package's.
var (
	// ErrEmptyBody: the body is empty or only white space.
	ErrEmptyBody error = wire.NewSentinel(pkgName, wire.KindEmptyBody)
	// ErrNotXML: the body is not well-formed XML (including truncated XML).
	ErrNotXML error = wire.NewSentinel(pkgName, wire.KindNotXML)
	// ErrRootElement: the document's root element is not <xml>.
	ErrRootElement error = wire.NewSentinel(pkgName, wire.KindRootElement)
	// ErrNoMsgType: there is no MsgType, or it is empty.
	ErrNoMsgType error = wire.NewSentinel(pkgName, wire.KindNoMsgType)
	// ErrInvalidNumber: a numeric field holds something that is not a
	// number of its Go type.
	ErrInvalidNumber error = wire.NewSentinel(pkgName, wire.KindInvalidNumber)
	// ErrNotEvent is returned when the push's MsgType is not "event".
	ErrNotEvent error = wire.NewSentinel(pkgName, wire.KindNotEvent)
	// ErrNoEvent is returned when an event push has no Event element.
	ErrNoEvent error = wire.NewSentinel(pkgName, wire.KindNoEvent)
	// ErrTooComplex: the push nests deeper than MaxDepth, or holds more
	// than MaxTokens tokens or MaxAttrs attributes. It is refused before
	// encoding/xml reads it, in microseconds whatever its size.
	ErrTooComplex error = wire.NewSentinel(pkgName, wire.KindTooComplex)
)

// Parse limits. WeChat's pushes are flat and small: the deepest documented
// ones ([MassSendJobFinish]'s CopyrightCheckResult>ResultList>item>ArticleIdx,
// [PicSysPhoto]'s SendPicsInfo>PicList>item>PicMd5Sum) nest five deep, root
// included; the largest (a mass send of eight articles) holds about 300
// tokens; none has attributes. [Parse] refuses a push past any limit with
// ErrTooComplex, whichever way it reads it. They are the same values as
// message's.
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

const pkgName = "event"

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
	case wire.KindNotEvent:
		err = ErrNotEvent
	case wire.KindNoEvent:
		err = ErrNoEvent
	case wire.KindTooComplex:
		err = ErrTooComplex
	default:
		return wire.NewSentinel(pkgName, k)
	}
	return err.(*wire.Sentinel)
}

// Parse decodes the plaintext XML of one event push (MsgType "event") into
// its typed struct: *Subscribe, *Scan, *MassSendJobFinish and so on, one
// type per event name (the Name… constants list them). An event name this
// package does not know comes back as *[Unknown], holding the name and the
// raw XML, with a nil error.
//
// Matching the name: WeChat's event names are case-sensitive and mixed-case
// ("SCAN" but "subscribe", "WifiConnected"). Parse trims white space around
// the name, looks it up exactly as written, and only when that fails looks
// it up ignoring the case of ASCII letters, so "scan" or "Subscribe" still
// get their types (Unicode folding is not used: "CLIC\u212A", with a
// Kelvin sign, is an Unknown event, not a CLICK). No
// two known names differ only in case, so the fallback is never ambiguous.
// The Event field of the result keeps the name as it arrived.
//
// Numbers may arrive as CDATA or with white space around them; both parse.
// An empty numeric element is zero.
//
// One odd field never loses a push. The header (CreateTime must be a
// number) and the MsgID of TEMPLATESENDJOBFINISH and MASSSENDJOBFINISH are
// strict: a value that does not parse is ErrInvalidNumber. Any other field
// that does not decode (a Latitude of "north", a TotalCount of "n/a", an
// IsChatRoom of "maybe") makes Parse return an *Unknown with the push's
// header, Event, raw XML and InvalidFields naming the fields, and a nil
// error, so that the handler can still answer and WeChat does not retry.
//
// A push past the parse limits (MaxDepth, MaxTokens, MaxAttrs) is
// ErrTooComplex. Errors wrap ErrEmptyBody, ErrNotXML, ErrTooComplex,
// ErrRootElement, ErrNoMsgType, ErrNotEvent, ErrNoEvent or
// ErrInvalidNumber; Parse never panics, and no
// part of the body is put into an error (a syntax error gives its line
// number only). Parse does not keep body: Unknown values hold their own
// copy. Most callers use message.Parse, which calls Parse for event pushes.
//
// Parse reads the XML WeChat sends with a purpose-built scanner and leaves
// anything outside it (comments, name spaces, unusual entities, malformed
// XML…) to encoding/xml, which also gives every error; the results are the
// same either way, which the package's differential fuzz test checks.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
func Parse(body []byte) (Event, error) {
	if d, ok := wire.Scan(body); ok {
		e, ok := parseFast(d)
		d.Release()
		if ok {
			return e, nil
		}
	}
	e, err := parseXML(body)
	if err != nil {
		return nil, wire.Rename(err, sentinel)
	}
	return e, nil
}

// parseFast is Parse on the fast path. Every case that is an error goes
// back to parseXML, so that errors come from one place.
func parseFast(d *wire.Doc) (Event, bool) {
	if !wire.EqualFold(bytes.TrimSpace(d.RootText("MsgType")), wire.TypeEvent) {
		return nil, false
	}
	raw := d.RootText("Event")
	name := bytes.TrimSpace(raw)
	if len(name) == 0 {
		return nil, false
	}
	e, known := newEvent(string(name))
	if e == nil {
		// Unknown has no xml tags: decoding into it fills the Header and
		// Event as the probe reads them, and declines if an element
		// called Raw is there (Raw is []byte, which the fast path
		// leaves).
		u := new(Unknown)
		if !d.Decode(u, wire.TypeEvent) {
			return nil, false
		}
		u.Raw = bytes.Clone(d.Body())
		return u, true
	}
	if !d.Decode(e, wire.TypeEvent, known) {
		return nil, false
	}
	return e, true
}

// parseXML is Parse with encoding/xml alone: the path for every push the
// fast path leaves, and the one that reports errors.
func parseXML(body []byte) (Event, error) {
	h, err := wire.ReadProbe(body)
	if err != nil {
		return nil, err
	}
	switch msgType := strings.TrimSpace(h.MsgType); {
	case msgType == "":
		return nil, ErrNoMsgType
	case !wire.EqualFold(msgType, wire.TypeEvent):
		return nil, ErrNotEvent
	}
	name := strings.TrimSpace(h.Event)
	if name == "" {
		return nil, ErrNoEvent
	}
	e, _ := newEvent(name)
	if e == nil {
		return &Unknown{Header: headerOf(&h), Event: h.Event, Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.DecodeXML(body, e); err != nil {
		return keepOddPush(body, &h, e, err)
	}
	return e, nil
}

// keepOddPush applies Parse's policy for odd fields to a push whose probe p
// has been read and whose decoding into e failed with err: when err is a
// number that does not parse in a field other than a job result's MsgID,
// the push comes back as an *Unknown naming the fields; anything else
// stays an error.
func keepOddPush(body []byte, p *wire.Probe, e Event, err error) (Event, error) {
	if !errors.Is(err, wire.ErrInvalidNumber) {
		return nil, err
	}
	fields := wire.InvalidFields(body, e)
	if len(fields) == 0 || slices.Contains(fields, strictField) {
		return nil, err
	}
	return &Unknown{Header: headerOf(p), Event: p.Event, Raw: bytes.Clone(wire.Trim(body)), InvalidFields: fields}, nil
}

// strictField is the one field besides the header that fails Parse when
// it does not decode: the MsgID of TEMPLATESENDJOBFINISH and
// MASSSENDJOBFINISH, which identifies the job.
const strictField = "MsgID"

// newEvent returns a new zero value of the type for name: the exact name
// first, then any known name equal to it ignoring ASCII case. It also returns the
// known name it matched. It returns nil for an unknown name.
func newEvent(name string) (Event, string) {
	if e := newExact(name); e != nil {
		for _, known := range knownNames() {
			if known == name {
				return e, known
			}
		}
	}
	for _, known := range knownNames() {
		if wire.EqualFold(name, known) {
			return newExact(known), known
		}
	}
	return nil, ""
}

// Unknown is an event this package has no type for, or an event of a known
// type one of whose fields did not decode. Event holds its name as it
// arrived and Raw the whole push (without a byte order mark or surrounding
// white space), for the caller to decode itself. Unknown never comes with
// an error: a handler keeps working when WeChat adds an event.
//
// InvalidFields is nil for an unknown name. For a known one it names the
// fields that did not decode (see [Parse]), by their wire names, a path
// such as "SendPicsInfo>Count" for a nested one: the push is kept rather
// than failing with ErrInvalidNumber, which would make WeChat retry it.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Unknown struct {
	Header
	Event         string
	Raw           []byte
	InvalidFields []string `xml:"-"`
}

// EventName returns Event, the name as it arrived.
func (e *Unknown) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header
// (MsgType included), Event and a SHA-256 of Raw.
func (e *Unknown) DedupKey() string {
	var k wire.Key
	for k.Next() {
		k.Unknown(e.ToUserName, e.FromUserName, e.CreateTime, e.MsgType, e.Event, e.Raw)
	}
	return k.String()
}
