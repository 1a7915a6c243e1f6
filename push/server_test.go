package push

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// modes runs a test in the plain and the safe mode: request builds a
// delivery of push for ts and nonce, and replyXML returns the plaintext
// reply of an answer, checking the envelope in safe mode.
type mode struct {
	name     string
	opts     []Option
	request  func(t testing.TB, push []byte, ts, nonce string) *http.Request
	replyXML func(t testing.TB, w *httptest.ResponseRecorder) []byte
}

func modes() []mode {
	return []mode{
		{
			name: "plain",
			request: func(_ testing.TB, push []byte, ts, nonce string) *http.Request {
				return plainRequest(push, ts, nonce)
			},
			replyXML: func(t testing.TB, w *httptest.ResponseRecorder) []byte {
				require.Equal(t, http.StatusOK, w.Code)
				return w.Body.Bytes()
			},
		},
		{
			name:    "safe",
			opts:    []Option{WithEncryption(testAESKey, testAppID)},
			request: safeRequest,
			replyXML: func(t testing.TB, w *httptest.ResponseRecorder) []byte {
				require.Equal(t, http.StatusOK, w.Code)
				_, plain := openReply(t, w.Body.Bytes())
				return plain
			},
		},
	}
}

// watchStore reports every Wait on waits before passing it on.
type watchStore struct {
	DedupStore
	waits chan string
}

func (s *watchStore) Wait(ctx context.Context, key string) ([]byte, error) {
	s.waits <- key
	return s.DedupStore.Wait(ctx, key)
}

func newWatchStore(t testing.TB) *watchStore {
	mem, err := NewMemoryStore()
	require.NoError(t, err)
	return &watchStore{DedupStore: mem, waits: make(chan string, 16)}
}

// Four deliveries of one push, three of them arriving while the first
// still runs: the handler runs once and all four get its reply.
func TestRetriesWhileRunningGetTheReply(t *testing.T) {
	t.Parallel()
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			var runs atomic.Int32
			started, release := make(chan struct{}, 4), make(chan struct{})
			h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
				runs.Add(1)
				started <- struct{}{}
				<-release
				return reply.NewText(msg, "once"), nil
			})
			store := newWatchStore(t)
			s := newTestServer(t, h, nil, append(m.opts, WithDedup(store))...)
			push := textPush(42, "hi")
			answers := make([]*httptest.ResponseRecorder, 4)
			var wg sync.WaitGroup
			deliver := func(i int) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					answers[i] = serve(s, m.request(t, push, itoa64(1714036504+int64(i)), "n"+itoa64(int64(i))))
				}()
			}
			deliver(0)
			<-started
			for i := 1; i < 4; i++ {
				deliver(i)
			}
			for range 3 {
				select {
				case <-store.waits:
				case <-started:
					close(release)
					t.Fatal("a retry ran the handler again")
				}
			}
			close(release)
			wg.Wait()
			assert.EqualValues(t, 1, runs.Load(), "the handler must run once")
			first := m.replyXML(t, answers[0])
			assert.Equal(t, "once", decodeText(t, first).Content)
			for i, w := range answers[1:] {
				assert.Equal(t, string(first), string(m.replyXML(t, w)), "delivery %d", i+2)
			}
		})
	}
}

// Four deliveries of one push at the same moment: one runs the handler,
// whichever it is, and all four get the same reply.
func TestConcurrentDeliveriesRunOnce(t *testing.T) {
	t.Parallel()
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			var runs atomic.Int32
			h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
				runs.Add(1)
				return reply.NewText(msg, "n="+itoa64(int64(runs.Load()))), nil
			})
			s := newTestServer(t, h, nil, m.opts...)
			push := textPush(7, "hi")
			reqs := make([]*http.Request, 4)
			for i := range reqs {
				reqs[i] = m.request(t, push, itoa64(1714036504+int64(i)), "nonce"+itoa64(int64(i)))
			}
			answers := make([]*httptest.ResponseRecorder, 4)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for i := range reqs {
				wg.Go(func() {
					<-gate
					answers[i] = serve(s, reqs[i])
				})
			}
			close(gate)
			wg.Wait()
			assert.EqualValues(t, 1, runs.Load())
			first := m.replyXML(t, answers[0])
			assert.Equal(t, "n=1", decodeText(t, first).Content)
			for _, w := range answers[1:] {
				assert.Equal(t, string(first), string(m.replyXML(t, w)))
			}
		})
	}
}

