package event_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
)

// TestParseErrorsNameTheirPackage checks that event.Parse's errors read
// "event: …".
func TestParseErrorsNameTheirPackage(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]error{
		"":                                       event.ErrEmptyBody,
		"<xml><MsgType>text</MsgType></xml>":     event.ErrNotEvent,
		"<xml><MsgType>event</MsgType></xml>":    event.ErrNoEvent,
		"<xml><MsgType>event</MsgType><x></xml>": event.ErrNotXML,
		"<root/>":                                event.ErrRootElement,
		"<xml></xml>":                            event.ErrNoMsgType,
		"<xml><MsgType>event</MsgType><CreateTime>x</CreateTime></xml>": event.ErrInvalidNumber,
	} {
		_, err := event.Parse([]byte(body))
		require.ErrorIs(t, err, want, body)
		assert.True(t, strings.HasPrefix(err.Error(), "event: "), "%s: %q", body, err)
	}
}

// TestNameMatchingFoldsASCIIOnly checks that the case-insensitive fallback
// folds ASCII letters only: Unicode folding would read the Kelvin sign
// (U+212A) as "k" and the long s (U+017F) as "s".
func TestNameMatchingFoldsASCIIOnly(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"CLIC\u212A", "clic\u212A", "\u017Fubscribe", "SCAN\u017F"[:4] + "\u017F", "\u017FCAN", "unsub\u017Fcribe"} {
		got, err := event.Parse(minimalPush(t, name))
		require.NoError(t, err)
		assert.IsType(t, &event.Unknown{}, got, "name %q", name)
	}
	got, err := event.Parse(minimalPush(t, "click"))
	require.NoError(t, err)
	assert.IsType(t, &event.Click{}, got)
}
