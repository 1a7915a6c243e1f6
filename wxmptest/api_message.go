package wxmptest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// csMedia is the body of an image, voice or mpnews customer-service message.
type csMedia struct {
	MediaID string `json:"media_id"`
}

// csRequest is the body of POST /cgi-bin/message/custom/send: touser,
// msgtype and the object named by msgtype. See
// https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage
type csRequest struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Image *csMedia `json:"image"`
	Voice *csMedia `json:"voice"`
	Video *struct {
		MediaID      string `json:"media_id"`
		ThumbMediaID string `json:"thumb_media_id"`
		Title        string `json:"title"`
		Description  string `json:"description"`
	} `json:"video"`
	Music *struct {
		Title        string `json:"title"`
		Description  string `json:"description"`
		MusicURL     string `json:"musicurl"`
		HQMusicURL   string `json:"hqmusicurl"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"music"`
	News *struct {
		Articles []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
			PicURL      string `json:"picurl"`
		} `json:"articles"`
	} `json:"news"`
	MPNews        *csMedia `json:"mpnews"`
	MPNewsArticle *struct {
		ArticleID string `json:"article_id"`
	} `json:"mpnewsarticle"`
	MsgMenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
	MiniProgramPage *struct {
		Title        string `json:"title"`
		AppID        string `json:"appid"`
		PagePath     string `json:"pagepath"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"miniprogrampage"`
	WXCard *struct {
		CardID string `json:"card_id"`
	} `json:"wxcard"`
	CustomService *struct {
		KFAccount string `json:"kf_account"`
	} `json:"customservice"`
}

// serveCustomSend answers POST /cgi-bin/message/custom/send. Besides the
// user checks (40003 unknown touser, 43004 unsubscribed, 45015 outside
// the window), a message of a type other than msgtype's, or without the
// object msgtype names, is 40008; text without content 44004; a media
// message without media_id, or with one that has expired, 40007; news
// without articles 44003 and with more than one 45008; msgmenu without
// items, and miniprogrampage without title, appid, pagepath or
// thumb_media_id, 40097.
func (s *APIServer) serveCustomSend(r *http.Request, _ url.Values, _ string) any {
	var req csRequest
	body, e := readJSONBody(r, &req)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.checkRecipientLocked(req.ToUser, true); e != nil {
		return *e
	}
	if e := s.checkCustomLocked(&req); e != nil {
		return *e
	}
	rec := APIRecord{Path: APICustomSendPath, OpenID: req.ToUser, Kind: req.MsgType, Body: body, Time: s.nowLocked()}
	if req.CustomService != nil {
		rec.KFAccount = req.CustomService.KFAccount
	}
	s.records = append(s.records, rec)
	return apiOK
}

// checkRecipientLocked checks a touser: known, following and, for
// customer-service messages (window set), inside the 48-hour window.
func (s *APIServer) checkRecipientLocked(openID string, window bool) *apiError {
	u := s.users[openID]
	switch {
	case u == nil:
		return &apiError{code: 40003}
	case u.Unsubscribed:
		return &apiError{code: 43004}
	case window && u.OutsideWindow:
		return &apiError{code: 45015}
	}
	return nil
}

