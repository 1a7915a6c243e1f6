package api

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Errors returned by this package. Problems found before a call wrap one of
// the first group with %w and name the argument, never its value. WeChat's
// own refusals are an *[Error] (errcode/errmsg); the sentinels of the
// second group match an *Error through errors.Is, so a caller can write
//
//	if errors.Is(err, api.ErrOutsideWindow) { … }
//
// without listing codes. A status outside 2xx is a *[StatusError]. No error
// holds an access_token: the transport replaces it with REDACTED wherever a
// server or net/http might have put it.
var (
	// ErrInvalidConfig: NewClient was given a nil TokenSource or an option
	// a nil or out-of-range value, or the TokenSource returned an empty
	// token.
	ErrInvalidConfig = errors.New("api: invalid config")
	// ErrInvalidArgument: a call was given something WeChat documents as
	// refused (an empty OpenID, a menu over its limits, a file over its
	// size or of the wrong format…), so nothing was sent.
	ErrInvalidArgument = errors.New("api: invalid argument")
	// ErrInvalidResponse: WeChat answered 2xx with something that is not the
	// answer expected: not JSON, a JSON of the wrong shape, or a body larger
	// than the limit (WithMaxBodyBytes, WithMaxDownloadBytes).
	ErrInvalidResponse = errors.New("api: invalid response")
	// ErrNotConvertible: SendReply was given a reply that has no
	// customer-service form, such as a transfer_customer_service reply
	// (which hands the conversation to an agent and only works as a
	// passive reply).
	ErrNotConvertible = errors.New("api: reply has no customer-service message form")

	// ErrInvalidToken matches errcodes 40001, 40014 and 42001: WeChat
	// refused the access_token (stale, invalid or expired) on the retry
	// too, after a fresh token was fetched.
	ErrInvalidToken = errors.New("api: access_token refused")
	// ErrIPNotWhitelisted matches errcodes 40164 and 61004: the IP address
	// this server calls from is not in the account's IP whitelist. Calls
	// made with an access_token are checked too.
	ErrIPNotWhitelisted = errors.New("api: IP not in whitelist")
	// ErrRiskyIP matches errcodes 89501, 89503, 89506 and 89507: WeChat
	// holds this IP as risky and waits for the administrator.
	ErrRiskyIP = errors.New("api: IP awaiting the administrator's confirmation")
	// ErrSecretFrozen matches errcode 40243: the AppSecret is frozen.
	ErrSecretFrozen = errors.New("api: AppSecret frozen")
	// ErrQuotaExceeded matches errcode 45009: the daily quota of this API
	// is used up.
	ErrQuotaExceeded = errors.New("api: daily API quota exceeded")
	// ErrRateLimited matches errcode 45011: too many calls this minute.
	ErrRateLimited = errors.New("api: API called too often")
	// ErrOutsideWindow matches errcode 45015: the user has not interacted
	// with the account recently enough for a customer-service message (48
	// hours after a message, less after other interactions), or has
	// unfollowed it.
	ErrOutsideWindow = errors.New("api: outside the customer-service window")
	// ErrResponseLimit matches errcode 45047: the customer-service messages
	// allowed for this interaction are used up (5 within 48 hours of a
	// user's message, 3 within a minute of a menu click, a follow or a
	// scan).
	ErrResponseLimit = errors.New("api: customer-service message count exceeded")
	// ErrNotFollowing matches errcode 43004: the user does not follow the
	// account.
	ErrNotFollowing = errors.New("api: user does not follow the account")
	// ErrInvalidOpenID matches errcode 40003: an OpenID that is not a user
	// of this account.
	ErrInvalidOpenID = errors.New("api: invalid OpenID")
	// ErrInvalidMediaID matches errcode 40007: an unknown or expired
	// media_id (temporary media lives 3 days).
	ErrInvalidMediaID = errors.New("api: invalid media_id")
	// ErrInvalidTemplateID matches errcode 40037.
	ErrInvalidTemplateID = errors.New("api: invalid template_id")
	// ErrMenuNotFound matches errcode 46003: no menu was created through
	// the API.
	ErrMenuNotFound = errors.New("api: no menu")
	// ErrUnauthorized matches errcode 48001: the account lacks the
	// permission for this API (an unverified account, a subscription
	// account…).
	ErrUnauthorized = errors.New("api: API not authorized for this account")
	// ErrSystemBusy matches errcode -1: WeChat is busy; try again later.
	ErrSystemBusy = errors.New("api: WeChat system busy")
)

// WeChat errcodes this package names. The full list is at
// https://developers.weixin.qq.com/doc/oplatform/en/Return_codes/Return_code_descriptions_new.html
const (
	CodeSystemBusy          = -1    // retry later
	CodeInvalidCredential   = 40001 // access_token invalid or not the latest: retried once
	CodeInvalidOpenID       = 40003
	CodeInvalidMediaID      = 40007
	CodeInvalidAccessToken  = 40014 // retried once
	CodeInvalidTemplateID   = 40037
	CodeIPNotWhitelisted    = 40164 // never retried
	CodeSecretFrozen        = 40243 // never retried
	CodeAccessTokenExpired  = 42001 // retried once
	CodeNotFollowing        = 43004
	CodeQuotaExceeded       = 45009 // never retried
	CodeRateLimited         = 45011
	CodeOutsideWindow       = 45015
	CodeResponseLimit       = 45047
	CodeMenuNotFound        = 46003
	CodeUnauthorized        = 48001
	CodeClientIPNotAllowed  = 61004 // older code for the IP whitelist
	CodeRiskyIPPending      = 89501
	CodeRiskyIP             = 89503 // never retried
	CodeRiskyIPRejected     = 89506
	CodeRiskyIPRejectedHour = 89507
)

