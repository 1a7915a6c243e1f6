package wxmptest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
)

func BenchmarkBuild(b *testing.B) {
	p := newTestPusher(b, http.NotFoundHandler(), msgcrypt.ModePlain)
	in := &message.Text{Content: "hello"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Build(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	in, err := message.Parse([]byte(textPush))
	require.NoError(b, err)
	body, err := reply.NewText(in, "hello").Marshal()
	require.NoError(b, err)
	c, err := msgcrypt.New(pushToken, pushAESKey, pushAppID)
	require.NoError(b, err)
	env, err := c.Encrypt(msgcrypt.CurrentKey, body, "1700000000", "1")
	require.NoError(b, err)
	for _, tt := range []struct {
		mode msgcrypt.Mode
		body []byte
	}{{msgcrypt.ModePlain, body}, {msgcrypt.ModeSafe, env}} {
		b.Run(tt.mode.String(), func(b *testing.B) {
			p := newTestPusher(b, http.NotFoundHandler(), tt.mode)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Check([]byte(textPush), tt.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPushInProcess(b *testing.B) {
	for _, mode := range allModes {
		b.Run(mode.String(), func(b *testing.B) {
			acct := newAccount(b, goodAnswer)
			p := newTestPusher(b, acct, mode)
			in := &message.Text{Content: "hello"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Push(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
