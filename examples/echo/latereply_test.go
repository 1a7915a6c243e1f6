package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// The late-reply tests run in a synctest bubble: "sleep 6" takes six
// seconds of the bubble's clock, which moves on only when every goroutine
// in it waits, so the handler deadline, the sleep and the late reply come
// in their real order without the test waiting for them. The API fake is
// reached in process, through its Handler, so that nothing in the bubble
// waits on a network.

// inProcess is an http.RoundTripper that serves every request with h.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// lateEnv is the environment of a server that sends late replies to fake.
func lateEnv(fake *wxmptest.APIServer) map[string]string {
	return map[string]string{
		"WECHAT_TOKEN":    testToken,
		"WECHAT_APPID":    fake.AppID(),
		"WECHAT_SECRET":   fake.AppSecret(),
		"WECHAT_API_BASE": "http://api.wechat.test",
	}
}

// lateServer builds the echo from env as run does, with its API calls
// served by api in process, logging to the returned writer.
func lateServer(t *testing.T, env map[string]string, api http.Handler) (*handler, *syncWriter) {
	t.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	cfg.apiClient = &http.Client{Transport: inProcess{api}}
	logs := &syncWriter{w: new(bytes.Buffer)}
	h, err := newHandler(cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	require.NoError(t, err)
	return h, logs
}

// sentTexts returns the contents of the customer-service texts the fake
// accepted for openID.
func sentTexts(t *testing.T, recs []wxmptest.APIRecord) []string {
	t.Helper()
	var out []string
	for _, rec := range recs {
		if rec.Path != wxmptest.APICustomSendPath {
			continue
		}
		var body struct {
			Text struct{ Content string } `json:"text"`
		}
		require.NoError(t, json.Unmarshal(rec.Body, &body))
		out = append(out, body.Text.Content)
	}
	return out
}

// TestSleepLateReply: "sleep 6" is answered "success" at the 4-second
// deadline, a valid answer that shows the user nothing, and the echo
// reaches the user as a customer-service message when the handler
// finishes, at 6 s.
func TestSleepLateReply(t *testing.T) {
	t.Parallel()
	for _, mode := range []msgcrypt.Mode{msgcrypt.ModePlain, msgcrypt.ModeSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				fake, err := wxmptest.NewUnstartedAPIServer()
				require.NoError(t, err)
				env := lateEnv(fake)
				popts := []wxmptest.Option{wxmptest.WithAPIServer(fake)}
				if mode != msgcrypt.ModePlain {
					env["WECHAT_AES_KEY"] = testAESKey
					popts = append(popts, wxmptest.WithEncryption(mode, testAESKey, fake.AppID()))
				}
				h, logs := lateServer(t, env, fake.Handler())
				p, err := wxmptest.NewPusher(testToken, append(popts, wxmptest.WithHandler(h))...)
				require.NoError(t, err)

				start := time.Now()
				res, err := p.Push(context.Background(), &message.Text{Content: "sleep 6"})
				require.NoError(t, err)
				assert.Equal(t, 1, res.Attempts, "answered in time: WeChat does not retry")
				assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)
				assert.Equal(t, 4*time.Second, res.Elapsed, "the guard answers at the handler deadline")
				assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome(), "nothing yet")

				time.Sleep(6*time.Second - time.Since(start)) // the bubble's clock: the handler wakes
				synctest.Wait()                               // and sends the late reply
				assert.Equal(t, wxmptest.OutcomeLate, res.Outcome())
				assert.Equal(t, []string{"sleep 6"}, sentTexts(t, res.LateReplies()))
				assert.Equal(t, 1, fake.TokenRequests())

				out := logs.String()
				assert.Contains(t, out, "push: handler deadline passed; answered success")
				assert.Contains(t, out, "push: late reply sent")
				for _, secret := range append(fake.Secrets(), testToken, testAESKey) {
					assert.NotContains(t, out, secret)
				}
				assert.NotContains(t, out, "sleep 6", "the log never holds a push's content")
			})
		})
	}
}

