package wxmptest

import (
	"net/http"
	"net/url"
)

// userInfoJSON is one user of /cgi-bin/user/info. The nickname, sex,
// headimgurl and place fields WeChat stopped filling in 2021 are still
// sent, empty, as WeChat sends them.
type userInfoJSON struct {
	Subscribe      int    `json:"subscribe"`
	OpenID         string `json:"openid"`
	Nickname       string `json:"nickname"`
	Sex            int    `json:"sex"`
	Language       string `json:"language"`
	City           string `json:"city"`
	Province       string `json:"province"`
	Country        string `json:"country"`
	HeadImgURL     string `json:"headimgurl"`
	SubscribeTime  int64  `json:"subscribe_time"`
	UnionID        string `json:"unionid,omitempty"`
	Remark         string `json:"remark"`
	GroupID        int    `json:"groupid"`
	TagIDList      []int  `json:"tagid_list"`
	SubscribeScene string `json:"subscribe_scene"`
	QRScene        int64  `json:"qr_scene"`
	QRSceneStr     string `json:"qr_scene_str"`
}

// unsubscribedJSON is what user/info says of a user who does not follow.
type unsubscribedJSON struct {
	Subscribe int    `json:"subscribe"`
	OpenID    string `json:"openid"`
}

// userLangs are the lang values user/info takes; "" means zh_CN.
var userLangs = map[string]bool{"": true, "zh_CN": true, "zh_TW": true, "en": true}

// userInfoLocked answers for one user, or an error: 41009 without openid,
// 40003 for one the fake does not know, 40097 for an unknown lang.
func (s *APIServer) userInfoLocked(openID, lang string) (any, *apiError) {
	if !userLangs[lang] {
		return nil, &apiError{code: 40097, msg: "invalid args: lang must be zh_CN, zh_TW or en"}
	}
	if openID == "" {
		return nil, &apiError{code: 41009}
	}
	u := s.users[openID]
	if u == nil {
		return nil, &apiError{code: 40003}
	}
	if u.Unsubscribed {
		return unsubscribedJSON{Subscribe: 0, OpenID: u.OpenID}, nil
	}
	j := userInfoJSON{
		Subscribe:      1,
		OpenID:         u.OpenID,
		Language:       u.Language,
		SubscribeTime:  u.SubscribeTime,
		UnionID:        u.UnionID,
		Remark:         u.Remark,
		GroupID:        u.GroupID,
		TagIDList:      append([]int{}, u.TagIDs...),
		SubscribeScene: u.SubscribeScene,
		QRScene:        u.QRScene,
		QRSceneStr:     u.QRSceneStr,
	}
	if j.Language == "" {
		j.Language = "zh_CN"
	}
	if j.SubscribeTime == 0 {
		j.SubscribeTime = s.started.Unix()
	}
	if j.SubscribeScene == "" {
		j.SubscribeScene = "ADD_SCENE_QR_CODE"
	}
	return j, nil
}

// serveUserInfo answers GET /cgi-bin/user/info?openid=…&lang=…. See
// https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo
func (s *APIServer) serveUserInfo(_ *http.Request, q url.Values, _ string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.userInfoLocked(q.Get("openid"), q.Get("lang"))
	if e != nil {
		return *e
	}
	return v
}

// batchRequest is the body of POST /cgi-bin/user/info/batchget.
type batchRequest struct {
	UserList []struct {
		OpenID string `json:"openid"`
		Lang   string `json:"lang"`
	} `json:"user_list"`
}

// userBatchMax is the most users one batchget may ask for.
const userBatchMax = 100

// serveUserInfoBatch answers POST /cgi-bin/user/info/batchget with
// {"user_info_list":[…]} in the order asked; 40097 for an empty list or
// one over 100, and the single call's error for the first bad entry. See
// https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_batchuserinfo.html
func (s *APIServer) serveUserInfoBatch(r *http.Request, _ url.Values, _ string) any {
	var req batchRequest
	if e := readJSON(r, &req); e != nil {
		return *e
	}
	if n := len(req.UserList); n == 0 || n > userBatchMax {
		return apiError{code: 40097, msg: "invalid args: user_list must have 1-100 entries"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]any, 0, len(req.UserList))
	for _, it := range req.UserList {
		v, e := s.userInfoLocked(it.OpenID, it.Lang)
		if e != nil {
			return *e
		}
		list = append(list, v)
	}
	return struct {
		UserInfoList []any `json:"user_info_list"`
	}{list}
}

// serveCallbackIP answers GET /cgi-bin/getcallbackip with {"ip_list":[…]}.
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Get_the_WeChat_server_IP_address.html
func (s *APIServer) serveCallbackIP(*http.Request, url.Values, string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return struct {
		IPList []string `json:"ip_list"`
	}{append([]string{}, s.callbackIPs...)}
}
