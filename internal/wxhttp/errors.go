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

// Hint says in plain words what to do about an errcode that any call to
// WeChat's API may return: the IP whitelist (40164, 61004), a risky IP
// (89501, 89503, 89506, 89507), a frozen AppSecret (40243) and a busy
// system (-1). It returns "" for another code: the public packages hint at
// their own codes first and fall back to this.
func Hint(code int) string {
	switch code {
	case 40164, 61004:
		return `this server's IP address is not in the account's IP whitelist: add it to "IP白名单" (IP whitelist) under 设置与开发 → 基本配置 at mp.weixin.qq.com`
	case 89501, 89503:
		return "WeChat holds this IP address as risky and asked the account's administrator to confirm it: try again after they approve"
	case 89506:
		return "the administrator refused this IP address: try again in 24 hours"
	case 89507:
		return "the administrator refused this IP address: try again in an hour"
	case 40243:
		return "the AppSecret is frozen: unfreeze it under 设置与开发 → 基本配置; it takes about 10 minutes"
	case -1:
		return "WeChat is busy: try again later"
	}
	return ""
}

// StatusMessage is the text of a public package's error for an HTTP status
// outside 2xx: "pkg: unexpected HTTP status 502 Bad Gateway", with a note
// for a 3xx, which is never followed.
func StatusMessage(pkg string, status int) string {
	s := fmt.Sprintf("%s: unexpected HTTP status %d %s", pkg, status, http.StatusText(status))
	if status >= 300 && status <= 399 {
		s += " (redirects are not followed)"
	}
	return s
}
