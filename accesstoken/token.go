package accesstoken

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// MaxResponseSize is the most this package reads of a token answer: 64 KiB.
// A real one is under 1 KiB (a token of up to 512 characters and
// expires_in); a longer answer wraps ErrInvalidResponse.
const MaxResponseSize = 64 << 10

// maxExpiresIn bounds expires_in (seconds) so that the conversion to a
// time.Duration cannot overflow. WeChat sends 7200 or less.
const maxExpiresIn = 1 << 32

// Token is a basic access_token (基础 access_token, the one every cgi-bin
// API takes as ?access_token=) and the moment it expires.
//
// Printing a Token with any fmt verb (%v, %+v, %#v, %s, %q …) or calling
// its String or GoString method never shows AccessToken: it shows its length
// and the first 8 hex digits of its SHA-256, enough to tell whether two
// processes hold the same token, and the expiry.
type Token struct {
	// AccessToken is the token as WeChat sent it. WeChat asks for room for
	// at least 512 characters where it is stored.
	AccessToken string
	// Expiry is when the token stops working: the moment the request for
	// it was sent (by the Source's clock) plus expires_in seconds, so it
	// errs on the early side by the request's latency.
	Expiry time.Time
}

// String returns the masked form, e.g.
// "accesstoken.Token{AccessToken:<redacted 136 bytes sha256:1f0c2a9e>, Expiry:2026-01-02T05:04:05Z}".
func (t Token) String() string {
	b := make([]byte, 0, 96)
	b = append(b, "accesstoken.Token{AccessToken:"...)
	b = appendMasked(b, t.AccessToken)
	b = append(b, ", Expiry:"...)
	if t.Expiry.IsZero() {
		b = append(b, "0"...)
	} else {
		b = t.Expiry.AppendFormat(b, time.RFC3339)
	}
	return string(append(b, '}'))
}

// GoString returns the same masked form as String, for %#v.
func (t Token) GoString() string { return t.String() }

// Format implements fmt.Formatter so that every verb prints the masked form
// (%q quotes it).
func (t Token) Format(f fmt.State, verb rune) {
	s := t.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// appendMasked appends a description of secret that does not reveal it.
func appendMasked(b []byte, secret string) []byte {
	if secret == "" {
		return append(b, "<empty>"...)
	}
	sum := sha256.Sum256([]byte(secret))
	b = append(b, "<redacted "...)
	b = strconv.AppendInt(b, int64(len(secret)), 10)
	b = append(b, " bytes sha256:"...)
	b = hex.AppendEncode(b, sum[:4])
	return append(b, '>')
}

// tokenJSON is the answer of cgi-bin/token and cgi-bin/stable_token:
// {"access_token":"ACCESS_TOKEN","expires_in":7200}.
type tokenJSON struct {
	AccessToken string     `json:"access_token"`
	ExpiresIn   wxhttp.Int `json:"expires_in"`
}

// token checks j and computes the Expiry. Its errors never quote the token.
func (j *tokenJSON) token(sent time.Time) (Token, error) {
	if j.AccessToken == "" {
		return Token{}, fmt.Errorf("%w: no access_token", ErrInvalidResponse)
	}
	if j.ExpiresIn <= 0 || j.ExpiresIn > maxExpiresIn {
		return Token{}, fmt.Errorf("%w: expires_in missing or out of range", ErrInvalidResponse)
	}
	return Token{AccessToken: j.AccessToken, Expiry: sent.Add(time.Duration(j.ExpiresIn) * time.Second)}, nil
}