// A retry after the first delivery finished gets the same reply without a
// second run; in safe mode it is sealed for the retry's own timestamp and
// nonce and decrypts to the same plaintext.
func TestRetryAfterCompletionGetsTheCachedReply(t *testing.T) {
	t.Parallel()
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			var runs atomic.Int32
			h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
				runs.Add(1)
				return echo(ctx, msg)
			})
			s := newTestServer(t, h, nil, m.opts...)
			push := textPush(99, "same answer")
			first := serve(s, m.request(t, push, "1714036504", "first"))
			retry := serve(s, m.request(t, push, "1714036509", "retry"))
			assert.EqualValues(t, 1, runs.Load())
			assert.Equal(t, string(m.replyXML(t, first)), string(m.replyXML(t, retry)))
			assert.Equal(t, "same answer", decodeText(t, m.replyXML(t, retry)).Content)
			if m.name == "safe" {
				env1, _ := openReply(t, first.Body.Bytes())
				env2, _ := openReply(t, retry.Body.Bytes())
				assert.Equal(t, "1714036504", env1.TimeStamp)
				assert.Equal(t, "first", env1.Nonce)
				assert.Equal(t, "1714036509", env2.TimeStamp)
				assert.Equal(t, "retry", env2.Nonce)
				assert.NotEqual(t, env1.Encrypt, env2.Encrypt)
			}
			// A different message of the same user runs.
			serve(s, m.request(t, textPush(100, "other"), "1714036510", "x"))
			assert.EqualValues(t, 2, runs.Load())
		})
	}
}

// Two different events of one user in the same second are two pushes
// (WxJava #3445); the same event twice is one.
func TestSameSecondEventsBothRun(t *testing.T) {
	t.Parallel()
	var runs counter
	h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
		switch e := msg.(type) {
		case *event.Click:
			runs.add(e.EventKey)
		case *event.View:
			runs.add(e.EventKey)
		}
		return nil, nil
	})
	s := newTestServer(t, h, nil)
	for _, p := range [][]byte{
		eventPush(event.NameClick, "MENU_A", 1714036504),
		eventPush(event.NameClick, "MENU_B", 1714036504),
		eventPush(event.NameView, "https://example.com/", 1714036504),
		eventPush(event.NameClick, "MENU_A", 1714036504), // a retry of the first
	} {
		w := serve(s, plainRequest(p, testTS, testNonce))
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, reply.Success, w.Body.String())
	}
	assert.Equal(t, 1, runs.get("MENU_A"))
	assert.Equal(t, 1, runs.get("MENU_B"))
	assert.Equal(t, 1, runs.get("https://example.com/"))
}

