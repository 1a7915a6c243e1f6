package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
)

// newMux is the business logic: the reply to each kind of push. Pushes
// without a handler here (an unfollow, the other events, unknown types)
// get no reply: "success".
func newMux() *push.Mux {
	mux := push.NewMux()
	push.Handle(mux, echo)
	push.Handle(mux, func(_ context.Context, e *event.Subscribe) (reply.Reply, error) {
		return reply.NewText(e, welcome), nil
	})
	push.Handle(mux, func(_ context.Context, e *event.Click) (reply.Reply, error) {
		return reply.NewText(e, "menu click received: "+e.EventKey), nil
	})
	push.Handle(mux, func(_ context.Context, e *event.Scan) (reply.Reply, error) {
		return reply.NewText(e, "QR code scanned: scene "+e.EventKey), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.Image) (reply.Reply, error) {
		return reply.NewText(m, "image received: "+m.PicURL), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.Voice) (reply.Reply, error) {
		text := "voice received: format " + m.Format
		if m.Recognition != "" {
			text += ", recognised as: " + m.Recognition
		}
		return reply.NewText(m, text), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.Video) (reply.Reply, error) {
		return reply.NewText(m, "video received: "+m.MediaID), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.ShortVideo) (reply.Reply, error) {
		return reply.NewText(m, "short video received: "+m.MediaID), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.Location) (reply.Reply, error) {
		return reply.NewText(m, fmt.Sprintf("location received: %s (%.6f, %.6f)", m.Label, m.LocationX, m.LocationY)), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.Link) (reply.Reply, error) {
		return reply.NewText(m, fmt.Sprintf("link received: %s %s", m.Title, m.URL)), nil
	})
	push.Handle(mux, func(_ context.Context, m *message.File) (reply.Reply, error) {
		return reply.NewText(m, fmt.Sprintf("file received: %s (%d bytes)", m.Title, m.FileTotalLen)), nil
	})
	return mux
}

const welcome = "Welcome! Send me any message and I will echo it back."

// maxSleep bounds the sleep command, in seconds: a handler may go on
// for push.DefaultLateTimeout (30 s) after its deadline, and no longer.
const maxSleep = 30

// echo answers a text with the same text. "sleep N" (N whole seconds, 0 to
// maxSleep) is echoed after N seconds: past the handler deadline (4 s),
// the server answers "success" and the echo goes out late, as a
// customer-service message.
func echo(ctx context.Context, m *message.Text) (reply.Reply, error) {
	if n, ok := sleepCommand(m.Content); ok {
		if n < 0 || n > maxSleep {
			return reply.NewText(m, fmt.Sprintf("sleep takes a whole number of seconds from 0 to %d", maxSleep)), nil
		}
		// The handler's ctx ends at the deadline; the late context ends
		// when a late reply could no longer be sent.
		lctx, cancel := push.LateContext(ctx)
		defer cancel()
		t := time.NewTimer(time.Duration(n) * time.Second)
		defer t.Stop()
		select {
		case <-t.C:
		case <-lctx.Done():
			return nil, fmt.Errorf("sleep %d: %w", n, context.Cause(lctx))
		}
	}
	if strings.TrimSpace(m.Content) == "" {
		return reply.NewText(m, "(empty text received)"), nil
	}
	return reply.NewText(m, m.Content), nil
}

// sleepCommand recognizes "sleep N", any letter case, N a whole number.
// A text such as "sleep well" is not a command.
func sleepCommand(text string) (seconds int, ok bool) {
	name, arg, found := strings.Cut(strings.TrimSpace(text), " ")
	if !found || !strings.EqualFold(name, "sleep") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil {
		return 0, false
	}
	return n, true
}

// handler is the server URL's http.Handler: push.Server, and one log line
// per answered push or verification.
type handler struct {
	srv *push.Server
	log *slog.Logger
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.log.Enabled(r.Context(), slog.LevelInfo) {
		h.srv.ServeHTTP(w, r)
		return
	}
	pl := &pushLog{ResponseWriter: w, start: time.Now()}
	if r.Method == http.MethodPost {
		r = r.WithContext(context.WithValue(r.Context(), pushLogKey{}, pl))
	}
	h.srv.ServeHTTP(pl, r)
	if pl.status != http.StatusOK {
		return // push.Server logged the refusal
	}
	if r.Method == http.MethodGet {
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "verification passed")
		return
	}
	mode := "plain"
	if strings.Contains(r.URL.RawQuery, "encrypt_type=aes") {
		mode = "encrypted"
	}
	answer := "success"
	if ct := w.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/xml") {
		answer = "xml"
	}
	attrs := [5]slog.Attr{slog.String("mode", mode)}
	n := 1
	msgType, ev := pl.pushed()
	switch {
	case msgType == "":
		// The handler did not run: a retry, answered with the first
		// delivery's reply.
		attrs[n] = slog.Bool("retry", true)
		n++
	case ev == "":
		attrs[n] = slog.String("msg_type", msgType)
		n++
	default:
		attrs[n], attrs[n+1] = slog.String("msg_type", msgType), slog.String("event", ev)
		n += 2
	}
	attrs[n], attrs[n+1] = slog.String("reply", answer), slog.Duration("duration", pl.answered.Sub(pl.start))
	n += 2
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "push", attrs[:n]...)
}

// pushLog is what the log line of one request says: the answer's status
// and time, seen as a ResponseWriter, and the push's type, noted by
// withPushLog's handler.
type pushLog struct {
	http.ResponseWriter
	start    time.Time
	status   int
	answered time.Time

	mu      sync.Mutex
	msgType string
	event   string
}

// pushLogKey is the context key of the request's *pushLog.
type pushLogKey struct{}

func (p *pushLog) WriteHeader(code int) {
	if p.status == 0 {
		p.status, p.answered = code, time.Now()
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p *pushLog) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status, p.answered = http.StatusOK, time.Now()
	}
	return p.ResponseWriter.Write(b)
}

// Flush passes the flush on: push.Server's guard flushes "success" at the
// deadline while the handler goes on, and WeChat must get it then.
func (p *pushLog) Flush() { http.NewResponseController(p.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection's writer.
func (p *pushLog) Unwrap() http.ResponseWriter { return p.ResponseWriter }

func (p *pushLog) note(msg message.Message) {
	p.mu.Lock()
	p.msgType, p.event = msg.Head().MsgType, msg.EventName()
	p.mu.Unlock()
}

func (p *pushLog) pushed() (msgType, event string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.msgType, p.event
}

// withPushLog notes each push's type for its log line, then calls h.
func withPushLog(h push.Handler) push.Handler {
	return push.HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		if pl, ok := ctx.Value(pushLogKey{}).(*pushLog); ok {
			pl.note(msg)
		}
		return h.ServePush(ctx, msg)
	})
}