// TestTwentySleepsFetchOneToken: twenty "sleep 6" pushes at once, from
// twenty users, with WECHAT_HANDLER_TIMEOUT=1s, are each answered
// "success" at 1 s, and each user gets the echo late; the access token is
// fetched once for all twenty.
func TestTwentySleepsFetchOneToken(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake, err := wxmptest.NewUnstartedAPIServer()
		require.NoError(t, err)
		env := lateEnv(fake)
		env["WECHAT_HANDLER_TIMEOUT"] = "1s"
		h, _ := lateServer(t, env, fake.Handler())

		const n = 20
		users := make([]string, n)
		for i := range users {
			users[i] = fmt.Sprintf("oEchoSleeper%016d", i)
			fake.AddUser(wxmptest.APIUser{OpenID: users[i]})
		}
		var wg sync.WaitGroup
		results := make([]*wxmptest.Result, n)
		errs := make([]error, n)
		for i, user := range users {
			p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(h),
				wxmptest.WithOpenID(user), wxmptest.WithAPIServer(fake))
			require.NoError(t, err)
			wg.Go(func() { results[i], errs[i] = p.Push(context.Background(), &message.Text{Content: "sleep 6"}) })
		}
		wg.Wait()
		for i, res := range results {
			require.NoError(t, errs[i])
			assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)
			assert.Equal(t, time.Second, res.Elapsed)
		}
		assert.Zero(t, fake.TokenRequests(), "no late reply yet, no token yet")

		time.Sleep(5 * time.Second)
		synctest.Wait()
		for i, res := range results {
			assert.Equal(t, wxmptest.OutcomeLate, res.Outcome(), users[i])
			assert.Equal(t, []string{"sleep 6"}, sentTexts(t, fake.Sent(users[i])), users[i])
		}
		assert.Equal(t, 1, fake.TokenRequests(), "one token for twenty late replies")
	})
}

// TestSleepWithoutLateReplies: without WECHAT_SECRET the late echo cannot
// be sent: the user gets nothing, and the log says the reply was dropped.
func TestSleepWithoutLateReplies(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake, err := wxmptest.NewUnstartedAPIServer()
		require.NoError(t, err)
		h, logs := lateServer(t, map[string]string{"WECHAT_TOKEN": testToken}, fake.Handler())
		p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(h), wxmptest.WithAPIServer(fake))
		require.NoError(t, err)
		res, err := p.Push(context.Background(), &message.Text{Content: "sleep 6"})
		require.NoError(t, err)
		assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)

		time.Sleep(time.Minute)
		synctest.Wait()
		assert.Equal(t, wxmptest.OutcomeNothing, res.Outcome())
		assert.Equal(t, "user got nothing", res.Outcome().String())
		assert.Contains(t, logs.String(), "late reply dropped")
		assert.Zero(t, fake.TokenRequests())
	})
}

// TestSleepLegacyTokenStandIn: a stand-in for WeChat's API without
// cgi-bin/stable_token (it answers 404) still gets the late reply, with a
// token from cgi-bin/token.
func TestSleepLegacyTokenStandIn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake, err := wxmptest.NewUnstartedAPIServer()
		require.NoError(t, err)
		standIn := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == wxmptest.APIStableTokenPath {
				http.NotFound(w, r)
				return
			}
			fake.Handler().ServeHTTP(w, r)
		})
		h, logs := lateServer(t, lateEnv(fake), standIn)
		p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(h), wxmptest.WithAPIServer(fake))
		require.NoError(t, err)
		res, err := p.Push(context.Background(), &message.Text{Content: "sleep 5"})
		require.NoError(t, err)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		assert.Equal(t, wxmptest.OutcomeLate, res.Outcome())
		assert.Equal(t, 1, fake.Calls(wxmptest.APITokenPath))
		assert.Zero(t, fake.Calls(wxmptest.APIStableTokenPath), "the stand-in answered it")
		assert.Contains(t, logs.String(), "using cgi-bin/token")
	})
}

