package event

// Event names as WeChat spells them on the wire (case-sensitive).
const (
	NameSubscribe   = "subscribe"
	NameUnsubscribe = "unsubscribe"
)

// names lists every name newExact knows, for the case-insensitive fallback.
var names = [...]string{
	NameSubscribe,
	NameUnsubscribe,
}

// newExact maps an exact wire name to a new value of its type.
func newExact(name string) Event {
	switch name {
	case NameSubscribe:
		return new(Subscribe)
	case NameUnsubscribe:
		return new(Unsubscribe)
	}
	return nil
}

// Subscribe is pushed when a user follows the Official Account. A follow
// through a parametric QR code also carries EventKey ("qrscene_" followed by
// the scene value) and Ticket; a plain follow has neither (EventKey may be
// present and empty).
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Subscribe struct {
	Header
	Event    string `xml:"Event"`
	EventKey string `xml:"EventKey"`
	Ticket   string `xml:"Ticket"`
}

// Unsubscribe is pushed when a user unfollows the Official Account. WeChat
// asks developers to delete the user's data when it arrives.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type Unsubscribe struct {
	Header
	Event string `xml:"Event"`
}

// Unknown is an event this package has no type for. Event holds its name as
// it arrived and Raw the whole push (without surrounding white space), for
// the caller to decode itself.
type Unknown struct {
	Header
	Event string
	Raw   []byte
}