// Error is a refusal WeChat sent in the body of a 2xx answer, such as
// {"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: …"}.
// Match it with errors.As, or ask about a code with errors.Is and the
// sentinels above. Msg never holds an access_token. Error's text ends with
// [Error.Hint], in parentheses, when there is one.
type Error struct {
	Code int    // errcode, e.g. 45015
	Msg  string // errmsg; may end with " rid: …", a request id WeChat can look up
}

func (e *Error) Error() string {
	s := fmt.Sprintf("api: errcode %d: %s", e.Code, e.Msg)
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
		return "the daily quota of this API is used up: it resets at midnight (Beijing time), or reset it with cgi-bin/clear_quota"
	case CodeRateLimited:
		return "too many calls this minute: slow down"
	case CodeInvalidCredential, CodeInvalidAccessToken, CodeAccessTokenExpired:
		return "the access_token was refused again after a fresh one was fetched: check that only one service fetches tokens for this AppID, or that they share one store"
	case CodeOutsideWindow:
		return "the user has not interacted with the account recently enough (48 hours after a message), or has unfollowed it"
	case CodeResponseLimit:
		return "the customer-service messages allowed after this interaction are used up: 5 within 48 hours of a message, 3 within a minute of a click, follow or scan"
	case CodeNotFollowing:
		return "the user does not follow the account"
	case CodeInvalidOpenID:
		return "the OpenID is not a user of this account (OpenIDs differ between accounts)"
	case CodeInvalidMediaID:
		return "the media_id is unknown or expired: temporary media lives 3 days"
	case CodeUnauthorized:
		return "the account has no permission for this API: check its type and verification under 设置与开发 → 接口权限"
	}
	return wxhttp.Hint(e.Code)
}

// Is reports whether target is the sentinel that names e.Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidToken:
		return e.Code == CodeInvalidCredential || e.Code == CodeInvalidAccessToken || e.Code == CodeAccessTokenExpired
	case ErrIPNotWhitelisted:
		return e.Code == CodeIPNotWhitelisted || e.Code == CodeClientIPNotAllowed
	case ErrRiskyIP:
		switch e.Code {
		case CodeRiskyIPPending, CodeRiskyIP, CodeRiskyIPRejected, CodeRiskyIPRejectedHour:
			return true
		}
	case ErrSecretFrozen:
		return e.Code == CodeSecretFrozen
	case ErrQuotaExceeded:
		return e.Code == CodeQuotaExceeded
	case ErrRateLimited:
		return e.Code == CodeRateLimited
	case ErrOutsideWindow:
		return e.Code == CodeOutsideWindow
	case ErrResponseLimit:
		return e.Code == CodeResponseLimit
	case ErrNotFollowing:
		return e.Code == CodeNotFollowing
	case ErrInvalidOpenID:
		return e.Code == CodeInvalidOpenID
	case ErrInvalidMediaID:
		return e.Code == CodeInvalidMediaID
	case ErrInvalidTemplateID:
		return e.Code == CodeInvalidTemplateID
	case ErrMenuNotFound:
		return e.Code == CodeMenuNotFound
	case ErrUnauthorized:
		return e.Code == CodeUnauthorized
	case ErrSystemBusy:
		return e.Code == CodeSystemBusy
	}
	return false
}

// StatusError is an answer with an HTTP status outside 200–299, a 3xx
// included: redirects are never followed, so an access_token is never sent
// to another host. The body is discarded.
type StatusError struct {
	StatusCode int // e.g. 502
}

func (e *StatusError) Error() string { return wxhttp.StatusMessage("api", e.StatusCode) }

// convert turns an error of the transport into this package's types, with
// the tokens scrubbed from any message that still holds them. nil stays
// nil.
func convert(err error, tokens ...string) error {
	if err == nil {
		return nil
	}
	err = scrubErr(err, tokens...)
	if errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrInvalidResponse) || errors.Is(err, ErrInvalidConfig) {
		return err // already this package's
	}
	var we *wxhttp.Error
	if errors.As(err, &we) {
		return &Error{Code: we.Code, Msg: scrubString(we.Msg, tokens)}
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
		return fmt.Errorf("%w: answer larger than the limit", ErrInvalidResponse)
	}
	return fmt.Errorf("api: %w", err)
}

// scrubErr is wxhttp.Scrub with the tokens and their escaped forms.
func scrubErr(err error, tokens ...string) error {
	var secrets []string
	for _, t := range tokens {
		if t != "" {
			// Secrets gives the token and its escaped spellings.
			secrets = append(secrets, wxhttp.Secrets("http://x/?access_token="+url.QueryEscape(t))...)
		}
	}
	return wxhttp.Scrub(err, secrets...)
}

func scrubString(s string, tokens []string) string {
	for _, t := range tokens {
		if t != "" {
			s = strings.ReplaceAll(s, t, wxhttp.Redacted)
		}
	}
	return s
}