// The guard: a handler that has not answered by its deadline gets
// "success" written while it still runs; once it returns, its reply goes
// to the LateReplySender, and a retry answers "success" without a run.
func TestGuardAnswersSuccessThenSendsLate(t *testing.T) {
	t.Parallel()
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			var runs atomic.Int32
			entered, release := make(chan context.Context, 1), make(chan struct{})
			returned := make(chan struct{})
			h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
				runs.Add(1)
				entered <- ctx
				<-release
				defer close(returned)
				return reply.NewText(msg, "late answer"), nil
			})
			sender := newLateSender()
			logs := new(logBuffer)
			s := newTestServer(t, h, logs, append(m.opts, WithHandlerTimeout(200*time.Millisecond), WithLateReplies(sender))...)
			push := textPush(5, "sleep")

			w := newFlushRecorder()
			served := make(chan struct{})
			go func() {
				defer close(served)
				s.ServeHTTP(w, m.request(t, push, testTS, testNonce))
			}()
			// The guard has written and flushed a complete answer while
			// the handler is still blocked on release, on the request's
			// goroutine: ServeHTTP has not returned.
			<-w.flushed
			select {
			case <-returned:
				t.Fatal("the handler returned before it was released")
			case <-served:
				t.Fatal("ServeHTTP returned before the handler")
			default:
			}
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, reply.Success, w.Body.String())
			assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Equal(t, "7", w.Header().Get("Content-Length"))
			ctx := <-entered
			assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, "the handler's context ends at the deadline")
			select {
			case <-sender.sent:
				t.Fatal("a reply was sent before the handler returned")
			default:
			}

			// A retry while the handler still runs late answers success.
			retry := serve(s, m.request(t, push, "1714036509", "retry"))
			assert.Equal(t, reply.Success, retry.Body.String())

			close(release)
			r := <-sender.sent
			txt, ok := r.(*reply.Text)
			require.True(t, ok, "%T", r)
			assert.Equal(t, "late answer", txt.Content)
			assert.Equal(t, testOpenID, txt.ToUserName)
			<-served
			assert.EqualValues(t, 1, runs.Load())
			assert.Equal(t, reply.Success, w.Body.String(), "nothing is written after the guard's answer")
			assert.Contains(t, logs.String(), "handler deadline passed")
		})
	}
}

// A late reply with no sender configured, or after the late timeout, is
// dropped and reported to the error hook.
func TestLateReplyDropped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []Option
		wait func(ctx context.Context)
	}{
		{"no sender", nil, func(ctx context.Context) { <-ctx.Done() }},
		{"past the late timeout", []Option{WithLateReplies(newLateSender()), WithLateTimeout(time.Millisecond)}, func(ctx context.Context) {
			<-ctx.Done() // the guard has answered
			lctx, cancel := LateContext(ctx)
			defer cancel()
			<-lctx.Done()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hooked := make(chan error, 1)
			h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
				tc.wait(ctx)
				return reply.NewText(msg, "too late"), nil
			})
			opts := append([]Option{
				WithHandlerTimeout(time.Millisecond),
				WithErrorHook(func(_ context.Context, _ message.Message, err error) { hooked <- err }),
			}, tc.opts...)
			s := newTestServer(t, h, nil, opts...)
			w := serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
			assert.Equal(t, reply.Success, w.Body.String())
			assert.ErrorIs(t, <-hooked, ErrLateReplyDropped)
		})
	}
}

// LateContext outlives the handler deadline and keeps the request's values.
func TestLateContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	got := make(chan error, 1)
	sender := newLateSender()
	h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		lctx, cancel := LateContext(ctx)
		defer cancel()
		<-ctx.Done()
		switch {
		case lctx.Err() != nil:
			got <- errors.New("LateContext ended with the deadline")
		case lctx.Value(key{}) != "v":
			got <- errors.New("LateContext lost the request's values")
		default:
			dl, _ := lctx.Deadline()
			hd, _ := ctx.Deadline()
			if !dl.After(hd) {
				got <- errors.New("LateContext's deadline is not after the handler's")
			} else {
				got <- nil
			}
		}
		return reply.NewText(msg, "later"), nil
	})
	s := newTestServer(t, h, nil, WithHandlerTimeout(time.Millisecond), WithLateReplies(sender))
	r := plainRequest(textPush(1, "x"), testTS, testNonce)
	r = r.WithContext(context.WithValue(r.Context(), key{}, "v"))
	serve(s, r)
	require.NoError(t, <-got)
	<-sender.sent

	lctx, cancel := LateContext(context.Background())
	cancel()
	assert.ErrorIs(t, lctx.Err(), context.Canceled, "outside a Server, LateContext is WithCancel")
}

