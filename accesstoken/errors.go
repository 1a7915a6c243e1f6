package accesstoken

import (
	"errors"
	"fmt"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Errors returned by this package. Configuration and decoding failures wrap
// one of the first group with %w. WeChat's own refusals are an *[Error]
// (errcode/errmsg); the sentinels of the second group match an *Error
// through errors.Is, so a caller can write
//
//	if errors.Is(err, accesstoken.ErrIPNotWhitelisted) { … }
//
// without listing codes. A status outside 2xx is a *[StatusError].
var (
	// ErrInvalidConfig: New was given an empty AppID or AppSecret, or an
	// option a nil or out-of-range value. The message names the argument
	// or option, never its value.
	ErrInvalidConfig = errors.New("accesstoken: invalid config")
	// ErrInvalidResponse: WeChat answered 2xx with something that is not a
	// token: not a JSON object, no access_token, no positive expires_in, or
	// a body larger than MaxResponseSize.
	ErrInvalidResponse = errors.New("accesstoken: invalid response")

	// ErrIPNotWhitelisted matches errcodes 40164 and 61004: the IP address
	// this server calls from is not in the account's IP whitelist
	// (IP白名单, under 设置与开发 → 基本配置 in the console).
	ErrIPNotWhitelisted = errors.New("accesstoken: IP not in whitelist")
	// ErrRiskyIP matches errcodes 89501, 89503, 89506 and 89507: WeChat
	// holds this IP as risky and has asked the account's administrator to
	// confirm it; calls fail until they approve (89503, 89501), or for 24
	// hours (89506) or 1 hour (89507) after they refuse.
	ErrRiskyIP = errors.New("accesstoken: IP awaiting the administrator's confirmation")
	// ErrQuotaExceeded matches errcode 45009: the daily quota of token
	// requests is used up (2000 a day for cgi-bin/token, 500,000 for
	// cgi-bin/stable_token).
	ErrQuotaExceeded = errors.New("accesstoken: daily quota exceeded")
	// ErrSecretFrozen matches errcode 40243: the AppSecret is frozen in the
	// console.
	ErrSecretFrozen = errors.New("accesstoken: AppSecret frozen")
	// ErrInvalidAppID matches errcode 40013: WeChat knows no such AppID.
	ErrInvalidAppID = errors.New("accesstoken: invalid AppID")
	// ErrInvalidSecret matches errcodes 40001 and 40125: the AppSecret is
	// wrong, or was reset in the console since it was copied.
	ErrInvalidSecret = errors.New("accesstoken: invalid AppSecret")
	// ErrSystemBusy matches errcode -1: WeChat is busy; try again later.
	ErrSystemBusy = errors.New("accesstoken: WeChat system busy")
)

// WeChat errcodes the token endpoints return that this package names. The
// full list is at
// https://developers.weixin.qq.com/doc/oplatform/en/Return_codes/Return_code_descriptions_new.html
const (
	CodeSystemBusy          = -1    // retry later
	CodeInvalidCredential   = 40001 // from a token endpoint: wrong AppSecret
	CodeInvalidGrantType    = 40002 // grant_type is not client_credential
	CodeInvalidAppID        = 40013 // unknown AppID
	CodeInvalidSecret       = 40125 // malformed AppSecret
	CodeIPNotWhitelisted    = 40164 // caller IP not in the IP whitelist
	CodeSecretFrozen        = 40243 // AppSecret frozen
	CodeQuotaExceeded       = 45009 // daily quota reached
	CodeClientIPNotAllowed  = 61004 // older code for the IP whitelist
	CodeRiskyIPPending      = 89501 // risky IP: confirmation pending
	CodeRiskyIP             = 89503 // risky IP: administrator asked to confirm
	CodeRiskyIPRejected     = 89506 // risky IP refused: retry after 24 hours
	CodeRiskyIPRejectedHour = 89507 // risky IP refused: retry after 1 hour
)

// Error is a refusal WeChat sent in the body of a 2xx answer, such as
// {"errcode":40164,"errmsg":"invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: …"}.
// Match it with errors.As, or ask about a code with errors.Is and the
// sentinels above. Msg never holds the AppSecret: a server that echoes it
// gets it replaced by REDACTED. Error's text ends with [Error.Hint], in
// parentheses, when there is one.
type Error struct {
	Code int    // errcode, e.g. 40164
	Msg  string // errmsg; may end with " rid: …", a request id WeChat can look up
}

func (e *Error) Error() string {
	s := fmt.Sprintf("accesstoken: errcode %d: %s", e.Code, e.Msg)
	if h := e.Hint(); h != "" {
		s += " (" + h + ")"
	}
	return s
}

// Hint says in plain words what to do about e.Code, or returns "" for a
// code this package does not know.
func (e *Error) Hint() string {
	switch e.Code {
	case CodeQuotaExceeded:
		return "the daily quota of token requests is used up: it resets at midnight (Beijing time), or reset it with cgi-bin/clear_quota"
	case CodeInvalidAppID:
		return "check the AppID"
	case CodeInvalidCredential, CodeInvalidSecret:
		return "check the AppSecret: copy the current one from 设置与开发 → 基本配置; resetting it there invalidates the old one"
	}
	return wxhttp.Hint(e.Code)
}

// Is reports whether target is the sentinel that names e.Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrIPNotWhitelisted:
		return e.Code == CodeIPNotWhitelisted || e.Code == CodeClientIPNotAllowed
	case ErrRiskyIP:
		switch e.Code {
		case CodeRiskyIPPending, CodeRiskyIP, CodeRiskyIPRejected, CodeRiskyIPRejectedHour:
			return true
		}
	case ErrQuotaExceeded:
		return e.Code == CodeQuotaExceeded
	case ErrSecretFrozen:
		return e.Code == CodeSecretFrozen
	case ErrInvalidAppID:
		return e.Code == CodeInvalidAppID
	case ErrInvalidSecret:
		return e.Code == CodeInvalidCredential || e.Code == CodeInvalidSecret
	case ErrSystemBusy:
		return e.Code == CodeSystemBusy
	}
	return false
}

// StatusError is an answer with an HTTP status outside 200–299, a 3xx
// included: redirects are never followed. The body is discarded.
type StatusError struct {
	StatusCode int // e.g. 502
}

func (e *StatusError) Error() string { return wxhttp.StatusMessage("accesstoken", e.StatusCode) }

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
	return fmt.Errorf("accesstoken: %w", err)
}
