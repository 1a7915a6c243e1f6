package push

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// wxmptest's Pusher, which judges answers by WeChat's rules, accepts the
// server's in every mode.
func TestPusherJudgesTheServer(t *testing.T) {
	t.Parallel()
	for _, mode := range []msgcrypt.Mode{msgcrypt.ModePlain, msgcrypt.ModeCompatible, msgcrypt.ModeSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			mux := NewMux()
			Handle(mux, func(_ context.Context, m *message.Text) (reply.Reply, error) {
				return reply.NewText(m, "echo: "+m.Content), nil
			})
			Handle(mux, func(_ context.Context, e *event.Subscribe) (reply.Reply, error) {
				return reply.NewText(e, "welcome"), nil
			})
			var opts []Option
			popts := []wxmptest.Option{}
			if mode != msgcrypt.ModePlain {
				opts = append(opts, WithEncryption(testAESKey, testAppID))
				popts = append(popts, wxmptest.WithEncryption(mode, testAESKey, testAppID))
			}
			s := newTestServer(t, mux, nil, opts...)
			p, err := wxmptest.NewPusher(testToken, append(popts, wxmptest.WithHandler(s))...)
			require.NoError(t, err)
			ctx := context.Background()
			res, err := p.Push(ctx, &message.Text{Content: "hi ]]> <&>"})
			require.NoError(t, err)
			assert.Equal(t, "echo: hi ]]> <&>", res.Reply.Content)
			res, err = p.Push(ctx, &event.Subscribe{Event: event.NameSubscribe})
			require.NoError(t, err)
			assert.Equal(t, "welcome", res.Reply.Content)
			res, err = p.Push(ctx, &event.Unsubscribe{Event: event.NameUnsubscribe})
			require.NoError(t, err)
			assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)
			_, err = p.Verify(ctx)
			require.NoError(t, err)
		})
	}
}
