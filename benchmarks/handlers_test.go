package benchmarks

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestPushSize(t *testing.T) {
	assert.Len(t, PushXML, 309, "the doc comments say 309 bytes")
}

// TestEveryHandlerEchoes is the like-for-like check: every SDK answers the
// same push with the reply WeChat expects, by CheckEcho and, as a second
// opinion, by wxmptest's judge of WeChat's rules.
func TestEveryHandlerEchoes(t *testing.T) {
	cases, err := Cases()
	require.NoError(t, err)
	require.Len(t, cases, 6)
	judges := map[string]*wxmptest.Pusher{ModePlain: newJudge(t, msgcrypt.ModePlain), ModeSafe: newJudge(t, msgcrypt.ModeSafe)}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			w := c.Push.Serve(c.Handler)
			require.NoError(t, c.Check(w))
			require.NoError(t, CheckEcho(w, c.Mode == ModeSafe))

			rep, err := judges[c.Mode].Check([]byte(PushXML), w.Body.Bytes())
			require.NoError(t, err)
			assert.Equal(t, c.Mode == ModeSafe, rep.Encrypted)
			assert.Equal(t, "text", rep.MsgType)
			assert.Equal(t, Content, rep.Content)
		})
	}
}

// newJudge is wxmptest's judge for the account the SDKs are configured
// with; it is only asked to Check answers, never to push.
func newJudge(t *testing.T, mode msgcrypt.Mode) *wxmptest.Pusher {
	t.Helper()
	nobody := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	opts := []wxmptest.Option{wxmptest.WithHandler(nobody), wxmptest.WithAccount(Account), wxmptest.WithOpenID(OpenID)}
	if mode != msgcrypt.ModePlain {
		opts = append(opts, wxmptest.WithEncryption(mode, EncodingAESKey, AppID))
	}
	p, err := wxmptest.NewPusher(Token, opts...)
	require.NoError(t, err)
	return p
}

// TestSafePushIsWeChats checks the push itself: wxmp opens it in safe mode
// to PushXML, so the SDKs are given what WeChat sends.
func TestSafePushIsWeChats(t *testing.T) {
	push, err := SafePush()
	require.NoError(t, err)
	c, err := msgcrypt.New(Token, EncodingAESKey, AppID)
	require.NoError(t, err)
	u, err := url.Parse(push.Target)
	require.NoError(t, err)
	p, err := c.Open(u.Query(), push.Body)
	require.NoError(t, err)
	assert.Equal(t, msgcrypt.ModeSafe, p.Mode)
	assert.Equal(t, PushXML, string(p.Plaintext))
	assert.NotContains(t, string(push.Body), "Content", "a safe push carries no clear text")
}

// TestEveryHandlerRefuses shows that every SDK does the checks the
// comparison assumes it does: a push with a wrong signature, a wrong
// msg_signature, or encrypted for another AppID gets no reply.
func TestEveryHandlerRefuses(t *testing.T) {
	cases, err := Cases()
	require.NoError(t, err)
	otherApp, err := safePushFor("wx0000000000000000")
	require.NoError(t, err)
	tamper := func(p Push, param string) Push {
		u, err := url.Parse(p.Target)
		require.NoError(t, err)
		q := u.Query()
		q.Set(param, strings.Repeat("0", 40))
		u.RawQuery = q.Encode()
		return Push{Target: u.String(), Body: p.Body}
	}
	for _, c := range cases {
		bad := map[string]Push{"signature": tamper(c.Push, "signature")}
		if c.Mode == ModeSafe {
			bad["msg_signature"] = tamper(c.Push, "msg_signature")
			bad["other AppID"] = otherApp
		}
		for what, push := range bad {
			t.Run(c.Name()+"/"+what, func(t *testing.T) {
				w := push.Serve(c.Handler)
				assert.Equal(t, http.StatusForbidden, w.Code)
				assert.ErrorIs(t, CheckEcho(w, c.Mode == ModeSafe), ErrBadReply)
			})
		}
	}
}

// TestNoDebugLogging guards the fairness note on Silenceper: nothing in
// this module turns logrus's debug output on, so silenceper's server does
// not print each push.
func TestNoDebugLogging(t *testing.T) {
	assert.Less(t, logrus.GetLevel(), logrus.DebugLevel)
}

func TestCheckEchoRefusesWrongReplies(t *testing.T) {
	right := Baseline()
	for name, h := range map[string]http.HandlerFunc{
		"status": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(baselineReply))
		},
		"success": func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("success")) },
		"content": func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(strings.Replace(baselineReply, "Saturday", "Sunday", 1)))
		},
		"not swapped": func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(strings.NewReplacer(OpenID, Account, Account, OpenID).Replace(baselineReply)))
		},
		"msgtype": func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(strings.Replace(baselineReply, "[text]", "[news]", 1)))
		},
		"in clear for safe": func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(baselineReply)) },
	} {
		t.Run(name, func(t *testing.T) {
			w := right.Push.Serve(h)
			assert.ErrorIs(t, CheckEcho(w, name == "in clear for safe"), ErrBadReply)
		})
	}
	require.NoError(t, CheckEcho(right.Push.Serve(right.Handler), false), "the fixed reply is right")
}

func TestCheckEchoVerifiesTheEnvelope(t *testing.T) {
	cases, err := Cases()
	require.NoError(t, err)
	var safe Case
	for _, c := range cases {
		if c.SDK == SDKWxmp && c.Mode == ModeSafe {
			safe = c
		}
	}
	w := safe.Push.Serve(safe.Handler)
	require.NoError(t, CheckEcho(w, true))
	var env envelope
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &env))
	env.MsgSignature = strings.Repeat("0", 40)
	forged, err := xml.Marshal(env)
	require.NoError(t, err)
	w.Body.Reset()
	w.Body.Write(forged)
	assert.ErrorIs(t, CheckEcho(w, true), ErrBadReply)
}
