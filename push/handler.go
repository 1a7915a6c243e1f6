package push

import (
	"context"
	"errors"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// Handler answers one push: a message a user sent or an event, as
// message.Parse typed it (a *message.Text, an *event.Subscribe, …, or a
// *message.Unknown or *event.Unknown for a type the SDK does not know).
//
// The reply it returns goes back in the HTTP response (sealed in safe
// mode). A nil reply with a nil error means "no reply": the server answers
// "success", so WeChat shows the user nothing and does not retry. An error
// (or a panic) also answers "success"; it is logged and handed to the
// error hook ([WithErrorHook]), and the push is not run again when WeChat
// retries it.
//
// ctx carries the deadline of the passive reply ([WithHandlerTimeout],
// about 4 s by default) and the values of the request's context, but it
// does not end when the HTTP response is written; see [LateContext] for
// work that should go on past the deadline. ServePush may be called
// concurrently for different pushes.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Handler interface {
	ServePush(ctx context.Context, msg message.Message) (reply.Reply, error)
}

// HandlerFunc lets an ordinary function serve as a [Handler].
type HandlerFunc func(ctx context.Context, msg message.Message) (reply.Reply, error)

// ServePush calls f(ctx, msg).
func (f HandlerFunc) ServePush(ctx context.Context, msg message.Message) (reply.Reply, error) {
	return f(ctx, msg)
}

// LateReplySender sends a reply that was not ready in time for the HTTP
// response: the server answered "success" at the handler deadline and,
// when the handler returns a reply later (within [WithLateTimeout]), hands
// it to SendReply. The customer-service message API (客服消息) is the way to
// reach the user then, within 48 hours of the user's last message; the
// *api.CustomerService of package github.com/wxmp/wxmp/api implements
// this interface. SendReply returns an error for a reply it cannot send,
// such as a transfer_customer_service reply, which has no
// customer-service equivalent; the server logs it and passes it to the
// error hook.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/product/kf/intro.html
type LateReplySender interface {
	SendReply(ctx context.Context, r reply.Reply) error
}

// Errors of this package, wrapped with detail; test them with errors.Is.
// None carries a token, a key, a push's body or a reply's text.
var (
	// ErrInvalidConfig means NewServer or NewMemoryStore was given
	// settings it cannot use: an empty token, a nil handler, a bad
	// EncodingAESKey, or an option given a nil or out-of-range value. The
	// wrapping error names the setting, never its value.
	ErrInvalidConfig = errors.New("push: invalid config")
	// ErrHandlerPanic is what the error hook gets, wrapped in a
	// *[PanicError], when a handler (or a reply's Marshal, or the late
	// reply sender) panicked.
	ErrHandlerPanic = errors.New("push: handler panicked")
	// ErrLateReplyDropped means a handler returned a reply after the
	// server had answered "success" at the handler deadline, and the reply
	// was not sent: no [LateReplySender] is configured, or the handler
	// returned after the late timeout ([WithLateTimeout]).
	ErrLateReplyDropped = errors.New("push: late reply dropped")
	// ErrLateReply wraps the error of a [LateReplySender] that could not
	// send a late reply.
	ErrLateReply = errors.New("push: late reply not sent")
	// ErrNoEntry is what [DedupStore.Wait] returns when the store holds
	// nothing for the key: it expired, was evicted, or was never claimed.
	ErrNoEntry = errors.New("push: no dedup entry for the key")
)

// PanicError is the error the error hook gets when a handler panicked. Its
// message is only "push: handler panicked", since the value may hold a
// user's text; the value and the stack are in the fields. It matches
// [ErrHandlerPanic] under errors.Is.
type PanicError struct {
	// Value is what the handler passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine, as runtime/debug.Stack
	// formats it.
	Stack []byte
}

// Error returns "push: handler panicked".
func (e *PanicError) Error() string { return ErrHandlerPanic.Error() }

// Unwrap returns ErrHandlerPanic.
func (e *PanicError) Unwrap() error { return ErrHandlerPanic }
