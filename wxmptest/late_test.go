package wxmptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// The tests below play WeChat's retries against package push's Server,
// the server the SDK offers, and read what the user got: a passive reply,
// a late reply through the fake customer-service API, or nothing. None
// waits for a duration to pass: the slow handlers block on channels that
// the tests close, and the tests learn that a late reply went out from the
// sender itself.

// blockedHandler is a push handler that answers text with "done: " and the
// content, but only once release is closed; calls counts its runs and
// started receives one value per run as it begins.
type blockedHandler struct {
	release chan struct{}
	started chan struct{}
	calls   atomic.Int32
}

func newBlockedHandler() *blockedHandler {
	return &blockedHandler{release: make(chan struct{}), started: make(chan struct{}, 16)}
}

func (h *blockedHandler) ServePush(ctx context.Context, msg message.Message) (reply.Reply, error) {
	h.calls.Add(1)
	h.started <- struct{}{}
	<-h.release
	m, ok := msg.(*message.Text)
	if !ok {
		return nil, nil
	}
	return reply.NewText(m, "done: "+m.Content), nil
}

// signalSender is a push.LateReplySender that hands the reply to next and
// then reports the outcome on sent, so a test knows when a late reply has
// gone out without waiting for a duration.
type signalSender struct {
	next push.LateReplySender
	sent chan error
}

func (s *signalSender) SendReply(ctx context.Context, r reply.Reply) error {
	err := s.next.SendReply(ctx, r)
	s.sent <- err
	return err
}

// customerService returns the customer-service API client of the fake.
func customerService(t *testing.T, fake *wxmptest.APIServer) *api.CustomerService {
	t.Helper()
	tokens, err := accesstoken.New(fake.AppID(), fake.AppSecret(),
		accesstoken.WithBaseURL(fake.URL), accesstoken.WithHTTPClient(fake.Client()))
	require.NoError(t, err)
	c, err := api.NewClient(tokens, api.WithBaseURL(fake.URL), api.WithHTTPClient(fake.Client()))
	require.NoError(t, err)
	return c.CustomerService
}

func newAPIFake(t *testing.T) *wxmptest.APIServer {
	t.Helper()
	fake, err := wxmptest.NewAPIServer()
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	return fake
}

// bounded returns a context that ends with the test or after a minute, a
// bound for a broken test only: what it bounds happens at once or not at
// all.
func bounded(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestSlowHandlerLateReply: a handler slower than the server's deadline,
// with dedupe, answers "success" on the first delivery and on every
// redelivery, and runs once; the Result says the user got the reply late,
// through customer service, once the fake has recorded it, and that the
// user got nothing when the server has no late-reply sender.
func TestSlowHandlerLateReply(t *testing.T) {
	t.Parallel()
	for _, withSender := range []bool{true, false} {
		name := "late reply sent"
		if !withSender {
			name = "no late-reply sender"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fake := newAPIFake(t)
			h := newBlockedHandler()
			sender := &signalSender{next: customerService(t, fake), sent: make(chan error, 1)}
			dropped := make(chan error, 1)
			opts := []push.Option{
				push.WithEncryption(pushAESKey, pushAppID),
				// Any deadline: the handler cannot answer before the
				// test releases it, so the guard always answers first.
				push.WithHandlerTimeout(time.Millisecond),
				push.WithLogger(quietLog()),
				push.WithErrorHook(func(_ context.Context, _ message.Message, err error) { dropped <- err }),
			}
			if withSender {
				opts = append(opts, push.WithLateReplies(sender))
			}
			srv, err := push.NewServer(pushToken, h, opts...)
			require.NoError(t, err)
			p := newTestPusher(t, srv, msgcrypt.ModeSafe, wxmptest.WithAPIServer(fake))

			ctx := context.Background()
			res, err := p.Push(ctx, &message.Text{Content: "slow"})
			require.NoError(t, err, "success is a valid answer")
			assert.Equal(t, 1, res.Attempts)
			assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)
			assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome(), "nothing yet: the handler is still at work")

			// WeChat delivers the push again (here three times at once):
			// each gets "success" at once, and none runs the handler.
			var wg sync.WaitGroup
			again := make([]*wxmptest.Result, 3)
			errs := make([]error, len(again))
			for i := range again {
				wg.Go(func() { again[i], errs[i] = p.Deliver(ctx, res) })
			}
			wg.Wait()
			for i, r := range again {
				require.NoError(t, errs[i])
				assert.Equal(t, wxmptest.KindSuccess, r.Reply.Kind, "redelivery %d", i)
				assert.Equal(t, res.Query, r.Query, "the same push")
				assert.Equal(t, res.Body, r.Body)
			}
			waitFor(t, h.started, "the handler")
			assert.EqualValues(t, 1, h.calls.Load(), "four deliveries, one run")

			close(h.release)
			if withSender {
				select {
				case err := <-sender.sent:
					require.NoError(t, err)
				case err := <-dropped:
					t.Fatalf("late reply not sent: %v", err)
				}
				for _, r := range append(again, res) {
					assert.Equal(t, wxmptest.OutcomeLate, r.Outcome())
				}
				assert.Equal(t, "no passive reply; late reply delivered via customer service", res.Outcome().String())
				late := res.LateReplies()
				require.Len(t, late, 1)
				assert.Equal(t, wxmptest.DefaultOpenID, late[0].OpenID)
				assert.Equal(t, "text", late[0].Kind)
				var body struct {
					Text struct{ Content string } `json:"text"`
				}
				require.NoError(t, json.Unmarshal(late[0].Body, &body))
				assert.Equal(t, "done: slow", body.Text.Content)
				o, err := res.AwaitOutcome(bounded(t))
				require.NoError(t, err)
				assert.Equal(t, wxmptest.OutcomeLate, o, "no wait once the reply is there")
			} else {
				err := <-dropped
				require.ErrorIs(t, err, push.ErrLateReplyDropped)
				assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome())
				assert.Equal(t, "user got nothing", res.Outcome().String())
				assert.Empty(t, res.LateReplies())
				assert.Empty(t, fake.Sent(wxmptest.DefaultOpenID))
			}
		})
	}
}

