package push

import (
	"context"
	"sync"
	"time"

	"github.com/wxmp/wxmp/message"
)

// call is one run of the handler for one push, and the context the
// handler gets.
//
// As a context it holds the request context's values (through parent,
// which is context.WithoutCancel of it) but not its cancellation, which
// comes when the client hangs up: the handler may outlive the response
// the guard writes at the deadline, and its context must not end before
// the deadline. Done closes at the deadline (the guard cancels it) or when
// the handler returns, like a context.WithDeadline that the caller cancels
// with defer; Err then says which. A plain struct does this with one
// allocation where context.WithDeadline would take four.
type call struct {
	parent   context.Context
	deadline time.Time
	// late is when the handler's reply stops being sent late: the
	// deadline plus the late timeout.
	late time.Time
	msg  message.Message

	mu   sync.Mutex
	done chan struct{} // made by the first Done
	err  error
}

// callKey is the context key under which a call finds itself, for
// LateContext.
type callKey struct{}

func (c *call) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *call) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *call) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *call) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	return c.parent.Value(key)
}

func (c *call) String() string { return "push.handlerContext" }

// cancel ends the context with err unless it has ended.
func (c *call) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

// LateContext returns a context for work in a handler that should go on
// after the handler deadline, whose reply the server then hands to the
// [LateReplySender] (a call to a slow service, say). It keeps ctx's values
// and ends at the late timeout ([WithLateTimeout]) after the deadline of
// ctx, instead of at that deadline. Cancel it when the work is done.
//
//	func(ctx context.Context, m *message.Text) (reply.Reply, error) {
//		lctx, cancel := push.LateContext(ctx)
//		defer cancel()
//		answer, err := slowService(lctx, m.Content) // may take 10 s
//		if err != nil {
//			return nil, err
//		}
//		return reply.NewText(m, answer), nil // after 4 s: a customer-service message
//	}
//
// For a ctx that is not, or does not derive from, the context of a
// [Server]'s handler, it returns context.WithCancel(ctx).
func LateContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), c.late)
	}
	return context.WithCancel(ctx)
}