// The handler's context has the deadline, keeps the request's values,
// does not end with the request's context, and ends when the handler
// returns.
func TestHandlerContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	var seen context.Context
	var deadline time.Time
	var errDuring error
	var value any
	h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		seen = ctx
		deadline, _ = ctx.Deadline()
		errDuring = ctx.Err()
		value = ctx.Value(key{})
		return nil, nil
	})
	s := newTestServer(t, h, nil, WithHandlerTimeout(time.Hour))
	rctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	cancel() // as when the client hung up
	start := time.Now()
	w := serve(s, plainRequest(textPush(1, "x"), testTS, testNonce).WithContext(rctx))
	assert.Equal(t, reply.Success, w.Body.String())
	assert.NoError(t, errDuring, "the request's cancellation must not reach the handler")
	assert.Equal(t, "v", value)
	assert.False(t, deadline.Before(start.Add(time.Hour)), "deadline %v", deadline)
	assert.ErrorIs(t, seen.Err(), context.Canceled, "the context ends when the handler returns")
	<-seen.Done()
	assert.ErrorIs(t, context.Cause(seen), context.Canceled)
}

// A handler that panics gets "success", the hook gets a *PanicError, and
// the next push is served.
func TestPanicAnswersSuccessAndServerGoesOn(t *testing.T) {
	t.Parallel()
	hooked := make(chan error, 2)
	h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		if m, ok := msg.(*message.Text); ok && m.Content == "boom" {
			panic("the secret content " + m.Content)
		}
		return echo(ctx, msg)
	})
	logs := new(logBuffer)
	s := newTestServer(t, h, logs, WithErrorHook(func(_ context.Context, msg message.Message, err error) {
		hooked <- err
	}))
	w := serve(s, plainRequest(textPush(1, "boom"), testTS, testNonce))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, reply.Success, w.Body.String())
	err := <-hooked
	assert.ErrorIs(t, err, ErrHandlerPanic)
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "the secret content boom", pe.Value)
	assert.NotContains(t, err.Error(), "secret")
	assert.NotContains(t, logs.String(), "secret", "the panic value may hold a user's text")
	assert.Contains(t, logs.String(), `"msg_type":"text"`)
	assert.Contains(t, logs.String(), `"msg_id":1`)

	w = serve(s, plainRequest(textPush(2, "still here"), testTS, testNonce))
	assert.Equal(t, "still here", decodeText(t, w.Body.Bytes()).Content)
}

// A handler error answers "success", reaches the hook and is logged with
// the push's type and IDs, never its content or the token.
func TestHandlerErrorAnswersSuccess(t *testing.T) {
	t.Parallel()
	errBusiness := errors.New("database down")
	type hookCall struct {
		msg message.Message
		err error
	}
	hooked := make(chan hookCall, 1)
	h := HandlerFunc(func(context.Context, message.Message) (reply.Reply, error) {
		return reply.NewText(nil, "ignored"), errBusiness
	})
	logs := new(logBuffer)
	s := newTestServer(t, h, logs, WithEncryption(testAESKey, testAppID),
		WithErrorHook(func(_ context.Context, msg message.Message, err error) { hooked <- hookCall{msg, err} }))
	w := serve(s, safeRequest(t, eventPush(event.NameClick, "MENU_SECRET_CONTENT", 1714036504), testTS, testNonce))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, reply.Success, w.Body.String())
	hc := <-hooked
	assert.ErrorIs(t, hc.err, errBusiness)
	assert.IsType(t, &event.Click{}, hc.msg)
	out := logs.String()
	assert.Contains(t, out, "database down")
	assert.Contains(t, out, `"msg_type":"event"`)
	assert.Contains(t, out, `"from":"`+testOpenID+`"`)
	for _, secret := range []string{testToken, testAESKey, "MENU_SECRET_CONTENT"} {
		assert.NotContains(t, out, secret)
	}
}

// A nil reply, a typed nil reply and a reply that does not marshal all
// answer "success"; the last one reaches the hook.
func TestNoReply(t *testing.T) {
	t.Parallel()
	hooked := make(chan error, 4)
	h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
		switch msg.(*message.Text).Content {
		case "typed nil":
			var r *reply.Text
			return r, nil
		case "bad":
			return reply.NewText(msg, "\x00"), nil
		}
		return nil, nil
	})
	s := newTestServer(t, h, nil, WithErrorHook(func(_ context.Context, _ message.Message, err error) { hooked <- err }))
	for i, content := range []string{"nil", "typed nil", "bad"} {
		w := serve(s, plainRequest(textPush(int64(i), content), testTS, testNonce))
		require.Equal(t, http.StatusOK, w.Code, content)
		assert.Equal(t, reply.Success, w.Body.String(), content)
	}
	assert.ErrorIs(t, <-hooked, reply.ErrInvalidChar)
	assert.Empty(t, hooked)
}