// checkCustomLocked checks a customer-service message's content.
func (s *APIServer) checkCustomLocked(m *csRequest) *apiError {
	// Exactly one content object, the one msgtype names.
	present := map[string]bool{
		"text": m.Text != nil, "image": m.Image != nil, "voice": m.Voice != nil,
		"video": m.Video != nil, "music": m.Music != nil, "news": m.News != nil,
		"mpnews": m.MPNews != nil, "mpnewsarticle": m.MPNewsArticle != nil,
		"msgmenu": m.MsgMenu != nil, "miniprogrampage": m.MiniProgramPage != nil,
		"wxcard": m.WXCard != nil,
	}
	if _, known := present[m.MsgType]; !known || !present[m.MsgType] {
		return &apiError{code: 40008}
	}
	for k, v := range present {
		if v && k != m.MsgType {
			return &apiError{code: 40008, msg: "invalid message type: " + k + " object with msgtype " + m.MsgType}
		}
	}
	switch m.MsgType {
	case "text":
		if m.Text.Content == "" {
			return &apiError{code: 44004}
		}
	case "image":
		return s.checkMediaIDLocked(m.Image.MediaID)
	case "voice":
		return s.checkMediaIDLocked(m.Voice.MediaID)
	case "mpnews":
		if m.MPNews.MediaID == "" {
			return &apiError{code: 40007}
		}
	case "mpnewsarticle":
		if m.MPNewsArticle.ArticleID == "" {
			return &apiError{code: 40097, msg: "invalid args: article_id missing"}
		}
	case "video":
		if e := s.checkMediaIDLocked(m.Video.MediaID); e != nil {
			return e
		}
		if m.Video.ThumbMediaID != "" {
			return s.checkMediaIDLocked(m.Video.ThumbMediaID)
		}
	case "music":
		if m.Music.MusicURL == "" && m.Music.HQMusicURL == "" {
			return &apiError{code: 40097, msg: "invalid args: musicurl missing"}
		}
		return s.checkMediaIDLocked(m.Music.ThumbMediaID)
	case "news":
		switch n := len(m.News.Articles); {
		case n == 0:
			return &apiError{code: 44003}
		case n > 1:
			return &apiError{code: 45008}
		}
	case "msgmenu":
		if len(m.MsgMenu.List) == 0 {
			return &apiError{code: 40097, msg: "invalid args: msgmenu list empty"}
		}
		for _, it := range m.MsgMenu.List {
			if it.ID == "" || it.Content == "" {
				return &apiError{code: 40097, msg: "invalid args: msgmenu item without id or content"}
			}
		}
	case "miniprogrampage":
		p := m.MiniProgramPage
		if p.Title == "" || p.AppID == "" || p.PagePath == "" || p.ThumbMediaID == "" {
			return &apiError{code: 40097, msg: "invalid args: miniprogrampage needs title, appid, pagepath and thumb_media_id"}
		}
	case "wxcard":
		if m.WXCard.CardID == "" {
			return &apiError{code: 40097, msg: "invalid args: card_id missing"}
		}
	}
	return nil
}

// checkMediaIDLocked checks a media_id a message refers to: not empty and,
// if the fake issued it, not expired. An id the fake does not know passes,
// as one from a user's message (which the fake never saw) would.
func (s *APIServer) checkMediaIDLocked(id string) *apiError {
	if id == "" {
		return &apiError{code: 40007}
	}
	if m := s.media[id]; m != nil && !s.nowLocked().Before(m.CreatedAt.Add(APIMediaLifetime)) {
		return &apiError{code: 40007}
	}
	return nil
}

// typingRequest is the body of POST /cgi-bin/message/custom/typing.
type typingRequest struct {
	ToUser  string `json:"touser"`
	Command string `json:"command"`
}

// serveTyping answers POST /cgi-bin/message/custom/typing: the user checks
// as for a message, and 45072 for a command other than Typing and
// CancelTyping. See
// https://developers.weixin.qq.com/doc/service/api/customer/message/api_typing
func (s *APIServer) serveTyping(r *http.Request, _ url.Values, _ string) any {
	var req typingRequest
	body, e := readJSONBody(r, &req)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.checkRecipientLocked(req.ToUser, true); e != nil {
		return *e
	}
	if req.Command != "Typing" && req.Command != "CancelTyping" {
		return apiError{code: 45072}
	}
	s.records = append(s.records, APIRecord{Path: APICustomTypingPath, OpenID: req.ToUser, Kind: req.Command, Body: body, Time: s.nowLocked()})
	return apiOK
}

