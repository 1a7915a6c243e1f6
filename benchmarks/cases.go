package benchmarks

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Names of the SDKs and modes in benchmark names and in the table.
const (
	SDKWxmp        = "wxmp"
	SDKChanxuehong = "chanxuehong"
	SDKSilenceper  = "silenceper"
	// SDKBaseline is the httptest plumbing alone: no SDK.
	SDKBaseline = "httptest"

	ModePlain = "plain"
	ModeSafe  = "safe"
)

// Case is one handler answering one push: what a benchmark times.
type Case struct {
	SDK, Mode string
	Handler   http.Handler
	// Push is the push Check is asked about: PlainPush or SafePush.
	Push Push
	// Feed is what Bench serves: a different push of the same shape every
	// iteration, so that a server that recognizes WeChat's retries runs
	// its handler every time.
	Feed *Feed
	// Check says whether an answer is the right one; Bench calls it once
	// before timing.
	Check func(*httptest.ResponseRecorder) error
}

// Name is the case's benchmark name below BenchmarkPush: "plain/wxmp".
func (c Case) Name() string { return c.Mode + "/" + c.SDK }

// Bench is the benchmark of c: it checks the answer to c.Push and to the
// feed's next push outside the timed loop, failing the benchmark if either
// is wrong, then serves the feed's next push once per iteration with a new
// httptest request and recorder.
func (c Case) Bench(b *testing.B) {
	if err := c.Feed.Fill(); err != nil {
		b.Fatalf("%s: %v", c.Name(), err)
	}
	if err := c.Check(c.Push.Serve(c.Handler)); err != nil {
		b.Fatalf("%s: %v", c.Name(), err)
	}
	if err := c.Check(c.Feed.Next().Serve(c.Handler)); err != nil {
		b.Fatalf("%s: a push of the feed: %v", c.Name(), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if w := c.Feed.Next().Serve(c.Handler); w.Code != http.StatusOK {
			b.Fatalf("%s: HTTP status %d", c.Name(), w.Code)
		}
	}
}

// baselineReply is what the baseline handler writes: a text reply of the
// size the SDKs write in plain mode.
const baselineReply = "<xml><ToUserName><![CDATA[" + OpenID + "]]></ToUserName>" +
	"<FromUserName><![CDATA[" + Account + "]]></FromUserName>" +
	"<CreateTime>" + Timestamp + "</CreateTime><MsgType><![CDATA[text]]></MsgType>" +
	"<Content><![CDATA[" + Content + "]]></Content></xml>"

// Baseline is the httptest plumbing alone: the same plain push, request and
// recorder, and a handler that writes a fixed reply with its Content-Type
// without reading the request. What an SDK spends is its time minus this.
func Baseline() Case {
	out := []byte(baselineReply)
	return Case{
		SDK: SDKBaseline, Mode: ModePlain,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", xmlType)
			w.Write(out)
		}),
		Push: PlainPush(),
		Feed: NewFeed(ModePlain),
		Check: func(w *httptest.ResponseRecorder) error {
			if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), out) {
				return fmt.Errorf("%w: the baseline did not write its reply", ErrBadReply)
			}
			return nil
		},
	}
}

// Cases returns every SDK's handler for the plain and the safe push, in the
// order of the table: plain then safe, wxmp, chanxuehong, silenceper. The
// baseline is apart (Baseline).
func Cases() ([]Case, error) {
	safe, err := SafePush()
	if err != nil {
		return nil, err
	}
	wxmpPlain, err := Wxmp(ModePlain)
	if err != nil {
		return nil, err
	}
	wxmpSafe, err := Wxmp(ModeSafe)
	if err != nil {
		return nil, err
	}
	plain := PlainPush()
	checkPlain := func(w *httptest.ResponseRecorder) error { return CheckEcho(w, false) }
	checkSafe := func(w *httptest.ResponseRecorder) error { return CheckEcho(w, true) }
	return []Case{
		{SDKWxmp, ModePlain, wxmpPlain, plain, NewFeed(ModePlain), checkPlain},
		{SDKChanxuehong, ModePlain, Chanxuehong(false), plain, NewFeed(ModePlain), checkPlain},
		{SDKSilenceper, ModePlain, Silenceper(), plain, NewFeed(ModePlain), checkPlain},
		{SDKWxmp, ModeSafe, wxmpSafe, safe, NewFeed(ModeSafe), checkSafe},
		{SDKChanxuehong, ModeSafe, Chanxuehong(true), safe, NewFeed(ModeSafe), checkSafe},
		{SDKSilenceper, ModeSafe, Silenceper(), safe, NewFeed(ModeSafe), checkSafe},
	}, nil
}

// CaseFor returns the case of Cases for sdk and mode, with handlers of its
// own.
func CaseFor(sdk, mode string) (Case, error) {
	cases, err := Cases()
	if err != nil {
		return Case{}, err
	}
	for _, c := range cases {
		if c.SDK == sdk && c.Mode == mode {
			return c, nil
		}
	}
	return Case{}, fmt.Errorf("benchmarks: no case %s/%s", mode, sdk)
}
