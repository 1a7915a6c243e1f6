package benchmarks

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
)

// TestPushesDiffer checks what the benchmarks rely on: every push of a mode
// is PushXML with a MsgId of its own, as long as PushXML, in clear or
// encrypted like SafePush.
func TestPushesDiffer(t *testing.T) {
	t.Parallel()
	c, err := msgcrypt.New(Token, EncodingAESKey, AppID)
	require.NoError(t, err)
	for _, mode := range []string{ModePlain, ModeSafe} {
		t.Run(mode, func(t *testing.T) {
			pushes, err := Pushes(mode, 3)
			require.NoError(t, err)
			require.Len(t, pushes, 3)
			for i, p := range pushes {
				u, err := url.Parse(p.Target)
				require.NoError(t, err)
				opened, err := c.Open(u.Query(), p.Body)
				require.NoError(t, err)
				assert.Equal(t, mode == ModeSafe, opened.Mode == msgcrypt.ModeSafe)
				id := strconv.Itoa(firstFeedMsgID + i)
				assert.Equal(t, PushXML, strings.Replace(string(opened.Plaintext), id, pushMsgID, 1))
				msg, err := message.Parse(opened.Plaintext)
				require.NoError(t, err)
				require.IsType(t, &message.Text{}, msg)
				assert.Equal(t, int64(firstFeedMsgID+i), msg.(*message.Text).MsgID)
			}
		})
	}
	_, err = Pushes("compatible", 1)
	assert.Error(t, err)
}

// TestFeedStartsOver checks that a Feed hands out its pushes in order and
// then the first again, and that Feeds of one mode and size share them.
func TestFeedStartsOver(t *testing.T) {
	t.Parallel()
	f, g := newFeedOf(ModeSafe, 2), newFeedOf(ModeSafe, 2)
	require.NoError(t, f.Fill())
	require.NoError(t, g.Fill())
	a, b := f.Next(), f.Next()
	assert.NotEqual(t, a.Target, b.Target, "each safe push has its own msg_signature")
	assert.Equal(t, a, f.Next())
	assert.Equal(t, a, g.Next())
	assert.Same(t, &f.pushes[0], &g.pushes[0])

	assert.Error(t, newFeedOf("compatible", 2).Fill())
	assert.Error(t, newFeedOf(ModePlain, 0).Fill())
}

// TestEveryHandlerEchoesTheFeed serves a few pushes of a feed, as Bench
// does, to every handler: each is answered with the echo.
func TestEveryHandlerEchoesTheFeed(t *testing.T) {
	cases, err := Cases()
	require.NoError(t, err)
	for _, c := range append(cases, Baseline()) {
		t.Run(c.Name(), func(t *testing.T) {
			f := newFeedOf(c.Mode, 3)
			require.NoError(t, f.Fill())
			for range 4 {
				require.NoError(t, c.Check(f.Next().Serve(c.Handler)))
			}
		})
	}
}

// TestFeedOutlastsDedupe: a Feed starts over only after more pushes than
// push.Server's default store remembers, so no push of a benchmark is a
// repeat the server still knows.
func TestFeedOutlastsDedupe(t *testing.T) {
	t.Parallel()
	assert.Greater(t, FeedSize, push.DefaultMemoryMaxEntries)
}
