package main

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// meJSON is /me's JSON answer: {"username": "...", "wechat": null} or
// {"username": "...", "wechat": {"openid": "...", "unionid": "...",
// "nickname": "..."}}. unionid is "" when WeChat sent none.
type meJSON struct {
	Username string      `json:"username"`
	WeChat   *wechatJSON `json:"wechat"`
}

type wechatJSON struct {
	OpenID   string `json:"openid"`
	UnionID  string `json:"unionid"`
	Nickname string `json:"nickname"`
}

// notices are the lines /me shows after an action (?done=…): fixed
// sentences, so the query cannot put words on the page.
var notices = map[string]string{
	"bound":         "Your WeChat is bound to this account.",
	"already-bound": "This WeChat was already bound to your account.",
	"unbound":       "Your account is no longer bound to a WeChat.",
	"sent-template": "The test notification went out as a template message.",
	"sent-text":     "The test notification went out as a customer-service message.",
}

// me is the account page: HTML, or JSON for Accept: application/json. A
// signed-out visitor gets 401 in either form.
func (s *server) me(w http.ResponseWriter, r *http.Request) {
	asJSON := wantsJSON(r.Header.Get("Accept"))
	w.Header().Add("Vary", "Accept")
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	if sess == nil {
		if asJSON {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "signed out"})
			return
		}
		s.signedOut(w)
		return
	}
	var b *binding
	switch found, err := s.db.bindingByUser(r.Context(), sess.User.ID); {
	case err == nil:
		b = &found
	case !errors.Is(err, errNotFound):
		s.fail(w, "find binding", err)
		return
	}
	if asJSON {
		out := meJSON{Username: sess.User.Username}
		if b != nil {
			out.WeChat = &wechatJSON{OpenID: b.OpenID, UnionID: b.UnionID, Nickname: b.Nickname}
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	data := pageData{
		Title:   "Your account",
		User:    &sess.User,
		Binding: b,
		CSRF:    sess.CSRFToken,
		Notice:  notices[r.URL.Query().Get("done")],
		Notify:  "customer-service",
	}
	if s.cfg.TemplateID != "" {
		data.Notify = "template"
	}
	s.render(w, http.StatusOK, "me", data)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// wantsJSON reports whether an Accept header prefers application/json to
// HTML: application/json (or application/*) is listed with a q above 0 and
// at least that of text/html. */* alone is a browser or curl: HTML.
func wantsJSON(accept string) bool {
	jsonQ, wildQ, htmlQ := -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case "application/json":
			jsonQ = max(jsonQ, q)
		case "application/*":
			wildQ = max(wildQ, q)
		case "text/html", "application/xhtml+xml":
			htmlQ = max(htmlQ, q)
		}
	}
	if jsonQ < 0 { // the more specific range wins
		jsonQ = wildQ
	}
	return jsonQ > 0 && jsonQ >= htmlQ
}
