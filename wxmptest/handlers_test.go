package wxmptest_test

import (
	"encoding/xml"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// The account the tests play. The key is 43 characters of [a-zA-Z0-9].
const (
	pushToken  = "wxmptest-token-9Qe"
	pushAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	pushAppID  = "wx5823bf96d3bd56c7"
	otherAppID = "wx0000000000000000"
)

// Timeouts. Only tests about the timeout use fastTimeout, and their slow
// handlers do not sleep for some multiple of it: they answer only once the
// Pusher has given up on the delivery (afterGivingUp), so no scheduling
// delay on a loaded machine can make them look fast. Every handler that is
// expected to answer gets answerTimeout: the slowest in-process answer seen
// on a loaded 2-core machine under -race took 1.5 s, and an answer comes
// back as soon as it is written, so the margin costs nothing when the
// handler works.
const (
	fastTimeout   = 50 * time.Millisecond
	answerTimeout = 10 * time.Second
)

var allModes = []msgcrypt.Mode{msgcrypt.ModePlain, msgcrypt.ModeCompatible, msgcrypt.ModeSafe}

// newTestPusher returns a Pusher for h in mode with the test account and
// answerTimeout, plus opts (a later WithTimeout wins).
func newTestPusher(t testing.TB, h http.Handler, mode msgcrypt.Mode, opts ...wxmptest.Option) *wxmptest.Pusher {
	t.Helper()
	all := []wxmptest.Option{
		wxmptest.WithHandler(h),
		wxmptest.WithEncryption(mode, pushAESKey, pushAppID),
		wxmptest.WithTimeout(answerTimeout),
	}
	p, err := wxmptest.NewPusher(pushToken, append(all, opts...)...)
	require.NoError(t, err)
	return p
}

// afterGivingUp wraps h, called in process, so that it starts only once
// the Pusher has given up on the delivery (the request's context is done)
// and then answers as h does: a handler too slow for any timeout on any
// machine, whose late answer must not be taken.
func afterGivingUp(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		h.ServeHTTP(w, r)
	})
}

// waitFor waits for a value on ch: a handler the Pusher gave up on may
// still be running when Push returns. The minute is only a bound for a
// broken test; a slow machine never gets near it.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not finish within a minute", what)
	}
}

// seeded returns a reproducible random source.
func seeded(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// fixedClock returns a clock stopped at Unix time 1700000000.
func fixedClock() func() time.Time {
	return func() time.Time { return time.Unix(1700000000, 0) }
}

func readPush(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pushes", name))
	require.NoError(t, err)
	return b
}

// answerFunc decides what a test handler writes for an opened push. It
// returns the status (0 means 200) and the body.
type answerFunc func(in message.Message, p *msgcrypt.Push) (int, []byte)

// account is a handler the way a user writes one: it opens the push with
// package msgcrypt (every mode), parses it with package message and writes
// what answer returns. Calls counts the requests it got.
type account struct {
	crypter *msgcrypt.Crypter
	answer  answerFunc
	calls   atomic.Int32
}

func newAccount(t testing.TB, answer answerFunc) *account {
	t.Helper()
	c, err := msgcrypt.New(pushToken, pushAESKey, pushAppID)
	require.NoError(t, err)
	return &account{crypter: c, answer: answer}
}

func (a *account) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.calls.Add(1)
	p, err := a.crypter.OpenRequest(r)
	if err != nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	in, err := message.Parse(p.Plaintext)
	if err != nil {
		http.Error(w, "bad push", http.StatusBadRequest)
		return
	}
	status, body := a.answer(in, p)
	if status != 0 {
		w.WriteHeader(status)
	}
	w.Write(body)
}

// sealed marshals rep and seals it for the push: what a correct handler
// writes.
func sealed(p *msgcrypt.Push, rep reply.Reply) []byte {
	b, err := rep.Marshal()
	if err != nil {
		panic(err) // a test bug
	}
	out, err := p.Seal(b)
	if err != nil {
		panic(err)
	}
	return out
}

// goodAnswer is a correct account: text is echoed, a follow gets two news
// articles (events may have up to 8), an image gets an image back, a
// location gets music, a link is handed to customer service, a menu click
// gets "success" and anything else an empty body.
func goodAnswer(in message.Message, p *msgcrypt.Push) (int, []byte) {
	switch m := in.(type) {
	case *message.Text:
		return 0, sealed(p, reply.NewText(m, m.Content))
	case *event.Subscribe:
		return 0, sealed(p, reply.NewNews(m,
			reply.Article{Title: "Welcome", URL: "https://example.com/1"},
			reply.Article{Title: "Getting started", URL: "https://example.com/2"}))
	case *message.Image:
		return 0, sealed(p, reply.NewImage(m, m.MediaID))
	case *message.Voice:
		return 0, sealed(p, reply.NewVoice(m, m.MediaID))
	case *message.Video:
		return 0, sealed(p, reply.NewVideo(m, reply.Video{MediaID: m.MediaID, Title: "clip"}))
	case *message.Location:
		return 0, sealed(p, reply.NewMusic(m, reply.Music{Title: "song", ThumbMediaID: "thumb-1"}))
	case *message.Link:
		return 0, sealed(p, reply.NewTransferCustomerService(m, ""))
	case *event.Click:
		return 0, []byte(reply.Success)
	}
	return 0, nil
}

// textReply is a passive text reply written by hand, for the broken
// handlers, so that any field can be wrong.
type textReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

// handReply answers with a hand-written text reply to in, changed by edit,
// sealed for the push.
func handReply(edit func(*textReply)) answerFunc {
	return func(in message.Message, p *msgcrypt.Push) (int, []byte) {
		h := in.Head()
		r := textReply{ToUserName: h.FromUserName, FromUserName: h.ToUserName, CreateTime: time.Now().Unix(), MsgType: "text", Content: "hi"}
		edit(&r)
		return 0, sealedXML(p, r)
	}
}

// sealedXML marshals v, a reply written by hand, and seals it for the push.
func sealedXML(p *msgcrypt.Push, v any) []byte {
	b, err := xml.Marshal(v)
	if err != nil {
		panic(err) // a test bug
	}
	out, err := p.Seal(b)
	if err != nil {
		panic(err)
	}
	return out
}