// TestSleepCommand: "sleep N" sleeps N whole seconds, 0 to 30, and is
// echoed; other texts that start with "sleep" are plain texts.
func TestSleepCommand(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		n    int
		ok   bool
	}{
		{"sleep 6", 6, true},
		{"  Sleep   30 ", 30, true},
		{"SLEEP 0", 0, true},
		{"sleep 31", 31, true},
		{"sleep -1", -1, true},
		{"sleep well", 0, false},
		{"sleep", 0, false},
		{"sleep 1.5", 0, false},
		{"sleepy 3", 0, false},
		{"asleep 3", 0, false},
	} {
		n, ok := sleepCommand(tt.text)
		assert.Equal(t, tt.ok, ok, tt.text)
		assert.Equal(t, tt.n, n, tt.text)
	}

	synctest.Test(t, func(t *testing.T) {
		p := echoPusher(t, config{token: testToken}, msgcrypt.ModePlain)
		for _, tt := range []struct{ text, want string }{
			{"sleep 0", "sleep 0"},
			{"sleep 3", "sleep 3"}, // within the deadline: a passive reply
			{"sleep 31", "sleep takes a whole number of seconds from 0 to 30"},
			{"sleep -1", "sleep takes a whole number of seconds from 0 to 30"},
			{"sleep well", "sleep well"},
		} {
			start := time.Now()
			res, err := p.Push(context.Background(), &message.Text{Content: tt.text})
			require.NoError(t, err, tt.text)
			assert.Equal(t, tt.want, res.Reply.Content, tt.text)
			if tt.text == "sleep 3" {
				assert.Equal(t, 3*time.Second, time.Since(start))
			}
		}
	})
}

// TestPushLogLine: each answered push is one log line with its mode, type,
// event, reply and time to answer, and a retry says so; the verification
// is logged too; no line holds a push's content.
func TestPushLogLine(t *testing.T) {
	t.Parallel()
	logs := &syncWriter{w: new(bytes.Buffer)}
	h := mustLoggingHandler(t, config{token: testToken, aesKey: testAESKey, appID: testAppID, acceptPlain: true}, logs)
	plain, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(h))
	require.NoError(t, err)
	safe, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(h), wxmptest.WithEncryption(msgcrypt.ModeSafe, testAESKey, testAppID))
	require.NoError(t, err)
	ctx := context.Background()

	_, err = plain.Verify(ctx)
	require.NoError(t, err)
	res, err := plain.Push(ctx, &message.Text{Content: "secret words"})
	require.NoError(t, err)
	_, err = plain.Deliver(ctx, res)
	require.NoError(t, err)
	_, err = safe.Push(ctx, &message.Location{Label: "somewhere private"})
	require.NoError(t, err)
	_, err = safe.Push(ctx, &event.Subscribe{Event: event.NameSubscribe})
	require.NoError(t, err)

	var lines []map[string]any
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == "push" || rec["msg"] == "verification passed" {
			delete(rec, "time")
			delete(rec, "duration")
			lines = append(lines, rec)
		}
	}
	assert.Equal(t, []map[string]any{
		{"level": "INFO", "msg": "verification passed"},
		{"level": "INFO", "msg": "push", "mode": "plain", "msg_type": "text", "reply": "xml"},
		{"level": "INFO", "msg": "push", "mode": "plain", "retry": true, "reply": "xml"},
		{"level": "INFO", "msg": "push", "mode": "encrypted", "msg_type": "location", "reply": "xml"},
		{"level": "INFO", "msg": "push", "mode": "encrypted", "msg_type": "event", "event": "subscribe", "reply": "xml"},
	}, lines)
	assert.NotContains(t, logs.String(), "secret words")
	assert.NotContains(t, logs.String(), "somewhere private")
}

func mustLoggingHandler(t *testing.T, cfg config, logs *syncWriter) *handler {
	t.Helper()
	h, err := newHandler(cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	require.NoError(t, err)
	return h
}