// Requests that are not an authenticated, well-formed push get a 4xx and
// a short reason, never a 5xx, and never reach the handler.
func TestRefusals(t *testing.T) {
	t.Parallel()
	h := HandlerFunc(func(context.Context, message.Message) (reply.Reply, error) {
		panic("the handler must not run")
	})
	plain := newTestServer(t, h, nil, WithMaxBodyBytes(1024))
	safe := newTestServer(t, h, nil, WithEncryption(testAESKey, testAppID), WithMaxBodyBytes(2048))
	windowed := newTestServer(t, h, nil, WithWindow(time.Minute), WithNow(func() time.Time { return time.Unix(1714036504+3600, 0) }))

	withQuery := func(r *http.Request, set map[string]string) *http.Request {
		q := r.URL.Query()
		for k, v := range set {
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
		}
		r.URL.RawQuery = q.Encode()
		return r
	}
	forged := strings.Repeat("0", 40)
	big := append(textPush(1, strings.Repeat("x", 1024)), ' ')
	chunked := plainRequest(big, testTS, testNonce)
	chunked.ContentLength = -1
	for _, tc := range []struct {
		name   string
		s      *Server
		r      *http.Request
		status int
	}{
		{"forged signature", plain, withQuery(plainRequest(textPush(1, "x"), testTS, testNonce), map[string]string{"signature": forged}), http.StatusForbidden},
		{"missing signature", plain, withQuery(plainRequest(textPush(1, "x"), testTS, testNonce), map[string]string{"signature": ""}), http.StatusBadRequest},
		{"missing nonce", plain, withQuery(plainRequest(textPush(1, "x"), testTS, testNonce), map[string]string{"nonce": ""}), http.StatusBadRequest},
		{"unknown encrypt_type", plain, withQuery(plainRequest(textPush(1, "x"), testTS, testNonce), map[string]string{"encrypt_type": "des"}), http.StatusBadRequest},
		{"encrypted push to a plain server", plain, safeRequest(t, textPush(1, "x"), testTS, testNonce), http.StatusBadRequest},
		{"oversize", plain, plainRequest(big, testTS, testNonce), http.StatusRequestEntityTooLarge},
		{"oversize, length unknown", plain, chunked, http.StatusRequestEntityTooLarge},
		{"garbage", plain, plainRequest([]byte("\x00garbage{}"), testTS, testNonce), http.StatusBadRequest},
		{"empty body", plain, plainRequest(nil, testTS, testNonce), http.StatusBadRequest},
		{"not a push", plain, plainRequest([]byte("<xml><a>1</a></xml>"), testTS, testNonce), http.StatusBadRequest},
		{"forged msg_signature", safe, withQuery(safeRequest(t, textPush(1, "x"), testTS, testNonce), map[string]string{"msg_signature": forged}), http.StatusForbidden},
		{"forged signature beside msg_signature", safe, withQuery(safeRequest(t, textPush(1, "x"), testTS, testNonce), map[string]string{"signature": forged}), http.StatusForbidden},
		{"missing msg_signature", safe, withQuery(safeRequest(t, textPush(1, "x"), testTS, testNonce), map[string]string{"msg_signature": ""}), http.StatusBadRequest},
		{"plain push to a safe server", safe, plainRequest(textPush(1, "x"), testTS, testNonce), http.StatusForbidden},
		{"safe oversize", safe, safeRequest(t, textPush(1, strings.Repeat("y", 2048)), testTS, testNonce), http.StatusRequestEntityTooLarge},
		{"safe garbage", safe, withQuery(plainRequest([]byte("garbage"), testTS, testNonce), map[string]string{"encrypt_type": "aes", "msg_signature": forged}), http.StatusBadRequest},
		{"stale timestamp", windowed, plainRequest(textPush(1, "x"), testTS, testNonce), http.StatusForbidden},
		{"method", plain, httptest.NewRequest(http.MethodPut, "/wechat", nil), http.StatusMethodNotAllowed},
		{"forged verification", plain, httptest.NewRequest(http.MethodGet, "/wechat?signature="+forged+"&timestamp=1&nonce=2&echostr=e", nil), http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(tc.s, tc.r)
			assert.Equal(t, tc.status, w.Code, "body %q", w.Body.String())
			assert.NotEmpty(t, strings.TrimSpace(w.Body.String()), "a refusal says why")
			assert.Less(t, w.Body.Len(), 200, "a short reason")
		})
	}
}

