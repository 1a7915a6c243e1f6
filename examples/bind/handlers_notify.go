package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/wxmp/wxmp/api"
)

// notify sends the signed-in account's WeChat a test notification through
// the API client: a template message with WECHAT_TEMPLATE_ID when it is
// set (placeholders {{keyword1.DATA}}, the text, and {{keyword2.DATA}},
// the time), otherwise a customer-service text message, which WeChat
// delivers only within 48 hours of the user's last message to the account.
func (s *server) notify(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.readPost(w, r, true)
	if !ok {
		return
	}
	b, err := s.db.bindingByUser(r.Context(), sess.User.ID)
	if errors.Is(err, errNotFound) {
		s.message(w, http.StatusConflict, "Bind a WeChat first",
			"Your account is not bound to a WeChat, so there is nobody to notify. Bind one first.", link{s.url(mePath), "Your account"})
		return
	}
	if err != nil {
		s.fail(w, "find binding", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), wechatTimeout)
	defer cancel()
	now := s.now().Format("2006-01-02 15:04:05 MST")
	done := "sent-text"
	if s.cfg.TemplateID != "" {
		var msgID int64
		msgID, err = s.api.Template.Send(ctx, &api.TemplateMessage{
			ToUser:     b.OpenID,
			TemplateID: s.cfg.TemplateID,
			URL:        s.cfg.PublicURL + mePath,
			Data: map[string]api.TemplateValue{
				"keyword1": {Value: "测试通知 Test notification for " + sess.User.Username},
				"keyword2": {Value: now},
			},
		})
		done = "sent-template"
		if err == nil {
			s.log.Info("notified", "user", sess.User.ID, "as", "template", "msgid", msgID)
		}
	} else {
		err = s.api.CustomerService.Send(ctx, b.OpenID, api.Text{
			Content: fmt.Sprintf("这是一条测试通知。This is a test notification for %s, sent at %s.", sess.User.Username, now),
		})
		if err == nil {
			s.log.Info("notified", "user", sess.User.ID, "as", "customer-service")
		}
	}
	if err != nil {
		s.notifyFailed(w, err)
		return
	}
	s.redirect(w, r, mePath+"?done="+done)
}

// notifyFailed explains why WeChat did not take the notification. The api
// package keeps the access_token out of err's text, so it can be logged.
func (s *server) notifyFailed(w http.ResponseWriter, err error) {
	var we *api.Error
	if !errors.As(err, &we) {
		s.log.Error("notify: wechat unreachable", "err", err)
		s.message(w, http.StatusBadGateway, "WeChat is not answering",
			"We could not reach WeChat to send the notification. Please try again in a moment.", link{s.url(mePath), "Your account"})
		return
	}
	s.log.Warn("notify: wechat refused", "errcode", we.Code, "errmsg", we.Msg)
	text := "WeChat did not accept the notification."
	switch {
	case errors.Is(err, api.ErrOutsideWindow):
		text = "WeChat delivers a customer-service message only within 48 hours after you last wrote to the Official Account. Send the account any message in WeChat and try again (or the operator can set WECHAT_TEMPLATE_ID to send a template message)."
	case errors.Is(err, api.ErrResponseLimit):
		text = "WeChat allows only a few customer-service messages after each of your messages. Write to the Official Account again and retry."
	case errors.Is(err, api.ErrNotFollowing):
		text = "WeChat delivers messages only to followers. Follow the Official Account and try again."
	case errors.Is(err, api.ErrInvalidTemplateID):
		text = "The template of the notification does not exist in this Official Account. Please tell the site's operator (WECHAT_TEMPLATE_ID)."
	case errors.Is(err, api.ErrIPNotWhitelisted):
		text = "This server's address is not in the Official Account's IP whitelist. Please tell the site's operator."
	}
	s.render(w, http.StatusBadRequest, "message", pageData{
		Title: "The notification was not sent", Text: text, ErrCode: we.Code,
		Links: []link{{s.url(mePath), "Your account"}},
	})
}
