package oauth

import (
	"context"
	"fmt"
	"strconv"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Lang is the language of the place names in a [UserInfo], the lang
// parameter of sns/userinfo
// (https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsuserinfo.html).
type Lang string

// Languages WeChat accepts for lang.
const (
	LangZhCN Lang = "zh_CN" // simplified Chinese (WeChat's default)
	LangZhTW Lang = "zh_TW" // traditional Chinese
	LangEN   Lang = "en"    // English
)

// Sex is the gender a user set in WeChat: 0 unknown, 1 male, 2 female.
// WeChat has stopped filling it in for many users, so expect SexUnknown.
type Sex int

// Values of Sex.
const (
	SexUnknown Sex = 0
	SexMale    Sex = 1
	SexFemale  Sex = 2
)

// String returns "unknown", "male" or "female"; any other value prints as
// "Sex(n)".
func (s Sex) String() string {
	switch s {
	case SexUnknown:
		return "unknown"
	case SexMale:
		return "male"
	case SexFemale:
		return "female"
	}
	return "Sex(" + strconv.Itoa(int(s)) + ")"
}

// UnmarshalJSON accepts a number (1), a numeric string ("1"), an empty
// string or null (SexUnknown).
func (s *Sex) UnmarshalJSON(b []byte) error {
	v, err := wxhttp.ParseInt(b)
	if err != nil {
		return fmt.Errorf("oauth: sex: %w", err)
	}
	if v != int64(int(v)) {
		return fmt.Errorf("oauth: sex: out of range")
	}
	*s = Sex(v)
	return nil
}

// UserInfo is a user's public profile from sns/userinfo. The JSON tags are
// WeChat's wire names, described at
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsuserinfo.html
type UserInfo struct {
	// OpenID identifies the user within this AppID.
	OpenID string `json:"openid"`
	// Nickname is free text: any Unicode, emoji included, and possibly
	// markup. Escape it before putting it in HTML.
	Nickname string `json:"nickname"`
	// Sex is sent as a number or, by some proxies, a numeric string.
	Sex Sex `json:"sex"`
	// Province, City and Country are names in the requested Lang.
	Province string `json:"province"`
	City     string `json:"city"`
	Country  string `json:"country"`
	// HeadImgURL is the avatar; its last path segment picks the size
	// (0 for 640×640, or 46, 64, 96, 132). Empty when the user has none. The
	// URL stops working once the user changes their avatar.
	HeadImgURL string `json:"headimgurl"`
	// Privilege lists special privileges, such as "chinaunicom".
	Privilege []string `json:"privilege"`
	// UnionID is set only when the account is bound to an Open Platform
	// account.
	UnionID string `json:"unionid"`
}

// decodeUserInfo decodes a sns/userinfo answer. Its errors are an *Error or
// wrap ErrInvalidResponse.
func decodeUserInfo(body []byte) (*UserInfo, error) {
	var u UserInfo
	if err := decodeBody(body, &u); err != nil {
		return nil, err
	}
	return u.check()
}

// check requires an OpenID.
func (u *UserInfo) check() (*UserInfo, error) {
	if u.OpenID == "" {
		return nil, fmt.Errorf("%w: no openid", ErrInvalidResponse)
	}
	return u, nil
}

// UserInfo fetches the profile of the user tok was issued for, with
// tok.AccessToken and tok.OpenID:
//
//	GET {APIURL}/sns/userinfo?access_token=ACCESS_TOKEN&openid=OPENID&lang=zh_CN
//
// The token must come from the [ScopeUserInfo] scope; a ScopeBase token
// gets errcode 48001 ([ErrUnauthorized]). lang is [LangZhCN], [LangZhTW],
// [LangEN] or empty (WeChat's default, zh_CN); another value, a nil tok or
// one without AccessToken or OpenID wraps [ErrInvalidArgument], before any
// request. An expired token is errcode 42001 ([ErrExpired]) and an OpenID
// that does not match the token 40003 ([ErrInvalidOpenID]), both as an
// *[Error]. A profile for a different OpenID than tok's, or none, wraps
// [ErrInvalidResponse]. Other errors
// are as for [Config.Exchange]. AppID and AppSecret are not needed.
//
// For a snapshot-mode user ([Token].IsSnapshotUser) WeChat returns a
// virtual profile.
//
// See https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsuserinfo.html
func (c Config) UserInfo(ctx context.Context, tok *Token, lang Lang) (*UserInfo, error) {
	if err := checkToken(tok); err != nil {
		return nil, err
	}
	openID := tok.OpenID
	params := []param{{"access_token", tok.AccessToken}, {"openid", openID}}
	switch lang {
	case "":
	case LangZhCN, LangZhTW, LangEN:
		params = append(params, param{"lang", string(lang)})
	default:
		return nil, fmt.Errorf("%w: lang must be zh_CN, zh_TW or en", ErrInvalidArgument)
	}
	var u UserInfo
	if err := c.call(ctx, "/sns/userinfo", &u, params...); err != nil {
		return nil, err
	}
	if _, err := u.check(); err != nil {
		return nil, err
	}
	if u.OpenID != openID {
		return nil, fmt.Errorf("%w: profile is for another openid", ErrInvalidResponse)
	}
	return &u, nil
}
