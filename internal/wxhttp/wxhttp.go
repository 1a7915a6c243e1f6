package wxhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds a whole request (connect, headers, body) made with
// the client NoRedirect returns for a nil client.
const DefaultTimeout = 10 * time.Second

// Redacted replaces a credential in URLs and error messages.
const Redacted = "REDACTED"

// drainLimit is how much of a discarded body is read so that the
// connection can be reused.
const drainLimit = 64 << 10

// NoRedirect returns a copy of c whose CheckRedirect returns
// http.ErrUseLastResponse, so that a 3xx answer comes back as it is instead
// of being followed. c is not modified. A nil c gives a new client with
// DefaultTimeout and http.DefaultTransport.
func NoRedirect(c *http.Client) *http.Client {
	var n http.Client
	if c != nil {
		n = *c
	} else {
		n.Timeout = DefaultTimeout
	}
	n.CheckRedirect = stopRedirect
	return &n
}

func stopRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// IsCredential reports whether a query parameter named key carries a
// credential whose value must never appear in an error.
func IsCredential(key string) bool {
	switch key {
	case "secret", "code", "access_token", "refresh_token", "component_access_token":
		return true
	}
	return false
}

// Secrets returns the non-empty values of rawURL's credential query
// parameters (see IsCredential), for Scrub. A URL that does not parse gives
// nil.
func Secrets(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	var s []string
	for k, vs := range u.Query() {
		if !IsCredential(k) {
			continue
		}
		for _, v := range vs {
			if v != "" {
				s = append(s, v)
				// The raw (escaped) spelling may appear too.
				if e := url.QueryEscape(v); e != v {
					s = append(s, e, strings.ReplaceAll(e, "+", "%20"))
				}
			}
		}
	}
	return s
}

// redactURL returns u as a string with the values of its credential
// parameters replaced by Redacted. u is not modified.
func redactURL(u *url.URL) string {
	c := *u
	q := c.Query()
	for k := range q {
		if IsCredential(k) {
			q.Set(k, Redacted)
		}
	}
	c.RawQuery = q.Encode()
	c.User = nil
	return c.String()
}

// Do sends method rawURL with body (nil for none) and contentType (empty for
// none) through NoRedirect(c) and returns the response when its status is
// 2xx; the caller must close its body, and should read it with ReadBody.
//
// A status outside 2xx closes the body and returns a *StatusError (3xx
// matches ErrRedirect). A transport error, ctx's included, is a *url.Error
// whose URL has its credentials replaced by Redacted (errors.Is still
// finds context.DeadlineExceeded). A URL that does not parse, or is not
// absolute http(s), wraps ErrInvalidRequest without quoting it.
func Do(ctx context.Context, c *http.Client, method, rawURL string, body io.Reader, contentType string) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: URL must be absolute http(s)", ErrInvalidRequest)
	}
	// The request is built from the parsed URL, so no error from
	// http.NewRequest can quote the query.
	req, err := http.NewRequestWithContext(ctx, method, "http://placeholder/", body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidRequest, "bad method or nil context")
	}
	req.URL = u
	req.Host = u.Host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")

	resp, err := NoRedirect(c).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, &url.Error{Op: ue.Op, URL: redactURL(u), Err: ue.Err}
		}
		return nil, &url.Error{Op: method, URL: redactURL(u), Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
		_ = resp.Body.Close()
		return nil, &StatusError{StatusCode: resp.StatusCode}
	}
	return resp, nil
}

// ReadBody reads resp.Body up to limit bytes (limit > 0) and closes it. A
// longer body wraps ErrResponseTooLarge; a non-positive limit wraps
// ErrInvalidRequest.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit <= 0 {
		return nil, fmt.Errorf("%w: limit must be positive", ErrInvalidRequest)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("wxhttp: read response: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, limit)
	}
	return b, nil
}

// envelope is the errcode/errmsg pair any WeChat JSON answer may carry.
type envelope struct {
	ErrCode *Int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Decode checks body's errcode envelope and, if out is not nil, unmarshals
// body into out. A non-zero errcode (a number or a numeric string) is an
// *Error, whatever else body holds; an absent, null or zero errcode is
// success. A body that is not a JSON object, or does not fit out, is a
// *DecodeError.
func Decode(body []byte, out any) error {
	var e envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return &DecodeError{Err: err}
	}
	if e.ErrCode != nil && *e.ErrCode != 0 {
		return &Error{Code: int(*e.ErrCode), Msg: e.ErrMsg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &DecodeError{Err: err}
	}
	return nil
}

// GetJSON sends GET rawURL through NoRedirect(c), reads at most limit bytes
// of a 2xx answer and Decodes it into out (nil: only the envelope is
// checked). Errors are as for Do, ReadBody and Decode, scrubbed of the
// URL's credentials.
func GetJSON(ctx context.Context, c *http.Client, rawURL string, limit int64, out any) error {
	return roundTrip(ctx, c, http.MethodGet, rawURL, nil, "", limit, out)
}

// PostJSON marshals body as JSON without HTML escaping (WeChat answers
// \u003c-style escapes with errcode 40033) and POSTs it to rawURL with
// Content-Type application/json; charset=utf-8; then as GetJSON. A body that
// does not marshal wraps ErrInvalidRequest. Values in body are not
// scrubbed from errors; see Scrub.
func PostJSON(ctx context.Context, c *http.Client, rawURL string, body any, limit int64, out any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return fmt.Errorf("%w: body does not marshal to JSON", ErrInvalidRequest)
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return roundTrip(ctx, c, http.MethodPost, rawURL, &buf, "application/json; charset=utf-8", limit, out)
}

func roundTrip(ctx context.Context, c *http.Client, method, rawURL string, body io.Reader, contentType string, limit int64, out any) error {
	if limit <= 0 {
		return fmt.Errorf("%w: limit must be positive", ErrInvalidRequest)
	}
	resp, err := Do(ctx, c, method, rawURL, body, contentType)
	if err == nil {
		var b []byte
		b, err = ReadBody(resp, limit)
		if err == nil {
			err = Decode(b, out)
		}
	}
	if err != nil {
		return Scrub(err, Secrets(rawURL)...)
	}
	return nil
}

// scrubbed carries err with every secret removed from its message. It
// unwraps to err so errors.Is and errors.As keep working.
type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// Scrub returns err with every occurrence of each non-empty secret replaced
// by Redacted: in the Msg of an *Error it wraps (changed in place), in the
// Err of a *DecodeError it wraps, and in the message of the error returned,
// which unwraps to err. A nil err gives nil.
func Scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		e.Msg = replaceAll(e.Msg, secrets)
	}
	var d *DecodeError
	if errors.As(err, &d) {
		if m := d.Err.Error(); replaceAll(m, secrets) != m {
			d.Err = &scrubbed{msg: replaceAll(m, secrets), err: d.Err}
		}
	}
	if m := err.Error(); replaceAll(m, secrets) != m {
		return &scrubbed{msg: replaceAll(m, secrets), err: err}
	}
	return err
}

func replaceAll(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Redacted)
		}
	}
	return s
}

// Int decodes a JSON integer, a string holding one, or null (as 0). WeChat
// is not consistent about quoting numbers across its APIs.
type Int int64

var _ json.Unmarshaler = (*Int)(nil)

// UnmarshalJSON implements json.Unmarshaler with ParseInt.
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := ParseInt(b)
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

// ParseInt parses b, one JSON value: an integer, a string holding one
// (surrounding space allowed; empty means 0) or null (0). The value is not
// quoted in the error.
func ParseInt(b []byte) (int64, error) {
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
