package message_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

// messageSentinels are the sentinels message exports, with the event
// sentinel of the same meaning (nil where event has none).
func messageSentinels() map[error]error {
	return map[error]error{
		message.ErrEmptyBody:     event.ErrEmptyBody,
		message.ErrNotXML:        event.ErrNotXML,
		message.ErrRootElement:   event.ErrRootElement,
		message.ErrNoMsgType:     event.ErrNoMsgType,
		message.ErrInvalidNumber: event.ErrInvalidNumber,
		message.ErrNoEvent:       event.ErrNoEvent,
		message.ErrTooComplex:    event.ErrTooComplex,
	}
}

// TestSentinelsNameTheirPackage checks that each package's errors read
// with its own name, while errors.Is still matches the other package's
// sentinel of the same meaning, so that a caller may test an error from
// message.Parse with either.
func TestSentinelsNameTheirPackage(t *testing.T) {
	t.Parallel()
	for m, e := range messageSentinels() {
		assert.True(t, strings.HasPrefix(m.Error(), "message: "), "%q", m)
		assert.True(t, strings.HasPrefix(e.Error(), "event: "), "%q", e)
		assert.Equal(t, strings.TrimPrefix(m.Error(), "message: "), strings.TrimPrefix(e.Error(), "event: "))
		assert.ErrorIs(t, m, e)
		assert.ErrorIs(t, e, m)
		for other := range messageSentinels() {
			if other != m {
				assert.NotErrorIs(t, m, other, "%q matches %q", m, other)
			}
		}
	}
	assert.True(t, strings.HasPrefix(event.ErrNotEvent.Error(), "event: "), "%q", event.ErrNotEvent)
}

// TestParseErrorOfEventPush checks that message.Parse reports a bad event
// push with message's own prefix (package event finds the fault) and that
// both packages' sentinels match it.
func TestParseErrorOfEventPush(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"<xml><MsgType>event</MsgType></xml>",                    // the fast path
		"<xml><!-- c --><MsgType>event</MsgType></xml>",          // encoding/xml
		"<xml><MsgType>event</MsgType><Event> </Event></xml>",    // empty name
		"<xml><MsgType>EVENT</MsgType><Event/><Event/></xml>",    // repeated, empty
		"<xml><MsgType>event</MsgType><Event>x</Event><x></xml>", // not XML
	} {
		_, err := message.Parse([]byte(body))
		require.Error(t, err, body)
		assert.True(t, strings.HasPrefix(err.Error(), "message: "), "%s: %q", body, err)
		assert.False(t, strings.Contains(err.Error(), "event: "), "%s: %q", body, err)
		var is int
		for m, e := range messageSentinels() {
			if errors.Is(err, m) {
				is++
				assert.ErrorIs(t, err, e, body)
			}
		}
		assert.Equal(t, 1, is, "%s: %q matches %d sentinels", body, err, is)
	}
}

// TestTypeMatchingFoldsASCIIOnly checks that MsgType is matched ignoring
// ASCII case only: Unicode folding would take the Kelvin sign (U+212A) for
// "k" and the long s (U+017F) for "s".
func TestTypeMatchingFoldsASCIIOnly(t *testing.T) {
	t.Parallel()
	for _, msgType := range []string{"lin\u212A", "LIN\u212A", "\u017Fhortvideo", "\u017FHORTVIDEO"} {
		got, err := message.Parse([]byte("<xml><MsgType>" + msgType + "</MsgType></xml>"))
		require.NoError(t, err)
		assert.IsType(t, &message.Unknown{}, got, "MsgType %q", msgType)
	}
	for _, msgType := range []string{"LINK", "ShortVideo"} {
		got, err := message.Parse([]byte("<xml><MsgType>" + msgType + "</MsgType></xml>"))
		require.NoError(t, err)
		assert.NotEqual(t, "*message.Unknown", typeName(got), "MsgType %q", msgType)
	}
	got, err := message.Parse([]byte("<xml><MsgType>event</MsgType><Event>CLIC\u212A</Event></xml>"))
	require.NoError(t, err)
	assert.IsType(t, &event.Unknown{}, got)
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
