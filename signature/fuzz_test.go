package signature_test

import (
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
