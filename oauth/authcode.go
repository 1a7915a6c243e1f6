package oauth

import (
	"fmt"
	"strings"
)

// MaxStateLen is the longest state WeChat accepts in an authorize URL, in
// bytes (128).
const MaxStateLen = 128

// Option adds an optional parameter to [Config.AuthCodeURL] or
// [Config.QRConnectURL]. A nil Option is skipped. An option given a bad
// value ([LoginLang] with a language the page does not offer) makes the call
// fail with an error wrapping [ErrInvalidArgument]; an option that does not
// apply to the call ([ForcePopup] or [ForceSnapShot] on QRConnectURL,
// LoginLang on AuthCodeURL) makes it fail with [ErrInvalidConfig]. Neither
// error quotes the value.
//
// The parameters are those of the authorize URL at
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
// and of the qrconnect URL at
// https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html
type Option func(*options) error

// options collects what the Options ask for.
type options struct {
	forcePopup    bool   // AuthCodeURL only
	forceSnapShot bool   // AuthCodeURL only
	loginLang     string // QRConnectURL only: "cn" or "en"
}

// apply runs opts in order, skipping nil ones.
func apply(opts []Option) (options, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return options{}, err
		}
	}
	return o, nil
}

// ForcePopup adds forcePopup=true to [Config.AuthCodeURL]: show the consent
// page even where WeChat would otherwise authorize silently (WeChat may
// still skip it in some special cases).
func ForcePopup() Option {
	return func(o *options) error { o.forcePopup = true; return nil }
}

// ForceSnapShot adds forceSnapShot=true to [Config.AuthCodeURL]: open the
// snapshot page (快照页) rather than the consent page (WeChat ignores it in
// some cases).
func ForceSnapShot() Option {
	return func(o *options) error { o.forceSnapShot = true; return nil }
}

// LoginLang sets the language of the QR login page of
// [Config.QRConnectURL]: [LangZhCN] adds lang=cn (WeChat's default) and
// [LangEN] lang=en. The page offers no other language: any other Lang,
// [LangZhTW] included, is an error wrapping [ErrInvalidArgument].
func LoginLang(lang Lang) Option {
	return func(o *options) error {
		switch lang {
		case LangZhCN:
			o.loginLang = "cn"
		case LangEN:
			o.loginLang = "en"
		default:
			return fmt.Errorf("%w: LoginLang must be LangZhCN or LangEN", ErrInvalidArgument)
		}
		return nil
	}
}

// AuthCodeURL returns the URL to send the user to, inside WeChat, to ask for
// consent:
//
//	https://open.weixin.qq.com/connect/oauth2/authorize?appid=APPID&redirect_uri=REDIRECT_URI&response_type=code&scope=SCOPE&state=STATE#wechat_redirect
//
// The parameters come in exactly this order, because WeChat rejects links
// whose parameters are reordered; forcePopup and forceSnapShot, when
// requested, follow state. redirect_uri is percent-encoded byte by byte
// (everything but A–Z a–z 0–9 - . _ ~), so "https://a.com/cb" becomes
// "https%3A%2F%2Fa.com%2Fcb".
//
// state must be 1 to 128 bytes of a–z, A–Z, 0–9, else the error wraps
// [ErrInvalidState]. Use a fresh random value per login and check it in the
// callback to stop cross-site request forgery; crypto/rand.Text returns a
// suitable one. Config.Scope must be [ScopeBase] or [ScopeUserInfo] and
// AppID and RedirectURL must be set, else the error wraps [ErrInvalidConfig].
//
// WeChat then redirects to RedirectURL?code=CODE&state=STATE; the code is
// single use and expires after 5 minutes. If the user refuses, WeChat
// either does not redirect or redirects with state and no code.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
func (c Config) AuthCodeURL(state string, opts ...Option) (string, error) {
	if c.Scope != ScopeBase && c.Scope != ScopeUserInfo {
		return "", fmt.Errorf("%w: Scope must be %s or %s", ErrInvalidConfig, ScopeBase, ScopeUserInfo)
	}
	p, err := apply(opts)
	if err != nil {
		return "", err
	}
	if p.loginLang != "" {
		return "", fmt.Errorf("%w: LoginLang applies to QRConnectURL only", ErrInvalidConfig)
	}
	var extra []string
	if p.forcePopup {
		extra = append(extra, "forcePopup=true")
	}
	if p.forceSnapShot {
		extra = append(extra, "forceSnapShot=true")
	}
	return c.authorizeURL("/connect/oauth2/authorize", c.Scope, state, extra)
}

