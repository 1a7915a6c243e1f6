package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/wxmp/wxmp/oauth"
)

// The exact sentence for a sign-in with a WeChat no account is bound to.
const unboundMessage = "no account is bound to this WeChat; sign in and bind first"

// Bounds on what WeChat sends that the bindings table keeps.
const (
	maxOpenIDLen     = 128
	maxNicknameBytes = 256
	maxAvatarURLLen  = 1024
)

// startAuthorization stores a state for a web authorization and sends the
// browser to WeChat's authorize page. The state is random (128 bits, in
// the a-zA-Z0-9 WeChat allows), kept in the database as its hash, expires
// after stateLifetime and works once.
func (s *server) startAuthorization(w http.ResponseWriter, r *http.Request, cfg oauth.Config, st oauthState) {
	state := newSecret()
	now := s.now()
	st.StateHash, st.ExpiresAt = hashSecret(state), now.Add(stateLifetime)
	link, err := cfg.AuthCodeURL(state)
	if err != nil {
		// loadConfig checked the configuration, so this is a bug.
		s.fail(w, "authorize URL", err)
		return
	}
	if err := s.db.createState(r.Context(), st, now); err != nil {
		s.fail(w, "store state", err)
		return
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
}

// bind starts binding the signed-in account to the visitor's WeChat:
// web authorization with snsapi_userinfo, whose state is tied to this
// session and this account.
func (s *server) bind(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.readPost(w, r, true)
	if !ok {
		return
	}
	switch _, err := s.db.bindingByUser(r.Context(), sess.User.ID); {
	case err == nil:
		s.message(w, http.StatusConflict, "Already bound",
			"Your account is already bound to a WeChat. Unbind it first to bind another.", link{s.url(mePath), "Your account"})
		return
	case !errors.Is(err, errNotFound):
		s.fail(w, "find binding", err)
		return
	}
	s.startAuthorization(w, r, s.bindOAuth, oauthState{Purpose: purposeBind, BrowserHash: sess.IDHash, UserID: sess.User.ID})
}

// takeState spends the callback's state and checks that it was started
// for purpose in this browser. A state works once, even when the callback
// then fails.
func (s *server) takeState(w http.ResponseWriter, r *http.Request, purpose string) (oauthState, bool) {
	state := r.URL.Query().Get("state")
	if !isSecret(state) {
		s.badState(w, "no state")
		return oauthState{}, false
	}
	st, err := s.db.takeState(r.Context(), hashSecret(state), s.now())
	if errors.Is(err, errNotFound) {
		s.badState(w, "unknown, used or expired state")
		return oauthState{}, false
	}
	if err != nil {
		s.fail(w, "take state", err)
		return oauthState{}, false
	}
	if st.Purpose != purpose {
		s.badState(w, "state of another purpose")
		return oauthState{}, false
	}
	return st, true
}

func (s *server) badState(w http.ResponseWriter, why string) {
	s.log.Warn("callback refused", "why", why)
	s.message(w, http.StatusBadRequest, "This link is not valid here",
		"It did not come from a WeChat authorization started in this browser, was already used, or is more than ten minutes old. For your safety it was not used.",
		link{s.url(mePath), "Your account"}, link{s.url("/"), "Home"})
}

// authorize trades the callback's code for a token and refuses snapshot
// users. ok is false when it has answered the request.
func (s *server) authorize(ctx context.Context, w http.ResponseWriter, r *http.Request, cfg oauth.Config, retry string) (*oauth.Token, bool) {
	code := r.URL.Query().Get("code")
	if code == "" {
		s.log.Info("user declined authorization")
		s.message(w, http.StatusOK, "No problem",
			"You chose not to authorize, so nothing was changed.", link{s.url(retry), "Back"})
		return nil, false
	}
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		s.wechatFailed(w, "exchange code", err, retry)
		return nil, false
	}
	if tok.IsSnapshotUser {
		// On a snapshot page (快照页) WeChat hands out a virtual OpenID
		// and profile: binding or signing in with them would attach the
		// account to nobody.
		s.log.Info("snapshot user refused")
		s.message(w, http.StatusForbidden, "Please open the full page",
			"WeChat opened this page in snapshot mode (快照页), where it shares a virtual profile instead of yours, so nothing was bound or signed in. Tap “使用完整服务” (use the full service) at the bottom of the page and try again.",
			link{s.url(retry), "Back"})
		return nil, false
	}
	if tok.OpenID == "" || len(tok.OpenID) > maxOpenIDLen {
		s.wechatFailed(w, "exchange code", errors.New("openid missing or too long"), retry)
		return nil, false
	}
	return tok, true
}

