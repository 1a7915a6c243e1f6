// Package oauth is a client for WeChat web authorization (网页授权), the
// OAuth 2.0 flow that lets a page opened inside WeChat learn who is
// visiting, and for the website QR login (微信登录) that uses the same API.
//
// The flow has three steps. Send the user to [Config.AuthCodeURL] with a
// random state you remember (a cookie will do). WeChat asks for consent and
// redirects to RedirectURL?code=CODE&state=STATE. Check the state, then
// trade the code for a [Token] with [Config.Exchange] and, with scope
// snsapi_userinfo, fetch the profile with [Config.UserInfo]:
//
//	cfg := oauth.Config{
//		AppID:       "wx…",
//		AppSecret:   os.Getenv("WECHAT_SECRET"),
//		RedirectURL: "https://example.com/callback",
//		Scope:       oauth.ScopeUserInfo,
//	}
//	state := rand.Text() // crypto/rand; keep it in an HttpOnly cookie
//	link, err := cfg.AuthCodeURL(state)
//	// … later, in the callback, after comparing ?state= with the cookie:
//	tok, err := cfg.Exchange(ctx, r.FormValue("code"))
//	if errors.Is(err, oauth.ErrCodeUsed) {
//		// the page was reloaded: start again
//	}
//	user, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
//
// WeChat reports failures as HTTP 200 with {"errcode":…,"errmsg":…} and
// serves its JSON as text/plain; this package turns such an answer into an
// *[Error] that errors.Is matches against [ErrInvalidCode], [ErrCodeUsed],
// [ErrExpired], [ErrInvalidOpenID], [ErrRevoked] and [ErrUnauthorized]. A
// non-2xx status is a *[StatusError], a redirect included: no call follows
// one, so the AppSecret, a code or a token never reaches a host other than
// Endpoint.APIURL. Responses are read up to [MaxResponseSize]. The
// AppSecret, codes and tokens never appear in an error message, not even in
// the *url.Error that net/http returns for a failed request.
//
// [Config.Endpoint] points the client at a test server or a proxy instead
// of open.weixin.qq.com and api.weixin.qq.com.
//
// The official guide is
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
package oauth