// The verification GET gets the echostr back as plain text.
func TestVerification(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, HandlerFunc(echo), nil, WithEncryption(testAESKey, testAppID))
	q := url.Values{
		"signature": {signature.Compute(testToken, testTS, testNonce)},
		"timestamp": {testTS},
		"nonce":     {testNonce},
		"echostr":   {"<script>1234</script>"},
	}
	w := serve(s, httptest.NewRequest(http.MethodGet, "/wechat?"+q.Encode(), nil))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "<script>1234</script>", w.Body.String())
	assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
}

// An XML reply goes out as application/xml, as the examples do.
func TestReplyContentType(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, HandlerFunc(echo), nil)
	w := serve(s, plainRequest(textPush(1, "hi"), testTS, testNonce))
	assert.Equal(t, "application/xml; charset=utf-8", w.Header().Get("Content-Type"))
	r := decodeText(t, w.Body.Bytes())
	assert.Equal(t, textReply{ToUserName: testOpenID, FromUserName: testAccount, MsgType: "text", Content: "hi", CreateTime: r.CreateTime}, r)
}

// WithAcceptPlain takes plain pushes beside encrypted ones during a mode
// switch; their replies go back in clear.
func TestAcceptPlain(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, HandlerFunc(echo), nil, WithEncryption(testAESKey, testAppID), WithAcceptPlain())
	w := serve(s, plainRequest(textPush(1, "clear"), testTS, testNonce))
	assert.Equal(t, "clear", decodeText(t, w.Body.Bytes()).Content)
	w = serve(s, safeRequest(t, textPush(2, "sealed"), testTS, testNonce))
	_, plain := openReply(t, w.Body.Bytes())
	assert.Equal(t, "sealed", decodeText(t, plain).Content)
}

// After a key change, a push under the previous key is answered under it.
func TestPreviousKey(t *testing.T) {
	t.Parallel()
	const newKey = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
	s := newTestServer(t, HandlerFunc(echo), nil, WithEncryption(newKey, testAppID), WithPreviousKey(testAESKey))
	w := serve(s, safeRequest(t, textPush(1, "old key"), testTS, testNonce))
	_, plain := openReply(t, w.Body.Bytes()) // decrypts with testAESKey
	assert.Equal(t, "old key", decodeText(t, plain).Content)
}

// WithCrypter uses a Crypter made elsewhere.
func TestWithCrypter(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, HandlerFunc(echo), nil, WithCrypter(testCrypter(t)))
	w := serve(s, safeRequest(t, textPush(1, "c"), testTS, testNonce))
	_, plain := openReply(t, w.Body.Bytes())
	assert.Equal(t, "c", decodeText(t, plain).Content)
	w = serve(s, plainRequest(textPush(2, "p"), testTS, testNonce))
	assert.Equal(t, http.StatusForbidden, w.Code)
}

// WithoutDedup runs every delivery; WithDedupKey replaces the key.
func TestDedupOptions(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	h := HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		runs.Add(1)
		return nil, nil
	})
	s := newTestServer(t, h, nil, WithoutDedup())
	serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
	serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
	assert.EqualValues(t, 2, runs.Load())

	runs.Store(0)
	s = newTestServer(t, h, nil, WithDedupKey(func(msg message.Message) string { return msg.Head().FromUserName }))
	serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
	serve(s, plainRequest(textPush(2, "y"), testTS, testNonce))
	assert.EqualValues(t, 1, runs.Load(), "one key per user")

	runs.Store(0)
	s = newTestServer(t, h, nil, WithDedupKey(func(message.Message) string { return "" }))
	serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
	serve(s, plainRequest(textPush(1, "x"), testTS, testNonce))
	assert.EqualValues(t, 2, runs.Load(), "an empty key skips dedupe")
}

