package wxmptest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wxmp/wxmp/oauth"
)

// newHandler routes the fake's paths; anything else is 404.
func (s *OAuthServer) newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", s.serveIndex)
	mux.Handle(OAuthAuthorizePath, s.serveAuthorize(OAuthAuthorizePath))
	mux.Handle(OAuthQRConnectPath, s.serveAuthorize(OAuthQRConnectPath))
	mux.Handle(OAuthAccessTokenPath, s.serveAPI(OAuthAccessTokenPath, s.exchangeLocked))
	mux.Handle(OAuthRefreshTokenPath, s.serveAPI(OAuthRefreshTokenPath, s.refreshLocked))
	mux.Handle(OAuthAuthPath, s.serveAPI(OAuthAuthPath, s.authLocked))
	mux.Handle(OAuthUserInfoPath, s.serveAPI(OAuthUserInfoPath, s.userInfoLocked))
	return mux
}

// serveIndex says what this server is, for a developer who opens it in a
// browser.
func (s *OAuthServer) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "wxmptest: a fake of WeChat's web authorization hosts (open.weixin.qq.com, api.weixin.qq.com).\n"+
		"AppID: "+s.appID+"\n\nGET "+strings.Join([]string{OAuthAuthorizePath, OAuthQRConnectPath,
		OAuthAccessTokenPath, OAuthRefreshTokenPath, OAuthAuthPath, OAuthUserInfoPath}, "\nGET ")+"\n")
}

// begin counts the call, refuses methods other than GET and plays a fault
// set for path. It reports whether the normal answer should follow.
func (s *OAuthServer) begin(w http.ResponseWriter, r *http.Request, path string) bool {
	s.mu.Lock()
	s.calls[path]++
	var fault *OAuthFault
	for i := range s.faults {
		f := s.faults[i]
		if f.Path == path || f.Path == "" && strings.HasPrefix(path, "/sns/") {
			fault = &f
			break
		}
	}
	s.mu.Unlock()

	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	if fault == nil {
		return true
	}
	if fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	status := fault.Status
	switch {
	case status == 0:
		status = http.StatusOK
	case status < 200 || status > 599:
		status = http.StatusInternalServerError
	}
	var body []byte
	switch {
	case fault.Body != "":
		body = []byte(fault.Body)
	case fault.ErrCode != 0:
		body = marshalOAuthJSON(oauthErrorJSON{ErrCode: fault.ErrCode, ErrMsg: fault.ErrMsg})
	default:
		body = []byte(http.StatusText(status))
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return false
}

// serveAPI answers a /sns/ call the way WeChat does: HTTP 200 and JSON
// labelled text/plain, whether the call worked or not. answer runs with
// s.mu held.
func (s *OAuthServer) serveAPI(path string, answer func(q url.Values, now time.Time) any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.begin(w, r, path) {
			return
		}
		q := r.URL.Query()
		s.mu.Lock()
		v := answer(q, s.nowLocked())
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(marshalOAuthJSON(v))
	})
}

// marshalOAuthJSON encodes v without escaping <, > and &, as WeChat does.
func marshalOAuthJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // only the fixed types of this file, which always encode
	return b.Bytes()
}

// oauthErrorJSON is WeChat's error body.
type oauthErrorJSON struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// oauthTokenJSON is the body of a token answer. unionid and
// is_snapshotuser are absent unless they apply.
type oauthTokenJSON struct {
	AccessToken    string `json:"access_token"`
	ExpiresIn      int    `json:"expires_in"` // seconds
	RefreshToken   string `json:"refresh_token"`
	OpenID         string `json:"openid"`
	Scope          string `json:"scope"`
	IsSnapshotUser int    `json:"is_snapshotuser,omitempty"`
	UnionID        string `json:"unionid,omitempty"`
}

// oauthUserInfoJSON is the body of a /sns/userinfo answer.
type oauthUserInfoJSON struct {
	OpenID     string   `json:"openid"`
	Nickname   string   `json:"nickname"`
	Sex        int      `json:"sex"`
	Province   string   `json:"province"`
	City       string   `json:"city"`
	Country    string   `json:"country"`
	HeadImgURL string   `json:"headimgurl"`
	Privilege  []string `json:"privilege"`
	UnionID    string   `json:"unionid,omitempty"`
}

// errLocked builds an error body whose errmsg, like WeChat's, ends with a
// request id, so that clients do not match on the message.
func (s *OAuthServer) errLocked(code int, msg string) oauthErrorJSON {
	s.rid++
	return oauthErrorJSON{ErrCode: code, ErrMsg: msg + ", rid: wxmptest-" + strconv.Itoa(s.rid)}
}

// Messages of the errcodes the fake sends.
const (
	oauthMsgInvalidCredential = "invalid credential, access_token is invalid or not latest"
	oauthMsgInvalidAppID      = "invalid appid"
	oauthMsgInvalidGrantType  = "invalid grant_type"
	oauthMsgInvalidCode       = "invalid code"
	oauthMsgCodeUsed          = "code been used"
	oauthMsgInvalidRefresh    = "invalid refresh_token"
	oauthMsgRefreshExpired    = "refresh_token expired"
	oauthMsgAccessExpired     = "access_token expired"
	oauthMsgInvalidOpenID     = "invalid openid"
	oauthMsgUnauthorized      = "api unauthorized"
)

// Errcodes for missing parameters, which package oauth has no names for.
const (
	oauthCodeMissingAccessToken = 41001
	oauthCodeMissingCode        = 41008
	oauthCodeMissingOpenID      = 41009
	oauthCodeInvalidGrantType   = 40002
)

