package oauth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Default bases of WeChat's two OAuth hosts.
const (
	// DefaultAuthURL serves the pages the user's browser visits:
	// /connect/oauth2/authorize and /connect/qrconnect.
	DefaultAuthURL = "https://open.weixin.qq.com"
	// DefaultAPIURL serves the server-to-server calls under /sns/.
	DefaultAPIURL = "https://api.weixin.qq.com"
)

// DefaultTimeout bounds a whole request (connect, headers and body) when
// Config.HTTPClient is nil.
const DefaultTimeout = 10 * time.Second

// MaxResponseSize is the largest response body read from WeChat, in bytes
// (64 KiB; real answers are under 2 KiB). A larger body fails with
// [ErrResponseTooLarge].
const MaxResponseSize = 64 << 10

// Scope is a value of the authorize URL's scope parameter, described at
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
type Scope string

// Scopes WeChat knows.
const (
	// ScopeBase redirects silently and grants the OpenID only.
	ScopeBase Scope = "snsapi_base"
	// ScopeUserInfo shows a consent page and grants the profile
	// ([Config.UserInfo]), even for users who do not follow the account.
	ScopeUserInfo Scope = "snsapi_userinfo"
	// ScopeLogin is the only scope of website QR login ([Config.QRConnectURL]).
	ScopeLogin Scope = "snsapi_login"
)

// Endpoint holds the bases of WeChat's two OAuth hosts. Each is a scheme and
// host with an optional path prefix and no trailing slash needed, such as
// "https://open.weixin.qq.com" or "http://127.0.0.1:8081/wechat". Override
// them to reach a test server or a proxy; an empty field means the default.
type Endpoint struct {
	AuthURL string // default DefaultAuthURL
	APIURL  string // default DefaultAPIURL
}

// Config describes one Official Account (or, for QR login, one website app)
// and how to reach WeChat. Each method names the fields it needs:
// AuthCodeURL needs AppID, RedirectURL and Scope; Exchange AppID and
// AppSecret; Refresh AppID; Validate and UserInfo none. A missing one is an
// error wrapping [ErrInvalidConfig], never a silent default. A Config is
// safe for concurrent use; its methods never modify it.
//
// The official guide is
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html
type Config struct {
	// AppID is the Official Account's AppID ("wx…").
	AppID string
	// AppSecret is the account's AppSecret. It is sent only to
	// Endpoint.APIURL and never appears in an error this package returns.
	AppSecret string
	// RedirectURL is where WeChat sends the user back with ?code=…&state=…,
	// an absolute http or https URL whose host is the configured 网页授权域名.
	RedirectURL string
	// Scope is ScopeBase or ScopeUserInfo for AuthCodeURL; QRConnectURL
	// accepts only ScopeLogin (or empty, meaning ScopeLogin).
	Scope Scope
	// HTTPClient makes the /sns/ calls. Nil means a client with
	// DefaultTimeout and http.DefaultTransport. Its CheckRedirect is not
	// used: the calls go through a copy that never follows a redirect, and
	// a 3xx answer is a *StatusError.
	HTTPClient *http.Client
	// Endpoint overrides WeChat's hosts; the zero value means the real ones.
	Endpoint Endpoint
}

func (c Config) authBase() (string, error) {
	return checkBase("Endpoint.AuthURL", c.Endpoint.AuthURL, DefaultAuthURL)
}

func (c Config) apiBase() (string, error) {
	return checkBase("Endpoint.APIURL", c.Endpoint.APIURL, DefaultAPIURL)
}

// checkBase validates an endpoint base and returns it without a trailing
// slash.
func checkBase(field, base, def string) (string, error) {
	if base == "" {
		return def, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || strings.Contains(base, "#") || u.User != nil {
		return "", fmt.Errorf("%w: %s must be an http(s) URL without query or fragment", ErrInvalidConfig, field)
	}
	return strings.TrimRight(base, "/"), nil
}

// checkRedirect validates RedirectURL.
func checkRedirect(s string) error {
	if s == "" {
		return fmt.Errorf("%w: RedirectURL is empty", ErrInvalidConfig)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(s, "#") {
		return fmt.Errorf("%w: RedirectURL must be an absolute http(s) URL without fragment", ErrInvalidConfig)
	}
	return nil
}
