package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// param is one query parameter; a slice of them keeps WeChat's order.
type param struct{ key, value string }

// call is the one path every /sns/ call takes: GET
// Endpoint.APIURL+path?params through internal/wxhttp, which never follows
// a redirect, reads at most MaxResponseSize bytes, turns a non-zero errcode
// into an error and keeps the credentials among params (secret, code,
// access_token, refresh_token) out of every error, errmsg included. The
// 2xx body is unmarshalled into out. The error is converted to this
// package's types by convert.
func (c Config) call(ctx context.Context, path string, out any, params ...param) error {
	base, err := c.apiBase()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString(path)
	for i, p := range params {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(escape(p.value))
	}
	return convert(wxhttp.GetJSON(ctx, c.client(), b.String(), MaxResponseSize, out))
}

// client returns the client the calls use: HTTPClient, or one with
// DefaultTimeout, in a copy that never follows a redirect.
func (c Config) client() *http.Client {
	if c.HTTPClient != nil {
		return wxhttp.NoRedirect(c.HTTPClient)
	}
	return wxhttp.NoRedirect(&http.Client{Timeout: DefaultTimeout})
}

// convert turns an error of internal/wxhttp, already scrubbed of
// credentials, into this package's: an *Error, a *StatusError, or an error
// wrapping ErrResponseTooLarge, ErrInvalidResponse or (transport and
// context errors) the original.
func convert(err error) error {
	if err == nil {
		return nil
	}
	var we *wxhttp.Error
	if errors.As(err, &we) {
		return &Error{Code: we.Code, Msg: we.Msg}
	}
	var se *wxhttp.StatusError
	if errors.As(err, &se) {
		return &StatusError{StatusCode: se.StatusCode}
	}
	if errors.Is(err, wxhttp.ErrResponseTooLarge) {
		return fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, MaxResponseSize)
	}
	var de *wxhttp.DecodeError
	if errors.As(err, &de) {
		return fmt.Errorf("%w: %w", ErrInvalidResponse, de.Err)
	}
	return fmt.Errorf("oauth: %w", err)
}

// decodeBody is the decoding half of call, for bodies already read (the
// fuzz tests use it): the errcode envelope, then body into out.
func decodeBody(body []byte, out any) error {
	return convert(wxhttp.Decode(body, out))
}