// QRConnectURL returns the URL of the website QR login page (微信登录),
// which a browser outside WeChat opens to show a QR code:
//
//	https://open.weixin.qq.com/connect/qrconnect?appid=APPID&redirect_uri=REDIRECT_URI&response_type=code&scope=snsapi_login&state=STATE#wechat_redirect
//
// AppID is the website app's AppID from the Open Platform, not an Official
// Account's. Config.Scope must be empty or [ScopeLogin]. The state rules and
// errors are those of [Config.AuthCodeURL]; a [LoginLang] option adds lang
// after state, and the option errors are those described at [Option]. The code that comes back (valid 10 minutes, single use) is
// exchanged with [Config.Exchange] like any other.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html
func (c Config) QRConnectURL(state string, opts ...Option) (string, error) {
	if c.Scope != "" && c.Scope != ScopeLogin {
		return "", fmt.Errorf("%w: Scope must be %s for QR login", ErrInvalidConfig, ScopeLogin)
	}
	p, err := apply(opts)
	if err != nil {
		return "", err
	}
	if p.forcePopup || p.forceSnapShot {
		return "", fmt.Errorf("%w: ForcePopup and ForceSnapShot apply to AuthCodeURL only", ErrInvalidConfig)
	}
	var extra []string
	if p.loginLang != "" {
		extra = append(extra, "lang="+p.loginLang)
	}
	return c.authorizeURL("/connect/qrconnect", ScopeLogin, state, extra)
}

// authorizeURL builds base+path?appid&redirect_uri&response_type&scope&state
// [&extra…]#wechat_redirect after checking what both URL kinds need.
func (c Config) authorizeURL(path string, scope Scope, state string, extra []string) (string, error) {
	if err := checkState(state); err != nil {
		return "", err
	}
	if c.AppID == "" {
		return "", fmt.Errorf("%w: AppID is empty", ErrInvalidConfig)
	}
	if err := checkRedirect(c.RedirectURL); err != nil {
		return "", err
	}
	base, err := c.authBase()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString(path)
	b.WriteString("?appid=")
	b.WriteString(escape(c.AppID))
	b.WriteString("&redirect_uri=")
	b.WriteString(escape(c.RedirectURL))
	b.WriteString("&response_type=code&scope=")
	b.WriteString(escape(string(scope)))
	b.WriteString("&state=")
	b.WriteString(state)
	for _, e := range extra {
		b.WriteByte('&')
		b.WriteString(e)
	}
	b.WriteString("#wechat_redirect")
	return b.String(), nil
}

// checkState enforces WeChat's rule for state: 1–128 bytes of a–z A–Z 0–9.
// The value itself is not echoed in the error.
func checkState(state string) error {
	if state == "" {
		return fmt.Errorf("%w: empty (use a random value to protect the callback)", ErrInvalidState)
	}
	if len(state) > MaxStateLen {
		return fmt.Errorf("%w: %d bytes, at most %d allowed", ErrInvalidState, len(state), MaxStateLen)
	}
	for i := 0; i < len(state); i++ {
		if !isAlnum(state[i]) {
			return fmt.Errorf("%w: byte %d is not a-z, A-Z or 0-9", ErrInvalidState, i)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// escape percent-encodes every byte of s except the RFC 3986 unreserved
// characters, with upper-case hex. Unlike url.QueryEscape it writes a space
// as %20, never '+'.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}
