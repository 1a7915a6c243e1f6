package oauth

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors returned by this package. Local failures wrap one of the first
// group with %w; remote failures are an *[Error] (WeChat's errcode/errmsg) or
// a *[StatusError] (a non-2xx HTTP status). The code sentinels in the second
// group match an *Error through errors.Is, so a caller can write
//
//	if errors.Is(err, oauth.ErrCodeUsed) { … }
//
// without caring which exact code WeChat chose.
var (
	// ErrInvalidConfig: AppID, AppSecret, RedirectURL, Scope or Endpoint is
	// missing or malformed. The message names the field, never its value.
	ErrInvalidConfig = errors.New("oauth: invalid config")
	// ErrInvalidState: the state is empty, longer than 128 bytes or holds
	// a byte outside a-z, A-Z, 0-9.
	ErrInvalidState = errors.New("oauth: invalid state")
	// ErrInvalidArgument: an empty code, token or OpenID, or an unknown
	// language.
	ErrInvalidArgument = errors.New("oauth: invalid argument")
	// ErrInvalidResponse: WeChat answered 2xx with a body that is not the
	// JSON object expected (not JSON, wrong types, or a required field such
	// as access_token missing).
	ErrInvalidResponse = errors.New("oauth: invalid response")
	// ErrResponseTooLarge: the response body exceeded MaxResponseSize.
	ErrResponseTooLarge = errors.New("oauth: response too large")

	// ErrInvalidCode matches errcode 40029: the code is unknown or stale.
	ErrInvalidCode = errors.New("oauth: invalid code")
	// ErrCodeUsed matches errcode 40163: the code was already exchanged
	// (codes are single use; a page reload replays it).
	ErrCodeUsed = errors.New("oauth: code already used")
	// ErrExpired matches errcodes 42001 (access_token expired), 42002
	// (refresh_token expired) and 42003 (code expired).
	ErrExpired = errors.New("oauth: expired")
	// ErrInvalidOpenID matches errcode 40003: the OpenID does not belong to
	// this AppID or to this token.
	ErrInvalidOpenID = errors.New("oauth: invalid openid")
	// ErrRevoked matches errcode 42007: the user changed their WeChat
	// password, which revoked the access token and the refresh token. Refresh
	// cannot help; send the user through AuthCodeURL again.
	ErrRevoked = errors.New("oauth: tokens revoked, authorize again")
	// ErrUnauthorized matches errcodes 48001 (the token's scope does not
	// allow this API: UserInfo with a snsapi_base token) and 50001 (the user
	// has not authorized this API).
	ErrUnauthorized = errors.New("oauth: api unauthorized")
)

// WeChat errcodes this package gives names to. The full list is at
// https://developers.weixin.qq.com/doc/offiaccount/en/Getting_Started/Global_Return_Code.html
const (
	CodeSystemBusy          = -1    // retry later
	CodeInvalidCredential   = 40001 // wrong AppSecret, or access_token invalid
	CodeInvalidGrantType    = 40002 // grant_type is not the one the call needs
	CodeInvalidOpenID       = 40003 // OpenID not of this account or token
	CodeInvalidAppID        = 40013 // unknown AppID
	CodeInvalidAccessToken  = 40014 // malformed access_token
	CodeInvalidCode         = 40029 // code unknown or stale
	CodeInvalidRefreshToken = 40030 // refresh_token unknown
	CodeCodeUsed            = 40163 // code already exchanged
	CodeIPNotWhitelisted    = 40164 // caller IP not in the account's IP whitelist
	CodeMissingAccessToken  = 41001 // no access_token parameter
	CodeMissingCode         = 41008 // no code parameter
	CodeMissingOpenID       = 41009 // no openid parameter
	CodeAccessTokenExpired  = 42001 // after expires_in (7200 s): refresh
	CodeRefreshTokenExpired = 42002 // after 30 days: authorize again
	CodeCodeExpired         = 42003 // unused for 5 minutes
	CodePasswordChanged     = 42007 // user changed password: tokens revoked, authorize again
	CodeUnauthorized        = 48001 // scope does not allow this API
	CodeUserUnauthorized    = 50001 // user has not authorized this API
	CodeUserLimited         = 50002 // user's account is restricted
)

// Error is an error WeChat reported in the body of an HTTP 200 response:
// {"errcode":40029,"errmsg":"invalid code"}. Match it with errors.As, or ask
// about a code with errors.Is and [ErrInvalidCode], [ErrCodeUsed],
// [ErrExpired], [ErrInvalidOpenID], [ErrRevoked] or [ErrUnauthorized]. Msg
// never holds the AppSecret, a code or a token this package sent: they are
// replaced by REDACTED.
//
// The errcodes are listed at
// https://developers.weixin.qq.com/doc/offiaccount/en/Getting_Started/Global_Return_Code.html
type Error struct {
	Code int    // errcode, e.g. 40029
	Msg  string // errmsg, e.g. "invalid code" (may carry a request id)
}

func (e *Error) Error() string {
	return fmt.Sprintf("oauth: errcode %d: %s", e.Code, e.Msg)
}

// Is reports whether target is the sentinel that names e.Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidCode:
		return e.Code == CodeInvalidCode
	case ErrCodeUsed:
		return e.Code == CodeCodeUsed
	case ErrExpired:
		return e.Code == CodeAccessTokenExpired || e.Code == CodeRefreshTokenExpired || e.Code == CodeCodeExpired
	case ErrInvalidOpenID:
		return e.Code == CodeInvalidOpenID
	case ErrRevoked:
		return e.Code == CodePasswordChanged
	case ErrUnauthorized:
		return e.Code == CodeUnauthorized || e.Code == CodeUserUnauthorized
	}
	return false
}

// StatusError is returned when WeChat (or a proxy in front of it) answers
// with a status outside 200–299. The body is discarded. A 3xx is one too:
// no call follows a redirect, since that would send the AppSecret, the code
// or a token to another host and trust its answer; the Location is not
// kept.
type StatusError struct {
	StatusCode int // e.g. 502, or 302 for a redirect
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("oauth: unexpected HTTP status %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.StatusCode >= 300 && e.StatusCode <= 399 {
		s += " (redirects are not followed)"
	}
	return s
}
