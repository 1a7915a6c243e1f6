package wxmptest

import (
	"encoding/json"
	"net/http"
	"net/url"
)

// menuButton is a button of /cgi-bin/menu/create, top-level or sub.
type menuButton struct {
	Type      string       `json:"type,omitempty"`
	Name      string       `json:"name"`
	Key       string       `json:"key,omitempty"`
	URL       string       `json:"url,omitempty"`
	MediaID   string       `json:"media_id,omitempty"`
	AppID     string       `json:"appid,omitempty"`
	PagePath  string       `json:"pagepath,omitempty"`
	ArticleID string       `json:"article_id,omitempty"`
	SubButton []menuButton `json:"sub_button"`
}

// menuRequest is the body of POST /cgi-bin/menu/create.
type menuRequest struct {
	Button []menuButton `json:"button"`
}

// Menu limits, as WeChat's page gives them, in bytes.
const (
	menuMaxButtons    = 3
	menuMaxSubButtons = 5
	menuMaxNameTop    = 16
	menuMaxNameSub    = 60
	menuMaxKey        = 128
	menuMaxURL        = 1024
)

// menuNeeds says which field a button type needs.
var menuNeeds = map[string]string{
	"click": "key", "scancode_push": "key", "scancode_waitmsg": "key", "pic_sysphoto": "key",
	"pic_photo_or_album": "key", "pic_weixin": "key", "location_select": "key",
	"view": "url", "miniprogram": "miniprogram",
	"media_id": "media_id", "view_limited": "media_id",
	"article_id": "article_id", "article_view_limited": "article_id",
}

// serveMenuCreate answers POST /cgi-bin/menu/create. It checks the
// documented limits with WeChat's codes: 40016 not 1–3 buttons, 40023 not
// 1–5 sub-buttons, 40017/40024 an unknown type (or a type beside
// sub_button), 40018/40025 a name empty or over 16/60 bytes, 40019/40026 a
// key missing or over 128 bytes, 40020/40027 a url missing or over 1024
// bytes, 65308 a top-level button with neither type nor sub_button, 40097
// a missing appid, pagepath, media_id or article_id. See
// https://developers.weixin.qq.com/doc/service/api/custommenu/api_createcustommenu
func (s *APIServer) serveMenuCreate(r *http.Request, _ url.Values, _ string) any {
	var req menuRequest
	if e := readJSON(r, &req); e != nil {
		return *e
	}
	if n := len(req.Button); n == 0 || n > menuMaxButtons {
		return apiError{code: 40016}
	}
	for _, b := range req.Button {
		if len(b.SubButton) > 0 {
			if b.Type != "" {
				return apiError{code: 40017, msg: "invalid button type: type and sub_button together"}
			}
			if len(b.SubButton) > menuMaxSubButtons {
				return apiError{code: 40023}
			}
			if b.Name == "" || len(b.Name) > menuMaxNameTop {
				return apiError{code: 40018}
			}
			for _, sb := range b.SubButton {
				if len(sb.SubButton) > 0 {
					return apiError{code: 40024, msg: "invalid sub button type: sub_button inside a sub-button"}
				}
				if e := checkMenuButton(sb, true); e != nil {
					return *e
				}
			}
			continue
		}
		if b.Type == "" {
			return apiError{code: 65308, msg: "button without action: no type and no sub_button"}
		}
		if e := checkMenuButton(b, false); e != nil {
			return *e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.menu, _ = json.Marshal(req.Button)
	s.seq++
	s.menuID = 208396938 + int64(s.seq) // any number that changes with the menu
	return apiOK
}

// checkMenuButton checks a button that has an action.
func checkMenuButton(b menuButton, sub bool) *apiError {
	code := func(top, subCode int) *apiError {
		if sub {
			return &apiError{code: subCode}
		}
		return &apiError{code: top}
	}
	maxName := menuMaxNameTop
	if sub {
		maxName = menuMaxNameSub
	}
	need, ok := menuNeeds[b.Type]
	switch {
	case !ok:
		return code(40017, 40024)
	case b.Name == "" || len(b.Name) > maxName:
		return code(40018, 40025)
	}
	switch need {
	case "key":
		if b.Key == "" || len(b.Key) > menuMaxKey {
			return code(40019, 40026)
		}
	case "url":
		if b.URL == "" || len(b.URL) > menuMaxURL {
			return code(40020, 40027)
		}
	case "miniprogram":
		if b.URL == "" || len(b.URL) > menuMaxURL {
			return code(40020, 40027)
		}
		if b.AppID == "" || b.PagePath == "" {
			return &apiError{code: 40097, msg: "invalid args: miniprogram button needs appid and pagepath"}
		}
	case "media_id":
		if b.MediaID == "" {
			return &apiError{code: 40097, msg: "invalid args: media_id missing"}
		}
	case "article_id":
		if b.ArticleID == "" {
			return &apiError{code: 40097, msg: "invalid args: article_id missing"}
		}
	}
	return nil
}

// menuJSONLocked is the "menu" value of /cgi-bin/menu/get: the buttons as
// created, each with a "sub_button" array (empty for a leaf), as WeChat
// answers, and the menuid.
func (s *APIServer) menuJSONLocked() json.RawMessage {
	var buttons []menuButton
	_ = json.Unmarshal(s.menu, &buttons)
	for i := range buttons {
		if buttons[i].SubButton == nil {
			buttons[i].SubButton = []menuButton{}
		}
		for j := range buttons[i].SubButton {
			buttons[i].SubButton[j].SubButton = []menuButton{}
		}
	}
	b := marshalOAuthJSON(struct {
		Button []menuButton `json:"button"`
		MenuID int64        `json:"menuid"`
	}{buttons, s.menuID})
	return json.RawMessage(b[:len(b)-1]) // without the encoder's newline
}

// serveMenuGet answers GET /cgi-bin/menu/get with
// {"menu":{"button":[…],"menuid":…}}, or 46003 when no menu was created.
// See https://developers.weixin.qq.com/doc/service/api/custommenu/api_getmenu
func (s *APIServer) serveMenuGet(*http.Request, url.Values, string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.menu == nil {
		return apiError{code: 46003}
	}
	return struct {
		Menu json.RawMessage `json:"menu"`
	}{s.menuJSONLocked()}
}

// serveMenuDelete answers GET /cgi-bin/menu/delete: the menu is gone,
// whether there was one or not. See
// https://developers.weixin.qq.com/doc/service/en/api/custommenu/api_deletemenu
func (s *APIServer) serveMenuDelete(*http.Request, url.Values, string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.menu = nil
	return apiOK
}