// exchangeLocked answers /sns/oauth2/access_token.
func (s *OAuthServer) exchangeLocked(q url.Values, now time.Time) any {
	code := q.Get("code")
	switch {
	case q.Get("appid") != s.appID:
		return s.errLocked(oauth.CodeInvalidAppID, oauthMsgInvalidAppID)
	case subtle.ConstantTimeCompare([]byte(q.Get("secret")), []byte(s.appSecret)) != 1:
		return s.errLocked(oauth.CodeInvalidCredential, oauthMsgInvalidCredential)
	case q.Get("grant_type") != "authorization_code":
		return s.errLocked(oauthCodeInvalidGrantType, oauthMsgInvalidGrantType)
	case code == "":
		return s.errLocked(oauthCodeMissingCode, "missing code")
	}
	c := s.codes[code]
	switch {
	case c == nil || !now.Before(c.expires):
		return s.errLocked(oauth.CodeInvalidCode, oauthMsgInvalidCode)
	case c.used:
		return s.errLocked(oauth.CodeCodeUsed, oauthMsgCodeUsed)
	}
	c.used = true
	g := &oauthGrant{
		user:           c.user,
		scope:          c.scope,
		refreshToken:   s.newSecretLocked("FAKERT"),
		refreshExpires: now.Add(OAuthRefreshTokenLifetime),
	}
	s.keepLoginLocked(g, now)
	s.newAccessLocked(g, now)
	t := s.tokenJSON(g)
	if g.scope == oauth.ScopeUserInfo || g.scope == oauth.ScopeLogin {
		t.UnionID = g.user.UnionID
	}
	if g.scope == oauth.ScopeUserInfo && g.user.Snapshot {
		t.IsSnapshotUser = 1
	}
	return t
}

// newAccessLocked gives g a new access token, valid from now.
func (s *OAuthServer) newAccessLocked(g *oauthGrant, now time.Time) {
	s.keepAccessLocked(&oauthAccess{token: s.newSecretLocked("FAKEAT"), grant: g, expires: now.Add(OAuthAccessTokenLifetime)})
}

func (s *OAuthServer) tokenJSON(g *oauthGrant) oauthTokenJSON {
	return oauthTokenJSON{
		AccessToken:  g.access().token,
		ExpiresIn:    int(OAuthAccessTokenLifetime / time.Second),
		RefreshToken: g.refreshToken,
		OpenID:       g.user.OpenID,
		Scope:        string(g.scope),
	}
}

// refreshLocked answers /sns/oauth2/refresh_token: an unexpired access
// token is extended, an expired one replaced.
func (s *OAuthServer) refreshLocked(q url.Values, now time.Time) any {
	switch {
	case q.Get("appid") != s.appID:
		return s.errLocked(oauth.CodeInvalidAppID, oauthMsgInvalidAppID)
	case q.Get("grant_type") != "refresh_token":
		return s.errLocked(oauthCodeInvalidGrantType, oauthMsgInvalidGrantType)
	}
	g := s.grants[q.Get("refresh_token")]
	switch {
	case g == nil:
		return s.errLocked(oauth.CodeInvalidRefreshToken, oauthMsgInvalidRefresh)
	case !now.Before(g.refreshExpires):
		return s.errLocked(oauth.CodeRefreshTokenExpired, oauthMsgRefreshExpired)
	}
	if a := g.access(); now.Before(a.expires) {
		a.expires = now.Add(OAuthAccessTokenLifetime)
	} else {
		s.newAccessLocked(g, now)
	}
	return s.tokenJSON(g)
}

// accessLocked finds the access token of a /sns/auth or /sns/userinfo call
// and checks it belongs to openid; a non-nil error body says why not.
func (s *OAuthServer) accessLocked(q url.Values, now time.Time) (*oauthAccess, *oauthErrorJSON) {
	token, openID := q.Get("access_token"), q.Get("openid")
	var e oauthErrorJSON
	a := s.tokens[token]
	switch {
	case token == "":
		e = s.errLocked(oauthCodeMissingAccessToken, "access_token missing")
	case openID == "":
		e = s.errLocked(oauthCodeMissingOpenID, "missing openid")
	case a == nil:
		e = s.errLocked(oauth.CodeInvalidCredential, oauthMsgInvalidCredential)
	case !now.Before(a.expires):
		e = s.errLocked(oauth.CodeAccessTokenExpired, oauthMsgAccessExpired)
	case a.grant.user.OpenID != openID:
		e = s.errLocked(oauth.CodeInvalidOpenID, oauthMsgInvalidOpenID)
	default:
		return a, nil
	}
	return nil, &e
}

// authLocked answers /sns/auth.
func (s *OAuthServer) authLocked(q url.Values, now time.Time) any {
	if _, e := s.accessLocked(q, now); e != nil {
		return e
	}
	return oauthErrorJSON{ErrCode: 0, ErrMsg: "ok"}
}

// userInfoLocked answers /sns/userinfo. The lang parameter is accepted but
// place names are sent as configured.
func (s *OAuthServer) userInfoLocked(q url.Values, now time.Time) any {
	a, e := s.accessLocked(q, now)
	if e != nil {
		return e
	}
	if a.grant.scope != oauth.ScopeUserInfo && a.grant.scope != oauth.ScopeLogin {
		return s.errLocked(oauth.CodeUnauthorized, oauthMsgUnauthorized)
	}
	u := a.grant.user
	privilege := u.Privilege
	if privilege == nil {
		privilege = []string{}
	}
	return oauthUserInfoJSON{
		OpenID:     u.OpenID,
		Nickname:   u.Nickname,
		Sex:        int(u.Sex),
		Province:   u.Province,
		City:       u.City,
		Country:    u.Country,
		HeadImgURL: u.HeadImgURL,
		Privilege:  privilege,
		UnionID:    u.UnionID,
	}
}
