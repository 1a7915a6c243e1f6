package oauth

import (
	"context"
	"fmt"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// ExpiryMargin is a time.Duration, one minute: [Token.Valid] reports a
// token as expired from that long before its Expiry (an absolute
// time.Time), so that a token is not used in the last moment of its life
// and rejected in flight with errcode 42001.
const ExpiryMargin = time.Minute

// maxExpiresIn bounds expires_in (in seconds) so that converting it to a
// time.Duration cannot overflow; larger values are treated as absent.
const maxExpiresIn = 1 << 32

// Token is what WeChat returns for a code (or a refresh token): a web
// access token, which is not the basic cgi-bin/token access token and works
// only for the /sns/ APIs, plus who it was issued for.
//
// Token is not the wire shape: Expiry is computed from expires_in and
// IsSnapshotUser from is_snapshotuser. Keep AccessToken and RefreshToken on
// the server; never send them to the browser or log them.
//
// The fields are described at
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsaccesstoken.html
type Token struct {
	// AccessToken is the web access token (access_token).
	AccessToken string
	// RefreshToken gets a new AccessToken with [Config.Refresh]; it lives
	// 30 days (refresh_token).
	RefreshToken string
	// Expiry is when AccessToken expires: the time the request was sent
	// plus expires_in seconds (7200 in practice). Zero if WeChat sent no
	// usable expires_in, which Valid treats as expired.
	Expiry time.Time
	// OpenID identifies the user within this AppID (openid).
	OpenID string
	// Scope lists the granted scopes, comma-separated, such as
	// "snsapi_userinfo" (scope).
	Scope string
	// UnionID identifies the user across the apps bound to one Open
	// Platform account; present only for snsapi_userinfo on a bound
	// account (unionid).
	UnionID string
	// IsSnapshotUser is true when is_snapshotuser is 1: the user is browsing
	// a snapshot page (快照页) and OpenID, UnionID and the profile are
	// virtual. Do not treat such a user as a real one; ask them to tap
	// "使用完整服务" to authorize for real.
	IsSnapshotUser bool
}

// Valid reports whether t is non-nil, has an AccessToken and has an Expiry
// more than [ExpiryMargin] (one minute) after now, by the local clock. A
// zero Expiry (WeChat sent no usable expires_in) is not valid. Valid makes
// no request; [Config.Validate] asks WeChat.
func (t *Token) Valid() bool {
	return t != nil && t.AccessToken != "" && !t.Expiry.IsZero() &&
		time.Now().Add(ExpiryMargin).Before(t.Expiry)
}

// tokenJSON is the wire shape of sns/oauth2/access_token and
// sns/oauth2/refresh_token answers.
type tokenJSON struct {
	AccessToken    string     `json:"access_token"`
	ExpiresIn      wxhttp.Int `json:"expires_in"`
	RefreshToken   string     `json:"refresh_token"`
	OpenID         string     `json:"openid"`
	Scope          string     `json:"scope"`
	UnionID        string     `json:"unionid"`
	IsSnapshotUser wxhttp.Int `json:"is_snapshotuser"`
}

// decodeToken turns a token answer into a Token whose Expiry counts from
// sent. Its errors are an *Error or wrap ErrInvalidResponse.
func decodeToken(body []byte, sent time.Time) (*Token, error) {
	var j tokenJSON
	if err := decodeBody(body, &j); err != nil {
		return nil, err
	}
	return j.token(sent)
}

// token checks j and turns it into a Token whose Expiry counts from sent.
func (j *tokenJSON) token(sent time.Time) (*Token, error) {
	if j.AccessToken == "" {
		return nil, fmt.Errorf("%w: no access_token", ErrInvalidResponse)
	}
	if j.OpenID == "" {
		return nil, fmt.Errorf("%w: no openid", ErrInvalidResponse)
	}
	t := &Token{
		AccessToken:    j.AccessToken,
		RefreshToken:   j.RefreshToken,
		OpenID:         j.OpenID,
		Scope:          j.Scope,
		UnionID:        j.UnionID,
		IsSnapshotUser: j.IsSnapshotUser == 1,
	}
	if j.ExpiresIn > 0 && j.ExpiresIn <= maxExpiresIn {
		t.Expiry = sent.Add(time.Duration(j.ExpiresIn) * time.Second)
	}
	return t, nil
}

// Exchange trades the code from the callback (?code=…) for a [Token]:
//
//	GET {APIURL}/sns/oauth2/access_token?appid=APPID&secret=SECRET&code=CODE&grant_type=authorization_code
//
// It needs AppID and AppSecret (else [ErrInvalidConfig]) and a non-empty
// code (else [ErrInvalidArgument]). A code works once, within 5 minutes:
// WeChat answers a second use with errcode 40163 ([ErrCodeUsed]) and an
// unknown or stale code with 40029 ([ErrInvalidCode]) or 42003
// ([ErrExpired]); those come back as an *[Error]. A non-2xx status is a
// *[StatusError]; a body that is not a token wraps [ErrInvalidResponse];
// transport errors and ctx's deadline come back wrapped (errors.Is works
// with context.DeadlineExceeded). No error message contains AppSecret, the
// code or a token.
//
// See https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsaccesstoken.html
func (c Config) Exchange(ctx context.Context, code string) (*Token, error) {
	if c.AppID == "" {
		return nil, fmt.Errorf("%w: AppID is empty", ErrInvalidConfig)
	}
	if c.AppSecret == "" {
		return nil, fmt.Errorf("%w: AppSecret is empty", ErrInvalidConfig)
	}
	if code == "" {
		return nil, fmt.Errorf("%w: empty code", ErrInvalidArgument)
	}
	return c.token(ctx, "/sns/oauth2/access_token",
		param{"appid", c.AppID},
		param{"secret", c.AppSecret},
		param{"code", code},
		param{"grant_type", "authorization_code"})
}

// Refresh gets a fresh access token with a refresh token (valid 30 days):
//
//	GET {APIURL}/sns/oauth2/refresh_token?appid=APPID&grant_type=refresh_token&refresh_token=REFRESH_TOKEN
//
// Refreshing an unexpired token extends it. It needs AppID (else
// [ErrInvalidConfig]) and a non-empty refreshToken (else
// [ErrInvalidArgument]). An expired refresh token is errcode 42002
// ([ErrExpired]), an unknown one 40030, and one revoked because the user
// changed their WeChat password 42007 ([ErrRevoked]), each as an *[Error];
// after any of them the user must authorize again. Other errors are as for [Config.Exchange].
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
func (c Config) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if c.AppID == "" {
		return nil, fmt.Errorf("%w: AppID is empty", ErrInvalidConfig)
	}
	if refreshToken == "" {
		return nil, fmt.Errorf("%w: empty refresh token", ErrInvalidArgument)
	}
	return c.token(ctx, "/sns/oauth2/refresh_token",
		param{"appid", c.AppID},
		param{"grant_type", "refresh_token"},
		param{"refresh_token", refreshToken})
}

