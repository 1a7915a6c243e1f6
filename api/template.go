package api

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// TemplateService sends template messages (模板消息), the notices a
// verified service account may push to its followers at any time, and lists
// the account's templates.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
type TemplateService service

const (
	templateSendPath = "/cgi-bin/message/template/send"
	templateListPath = "/cgi-bin/template/get_all_private_template"
)

// TemplateMessage is a template message. ToUser, TemplateID and Data are
// what every message needs. URL (a web page) and MiniProgram (a page of a
// mini program, which wins when both are set) say where a tap leads;
// neither means nowhere. ClientMsgID, when set, makes WeChat send the
// message once per user and ClientMsgID within 10 minutes.
//
// See https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage.html
type TemplateMessage struct {
	ToUser      string                   `json:"touser"`
	TemplateID  string                   `json:"template_id"`
	URL         string                   `json:"url,omitempty"`
	MiniProgram *MiniProgram             `json:"miniprogram,omitempty"`
	ClientMsgID string                   `json:"client_msg_id,omitempty"`
	Data        map[string]TemplateValue `json:"data"`
}

// MiniProgram is a page of a mini program linked to the account: its
// AppID (required) and the page path with its query ("index?foo=bar").
type MiniProgram struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath,omitempty"`
}

// TemplateValue is the value of one placeholder: Data["keyword1"] fills
// {{keyword1.DATA}}. Color ("#173177") is kept for older templates;
// current ones ignore it.
type TemplateValue struct {
	Value string `json:"value"`
	Color string `json:"color,omitempty"`
}

// Template is one of the account's templates, as [TemplateService.List]
// returns it. Content has the placeholders, {{name.DATA}}.
type Template struct {
	TemplateID      string `json:"template_id"`
	Title           string `json:"title"`
	PrimaryIndustry string `json:"primary_industry"`
	DeputyIndustry  string `json:"deputy_industry"`
	Content         string `json:"content"`
	Example         string `json:"example"`
}

// Send sends m and returns its msgid: the MsgID that the
// TEMPLATESENDJOBFINISH event (event.TemplateSendJobFinish) reports with the
// outcome later. It is a 19-digit number. An empty ToUser or TemplateID, or
// a MiniProgram without AppID, wraps ErrInvalidArgument; a nil Data is sent
// as {}. WeChat's refusals are an *Error: ErrInvalidTemplateID (40037),
// ErrInvalidOpenID (40003), ErrNotFollowing (43004)…
func (s *TemplateService) Send(ctx context.Context, m *TemplateMessage) (msgID int64, err error) {
	if m == nil {
		return 0, fmt.Errorf("%w: nil TemplateMessage", ErrInvalidArgument)
	}
	if err := required("TemplateMessage.ToUser", m.ToUser, "TemplateMessage.TemplateID", m.TemplateID); err != nil {
		return 0, err
	}
	if m.MiniProgram != nil {
		if err := required("TemplateMessage.MiniProgram.AppID", m.MiniProgram.AppID); err != nil {
			return 0, err
		}
	}
	body := *m
	if body.Data == nil {
		body.Data = map[string]TemplateValue{}
	}
	var out templateSendAnswer
	if err := s.c.postJSON(ctx, templateSendPath, nil, &body, &out); err != nil {
		return 0, err
	}
	return int64(out.MsgID), nil
}

type templateSendAnswer struct {
	MsgID wxhttp.Int `json:"msgid"`
}

// List returns the account's templates.
//
// See https://developers.weixin.qq.com/doc/service/api/notify/template/api_getalltemplates
func (s *TemplateService) List(ctx context.Context) ([]Template, error) {
	var body json.RawMessage
	if err := s.c.getJSON(ctx, templateListPath, nil, &body); err != nil {
		return nil, err
	}
	return decodeTemplates(body)
}

// decodeTemplates decodes a get_all_private_template answer.
func decodeTemplates(body []byte) ([]Template, error) {
	var out struct {
		TemplateList []Template `json:"template_list"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if out.TemplateList == nil {
		out.TemplateList = []Template{}
	}
	return out.TemplateList, nil
}
