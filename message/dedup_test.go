package message_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

// allMessages returns one value of every type message.Parse returns for a
// normal message, with the given header and MsgId.
func allMessages(h message.Header, msgID int64) []message.Message {
	return []message.Message{
		&message.Text{Header: h, MsgID: msgID},
		&message.Image{Header: h, MsgID: msgID},
		&message.Voice{Header: h, MsgID: msgID},
		&message.Video{Header: h, MsgID: msgID},
		&message.ShortVideo{Header: h, MsgID: msgID},
		&message.Location{Header: h, MsgID: msgID},
		&message.Link{Header: h, MsgID: msgID},
		&message.File{Header: h, MsgID: msgID},
	}
}

// TestMessageDedupKey checks EventName and DedupKey on every message type:
// no event name; the same key for the same push; a different key for
// another account, sender or MsgId.
func TestMessageDedupKey(t *testing.T) {
	t.Parallel()
	h := message.Header{ToUserName: "gh_1", FromUserName: "o_1", CreateTime: 1700000000}
	for i, m := range allMessages(h, 42) {
		name := reflect.TypeOf(m).Elem().Name()
		assert.Empty(t, m.EventName(), name)
		assert.Equal(t, m.DedupKey(), allMessages(h, 42)[i].DedupKey(), name)
		keys := map[string]string{m.DedupKey(): "base"}
		for what, other := range map[string]message.Message{
			"ToUserName":   allMessages(message.Header{ToUserName: "gh_2", FromUserName: "o_1", CreateTime: h.CreateTime}, 42)[i],
			"FromUserName": allMessages(message.Header{ToUserName: "gh_1", FromUserName: "o_2", CreateTime: h.CreateTime}, 42)[i],
			"MsgId":        allMessages(h, 43)[i],
		} {
			k := other.DedupKey()
			_, dup := keys[k]
			assert.False(t, dup, "%s: %s does not change the key", name, what)
			keys[k] = what
		}
	}
	// Different types with one MsgId, and a message against an event of
	// the same header, never share a key.
	keys := make(map[string]bool)
	for _, m := range append(allMessages(h, 42), &event.Click{Header: h, Event: "CLICK"}, &message.Unknown{Header: h}) {
		keys[m.DedupKey()] = true
	}
	assert.Len(t, keys, 1+1+1, "messages share the key of their MsgId; the event and the unknown push differ")
}

// TestMessageDedupKeyFromFixtures checks that parsing the same bytes twice
// gives the same key, and that the fixtures' keys are distinct pushes' keys.
func TestMessageDedupKeyFromFixtures(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"wechatpy_text.xml", "doc_file.xml", "wechatpy_device_text.xml", "wechatpy_subscribe.xml"} {
		body := readFixture(t, name)
		a, err := message.Parse(body)
		require.NoError(t, err)
		b, err := message.Parse(append([]byte(nil), body...))
		require.NoError(t, err)
		assert.Equal(t, a.DedupKey(), b.DedupKey(), name)
		assert.NotEmpty(t, a.DedupKey(), name)
	}
}

// TestMessageDedupKeyWithoutMsgID checks that two messages without a
// MsgId are told apart by what they hold.
func TestMessageDedupKeyWithoutMsgID(t *testing.T) {
	t.Parallel()
	h := message.Header{ToUserName: "gh_1", FromUserName: "o_1", CreateTime: 1700000000, MsgType: "text"}
	a := &message.Text{Header: h, Content: "yes"}
	b := &message.Text{Header: h, Content: "no"}
	assert.NotEqual(t, a.DedupKey(), b.DedupKey())
}

// TestMessageDedupKeyFieldBoundaries checks that moving text from one
// header field to the next never gives another message's key.
func TestMessageDedupKeyFieldBoundaries(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a|b|c", "1:2:3", "3:abc", "a\x00b", "::"} {
		keys := make(map[string]int)
		for i := 0; i <= len(s); i++ {
			k := (&message.Text{Header: message.Header{ToUserName: s[:i], FromUserName: s[i:]}, MsgID: 1}).DedupKey()
			if j, dup := keys[k]; dup {
				t.Errorf("%q split at %d and %d share the key %q", s, i, j, k)
			}
			keys[k] = i
		}
	}
}

func TestUnknownDedupKey(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "wechatpy_device_text.xml")
	m, err := message.Parse(body)
	require.NoError(t, err)
	u := m.(*message.Unknown)
	assert.Empty(t, u.EventName())
	other := *u
	other.Raw = []byte(fmt.Sprintf("%s ", u.Raw))
	assert.NotEqual(t, u.DedupKey(), other.DedupKey())
}
