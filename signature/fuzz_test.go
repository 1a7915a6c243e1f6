package signature_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/signature"
)

// FuzzVerify checks that Verify never panics and never accepts a signature
// other than the one Compute gives (in either letter case), nor anything at
// all for an empty token.
func FuzzVerify(f *testing.F) {
	q := officialQuery(f)
	f.Add(officialToken, q.Get("timestamp"), q.Get("nonce"), q.Get("signature"))
	f.Add(officialToken, q.Get("timestamp"), q.Get("nonce"), strings.ToUpper(q.Get("signature")))
	f.Add("", q.Get("timestamp"), q.Get("nonce"), signature.Compute("", q.Get("timestamp"), q.Get("nonce")))
	f.Add(officialToken, "", "", "")
	f.Add("t", "1", "2", "\x00\xff")
	f.Fuzz(func(t *testing.T, token, timestamp, nonce, sig string) {
		err := signature.Verify(token, timestamp, nonce, sig)
		if err != nil {
			for _, secret := range []string{token, sig} {
				if len(secret) >= 8 && strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q leaks an input", err)
				}
			}
			return
		}
		if token == "" || timestamp == "" || nonce == "" {
			t.Fatalf("accepted with an empty input: token=%q timestamp=%q nonce=%q", token, timestamp, nonce)
		}
		if want := signature.Compute(token, timestamp, nonce); strings.ToLower(sig) != want {
			t.Fatalf("accepted signature %q, want %q", sig, want)
		}
	})
}

// FuzzVerifyRequest is the differential test of VerifyRequest, which reads
// the raw query itself, against VerifyQuery over r.URL.Query(): for any raw
// query both must give the same result and the same error text. When resign
// is set, a correct signature for whatever timestamp and nonce the query
// holds is put first, so the accepting path is explored too.
func FuzzVerifyRequest(f *testing.F) {
	official := officialQuery(f).Encode()
	f.Add(official, false)
	f.Add(official+"&echostr=hello", false)
	f.Add("timestamp=1+2&nonce=%41&signature=x", true)
	f.Add("timestamp=1;2&timestamp=3&nonce=%zz&nonce=4", true)
	f.Add("", false)
	f.Fuzz(func(t *testing.T, raw string, resign bool) {
		if resign {
			q, _ := url.ParseQuery(raw)
			raw = "signature=" + signature.Compute(officialToken, q.Get("timestamp"), q.Get("nonce")) + "&" + raw
		}
		r := &http.Request{URL: &url.URL{RawQuery: raw}}
		got := signature.VerifyRequest(officialToken, r)
		want := signature.VerifyQuery(officialToken, r.URL.Query())
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Fatalf("query %q: VerifyRequest gives %v, VerifyQuery %v", raw, got, want)
		}
	})
}

// FuzzWriteEcho is the differential test of WriteEcho, which reads echostr
// from the raw query itself, against r.URL.Query().Get: for any raw query
// the body is that value, and the answer is always plain text, 200 with a
// value and 400 without one.
func FuzzWriteEcho(f *testing.F) {
	f.Add("echostr=5837397520665436492")
	f.Add("echostr=%3Cscript%3E&echostr=2")
	f.Add("echostr=a+b;echostr=c&echostr=%zz")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		r := &http.Request{URL: &url.URL{RawQuery: raw}}
		w := httptest.NewRecorder()
		signature.WriteEcho(w, r)
		if got := w.Header().Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Fatalf("Content-Type %q", got)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatal("no nosniff")
		}
		want := r.URL.Query().Get("echostr")
		switch {
		case want == "" && w.Code != http.StatusBadRequest:
			t.Fatalf("status %d without echostr", w.Code)
		case want != "" && (w.Code != http.StatusOK || w.Body.String() != want):
			t.Fatalf("status %d body %q, want 200 %q", w.Code, w.Body.String(), want)
		}
	})
}
