package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// The tests below play WeChat with package wxmptest: every push is signed,
// and encrypted in the compatible and safe modes, as WeChat does it, and
// every answer is judged by WeChat's rules (5 s, swapped addresses, reply
// shapes, the encrypted envelope).

// echoPusher returns a Pusher for the echo handler configured with cfg,
// in process, sending in mode.
func echoPusher(t *testing.T, cfg config, mode msgcrypt.Mode) *wxmptest.Pusher {
	t.Helper()
	p, err := wxmptest.NewPusher(cfg.token, wxmptest.WithHandler(mustHandler(t, cfg)),
		wxmptest.WithEncryption(mode, cfg.aesKey, cfg.appID))
	require.NoError(t, err)
	return p
}

func TestWeChatPlaysEveryMode(t *testing.T) {
	t.Parallel()
	plain := config{token: testToken}
	encrypted := config{token: testToken, aesKey: testAESKey, appID: testAppID}
	for _, tt := range []struct {
		mode msgcrypt.Mode
		cfg  config
	}{
		{msgcrypt.ModePlain, plain},
		{msgcrypt.ModeCompatible, encrypted},
		{msgcrypt.ModeSafe, encrypted},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			t.Parallel()
			p := echoPusher(t, tt.cfg, tt.mode)
			ctx := context.Background()

			_, err := p.Verify(ctx)
			require.NoError(t, err, "the URL check passes")

			res, err := p.Push(ctx, &message.Text{Content: "hello ]]> 你好"})
			require.NoError(t, err)
			assert.Equal(t, "text", res.Reply.MsgType)
			assert.Equal(t, "hello ]]> 你好", res.Reply.Content)
			assert.Equal(t, tt.mode != msgcrypt.ModePlain, res.Reply.Encrypted)

			res, err = p.Push(ctx, &event.Subscribe{Event: event.NameSubscribe})
			require.NoError(t, err)
			assert.Contains(t, res.Reply.Content, "Welcome")

			res, err = p.Push(ctx, &event.Unsubscribe{Event: event.NameUnsubscribe})
			require.NoError(t, err)
			assert.Equal(t, wxmptest.KindSuccess, res.Reply.Kind)

			// Every captured payload, as WeChat sends it.
			files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
			require.NoError(t, err)
			require.NotEmpty(t, files)
			for _, f := range files {
				push, err := os.ReadFile(f)
				require.NoError(t, err)
				res, err := p.PushXML(ctx, push)
				require.NoError(t, err, f)
				assert.Equal(t, 1, res.Attempts, f)
			}
		})
	}
}

func TestWeChatOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServerWith(t, config{token: testToken, aesKey: testAESKey, appID: testAppID})
	p, err := wxmptest.NewPusher(testToken, wxmptest.WithURL(srv.URL+path),
		wxmptest.WithEncryption(msgcrypt.ModeSafe, testAESKey, testAppID))
	require.NoError(t, err)
	_, err = p.Verify(context.Background())
	require.NoError(t, err)
	res, err := p.Push(context.Background(), &event.Click{Event: event.NameClick, EventKey: "MENU_1"})
	require.NoError(t, err)
	assert.Equal(t, "menu click received: MENU_1", res.Reply.Content)
}

// TestWeChatRefusals checks what WeChat would report for a server
// configured differently from the console.
func TestWeChatRefusals(t *testing.T) {
	t.Parallel()
	encrypted := config{token: testToken, aesKey: testAESKey, appID: testAppID}
	t.Run("plain push to a server that requires encryption", func(t *testing.T) {
		t.Parallel()
		_, err := echoPusher(t, encrypted, msgcrypt.ModePlain).Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrStatus)
		assert.Contains(t, err.Error(), "403")
	})
	t.Run("encrypted push to a plain server", func(t *testing.T) {
		t.Parallel()
		p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(mustHandler(t, config{token: testToken})),
			wxmptest.WithEncryption(msgcrypt.ModeSafe, testAESKey, testAppID))
		require.NoError(t, err)
		_, err = p.Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrStatus)
	})
	t.Run("another token", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(mustHandler(t, config{token: "console-token"}))
		t.Cleanup(srv.Close)
		p, err := wxmptest.NewPusher(testToken, wxmptest.WithURL(srv.URL))
		require.NoError(t, err)
		_, err = p.Verify(context.Background())
		require.ErrorIs(t, err, wxmptest.ErrStatus)
	})
	t.Run("another AppID", func(t *testing.T) {
		t.Parallel()
		p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(mustHandler(t, encrypted)),
			wxmptest.WithEncryption(msgcrypt.ModeSafe, testAESKey, "wx0000000000000000"))
		require.NoError(t, err)
		_, err = p.Push(context.Background(), &message.Text{Content: "x"})
		require.ErrorIs(t, err, wxmptest.ErrStatus, "the echo refuses a push for another AppID")
	})
}

func mustHandler(t *testing.T, cfg config) *handler {
	t.Helper()
	h, err := newHandler(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	require.NoError(t, err)
	return h
}
