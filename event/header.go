package event

import (
	"time"

	"github.com/wxmp/wxmp/internal/wire"
)

// Header is the part every push from WeChat carries, message or event; every
// type of this package and of package message embeds it, and
// message.Header is this same type.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_standard_messages.html
type Header struct {
	// ToUserName is the Official Account's original ID ("gh_…").
	ToUserName string `xml:"ToUserName"`
	// FromUserName is the sender's OpenID, or a system account such as
	// "mphelper" for job results.
	FromUserName string `xml:"FromUserName"`
	// CreateTime is when WeChat created the push, in Unix seconds.
	CreateTime int64 `xml:"CreateTime"`
	// MsgType is the wire message type: "text", "image", …, or "event"
	// for every type of this package.
	MsgType string `xml:"MsgType"`
}

// Head returns h itself. Every parsed push embeds a Header, so this method
// is what lets any of them be used as an [Event] or a message.Message.
func (h *Header) Head() *Header { return h }

// Time returns CreateTime as a time.Time (in the local time zone, like
// time.Unix).
func (h *Header) Time() time.Time { return time.Unix(h.CreateTime, 0) }

// headerOf returns the header fields of a probe.
func headerOf(p *wire.Probe) Header {
	return Header{ToUserName: p.ToUserName, FromUserName: p.FromUserName, CreateTime: p.CreateTime, MsgType: p.MsgType}
}
