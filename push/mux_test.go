package push

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

func routedTo(t *testing.T, h Handler, push []byte) string {
	t.Helper()
	r, err := h.ServePush(context.Background(), mustParse(t, push))
	require.NoError(t, err)
	if r == nil {
		return ""
	}
	return r.(*reply.Text).Content
}

func TestMuxRoutesByType(t *testing.T) {
	t.Parallel()
	mux := NewMux()
	Handle(mux, func(_ context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, "text:"+m.Content), nil
	})
	Handle(mux, func(_ context.Context, e *event.Subscribe) (reply.Reply, error) {
		return reply.NewText(e, "subscribe"), nil
	})
	Handle(mux, func(_ context.Context, e *event.Click) (reply.Reply, error) {
		return reply.NewText(e, "click:"+e.EventKey), nil
	})

	unknownMsg := []byte("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>hologram</MsgType></xml>")
	unknownEvent := eventPush("teleport", "k", 1)
	assert.Equal(t, "text:hi", routedTo(t, mux, textPush(1, "hi")))
	assert.Equal(t, "subscribe", routedTo(t, mux, eventPush(event.NameSubscribe, "", 1)))
	assert.Equal(t, "click:K", routedTo(t, mux, eventPush(event.NameClick, "K", 1)))
	assert.Empty(t, routedTo(t, mux, eventPush(event.NameView, "u", 1)), "no fallback: no reply")
	assert.Empty(t, routedTo(t, mux, unknownMsg))

	var fell []string
	mux.HandleFallback(HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
		switch m := msg.(type) {
		case *message.Unknown:
			fell = append(fell, "message "+m.MsgType)
		case *event.Unknown:
			fell = append(fell, "event "+m.Event)
		case *event.View:
			fell = append(fell, "view")
		}
		return nil, nil
	}))
	routedTo(t, mux, eventPush(event.NameView, "u", 1))
	routedTo(t, mux, unknownMsg)
	routedTo(t, mux, unknownEvent)
	assert.Equal(t, []string{"view", "message hologram", "event teleport"}, fell)
	assert.Equal(t, "text:again", routedTo(t, mux, textPush(2, "again")), "registered types skip the fallback")

	// The unknown types can have handlers of their own.
	Handle(mux, func(_ context.Context, e *event.Unknown) (reply.Reply, error) {
		return reply.NewText(e, "unknown event "+e.Event), nil
	})
	assert.Equal(t, "unknown event teleport", routedTo(t, mux, unknownEvent))
}

func TestMuxZeroValue(t *testing.T) {
	t.Parallel()
	var mux Mux
	Handle(&mux, func(_ context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, "ok"), nil
	})
	assert.Equal(t, "ok", routedTo(t, &mux, textPush(1, "x")))
}

func TestMuxRegistrationPanics(t *testing.T) {
	t.Parallel()
	text := func(context.Context, *message.Text) (reply.Reply, error) { return nil, nil }
	mux := NewMux()
	Handle(mux, text)
	assert.PanicsWithValue(t, "push: Handle[*message.Text]: a handler for *message.Text is already registered", func() {
		Handle(mux, text)
	})
	assert.PanicsWithValue(t, "push: Handle[message.Message]: T must be a concrete type such as *message.Text; use HandleFallback for every other push", func() {
		Handle(mux, func(context.Context, message.Message) (reply.Reply, error) { return nil, nil })
	})
	assert.Panics(t, func() {
		Handle[event.Event](mux, func(context.Context, event.Event) (reply.Reply, error) { return nil, nil })
	})
	assert.PanicsWithValue(t, "push: Handle[*event.Click] with a nil func", func() { Handle[*event.Click](mux, nil) })
	assert.PanicsWithValue(t, "push: Handle[*message.Text] on a nil *Mux", func() { Handle(nil, text) })

	assert.PanicsWithValue(t, "push: HandleFallback with a nil Handler", func() { mux.HandleFallback(nil) })
	var nilFunc HandlerFunc
	assert.Panics(t, func() { mux.HandleFallback(nilFunc) })
	mux.HandleFallback(HandlerFunc(echo))
	assert.PanicsWithValue(t, "push: HandleFallback: a fallback is already registered", func() { mux.HandleFallback(HandlerFunc(echo)) })
}
