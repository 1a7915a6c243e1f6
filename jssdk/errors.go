package jssdk

import (
	"errors"
	"fmt"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Errors returned by this package. Local failures wrap one of the first
// group with %w. WeChat's refusals of the getticket call are an *[Error],
// which errors.Is matches against the second group. An error of the
// TokenSource comes back wrapped, so errors.As still finds its own type
// (an *accesstoken.Error, for instance).
var (
	// ErrInvalidConfig: New was given an empty AppID, a nil TokenSource,
	// or an option a nil or out-of-range value. The message names the
	// argument or option, never its value.
	ErrInvalidConfig = errors.New("jssdk: invalid config")
	// ErrInvalidURL: the page URL given to Source.Config is not an
	// absolute http or https URL. (A server that signs r.URL.String() signs
	// "/path?query", which never matches the page's location.href.)
	ErrInvalidURL = errors.New("jssdk: invalid page URL")
	// ErrInvalidResponse: getticket answered 2xx with something that is
	// not a ticket: not a JSON object, no ticket, no positive expires_in,
	// or a body larger than MaxResponseSize.
	ErrInvalidResponse = errors.New("jssdk: invalid response")

	// ErrTokenRejected matches errcodes 40001, 40014 and 42001: getticket
	// refused the access token, and again after the Source invalidated it
	// and retried once with a new one.
	ErrTokenRejected = errors.New("jssdk: access token rejected")
	// ErrIPNotWhitelisted matches errcodes 40164 and 61004: the IP address
	// this server calls from is not in the account's IP whitelist
	// (IP白名单, under 设置与开发 → 基本配置 in the console).
	ErrIPNotWhitelisted = errors.New("jssdk: IP not in whitelist")
	// ErrQuotaExceeded matches errcode 45009: the daily quota of getticket
	// calls is used up.
	ErrQuotaExceeded = errors.New("jssdk: daily quota exceeded")
	// ErrSystemBusy matches errcode -1: WeChat is busy; try again later.
	ErrSystemBusy = errors.New("jssdk: WeChat system busy")
)

// WeChat errcodes this package names.
const (
	CodeSystemBusy         = -1    // retry later
	CodeInvalidCredential  = 40001 // access token invalid or not the latest
	CodeInvalidAccessToken = 40014 // malformed access token
	CodeIPNotWhitelisted   = 40164 // caller IP not in the IP whitelist
	CodeAccessTokenExpired = 42001 // access token expired
	CodeQuotaExceeded      = 45009 // daily quota reached
	CodeClientIPNotAllowed = 61004 // older code for the IP whitelist
)

// Error is a refusal WeChat sent in the body of a 2xx getticket answer,
// such as {"errcode":40164,"errmsg":"invalid ip …, not in whitelist rid: …"}.
// Match it with errors.As, or ask about a code with errors.Is and the
// sentinels above. Msg never holds the access token: a server that echoes
// it gets it replaced by REDACTED. Error's text ends with [Error.Hint], in
// parentheses, when there is one.
type Error struct {
	Code int    // errcode, e.g. 40164
	Msg  string // errmsg; may end with " rid: …"
}

func (e *Error) Error() string {
	s := fmt.Sprintf("jssdk: errcode %d: %s", e.Code, e.Msg)
	if h := e.Hint(); h != "" {
		s += " (" + h + ")"
	}
	return s
}

// Hint says in plain words what to do about e.Code, or returns "" for a
// code this package does not name.
func (e *Error) Hint() string {
	switch e.Code {
	case CodeInvalidCredential, CodeInvalidAccessToken, CodeAccessTokenExpired:
		return "the access token was refused twice, the second time just after a new one was fetched"
	case CodeQuotaExceeded:
		return "the daily quota of getticket calls is used up: cache the ticket (a Store shares it between processes)"
	}
	return wxhttp.Hint(e.Code)
}

// Is reports whether target is the sentinel that names e.Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTokenRejected:
		return tokenRejected(e.Code)
	case ErrIPNotWhitelisted:
		return e.Code == CodeIPNotWhitelisted || e.Code == CodeClientIPNotAllowed
	case ErrQuotaExceeded:
		return e.Code == CodeQuotaExceeded
	case ErrSystemBusy:
		return e.Code == CodeSystemBusy
	}
	return false
}

// tokenRejected reports whether code says the access token is stale, the
// case for one Invalidate and one retry.
func tokenRejected(code int) bool {
	return code == CodeInvalidCredential || code == CodeInvalidAccessToken || code == CodeAccessTokenExpired
}

// StatusError is a getticket answer with an HTTP status outside 200–299, a
// 3xx included: redirects are never followed. The body is discarded.
type StatusError struct {
	StatusCode int // e.g. 502
}

func (e *StatusError) Error() string { return wxhttp.StatusMessage("jssdk", e.StatusCode) }

// convert turns an error of the transport into this package's types. Its
// argument is already scrubbed of credentials.
func convert(err error) error {
	var we *wxhttp.Error
	if errors.As(err, &we) {
		return &Error{Code: we.Code, Msg: we.Msg}
	}
	var se *wxhttp.StatusError
	if errors.As(err, &se) {
		return &StatusError{StatusCode: se.StatusCode}
	}
	var de *wxhttp.DecodeError
	if errors.As(err, &de) {
		return fmt.Errorf("%w: %w", ErrInvalidResponse, de.Err)
	}
	if errors.Is(err, wxhttp.ErrResponseTooLarge) {
		return fmt.Errorf("%w: more than %d bytes", ErrInvalidResponse, MaxResponseSize)
	}
	return fmt.Errorf("jssdk: %w", err)
}
