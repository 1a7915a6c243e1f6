package jssdk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// decodeTicket is what getTicket does with a 2xx body: the transport's
// Decode into ticketJSON (errors converted), then ticketJSON.ticket.
func decodeTicket(body []byte, sent time.Time) (string, time.Time, error) {
	var j ticketJSON
	if err := wxhttp.Decode(body, &j); err != nil {
		return "", time.Time{}, convert(err)
	}
	return j.ticket(sent)
}

// FuzzDecodeTicket feeds getticket answers, WeChat's and broken ones, to
// the decoder: no panic; a ticket with a positive lifetime or an error of
// this package's kinds; no error quotes the ticket it was given.
func FuzzDecodeTicket(f *testing.F) {
	for _, s := range []string{
		`{"errcode":0,"errmsg":"ok","ticket":"bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA","expires_in":7200}`,
		`{"errcode":"0","ticket":"T","expires_in":"7200"}`,
		`{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest rid: 1-2-3"}`,
		`{"errcode":40164,"errmsg":"invalid ip 1.2.3.4, not in whitelist"}`,
		`{"ticket":"T","expires_in":-1}`,
		`{"ticket":"T","expires_in":1e3}`,
		`null`, `[]`, ``, `{"ticket":`,
	} {
		f.Add([]byte(s))
	}
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		ticket, exp, err := decodeTicket(body, sent)
		if err == nil {
			if ticket == "" || !exp.After(sent) || exp.After(sent.Add(maxExpiresIn*time.Second)) {
				t.Fatalf("accepted a bad ticket: len %d, expiry %v", len(ticket), exp)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) && !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("error of an unexpected kind: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "jssdk: ") {
			t.Fatalf("error without the package prefix: %v", err)
		}
		var j ticketJSON
		if wxhttp.Decode(body, &j) == nil && len(j.Ticket) > 3 && strings.Contains(err.Error(), j.Ticket) {
			t.Fatalf("error quotes the ticket: %v", err)
		}
	})
}
