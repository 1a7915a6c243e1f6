package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// param is one query parameter; a slice of them keeps WeChat's order.
type param struct{ key, value string }

// isCredential reports whether the query parameter key carries a
// credential: the AppSecret, a code or a token. Its value never appears in
// an error this package returns.
func isCredential(key string) bool {
	switch key {
	case "secret", "code", "access_token", "refresh_token":
		return true
	}
	return false
}

// call is the one path every /sns/ call takes: it sends GET
// Endpoint.APIURL+path?params and hands the body of a 2xx answer to decode.
// It is also the one place that keeps credentials out of errors, so that
// no caller has to: whatever fails, transport, status, size or decode
// (a server may echo the query in errmsg), the error returned has every
// credential value in params replaced by REDACTED.
func (c Config) call(ctx context.Context, path string, decode func(body []byte) error, params ...param) error {
	body, err := c.get(ctx, path, params)
	if err == nil {
		err = decode(body)
	}
	if err == nil {
		return nil
	}
	var secrets []string
	for _, p := range params {
		if isCredential(p.key) {
			secrets = append(secrets, p.value)
		}
	}
	return scrub(err, secrets...)
}

// get sends GET Endpoint.APIURL+path?params and returns the body of a 2xx
// answer, read up to MaxResponseSize. A transport error is an *url.Error
// whose URL has the credential values replaced.
func (c Config) get(ctx context.Context, path string, params []param) ([]byte, error) {
	base, err := c.apiBase()
	if err != nil {
		return nil, err
	}
	// The request is built from the base alone so that no error from URL
	// parsing can quote the query, which holds the secret.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("oauth: build request: %w", err)
	}
	var q strings.Builder
	for i, p := range params {
		if i > 0 {
			q.WriteByte('&')
		}
		q.WriteString(p.key)
		q.WriteByte('=')
		q.WriteString(escape(p.value))
	}
	req.URL.RawQuery = q.String()
	req.Header.Set("Accept", "application/json")

	resp, err := c.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: redactURL(req.URL), Err: ue.Err}
		}
		return nil, fmt.Errorf("oauth: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a bounded amount so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseSize))
		return nil, &StatusError{StatusCode: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseSize+1))
	if err != nil {
		return nil, fmt.Errorf("oauth: read response: %w", err)
	}
	if len(body) > MaxResponseSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, MaxResponseSize)
	}
	return body, nil
}

// redacted replaces credential values in URLs and messages.
const redacted = "REDACTED"

// redactURL returns u with the values of its credential parameters (see
// isCredential) replaced. u itself is not changed.
func redactURL(u *url.URL) string {
	c := *u
	q := c.Query()
	for k := range q {
		if isCredential(k) {
			q.Set(k, redacted)
		}
	}
	c.RawQuery = q.Encode()
	return c.String()
}

// scrubbed carries err with every occurrence of a secret removed from its
// message. It unwraps to err so errors.Is and errors.As keep working.
type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// scrub returns err with every occurrence of the secrets replaced in its
// message and in the Msg of an *Error it wraps. A transport error's URL is
// already redacted by get; this catches the rest, such as a server that
// echoes the query back in errmsg. Only call uses it.
func scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var e *Error
	hasE := errors.As(err, &e)
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if hasE && strings.Contains(e.Msg, s) {
			e.Msg = strings.ReplaceAll(e.Msg, s, redacted)
		}
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, redacted)
			changed = true
		}
	}
	if changed {
		return &scrubbed{msg: msg, err: err}
	}
	return err
}

// envelope is the errcode/errmsg pair any /sns/ answer may carry. WeChat
// sends it with HTTP 200 and Content-Type text/plain, so neither the status
// nor the content type says whether a call failed.
type envelope struct {
	ErrCode *flexInt `json:"errcode"`
	ErrMsg  string   `json:"errmsg"`
}

// decodeEnvelope returns the envelope of body, an *Error if errcode is set
// and not 0, or an error wrapping ErrInvalidResponse if body is not a JSON
// object.
func decodeEnvelope(body []byte) (envelope, error) {
	var e envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if e.ErrCode != nil && *e.ErrCode != 0 {
		return e, &Error{Code: int(*e.ErrCode), Msg: e.ErrMsg}
	}
	return e, nil
}

// decodeBody checks body's envelope, then unmarshals body into v.
func decodeBody(body []byte, v any) error {
	if _, err := decodeEnvelope(body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	return nil
}

// flexInt decodes a JSON integer, a string holding one, or null (as 0).
// WeChat is not consistent about quoting numbers across its APIs.
type flexInt int64

var _ json.Unmarshaler = (*flexInt)(nil)

func (n *flexInt) UnmarshalJSON(b []byte) error {
	v, err := parseFlexInt(b)
	if err != nil {
		return err
	}
	*n = flexInt(v)
	return nil
}

// parseFlexInt implements flexInt for b, one JSON value. An empty string is
// 0. The value is not quoted in the error.
func parseFlexInt(b []byte) (int64, error) {
	s := string(b)
	if s == "null" {
		return 0, nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("not an integer")
	}
	return v, nil
}