// bindCallback finishes a bind: WeChat sent the browser back with a code.
func (s *server) bindCallback(w http.ResponseWriter, r *http.Request) {
	st, ok := s.takeState(w, r, purposeBind)
	if !ok {
		return
	}
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	if sess == nil || sess.IDHash != st.BrowserHash || sess.User.ID != st.UserID {
		s.badState(w, "bind state of another session")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), wechatTimeout)
	defer cancel()
	tok, ok := s.authorize(ctx, w, r, s.bindOAuth, mePath)
	if !ok {
		return
	}
	info, err := s.bindOAuth.UserInfo(ctx, tok, oauth.LangZhCN)
	if err != nil {
		s.wechatFailed(w, "fetch profile", err, mePath)
		return
	}
	b := binding{
		UserID:    sess.User.ID,
		OpenID:    tok.OpenID,
		UnionID:   firstNonEmpty(info.UnionID, tok.UnionID),
		Nickname:  truncate(info.Nickname, maxNicknameBytes),
		AvatarURL: avatarURL(info.HeadImgURL),
		BoundAt:   s.now(),
	}
	if len(b.UnionID) > maxOpenIDLen {
		b.UnionID = ""
	}
	_, created, err := s.db.bind(r.Context(), b)
	switch {
	case errors.Is(err, errWeChatTaken):
		s.log.Info("bind refused: wechat bound to another account", "user", sess.User.ID)
		s.message(w, http.StatusConflict, "This WeChat is bound to another account",
			"The WeChat you authorized with is already bound to another account on this site, so nothing was changed. Sign in to that account and unbind it there first, or use another WeChat.",
			link{s.url(mePath), "Your account"})
		return
	case errors.Is(err, errAccountBound):
		s.log.Info("bind refused: account bound to another wechat", "user", sess.User.ID)
		s.message(w, http.StatusConflict, "Already bound",
			"Your account is already bound to another WeChat, so nothing was changed. Unbind it first to bind this one.",
			link{s.url(mePath), "Your account"})
		return
	case err != nil:
		s.fail(w, "bind", err)
		return
	}
	s.log.Info("bound", "user", sess.User.ID, "new", created)
	if created {
		s.redirect(w, r, mePath+"?done=bound")
	} else {
		s.redirect(w, r, mePath+"?done=already-bound")
	}
}

// unbind removes the signed-in account's binding.
func (s *server) unbind(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.readPost(w, r, true)
	if !ok {
		return
	}
	removed, err := s.db.unbind(r.Context(), sess.User.ID)
	if err != nil {
		s.fail(w, "unbind", err)
		return
	}
	s.log.Info("unbound", "user", sess.User.ID, "was_bound", removed)
	s.redirect(w, r, mePath+"?done=unbound")
}

// wechatLogin starts a sign-in with WeChat: silent web authorization
// (snsapi_base), whose state is tied to this browser by a nonce cookie.
func (s *server) wechatLogin(w http.ResponseWriter, r *http.Request) {
	nonce := newSecret()
	s.setCookie(w, s.nonceName, nonce, stateLifetime)
	s.startAuthorization(w, r, s.loginOAuth, oauthState{Purpose: purposeLogin, BrowserHash: hashSecret(nonce)})
}