// TestRetriesWhileTheFirstRuns: a server that does not answer within
// WeChat's timeout gets the push three more times, while the first
// delivery's handler still runs; the handler runs once, the user is shown
// the error, and a delivery after the handler finished gets its reply.
func TestRetriesWhileTheFirstRuns(t *testing.T) {
	t.Parallel()
	h := newBlockedHandler()
	// The server's own deadline is longer than WeChat's (a configuration
	// mistake): its guard never answers in time.
	srv, err := push.NewServer(pushToken, h, push.WithHandlerTimeout(time.Hour), push.WithLogger(quietLog()))
	require.NoError(t, err)
	impatient := newTestPusher(t, srv, msgcrypt.ModePlain, wxmptest.WithTimeout(fastTimeout))

	res, err := impatient.Push(context.Background(), &message.Text{Content: "hello"})
	require.ErrorIs(t, err, wxmptest.ErrTimeout)
	assert.Equal(t, 1+wxmptest.DefaultRetries, res.Attempts)
	assert.Equal(t, wxmptest.OutcomeError, res.Outcome())
	waitFor(t, h.started, "the handler")
	assert.EqualValues(t, 1, h.calls.Load(), "four deliveries, one run")

	close(h.release)
	patient := newTestPusher(t, srv, msgcrypt.ModePlain)
	again, err := patient.Deliver(context.Background(), res)
	require.NoError(t, err)
	assert.Equal(t, "done: hello", again.Reply.Content, "the first delivery's reply")
	assert.Equal(t, wxmptest.OutcomePassive, again.Outcome())
	assert.Equal(t, "passive reply", again.Outcome().String())
	assert.EqualValues(t, 1, h.calls.Load())
}

// TestConcurrentDeliveriesRunOnce: four deliveries of one push that reach
// the server at the same time run the handler once, and all four get its
// reply.
func TestConcurrentDeliveriesRunOnce(t *testing.T) {
	t.Parallel()
	const n = 4
	h := newBlockedHandler()
	srv, err := push.NewServer(pushToken, h, push.WithEncryption(pushAESKey, pushAppID),
		push.WithHandlerTimeout(time.Hour), push.WithLogger(quietLog()))
	require.NoError(t, err)
	// The handler is released once every delivery has reached the server.
	var arrived atomic.Int32
	gate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == n {
			close(h.release)
		}
		srv.ServeHTTP(w, r)
	})
	p := newTestPusher(t, gate, msgcrypt.ModeCompatible, wxmptest.WithRetries(0))
	prepared, err := p.Prepare(&message.Text{Content: "once"})
	require.NoError(t, err)
	assert.Zero(t, prepared.Attempts)

	var wg sync.WaitGroup
	results := make([]*wxmptest.Result, n)
	errs := make([]error, n)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = p.Deliver(context.Background(), prepared) })
	}
	wg.Wait()
	for i, r := range results {
		require.NoError(t, errs[i], "delivery %d", i)
		assert.Equal(t, "done: once", r.Reply.Content, "delivery %d", i)
		assert.True(t, r.Reply.Encrypted)
		assert.Equal(t, wxmptest.OutcomePassive, r.Outcome())
	}
	assert.EqualValues(t, 1, h.calls.Load())
}

