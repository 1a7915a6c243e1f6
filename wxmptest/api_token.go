package wxmptest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// apiTokenJSON is the body of a token answer.
type apiTokenJSON struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"` // seconds
}

// apiTicketJSON is the body of a getticket answer.
type apiTicketJSON struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	Ticket    string `json:"ticket"`
	ExpiresIn int    `json:"expires_in"` // seconds
}

// stableTokenRequest is the body of POST /cgi-bin/stable_token.
type stableTokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// serveStableToken answers POST /cgi-bin/stable_token. See
// https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
func (s *APIServer) serveStableToken(r *http.Request, _ url.Values, _ string) any {
	var req stableTokenRequest
	if e := readJSON(r, &req); e != nil {
		return *e
	}
	if e := s.checkCredentials(req.GrantType, req.AppID, req.Secret, 40125); e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, left := s.stableLocked(req.ForceRefresh)
	return apiTokenJSON{AccessToken: t.value, ExpiresIn: seconds(left)}
}

// serveLegacyToken answers GET /cgi-bin/token. See
// https://developers.weixin.qq.com/doc/service/api/base/api_getaccesstoken.html
func (s *APIServer) serveLegacyToken(_ *http.Request, q url.Values, _ string) any {
	if e := s.checkCredentials(q.Get("grant_type"), q.Get("appid"), q.Get("secret"), 40001); e != nil {
		return *e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	if old := s.legacy; old != nil && old.expires.After(now.Add(APITokenOverlap)) {
		old.expires = now.Add(APITokenOverlap) // old and new both work for 5 minutes
	}
	t := &apiToken{value: s.newSecretLocked("FAKEAPITOKEN"), expires: now.Add(s.lifetime)}
	s.tokens[t.value] = t
	s.legacy = t
	return apiTokenJSON{AccessToken: t.value, ExpiresIn: seconds(s.lifetime)}
}

// checkCredentials checks a token request's grant_type, appid and secret;
// badSecret is the errcode for a wrong secret.
func (s *APIServer) checkCredentials(grantType, appID, secret string, badSecret int) *apiError {
	switch {
	case grantType != "client_credential":
		return &apiError{code: 40002}
	case appID == "":
		return &apiError{code: 41002}
	case appID != s.appID:
		return &apiError{code: 40013}
	case secret == "":
		return &apiError{code: 41004}
	case subtle.ConstantTimeCompare([]byte(secret), []byte(s.appSecret)) != 1:
		return &apiError{code: badSecret}
	}
	return nil
}

// stableLocked returns the stable token normal mode hands out now, and how
// long it has left: the current one unless it is in its last
// APITokenOverlap (or force is set, which revokes it), else a new one.
func (s *APIServer) stableLocked(force bool) (*apiToken, time.Duration) {
	now := s.nowLocked()
	if t := s.stable; t != nil && force {
		t.revoked = true
		s.stable = nil
	}
	if t := s.stable; t != nil && !t.revoked && now.Add(APITokenOverlap).Before(t.expires) {
		return t, t.expires.Sub(now)
	}
	t := &apiToken{value: s.newSecretLocked("FAKEAPITOKEN"), stable: true, expires: now.Add(s.lifetime)}
	s.tokens[t.value] = t
	s.stable = t
	return t, s.lifetime
}

// serveTicket answers GET /cgi-bin/ticket/getticket?type=jsapi|wx_card.
// See https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
func (s *APIServer) serveTicket(_ *http.Request, q url.Values, _ string) any {
	typ := q.Get("type")
	if typ != "jsapi" && typ != "wx_card" {
		return apiError{code: 40097, msg: "invalid args: type must be jsapi or wx_card"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.ticketLocked(typ)
	return apiTicketJSON{ErrCode: 0, ErrMsg: "ok", Ticket: t.value, ExpiresIn: seconds(t.expires.Sub(s.nowLocked()))}
}

// ticketLocked returns the current ticket of the type, issuing one if there
// is none or it has expired.
func (s *APIServer) ticketLocked(typ string) *apiTicket {
	now := s.nowLocked()
	if t := s.tickets[typ]; t != nil && now.Before(t.expires) {
		return t
	}
	t := &apiTicket{value: s.newSecretLocked("FAKETICKET"), expires: now.Add(s.lifetime)}
	s.tickets[typ] = t
	return t
}
