package event

import (
	"bytes"
	"strings"

	"github.com/wxmp/wxmp/internal/wire"
)

// Header is the common header every push carries: ToUserName, FromUserName,
// CreateTime (Unix seconds) and MsgType ("event" for every type here). It is
// the same type as message.Header.
type Header = wire.Header

// Event is implemented by every type this package returns. It is the same
// method set as message.Message, so any Event is also a message.Message.
type Event interface {
	Head() *Header
}

// Sentinel errors returned by [Parse]. They are the same values as the
// message package's, so errors.Is works whichever package a caller uses.
var (
	ErrEmptyBody     = wire.ErrEmptyBody
	ErrNotXML        = wire.ErrNotXML
	ErrRootElement   = wire.ErrRootElement
	ErrNoMsgType     = wire.ErrNoMsgType
	ErrInvalidNumber = wire.ErrInvalidNumber
	// ErrNotEvent is returned when the push's MsgType is not "event".
	ErrNotEvent = wire.ErrNotEvent
	// ErrNoEvent is returned when an event push has no Event element.
	ErrNoEvent = wire.ErrNoEvent
)

// Parse decodes one event push (MsgType "event") into its typed struct, for
// example *Subscribe. An event name this package does not know comes back as
// *Unknown with the raw XML and a nil error.
//
// Names are matched exactly first; failing that, ignoring case (WeChat's
// names are case-sensitive and mixed-case, but a push that differs from the
// documented spelling only in case still gets its type).
//
// Errors wrap ErrEmptyBody, ErrNotXML, ErrRootElement, ErrNoMsgType,
// ErrNotEvent, ErrNoEvent or ErrInvalidNumber. Most callers use
// message.Parse, which calls Parse for event pushes.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
func Parse(body []byte) (Event, error) {
	var h struct {
		Header
		Event string `xml:"Event"`
	}
	if err := wire.Decode(body, &h); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(h.MsgType) == "":
		return nil, ErrNoMsgType
	case !strings.EqualFold(strings.TrimSpace(h.MsgType), "event"):
		return nil, ErrNotEvent
	}
	name := strings.TrimSpace(h.Event)
	if name == "" {
		return nil, ErrNoEvent
	}
	e := newEvent(name)
	if e == nil {
		return &Unknown{Header: h.Header, Event: h.Event, Raw: bytes.Clone(wire.Trim(body))}, nil
	}
	if err := wire.Decode(body, e); err != nil {
		return nil, err
	}
	return e, nil
}

// newEvent returns a new zero value of the type for name, or nil when the
// name is unknown.
func newEvent(name string) Event {
	if e := newExact(name); e != nil {
		return e
	}
	for _, known := range names {
		if strings.EqualFold(known, name) {
			return newExact(known)
		}
	}
	return nil
}
