package push

import (
	"fmt"
	"log/slog"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

// msgID returns the MsgId (or job MsgID) of msg, for the log.
func msgID(msg message.Message) (int64, bool) {
	switch m := msg.(type) {
	case *message.Text:
		return m.MsgID, true
	case *message.Image:
		return m.MsgID, true
	case *message.Voice:
		return m.MsgID, true
	case *message.Video:
		return m.MsgID, true
	case *message.ShortVideo:
		return m.MsgID, true
	case *message.Location:
		return m.MsgID, true
	case *message.Link:
		return m.MsgID, true
	case *message.File:
		return m.MsgID, true
	case *event.TemplateSendJobFinish:
		return m.MsgID, true
	case *event.MassSendJobFinish:
		return m.MsgID, true
	}
	return 0, false
}

// msgAttrs names msg in a log line: its type, event, addresses, time and
// MsgId; never its content.
func msgAttrs(msg message.Message) []slog.Attr {
	h := msg.Head()
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.String("msg_type", h.MsgType),
		slog.String("type", fmt.Sprintf("%T", msg)),
	)
	if name := msg.EventName(); name != "" {
		attrs = append(attrs, slog.String("event", name))
	}
	attrs = append(attrs,
		slog.String("to", h.ToUserName),
		slog.String("from", h.FromUserName),
		slog.Int64("create_time", h.CreateTime),
	)
	if id, ok := msgID(msg); ok {
		attrs = append(attrs, slog.Int64("msg_id", id))
	}
	return attrs
}
