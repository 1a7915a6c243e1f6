package wire

import "errors"

// Kind says what is wrong with a push. Packages message and event each
// export one sentinel per Kind, made with NewSentinel, so that each
// package's errors read with its own name ("message: …", "event: …").
type Kind uint8

// The kinds of parse failure.
const (
	KindEmptyBody     Kind = iota + 1 // empty or only white space
	KindNotXML                        // not well-formed XML
	KindRootElement                   // root element other than <xml>
	KindNoMsgType                     // no MsgType, or an empty one
	KindInvalidNumber                 // a strict number field does not parse
	KindNotEvent                      // MsgType is not "event" (event.Parse)
	KindNoEvent                       // an event push without an Event name
	KindTooComplex                    // past a parse limit (see MaxDepth)
)

// text is the description every package's sentinel of kind k shares.
func (k Kind) text() string {
	switch k {
	case KindEmptyBody:
		return "empty body"
	case KindNotXML:
		return "body is not well-formed XML"
	case KindRootElement:
		return "root element is not <xml>"
	case KindNoMsgType:
		return "no MsgType"
	case KindInvalidNumber:
		return "a number field is not a number"
	case KindNotEvent:
		return "MsgType is not event"
	case KindNoEvent:
		return "event push has no Event"
	case KindTooComplex:
		return "push nests too deep or holds too many elements or attributes"
	}
	return "invalid push"
}

// Sentinel is a package's sentinel error for one Kind. Its text is the
// package's name, ": " and the kind's description. Under errors.Is, a
// Sentinel matches every Sentinel of the same Kind, whichever package made
// it: an error from message.Parse that wraps message.ErrNotXML also
// matches event.ErrNotXML, and the other way round.
type Sentinel struct {
	kind Kind
	text string
}

// NewSentinel returns the sentinel of package pkg for kind k.
func NewSentinel(pkg string, k Kind) *Sentinel {
	return &Sentinel{kind: k, text: pkg + ": " + k.text()}
}

func (s *Sentinel) Error() string { return s.text }

// Is reports whether target is a Sentinel of the same Kind.
func (s *Sentinel) Is(target error) bool {
	t, ok := target.(*Sentinel)
	return ok && t.kind == s.kind
}

// Error is a parse failure with detail: Error() is the sentinel's text,
// then ": " and Detail when there is one. Detail never holds any part of
// the body (a syntax error gives its line number only).
type Error struct {
	Sentinel *Sentinel
	Detail   string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Sentinel.text
	}
	return e.Sentinel.text + ": " + e.Detail
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Sentinel }

// Sentinels of this package, for the errors its own functions return
// (msgcrypt calls Decode; message and event rename every error with
// Rename before returning it).
var (
	ErrEmptyBody     = NewSentinel("wire", KindEmptyBody)
	ErrNotXML        = NewSentinel("wire", KindNotXML)
	ErrRootElement   = NewSentinel("wire", KindRootElement)
	ErrNoMsgType     = NewSentinel("wire", KindNoMsgType)
	ErrInvalidNumber = NewSentinel("wire", KindInvalidNumber)
	ErrNotEvent      = NewSentinel("wire", KindNotEvent)
	ErrNoEvent       = NewSentinel("wire", KindNoEvent)
	ErrTooComplex    = NewSentinel("wire", KindTooComplex)
)

// errorf returns an Error of sentinel s with the given detail.
func errorf(s *Sentinel, detail string) error {
	return &Error{Sentinel: s, Detail: detail}
}

// Rename returns err as the error of the package whose sentinels sentinel
// gives, kind by kind: the same kind and detail under that package's
// sentinel, so that the text starts with that package's name. err is
// returned as it is when it has no Kind (nil included).
func Rename(err error, sentinel func(Kind) *Sentinel) error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{Sentinel: sentinel(e.Sentinel.kind), Detail: e.Detail}
	}
	var s *Sentinel
	if errors.As(err, &s) {
		return sentinel(s.kind)
	}
	return err
}