// failingStore fails every call.
type failingStore struct{}

var errStore = errors.New("store down")

func (failingStore) Claim(context.Context, string, time.Duration) (Claim, error) {
	return Claim{}, errStore
}
func (failingStore) Finish(context.Context, string, []byte, time.Duration) error { return errStore }
func (failingStore) Wait(context.Context, string) ([]byte, error)                { return nil, errStore }

// A failing store does not lose the push: the handler runs without dedupe.
func TestStoreFailureRunsTheHandler(t *testing.T) {
	t.Parallel()
	logs := new(logBuffer)
	s := newTestServer(t, HandlerFunc(echo), logs, WithDedup(failingStore{}))
	w := serve(s, plainRequest(textPush(1, "hi"), testTS, testNonce))
	assert.Equal(t, "hi", decodeText(t, w.Body.Bytes()).Content)
	assert.Contains(t, logs.String(), "store down")
}

// A retry whose wait for the first delivery ends at its own deadline
// answers "success".
func TestRetryWaitEndsAtItsDeadline(t *testing.T) {
	t.Parallel()
	mem, err := NewMemoryStore()
	require.NoError(t, err)
	key := mustParse(t, textPush(3, "x")).DedupKey()
	_, err = mem.Claim(context.Background(), key, time.Hour) // another instance owns it, and never finishes
	require.NoError(t, err)
	s := newTestServer(t, HandlerFunc(func(context.Context, message.Message) (reply.Reply, error) {
		panic("must not run")
	}), nil, WithDedup(mem), WithHandlerTimeout(time.Millisecond))
	w := serve(s, plainRequest(textPush(3, "x"), testTS, testNonce))
	assert.Equal(t, reply.Success, w.Body.String())
}

// Configuration errors come from NewServer, wrap ErrInvalidConfig and
// never show a value.
func TestNewServerErrors(t *testing.T) {
	t.Parallel()
	h := HandlerFunc(echo)
	const badKey = "not-a-key-but-a-secret-looking-value-123456"
	var nilFunc HandlerFunc
	var nilMux *Mux
	for _, tc := range []struct {
		name  string
		token string
		h     Handler
		opts  []Option
	}{
		{"empty token", "", h, nil},
		{"nil handler", testToken, nil, nil},
		{"nil HandlerFunc", testToken, nilFunc, nil},
		{"nil *Mux", testToken, nilMux, nil},
		{"bad key", testToken, h, []Option{WithEncryption(badKey, testAppID)}},
		{"empty AppID", testToken, h, []Option{WithEncryption(testAESKey, "")}},
		{"bad previous key", testToken, h, []Option{WithEncryption(testAESKey, testAppID), WithPreviousKey(badKey)}},
		{"previous key without encryption", testToken, h, []Option{WithPreviousKey(testAESKey)}},
		{"previous key with a Crypter", testToken, h, []Option{WithCrypter(testCrypter(t)), WithPreviousKey(testAESKey)}},
		{"encryption twice", testToken, h, []Option{WithCrypter(testCrypter(t)), WithEncryption(testAESKey, testAppID)}},
		{"nil Crypter", testToken, h, []Option{WithCrypter(nil)}},
		{"accept plain without encryption", testToken, h, []Option{WithAcceptPlain()}},
		{"nil store", testToken, h, []Option{WithDedup(nil)}},
		{"without dedup and a store", testToken, h, []Option{WithoutDedup(), WithDedup(failingStore{})}},
		{"without dedup and a key", testToken, h, []Option{WithoutDedup(), WithDedupKey(func(message.Message) string { return "" })}},
		{"nil key", testToken, h, []Option{WithDedupKey(nil)}},
		{"zero TTL", testToken, h, []Option{WithDedupTTL(0)}},
		{"zero handler timeout", testToken, h, []Option{WithHandlerTimeout(0)}},
		{"negative late timeout", testToken, h, []Option{WithLateTimeout(-time.Second)}},
		{"nil sender", testToken, h, []Option{WithLateReplies(nil)}},
		{"nil logger", testToken, h, []Option{WithLogger(nil)}},
		{"zero body", testToken, h, []Option{WithMaxBodyBytes(0)}},
		{"zero window", testToken, h, []Option{WithWindow(0)}},
		{"nil clock", testToken, h, []Option{WithNow(nil)}},
		{"nil hook", testToken, h, []Option{WithErrorHook(nil)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewServer(tc.token, tc.h, tc.opts...)
			assert.Nil(t, s)
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.NotContains(t, err.Error(), badKey)
			assert.NotContains(t, err.Error(), testAESKey)
		})
	}
	s, err := NewServer(testToken, h, nil, WithLogger(new(logBuffer).logger()))
	require.NoError(t, err, "a nil Option is skipped")
	assert.NotNil(t, s)
}