// token makes the call of Exchange or Refresh and decodes its answer, with
// Expiry counted from the moment before the request was sent.
func (c Config) token(ctx context.Context, path string, params ...param) (*Token, error) {
	sent := time.Now()
	var j tokenJSON
	if err := c.call(ctx, path, &j, params...); err != nil {
		return nil, err
	}
	return j.token(sent)
}

// Validate asks WeChat whether tok.AccessToken is still valid for
// tok.OpenID:
//
//	GET {APIURL}/sns/auth?access_token=ACCESS_TOKEN&openid=OPENID
//
// It returns nil when WeChat answers errcode 0. Otherwise the error is an
// *[Error], such as 40003 (the OpenID is not the token's; matches
// [ErrInvalidOpenID]), 42001 (the token expired; matches [ErrExpired]) or
// 40001 (the token is unknown; matches no sentinel). An answer without
// errcode wraps [ErrInvalidResponse]. A nil tok, or one without AccessToken
// or OpenID, wraps [ErrInvalidArgument]. AppID and AppSecret are not needed. Other errors
// are as for [Config.Exchange].
//
// See https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsauth.html
func (c Config) Validate(ctx context.Context, tok *Token) error {
	if err := checkToken(tok); err != nil {
		return err
	}
	var s statusJSON
	if err := c.call(ctx, "/sns/auth", &s,
		param{"access_token", tok.AccessToken},
		param{"openid", tok.OpenID}); err != nil {
		return err
	}
	return s.check()
}

// checkToken requires tok to have an AccessToken and an OpenID.
func checkToken(tok *Token) error {
	switch {
	case tok == nil:
		return fmt.Errorf("%w: nil token", ErrInvalidArgument)
	case tok.AccessToken == "":
		return fmt.Errorf("%w: token has no AccessToken", ErrInvalidArgument)
	case tok.OpenID == "":
		return fmt.Errorf("%w: token has no OpenID", ErrInvalidArgument)
	}
	return nil
}

// statusJSON is an answer that carries nothing but errcode/errmsg.
type statusJSON struct {
	ErrCode *wxhttp.Int `json:"errcode"`
}

// check requires errcode to be present (a non-zero one is already an
// *Error).
func (s *statusJSON) check() error {
	if s.ErrCode == nil {
		return fmt.Errorf("%w: no errcode", ErrInvalidResponse)
	}
	return nil
}

// decodeStatus is Validate's decoding for a body already read: nil for
// errcode 0, an *Error for another errcode.
func decodeStatus(body []byte) error {
	var s statusJSON
	if err := decodeBody(body, &s); err != nil {
		return err
	}
	return s.check()
}