// wechatLoginCallback finishes a sign-in with WeChat: the account bound
// to the OpenID gets a session; an unbound WeChat gets unboundMessage and
// no session.
func (s *server) wechatLoginCallback(w http.ResponseWriter, r *http.Request) {
	st, ok := s.takeState(w, r, purposeLogin)
	if !ok {
		return
	}
	c, err := r.Cookie(s.nonceName)
	s.setCookie(w, s.nonceName, "", -1)
	if err != nil || !isSecret(c.Value) || hashSecret(c.Value) != st.BrowserHash {
		s.badState(w, "sign-in state of another browser")
		return
	}
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), wechatTimeout)
	defer cancel()
	tok, ok := s.authorize(ctx, w, r, s.loginOAuth, loginPath)
	if !ok {
		return
	}
	b, err := s.db.bindingByOpenID(r.Context(), tok.OpenID)
	if errors.Is(err, errNotFound) {
		// Whoever was signed in here before, this browser now belongs to
		// a WeChat user with no account: it is signed in as nobody.
		if err := s.endSession(r.Context(), w, sess, false); err != nil {
			s.fail(w, "sign out", err)
			return
		}
		s.log.Info("wechat sign-in refused: not bound")
		s.message(w, http.StatusForbidden, "No account for this WeChat", unboundMessage,
			link{s.url(loginPath), "Sign in"}, link{s.url(signupPath), "Sign up"})
		return
	}
	if err != nil {
		s.fail(w, "find binding", err)
		return
	}
	u, err := s.db.userByID(r.Context(), b.UserID)
	if err != nil {
		s.fail(w, "find user", err)
		return
	}
	if err := s.startSession(r.Context(), w, sess, u); err != nil {
		s.fail(w, "start session", err)
		return
	}
	s.log.Info("signed in", "user", u.ID, "with", "wechat")
	s.redirect(w, r, mePath)
}

// wechatFailed renders the page for a failed call to WeChat. An errcode is
// the user's or the link's problem as far as this page can tell (HTTP
// 400); a WeChat that cannot be reached gets a "try again" page (HTTP 502).
// The oauth package keeps the secret, the code and tokens out of err's
// text, so it can be logged.
func (s *server) wechatFailed(w http.ResponseWriter, step string, err error, retry string) {
	var we *oauth.Error
	if errors.As(err, &we) {
		s.log.Warn("wechat refused", "step", step, "errcode", we.Code, "errmsg", we.Msg)
		s.render(w, http.StatusBadRequest, "message", pageData{
			Title: "WeChat did not complete the authorization", Text: oauthHint(we), ErrCode: we.Code,
			Links: []link{{s.url(retry), "Try again"}},
		})
		return
	}
	s.log.Error("wechat unreachable", "step", step, "err", err)
	s.message(w, http.StatusBadGateway, "WeChat is not answering",
		"We could not reach WeChat to finish. Please try again in a moment.", link{s.url(retry), "Try again"})
}

// oauthHint explains the common errcodes in words.
func oauthHint(we *oauth.Error) string {
	switch {
	case errors.Is(we, oauth.ErrCodeUsed):
		return "This authorization link has already been used (did the page reload?). Please start again."
	case errors.Is(we, oauth.ErrInvalidCode), errors.Is(we, oauth.ErrExpired):
		return "This authorization link is invalid or has expired. Please start again."
	case errors.Is(we, oauth.ErrRevoked):
		return "Your WeChat authorization was revoked (did you change your WeChat password?). Please start again."
	case errors.Is(we, oauth.ErrUnauthorized):
		return "This site may not read WeChat profiles. Please tell the site's operator."
	}
	return "WeChat could not complete the authorization. Please try again in a moment."
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// truncate shortens s to at most n bytes without splitting a character,
// and drops invalid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// avatarURL keeps an avatar URL only if it is an absolute http(s) URL of a
// sensible length: the page puts it in an img src.
func avatarURL(raw string) string {
	if raw == "" || len(raw) > maxAvatarURLLen {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return raw
}
