package wxmptest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
)

// Verify plays the GET WeChat sends when the server URL is saved in the
// console: signature, timestamp and nonce signed with the token, as on
// every push, and a random echostr. The server passes when it answers,
// within the timeout, with status 200 and the echostr as the whole body,
// byte for byte; WeChat then saves the URL. The GET is the same in every
// mode: its signature and echostr are never encrypted.
//
// The Result has the query, the status and the body (Push, Body and Reply
// are nil; Attempts is 1: WeChat does not retry it). The error is nil on
// a pass, else a *Violation wrapping ErrTimeout, ErrNoAnswer, ErrStatus or
// ErrEchostr, or ErrTooLarge, or ctx's error when ctx ends first.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func (p *Pusher) Verify(ctx context.Context) (*Result, error) {
	q, err := p.signedQuery()
	if err != nil {
		return nil, err
	}
	echostr, err := p.decimal(8)
	if err != nil {
		return nil, err
	}
	q.Set("echostr", echostr)
	res := &Result{Mode: p.mode, Query: q, Attempts: 1}
	ans, err := p.deliver(ctx, http.MethodGet, q, nil)
	if errors.Is(err, errDeadline) {
		return res, violate(ErrTimeout, "no answer within %v", p.timeout)
	}
	if err != nil {
		return res, err
	}
	res.StatusCode, res.Response, res.Elapsed = ans.status, ans.body, ans.elapsed
	switch {
	case ans.status != http.StatusOK:
		return res, violate(ErrStatus, "HTTP %d %s", ans.status, http.StatusText(ans.status))
	case string(ans.body) == echostr:
		return res, nil
	case string(bytes.TrimSpace(ans.body)) == echostr:
		return res, violate(ErrEchostr, "the echostr came back with white space around it")
	case len(ans.body) == 0:
		return res, violate(ErrEchostr, "the body is empty")
	case bytes.Contains(ans.body, []byte(echostr)):
		return res, violate(ErrEchostr, "the body holds the echostr and more (quotes, XML or JSON?)")
	}
	return res, violate(ErrEchostr, "the body is not the echostr")
}
