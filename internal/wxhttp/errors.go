package wxhttp

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors. An error this package returns matches at most one of
// them through errors.Is.
var (
	// ErrInvalidResponse is matched by a *DecodeError: a 2xx body that is not
	// the JSON object expected.
	ErrInvalidResponse = errors.New("wxhttp: invalid response")
	// ErrResponseTooLarge: the body exceeded the limit of the call.
	ErrResponseTooLarge = errors.New("wxhttp: response too large")
	// ErrRedirect is matched by a *StatusError whose status is 3xx: the
	// redirect was not followed.
	ErrRedirect = errors.New("wxhttp: redirect not followed")
	// ErrInvalidRequest: the URL does not parse or is not absolute http(s),
	// the limit is not positive, or a POST body does not marshal. The
	// message never quotes the URL or the body.
	ErrInvalidRequest = errors.New("wxhttp: invalid request")
)

// Error is WeChat's errcode/errmsg envelope with a non-zero errcode, such as
// {"errcode":40029,"errmsg":"invalid code"}. Msg has every credential of the
// request replaced by Redacted.
type Error struct {
	Code int    // errcode
	Msg  string // errmsg, may end with " rid: …"
}

func (e *Error) Error() string { return fmt.Sprintf("wxhttp: errcode %d: %s", e.Code, e.Msg) }

// StatusError is an answer with a status outside 200–299. Its body was
// discarded and its headers (a 3xx's Location included) are not kept.
type StatusError struct {
	StatusCode int
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("wxhttp: unexpected HTTP status %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Redirect() {
		s += " (redirects are not followed)"
	}
	return s
}

// Redirect reports whether the status is 3xx.
func (e *StatusError) Redirect() bool { return e.StatusCode >= 300 && e.StatusCode <= 399 }

// Is matches ErrRedirect for a 3xx status.
func (e *StatusError) Is(target error) bool { return target == ErrRedirect && e.Redirect() }

// DecodeError is a 2xx body that is not the JSON expected. Err is the
// encoding/json error, which names types and offsets, never values.
type DecodeError struct {
	Err error
}

func (e *DecodeError) Error() string        { return "wxhttp: invalid response: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error        { return e.Err }
func (e *DecodeError) Is(target error) bool { return target == ErrInvalidResponse }