// templateRequest is the body of POST /cgi-bin/message/template/send.
type templateRequest struct {
	ToUser      string `json:"touser"`
	TemplateID  string `json:"template_id"`
	URL         string `json:"url"`
	MiniProgram *struct {
		AppID    string `json:"appid"`
		PagePath string `json:"pagepath"`
	} `json:"miniprogram"`
	ClientMsgID string `json:"client_msg_id"`
	Data        map[string]struct {
		Value string `json:"value"`
		Color string `json:"color"`
	} `json:"data"`
}

// templateMsgIDBase is where the fake's template msgids start: 19 digits,
// as WeChat's are, so that a client decoding them into 32 bits or a float
// notices.
const templateMsgIDBase = 3717005636572528640

// templateDedupWindow is how long a client_msg_id is remembered per user.
const templateDedupWindow = 10 * time.Minute

// serveTemplateSend answers POST /cgi-bin/message/template/send with
// {"errcode":0,"errmsg":"ok","msgid":…}: 40003/43004 for the user, 40037
// for a template_id the account does not have, 47001 without data, 40097
// for a miniprogram without appid. A repeat of a client_msg_id for the same
// user within 10 minutes answers the first msgid again and is not
// recorded. See
// https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage.html
func (s *APIServer) serveTemplateSend(r *http.Request, _ url.Values, _ string) any {
	var req templateRequest
	body, e := readJSONBody(r, &req)
	if e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.checkRecipientLocked(req.ToUser, false); e != nil {
		return *e
	}
	known := false
	for _, t := range s.templates {
		known = known || t.TemplateID == req.TemplateID
	}
	switch {
	case !known:
		return apiError{code: 40037}
	case req.Data == nil:
		return apiError{code: 47001, msg: "data format error: data missing"}
	case req.MiniProgram != nil && req.MiniProgram.AppID == "":
		return apiError{code: 40097, msg: "invalid args: miniprogram appid missing"}
	}
	now := s.nowLocked()
	if req.ClientMsgID != "" {
		for _, r := range s.records {
			if r.Path == APITemplateSendPath && r.OpenID == req.ToUser && now.Sub(r.Time) < templateDedupWindow &&
				clientMsgID(r.Body) == req.ClientMsgID {
				return templateSendJSON{ErrCode: 0, ErrMsg: "ok", MsgID: r.MsgID}
			}
		}
	}
	s.msgID++
	id := int64(templateMsgIDBase) + s.msgID
	s.records = append(s.records, APIRecord{Path: APITemplateSendPath, OpenID: req.ToUser, Kind: "template", Body: body, MsgID: id, Time: now})
	return templateSendJSON{ErrCode: 0, ErrMsg: "ok", MsgID: id}
}

// clientMsgID is the client_msg_id of a recorded template send.
func clientMsgID(body []byte) string {
	var v struct {
		ClientMsgID string `json:"client_msg_id"`
	}
	_ = json.Unmarshal(body, &v)
	return v.ClientMsgID
}

type templateSendJSON struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	MsgID   int64  `json:"msgid"`
}

// serveTemplateList answers GET /cgi-bin/template/get_all_private_template
// with {"template_list":[…]}. See
// https://developers.weixin.qq.com/doc/service/api/notify/template/api_getalltemplates
func (s *APIServer) serveTemplateList(*http.Request, url.Values, string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return struct {
		TemplateList []APITemplate `json:"template_list"`
	}{append([]APITemplate{}, s.templates...)}
}

// readJSONBody is readJSON that also returns the body, compacted, for the
// record.
func readJSONBody(r *http.Request, v any) (json.RawMessage, *apiError) {
	var raw json.RawMessage
	// Read once into raw (bounded by readJSON's checks), then decode.
	if e := readJSON(r, &raw); e != nil {
		return nil, e
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, &apiError{code: 47001}
	}
	if e := decodeStrict(b.Bytes(), v); e != nil {
		return nil, e
	}
	return b.Bytes(), nil
}
