package accesstoken

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// decodeToken is what fetch does with a 2xx body: the transport's Decode
// into tokenJSON (errors converted), then the checks of tokenJSON.token.
func decodeToken(body []byte, sent time.Time) (Token, error) {
	var j tokenJSON
	if err := wxhttp.Decode(body, &j); err != nil {
		return Token{}, convert(err)
	}
	return j.token(sent)
}

// FuzzDecodeToken feeds token answers, WeChat's and broken ones, to the
// decoder: it must not panic, must return either a token with a positive
// lifetime or an error of this package's kinds, and no error may quote the
// access_token it was given.
func FuzzDecodeToken(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"ACCESS_TOKEN","expires_in":7200}`,
		`{"access_token":"ACCESS_TOKEN","expires_in":"7200"}`,
		`{"errcode":40164,"errmsg":"invalid ip 1.2.3.4, not in whitelist rid: 1-2-3"}`,
		`{"errcode":"-1","errmsg":"system error"}`,
		`{"errcode":0,"errmsg":"ok","access_token":"T","expires_in":1}`,
		`{"access_token":"T","expires_in":4294967297}`,
		`{"access_token":"T","expires_in":null}`,
		`{"access_token":null}`,
		`[]`, `null`, `"x"`, ``, `{`,
	} {
		f.Add([]byte(s))
	}
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeToken(body, sent)
		if err == nil {
			if tok.AccessToken == "" || !tok.Expiry.After(sent) || tok.Expiry.After(sent.Add(maxExpiresIn*time.Second)) {
				t.Fatalf("accepted a bad token: len %d, expiry %v", len(tok.AccessToken), tok.Expiry)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) && !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("error of an unexpected kind: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "accesstoken: ") {
			t.Fatalf("error without the package prefix: %v", err)
		}
		// A token in the body that was not refused must not be quoted.
		var j tokenJSON
		if wxhttp.Decode(body, &j) == nil && len(j.AccessToken) > 3 && strings.Contains(err.Error(), j.AccessToken) {
			t.Fatalf("error quotes the token: %v", err)
		}
	})
}
