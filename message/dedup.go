package message

import "github.com/wxmp/wxmp/internal/wire"

// EventName and DedupKey of every message type. A message's key is "m",
// ToUserName, FromUserName, CreateTime and MsgId (see [Message]); when
// MsgId is missing (0), the fields that say what the message holds follow,
// so that two such messages of one user in one second still differ.

// messageKey writes the fields every message's key starts with, and
// reports whether the message has no MsgId, so that its content must
// follow.
func messageKey(k *wire.Key, h *Header, msgID int64) (noID bool) {
	k.Str("m")
	k.Str(h.ToUserName)
	k.Str(h.FromUserName)
	k.Int(h.CreateTime)
	k.Int(msgID)
	return msgID == 0
}

// EventName returns "": a message is not an event.
func (m *Text) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers Content, MsgDataID, Idx and BizMsgMenuID.
func (m *Text) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.Content)
			k.Str(m.MsgDataID)
			k.Str(m.Idx)
			k.Str(m.BizMsgMenuID)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *Image) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers PicURL and MediaID.
func (m *Image) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.PicURL)
			k.Str(m.MediaID)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *Voice) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers MediaID.
func (m *Voice) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.MediaID)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *Video) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers MediaID.
func (m *Video) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.MediaID)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *ShortVideo) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers MediaID.
func (m *ShortVideo) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.MediaID)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *Location) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers LocationX, LocationY, Scale and Label.
func (m *Location) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Float(m.LocationX)
			k.Float(m.LocationY)
			k.Float(m.Scale)
			k.Str(m.Label)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *Link) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers Title, Description and URL.
func (m *Link) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.Title)
			k.Str(m.Description)
			k.Str(m.URL)
		}
	}
	return k.String()
}

// EventName returns "": a message is not an event.
func (m *File) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]); without a MsgId it
// also covers FileKey and FileMD5.
func (m *File) DedupKey() string {
	var k wire.Key
	for k.Next() {
		if messageKey(&k, &m.Header, m.MsgID) {
			k.Str(m.FileKey)
			k.Str(m.FileMD5)
		}
	}
	return k.String()
}

// EventName returns "": a push of an unknown MsgType is not taken for an
// event (event pushes of unknown names are event.Unknown).
func (m *Unknown) EventName() string { return "" }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Message]): it covers the header
// (MsgType included) and a SHA-256 of Raw.
func (m *Unknown) DedupKey() string {
	var k wire.Key
	for k.Next() {
		k.Unknown(m.ToUserName, m.FromUserName, m.CreateTime, m.MsgType, "", m.Raw)
	}
	return k.String()
}