// The acceptance case, on synctest's fake clock: a handler that
// takes 6 s under the default options gets "success" written at the 4 s
// deadline, before WeChat's 5 s, and its reply then goes out late.
func TestSixSecondHandler(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		sender := newLateSender()
		h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
			time.Sleep(6 * time.Second)
			return reply.NewText(msg, "after six seconds"), nil
		})
		s := newTestServer(t, h, nil, WithLateReplies(sender))
		start := time.Now()
		w := newFlushRecorder()
		served := make(chan struct{})
		go func() {
			defer close(served)
			s.ServeHTTP(w, plainRequest(textPush(6, "sleep 6"), testTS, testNonce))
		}()
		<-w.flushed
		answered := time.Since(start)
		assert.Equal(t, reply.Success, w.Body.String())
		assert.Less(t, answered, 4500*time.Millisecond)
		assert.Equal(t, DefaultHandlerTimeout, answered, "the guard answers at the deadline")
		r := <-sender.sent
		assert.Equal(t, 6*time.Second, time.Since(start))
		<-served
		assert.Equal(t, "after six seconds", r.(*reply.Text).Content)
	})
}

// flushRecorder is a ResponseRecorder that reports its first Flush: the
// guard's answer, written on the timer's goroutine while the handler runs.
type flushRecorder struct {
	*httptest.ResponseRecorder
	flushed chan struct{}
	once    sync.Once
}

func newFlushRecorder() *flushRecorder {
	return &flushRecorder{ResponseRecorder: httptest.NewRecorder(), flushed: make(chan struct{})}
}

func (w *flushRecorder) Flush() {
	w.ResponseRecorder.Flush()
	w.once.Do(func() { close(w.flushed) })
}

// Handlers that miss their deadlines one after another are each answered
// at their own deadline, though a handler that returned in time came
// first: the watchdog's one timer is set again for each next deadline.
func TestGuardsAnswerAtEachDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		h := HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
			if msg.(*message.Text).Content != "fast" {
				<-release
			}
			return nil, nil
		})
		s := newTestServer(t, h, nil, WithHandlerTimeout(time.Second))
		start := time.Now()
		serve(s, plainRequest(textPush(1, "fast"), testTS, testNonce))
		var served, answered sync.WaitGroup
		starts := []time.Duration{500 * time.Millisecond, 700 * time.Millisecond, 700 * time.Millisecond, 3 * time.Second}
		at := make([]time.Duration, len(starts))
		for i, d := range starts {
			time.Sleep(d - time.Since(start))
			w := newFlushRecorder()
			served.Go(func() { s.ServeHTTP(w, plainRequest(textPush(int64(10+i), "slow"), testTS, testNonce)) })
			answered.Go(func() {
				<-w.flushed
				at[i] = time.Since(start)
				assert.Equal(t, reply.Success, w.Body.String())
			})
			synctest.Wait()
		}
		answered.Wait()
		for i, d := range starts {
			assert.Equal(t, d+time.Second, at[i], "push %d", i)
		}
		close(release)
		served.Wait()
	})
}
