package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// UserService reads what WeChat tells an account about its users.
//
// See https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo
type UserService service

const (
	userInfoPath  = "/cgi-bin/user/info"
	userBatchPath = "/cgi-bin/user/info/batchget"
)

// MaxBatchUsers is the most users one [UserService.BatchInfo] asks about.
const MaxBatchUsers = 100

// Lang is the language of the place names in user info (which WeChat no
// longer fills in; it still takes the parameter).
type Lang string

// Languages user info takes. "" sends none (WeChat's default, zh_CN).
const (
	LangZhCN Lang = "zh_CN"
	LangZhTW Lang = "zh_TW"
	LangEn   Lang = "en"
)

func (l Lang) check() error {
	switch l {
	case "", LangZhCN, LangZhTW, LangEn:
		return nil
	}
	return fmt.Errorf("%w: Lang must be zh_CN, zh_TW or en", ErrInvalidArgument)
}

// UserInfo is what WeChat says about a user of the account. For a user
// who does not follow it (Subscribed false), only OpenID is set. WeChat
// stopped returning the nickname, avatar, sex and region in 2021; they are
// not here.
type UserInfo struct {
	Subscribed bool
	OpenID     string
	// UnionID is set only when the account is bound to an Open Platform
	// account.
	UnionID string
	// Language is the user's language ("zh_CN"); WeChat says it no longer
	// provides it, and it may be empty.
	Language string
	// SubscribeTime is when the user last followed, in Unix seconds.
	SubscribeTime int64
	Remark        string // the account's note on the user
	GroupID       int64
	TagIDs        []int64
	// SubscribeScene is how the user came to follow: ADD_SCENE_SEARCH,
	// ADD_SCENE_QR_CODE, ADD_SCENE_PROFILE_CARD, ADD_SCENE_OTHERS…
	SubscribeScene string
	// QRScene and QRSceneStr are the scene of the QR code the user
	// followed through, with ADD_SCENE_QR_CODE.
	QRScene    int64
	QRSceneStr string
}

// userAnswer is one user as WeChat sends it; numbers may come quoted.
type userAnswer struct {
	Subscribe      wxhttp.Int   `json:"subscribe"`
	OpenID         string       `json:"openid"`
	UnionID        string       `json:"unionid"`
	Language       string       `json:"language"`
	SubscribeTime  wxhttp.Int   `json:"subscribe_time"`
	Remark         string       `json:"remark"`
	GroupID        wxhttp.Int   `json:"groupid"`
	TagIDList      []wxhttp.Int `json:"tagid_list"`
	SubscribeScene string       `json:"subscribe_scene"`
	QRScene        wxhttp.Int   `json:"qr_scene"`
	QRSceneStr     string       `json:"qr_scene_str"`
}

func (a *userAnswer) info() (UserInfo, error) {
	if a.OpenID == "" {
		return UserInfo{}, fmt.Errorf("%w: a user without openid", ErrInvalidResponse)
	}
	u := UserInfo{
		Subscribed:     a.Subscribe == 1,
		OpenID:         a.OpenID,
		UnionID:        a.UnionID,
		Language:       a.Language,
		SubscribeTime:  int64(a.SubscribeTime),
		Remark:         a.Remark,
		GroupID:        int64(a.GroupID),
		SubscribeScene: a.SubscribeScene,
		QRScene:        int64(a.QRScene),
		QRSceneStr:     a.QRSceneStr,
	}
	for _, t := range a.TagIDList {
		u.TagIDs = append(u.TagIDs, int64(t))
	}
	return u, nil
}

// Info returns what WeChat says about the user openID. lang may be "".
// An unknown OpenID is an *Error matching ErrInvalidOpenID (40003).
func (s *UserService) Info(ctx context.Context, openID string, lang Lang) (*UserInfo, error) {
	if err := required("openID", openID); err != nil {
		return nil, err
	}
	if err := lang.check(); err != nil {
		return nil, err
	}
	q := url.Values{"openid": {openID}}
	if lang != "" {
		q.Set("lang", string(lang))
	}
	var body json.RawMessage
	if err := s.c.getJSON(ctx, userInfoPath, q, &body); err != nil {
		return nil, err
	}
	return decodeUser(body)
}

// decodeUser decodes a user/info answer.
func decodeUser(body []byte) (*UserInfo, error) {
	var a userAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	u, err := a.info()
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// BatchInfo is Info for 1 to MaxBatchUsers users at once, in one call; the
// answer is in the order asked.
//
// See https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_batchuserinfo.html
func (s *UserService) BatchInfo(ctx context.Context, openIDs []string, lang Lang) ([]UserInfo, error) {
	if n := len(openIDs); n == 0 || n > MaxBatchUsers {
		return nil, fmt.Errorf("%w: BatchInfo takes 1 to %d OpenIDs, not %d", ErrInvalidArgument, MaxBatchUsers, n)
	}
	if err := lang.check(); err != nil {
		return nil, err
	}
	type entry struct {
		OpenID string `json:"openid"`
		Lang   Lang   `json:"lang,omitempty"`
	}
	list := make([]entry, len(openIDs))
	for i, id := range openIDs {
		if err := required("openIDs["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		list[i] = entry{OpenID: id, Lang: lang}
	}
	var body json.RawMessage
	if err := s.c.postJSON(ctx, userBatchPath, nil, map[string]any{"user_list": list}, &body); err != nil {
		return nil, err
	}
	return decodeUsers(body)
}

// decodeUsers decodes a batchget answer.
func decodeUsers(body []byte) ([]UserInfo, error) {
	var a struct {
		List []userAnswer `json:"user_info_list"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	out := make([]UserInfo, 0, len(a.List))
	for i := range a.List {
		u, err := a.List[i].info()
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