// TestOutcome: what the user got, for the answers of a handler that is not
// a push.Server.
func TestOutcome(t *testing.T) {
	t.Parallel()
	fake := newAPIFake(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		answer answerFunc
		api    bool
		want   wxmptest.Outcome
	}{
		{"passive reply", goodAnswer, true, wxmptest.OutcomePassive},
		{"success, no fake to look in", func(message.Message, *msgcrypt.Push) (int, []byte) { return 0, []byte("success") }, false, wxmptest.OutcomeNothing},
		{"empty body", func(message.Message, *msgcrypt.Push) (int, []byte) { return 0, nil }, true, wxmptest.OutcomeNothing},
		{"broken reply", handReply(func(r *textReply) { r.MsgType = "" }), true, wxmptest.OutcomeError},
		{"HTTP 500", func(message.Message, *msgcrypt.Push) (int, []byte) { return http.StatusInternalServerError, nil }, true, wxmptest.OutcomeError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var opts []wxmptest.Option
			if tt.api {
				opts = append(opts, wxmptest.WithAPIServer(fake))
			}
			p := newTestPusher(t, newAccount(t, tt.answer), msgcrypt.ModePlain, opts...)
			res, _ := p.Push(ctx, &message.Text{Content: "hi"})
			assert.Equal(t, tt.want, res.Outcome())
			if tt.want == wxmptest.OutcomeNothing && tt.api {
				return // a late reply may still come: AwaitOutcome would wait
			}
			o, err := res.AwaitOutcome(bounded(t))
			require.NoError(t, err, "no wait: the outcome cannot change")
			assert.Equal(t, tt.want, o)
		})
	}

	t.Run("only a message sent after the push is its late reply", func(t *testing.T) {
		const user = "oOutcomeUser000000000000001"
		fake.AddUser(wxmptest.APIUser{OpenID: user})
		cs := customerService(t, fake)
		require.NoError(t, cs.Send(ctx, user, api.Text{Content: "earlier"}))
		p := newTestPusher(t, newAccount(t, func(message.Message, *msgcrypt.Push) (int, []byte) { return 0, []byte("success") }),
			msgcrypt.ModePlain, wxmptest.WithAPIServer(fake), wxmptest.WithOpenID(user))
		res, err := p.Push(ctx, &message.Text{Content: "x"})
		require.NoError(t, err)
		assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome(), "the earlier message is not this push's")
		require.NoError(t, cs.Send(ctx, wxmptest.DefaultOpenID, api.Text{Content: "to someone else"}))
		assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome(), "another user's message is not this push's")
		require.NoError(t, cs.Send(ctx, user, api.Text{Content: "later"}))
		o, err := res.AwaitOutcome(bounded(t))
		require.NoError(t, err)
		assert.Equal(t, wxmptest.OutcomeLate, o)
		require.Len(t, res.LateReplies(), 1)
	})

	t.Run("await ends with ctx", func(t *testing.T) {
		p := newTestPusher(t, newAccount(t, func(message.Message, *msgcrypt.Push) (int, []byte) { return 0, nil }),
			msgcrypt.ModePlain, wxmptest.WithAPIServer(fake))
		res, err := p.Push(ctx, &message.Text{Content: "x"})
		require.NoError(t, err)
		done, cancel := context.WithCancel(ctx)
		cancel()
		o, err := res.AwaitOutcome(done)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, wxmptest.OutcomeNothing, o)
	})
}

// TestDeliverSendsTheSameBytes: a redelivery is the prepared request, byte
// for byte, as WeChat's retries are.
func TestDeliverSendsTheSameBytes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	acct := newAccount(t, goodAnswer)
	rec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.URL.RawQuery+"\n"+string(body))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		acct.ServeHTTP(w, r)
	})
	p := newTestPusher(t, rec, msgcrypt.ModeSafe)
	prepared, err := p.PrepareXML(readPush(t, "wechatpy_text.xml"))
	require.NoError(t, err)
	for range 3 {
		res, err := p.Deliver(context.Background(), prepared)
		require.NoError(t, err)
		assert.Equal(t, 1, res.Attempts)
		assert.Equal(t, prepared.Query, res.Query)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 3)
	assert.Equal(t, seen[0], seen[1])
	assert.Equal(t, seen[0], seen[2])

	_, err = p.Deliver(context.Background(), nil)
	require.Error(t, err)
	_, err = p.Deliver(context.Background(), &wxmptest.Result{})
	require.Error(t, err, "a Result that holds no push")
	var v *wxmptest.Violation
	assert.False(t, errors.As(err, &v))
}
