package push

import (
	"context"
	"fmt"
	"reflect"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// Mux routes each push to the handler registered for its Go type with
// [Handle], and every other push to the fallback ([Mux.HandleFallback]),
// much as http.ServeMux routes by path. *Mux is a [Handler]: give it to
// [NewServer].
//
//	mux := push.NewMux()
//	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
//		return reply.NewText(m, m.Content), nil
//	})
//	push.Handle(mux, func(ctx context.Context, e *event.Subscribe) (reply.Reply, error) {
//		return reply.NewText(e, "welcome"), nil
//	})
//
// Register every handler before the server takes its first push: a Mux is
// safe for concurrent ServePush calls, not for registering while it serves.
// The zero Mux is ready to use.
type Mux struct {
	handlers map[reflect.Type]Handler
	fallback Handler
}

// NewMux returns an empty Mux. With nothing registered, it answers every
// push with no reply ("success").
func NewMux() *Mux { return &Mux{} }

// Handle registers fn for the pushes whose Go type is T: a pointer type of
// package message (*message.Text, *message.Image, …) or package event
// (*event.Subscribe, *event.Click, …), including *message.Unknown and
// *event.Unknown for types the SDK does not know. fn gets the push as a T.
//
// Handle panics, at registration as http.ServeMux does, when mux or fn is
// nil, when T is an interface type (message.Message, event.Event: use
// [Mux.HandleFallback] for "everything else") or when T already has a
// handler.
func Handle[T message.Message](mux *Mux, fn func(ctx context.Context, msg T) (reply.Reply, error)) {
	t := reflect.TypeFor[T]()
	switch {
	case mux == nil:
		panic(fmt.Sprintf("push: Handle[%v] on a nil *Mux", t))
	case fn == nil:
		panic(fmt.Sprintf("push: Handle[%v] with a nil func", t))
	case t.Kind() == reflect.Interface:
		panic(fmt.Sprintf("push: Handle[%v]: T must be a concrete type such as *message.Text; use HandleFallback for every other push", t))
	}
	if _, dup := mux.handlers[t]; dup {
		panic(fmt.Sprintf("push: Handle[%v]: a handler for %v is already registered", t, t))
	}
	if mux.handlers == nil {
		mux.handlers = make(map[reflect.Type]Handler)
	}
	mux.handlers[t] = HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		return fn(ctx, msg.(T))
	})
}

// HandleFallback registers h for every push no [Handle] call claimed:
// the types without a handler, and *message.Unknown and *event.Unknown
// unless they have one. Without a fallback those pushes get no reply
// ("success"). It panics when h is nil or a fallback is already set.
func (mux *Mux) HandleFallback(h Handler) {
	switch {
	case isNilHandler(h):
		panic("push: HandleFallback with a nil Handler")
	case mux.fallback != nil:
		panic("push: HandleFallback: a fallback is already registered")
	}
	mux.fallback = h
}

// ServePush calls the handler registered for msg's type, else the
// fallback, else answers with no reply.
func (mux *Mux) ServePush(ctx context.Context, msg message.Message) (reply.Reply, error) {
	if h, ok := mux.handlers[reflect.TypeOf(msg)]; ok {
		return h.ServePush(ctx, msg)
	}
	if mux.fallback != nil {
		return mux.fallback.ServePush(ctx, msg)
	}
	return nil, nil
}

// isNilHandler reports whether h is nil or a nil func or *Mux in an
// interface, which would panic on the first push.
func isNilHandler(h Handler) bool {
	switch h := h.(type) {
	case nil:
		return true
	case HandlerFunc:
		return h == nil
	case *Mux:
		return h == nil
	}
	return false
}
