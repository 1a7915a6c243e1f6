package wxmptest

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/wxmp/wxmp/oauth"
)

// Paths the fake serves, the same as WeChat's. The first two are pages of
// open.weixin.qq.com that a browser visits; the rest are server-to-server
// calls to api.weixin.qq.com. They are also the keys of [OAuthFault.Path]
// and [OAuthServer.Calls].
const (
	OAuthAuthorizePath    = "/connect/oauth2/authorize"
	OAuthQRConnectPath    = "/connect/qrconnect"
	OAuthAccessTokenPath  = "/sns/oauth2/access_token"
	OAuthRefreshTokenPath = "/sns/oauth2/refresh_token"
	OAuthAuthPath         = "/sns/auth"
	OAuthUserInfoPath     = "/sns/userinfo"
)

// Lifetimes the fake enforces, as WeChat documents them.
const (
	// OAuthCodeLifetime is how long a code from /connect/oauth2/authorize
	// can be exchanged ("5分钟未被使用自动过期").
	OAuthCodeLifetime = 5 * time.Minute
	// OAuthQRCodeLifetime is how long a code from /connect/qrconnect
	// (website login) can be exchanged.
	OAuthQRCodeLifetime = 10 * time.Minute
	// OAuthAccessTokenLifetime is the life of a web access token:
	// expires_in is 7200 (seconds).
	OAuthAccessTokenLifetime = 7200 * time.Second
	// OAuthRefreshTokenLifetime is the life of a refresh token, counted
	// from the code exchange: 30 days.
	OAuthRefreshTokenLifetime = 30 * 24 * time.Hour
)

// Credentials an [OAuthServer] accepts when [OAuthConfig] leaves them empty.
// They are not secret: anyone can read them here.
const (
	DefaultOAuthAppID     = "wx0123456789abcdef"
	DefaultOAuthAppSecret = "wxmptestfakeappsecret0123456789a"
)

// OAuthUser is the WeChat user the fake plays: who consents on the
// authorize page and whose profile /sns/userinfo returns. The fields are
// those of [oauth.UserInfo]; see
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsuserinfo.html
type OAuthUser struct {
	OpenID string // required; a zero OAuthUser means DefaultOAuthUser
	// UnionID is sent (unionid) with the snsapi_userinfo and snsapi_login
	// scopes; leave it empty for an account not bound to the Open Platform.
	UnionID    string
	Nickname   string
	Sex        oauth.Sex // 0 unknown, 1 male, 2 female; sent as a number
	Province   string
	City       string
	Country    string
	HeadImgURL string   // empty: no avatar
	Privilege  []string // nil is sent as []
	// Snapshot makes the user a snapshot-page (快照页) visitor: a token
	// for the snsapi_userinfo scope carries "is_snapshotuser":1. The
	// profile sent is still this one; give it virtual-looking values if
	// that matters to the test.
	Snapshot bool
}

// DefaultOAuthUser returns the user an [OAuthServer] plays unless told
// otherwise: a bound account (UnionID set) with a Chinese region, no avatar
// and sex unknown, as WeChat now reports for most users.
func DefaultOAuthUser() OAuthUser {
	return OAuthUser{
		OpenID:   "oWXMPTEST_fakeuser_000000001",
		UnionID:  "oUNION_wxmptest_fakeuser_001",
		Nickname: "测试用户 Test User",
		Province: "广东",
		City:     "深圳",
		Country:  "中国",
	}
}

// OAuthConsent is what the fake user does on the consent page.
type OAuthConsent int

const (
	// OAuthConsentAllow: the user agrees and WeChat redirects to
	// redirect_uri?code=CODE&state=STATE.
	OAuthConsentAllow OAuthConsent = iota
	// OAuthConsentRefuse: the user declines and WeChat redirects to
	// redirect_uri?state=STATE, without a code (the older documented
	// behaviour, which callbacks must still handle).
	OAuthConsentRefuse
	// OAuthConsentRefuseNoRedirect: the user declines and WeChat stays on its
	// own page (the newer documented behaviour): the authorize request
	// answers 200 with a small HTML page and no redirect.
	OAuthConsentRefuseNoRedirect
)

// OAuthConfig configures an [OAuthServer]. The zero value is usable: it
// accepts DefaultOAuthAppID and DefaultOAuthAppSecret, plays
// DefaultOAuthUser and uses the real clock.
type OAuthConfig struct {
	// AppID and AppSecret are the only credentials the fake accepts.
	AppID     string
	AppSecret string
	// User is who consents; its zero value means DefaultOAuthUser().
	User OAuthUser
	// Domains, when not empty, are the 网页授权域名 (web authorization
	// domains): the authorize page refuses (errcode 10003) a redirect_uri
	// whose host name, without port, is not one of them. WeChat compares
	// whole host names: "qq.com" does not cover "www.qq.com".
	Domains []string
	// Now is the clock for code and token expiry; nil means time.Now.
	// See also OAuthServer.Advance.
	Now func() time.Time
}

// OAuthFault replaces the fake's answer on one path, for testing how a
// client copes with a WeChat that misbehaves. See OAuthServer.SetFaults.
type OAuthFault struct {
	// Path is one of the OAuth…Path constants; "" means every /sns/ path
	// (not the authorize pages).
	Path string
	// Status is the HTTP status; 0 means 200. A value outside 200–599 is
	// sent as 500.
	Status int
	// ErrCode and ErrMsg, when ErrCode is not 0, make the body WeChat's
	// {"errcode":ErrCode,"errmsg":ErrMsg}, such as 42003 or -1.
	ErrCode int
	ErrMsg  string
	// Body, when not empty, is sent as is instead (text/plain), such as
	// "<html>502 Bad Gateway</html>".
	Body string
	// Delay holds the answer back this long (or until the client gives up),
	// to exercise timeouts.
	Delay time.Duration
}

// OAuthServer is a fake of WeChat's web authorization (网页授权) and website
// login (微信登录) hosts, open.weixin.qq.com and api.weixin.qq.com, in one
// HTTP server, like an httptest.Server. Point an [oauth.Config] at it with
// [OAuthServer.Endpoint] (or get a ready one from
// [OAuthServer.ClientConfig]) and the whole flow runs offline:
//
//	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{})
//	defer s.Close()
//	cfg := s.ClientConfig("https://app.example/callback", oauth.ScopeUserInfo)
//	link, _ := cfg.AuthCodeURL("state1")
//	// GET link: 302 to https://app.example/callback?code=CODE&state=state1
//	tok, err := cfg.Exchange(ctx, code)
//	user, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
//
// It behaves as WeChat documents:
//
//   - The authorize pages (/connect/oauth2/authorize with snsapi_base or
//     snsapi_userinfo, /connect/qrconnect with snsapi_login) check appid,
//     redirect_uri, response_type=code, scope and state (1–128 bytes of
//     a-z A-Z 0-9, optional) and that the parameters come in the documented
//     order, which WeChat enforces. A bad request gets an HTML error page
//     naming WeChat's code where it has one (10003 redirect_uri, 10005
//     scope, 10010 no scope, 10011 no redirect_uri, 10012 no appid, 10013
//     state= given empty; 40013 for another app's appid), with
//     HTTP 400 where WeChat would answer 200, so that a test notices. The
//     #wechat_redirect fragment never reaches a server and is not checked.
//   - The user then consents or refuses as [OAuthServer.SetConsent] says;
//     snsapi_base is silent and always consents. A consent redirects (302)
//     to redirect_uri?code=CODE&state=STATE.
//   - A code can be exchanged once, within OAuthCodeLifetime (5 minutes;
//     OAuthQRCodeLifetime for website login). The /sns/ endpoints answer
//     HTTP 200 with text/plain JSON, errors included:
//     {"errcode":40029,"errmsg":"invalid code, rid: …"}. The codes used are
//     40029 for an unknown or expired code, 40163 for a used one, 40013 for
//     a wrong appid, 40001 for a wrong secret or an unknown access token,
//     40002 for a wrong grant_type, 41001/41008/41009 for a missing
//     access_token/code/openid, 42001 for an access token older than
//     OAuthAccessTokenLifetime, 40030 for an unknown refresh token, 42002
//     for one older than OAuthRefreshTokenLifetime, 40003 for an openid
//     that is not the token's and 48001 for /sns/userinfo with a
//     snsapi_base token. Refreshing an unexpired access token extends it;
//     refreshing an expired one issues a new one. (WeChat's global code list
//     also has 42003, "code expired", for a stale code; the fake answers
//     40029, the documented "invalid code" answer. Use [OAuthFault] to see
//     how a client copes with 42003, -1 or a 5xx.)
//
// Expiry follows [OAuthConfig.Now] plus whatever [OAuthServer.Advance]
// added. An OAuthServer is safe for concurrent use. What it keeps is
// bounded: a code until it expires, a login (its refresh token and its
// last 8 access tokens, a few hundred bytes) until its refresh token has
// been expired for another 30 days, and at most OAuthMaxCodes codes and
// OAuthMaxLogins logins, the oldest forgotten first. Each request costs the
// same time however many came before.
//
// Pages implemented:
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/Wechat_webpage_authorization.html,
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsaccesstoken.html,
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsauth.html,
// https://developers.weixin.qq.com/doc/service/en/api/webdev/access/api_snsuserinfo.html and
// https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html
type OAuthServer struct {
	// URL is the base URL of the running server, "http://127.0.0.1:port",
	// without trailing slash; empty until Start.
	URL string

	appID, appSecret string
	domains          []string
	now              func() time.Time
	handler          http.Handler
	ts               *httptest.Server

	mu         sync.Mutex
	offset     time.Duration
	user       *OAuthUser // shared by the codes and logins issued for it; never changed
	consent    OAuthConsent
	faults     []OAuthFault
	codes      map[string]*oauthCode   // by code
	codeQueue  fifo[*oauthCode]        // the same codes, in the order issued
	tokens     map[string]*oauthAccess // by access token
	grants     map[string]*oauthGrant  // by refresh token
	loginQueue fifo[*oauthGrant]       // the same logins, in the order made
	recent     secretRing              // the last codes and tokens issued
	maxCodes   int                     // OAuthMaxCodes; less in tests
	maxLogins  int                     // OAuthMaxLogins; less in tests
	calls      map[string]int
	rid        int
}

// oauthCode is a code handed out by the authorize page.
type oauthCode struct {
	code    string
	user    *OAuthUser
	scope   oauth.Scope
	expires time.Time
	used    bool
}

// oauthGrant is what one code exchange created, a login: a refresh token
// and the access tokens tied to it, the current one last.
type oauthGrant struct {
	user           *OAuthUser
	scope          oauth.Scope
	refreshToken   string
	refreshExpires time.Time
	accesses       []*oauthAccess // at most oauthAccessKept
}

// access returns g's current access token.
func (g *oauthGrant) access() *oauthAccess { return g.accesses[len(g.accesses)-1] }

// oauthAccess is one access token. A refresh either extends it or, once
// it has expired, replaces it in its grant; the old one stays expired
// (until oauthAccessKept newer ones push it out).
type oauthAccess struct {
	token   string
	grant   *oauthGrant
	expires time.Time
}

// NewOAuthServer starts and returns a fake on a loopback port, like
// httptest.NewServer. Call Close when done.
func NewOAuthServer(cfg OAuthConfig) *OAuthServer {
	s := NewUnstartedOAuthServer(cfg)
	s.Start()
	return s
}

// NewUnstartedOAuthServer returns a fake that does not listen yet: call
// Start, or serve Handler on a listener of your own (mounted under a path
// prefix with http.StripPrefix if you like).
func NewUnstartedOAuthServer(cfg OAuthConfig) *OAuthServer {
	s := &OAuthServer{
		appID:     cfg.AppID,
		appSecret: cfg.AppSecret,
		now:       cfg.Now,
		user:      newOAuthUser(cfg.User),
		codes:     map[string]*oauthCode{},
		tokens:    map[string]*oauthAccess{},
		grants:    map[string]*oauthGrant{},
		calls:     map[string]int{},
		maxCodes:  OAuthMaxCodes,
		maxLogins: OAuthMaxLogins,
	}
	if s.appID == "" {
		s.appID = DefaultOAuthAppID
	}
	if s.appSecret == "" {
		s.appSecret = DefaultOAuthAppSecret
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, d := range cfg.Domains {
		s.domains = append(s.domains, strings.ToLower(d))
	}
	s.handler = s.newHandler()
	return s
}

// Start starts an unstarted server on a loopback port and sets URL. It
// does nothing if the server is already started.
func (s *OAuthServer) Start() {
	if s.ts != nil {
		return
	}
	s.ts = httptest.NewServer(s.handler)
	s.URL = s.ts.URL
}

// Close shuts a started server down, blocking until all its requests have
// finished. It does nothing for a server that was never started.
func (s *OAuthServer) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the fake's HTTP handler, serving the OAuth…Path paths at
// its root. Use it to serve the fake on a listener of your own.
func (s *OAuthServer) Handler() http.Handler { return s.handler }

// AppID returns the AppID the fake accepts.
func (s *OAuthServer) AppID() string { return s.appID }

// AppSecret returns the AppSecret the fake accepts.
func (s *OAuthServer) AppSecret() string { return s.appSecret }

// Endpoint returns the value for [oauth.Config.Endpoint]: both hosts are
// URL. Before Start it points at an unresolvable host, so that a client
// fails rather than reaching the real WeChat.
func (s *OAuthServer) Endpoint() oauth.Endpoint {
	base := s.URL
	if base == "" {
		base = "http://unstarted.wxmptest.invalid"
	}
	return oauth.Endpoint{AuthURL: base, APIURL: base}
}

// ClientConfig returns an [oauth.Config] for this fake: its AppID,
// AppSecret and Endpoint, with redirectURL and scope.
func (s *OAuthServer) ClientConfig(redirectURL string, scope oauth.Scope) oauth.Config {
	return oauth.Config{
		AppID:       s.appID,
		AppSecret:   s.appSecret,
		RedirectURL: redirectURL,
		Scope:       scope,
		Endpoint:    s.Endpoint(),
	}
}

// SetUser changes who consents from now on. Codes and tokens already
// issued keep the user they were issued for. A zero user means
// DefaultOAuthUser().
func (s *OAuthServer) SetUser(u OAuthUser) {
	nu := newOAuthUser(u)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = nu
}

// newOAuthUser returns a copy of u that shares nothing with the caller,
// or DefaultOAuthUser() for a zero u.
func newOAuthUser(u OAuthUser) *OAuthUser {
	if u.OpenID == "" {
		u = DefaultOAuthUser()
	}
	u.Privilege = append([]string(nil), u.Privilege...)
	return &u
}

// SetConsent sets what the user does on the consent page from now on (the
// default is OAuthConsentAllow). It does not apply to snsapi_base, which never
// asks.
func (s *OAuthServer) SetConsent(c OAuthConsent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent = c
}

// SetFaults replaces the faults in force: a request to a path with a
// fault gets the fault's answer instead of the normal one (and has no
// effect: a code is not used up). The first matching fault wins. Call it
// with no arguments to remove them all.
func (s *OAuthServer) SetFaults(faults ...OAuthFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append([]OAuthFault(nil), faults...)
}

// Advance moves the fake's clock forward by d (backward if negative), on
// top of OAuthConfig.Now: Advance(OAuthCodeLifetime) makes every pending
// code expire.
func (s *OAuthServer) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now returns the fake's current time: OAuthConfig.Now plus the Advance
// offset.
func (s *OAuthServer) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *OAuthServer) nowLocked() time.Time { return s.now().Add(s.offset) }

// IssueCode returns a fresh code for the current user, as if they had just
// consented to scope on the authorize page (on /connect/qrconnect for
// oauth.ScopeLogin), without a browser: handy for testing a callback
// handler directly. The scope is recorded as given; only snsapi_userinfo
// and snsapi_login tokens may read /sns/userinfo.
func (s *OAuthServer) IssueCode(scope oauth.Scope) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueCodeLocked(scope)
}

// issueCodeLocked issues a code for the current user and scope, valid for
// OAuthQRCodeLifetime with oauth.ScopeLogin (the only scope of
// /connect/qrconnect) and OAuthCodeLifetime with the others.
func (s *OAuthServer) issueCodeLocked(scope oauth.Scope) string {
	life := OAuthCodeLifetime
	if scope == oauth.ScopeLogin {
		life = OAuthQRCodeLifetime
	}
	now := s.nowLocked()
	c := &oauthCode{code: s.newSecretLocked("FAKECODE"), user: s.user, scope: scope, expires: now.Add(life)}
	s.keepCodeLocked(c, now)
	return c.code
}

// newSecretLocked returns prefix plus 26 random characters (A–Z, 2–7) and
// remembers it for Secrets.
func (s *OAuthServer) newSecretLocked(prefix string) string {
	v := prefix + rand.Text()
	s.recent.add(v)
	return v
}

// Secrets returns the AppSecret, every code, access token and refresh
// token the fake still keeps, and the last 1024 it issued, for asserting
// that none of them leaks into a log line, an error message or a page.
// The AppSecret comes first, then the last issued, oldest first, then the
// rest of those kept, in no particular order.
func (s *OAuthServer) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string{s.appSecret}, s.recent.all()...)
	seen := make(map[string]bool, len(out))
	for _, v := range out {
		seen[v] = true
	}
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for v := range s.codes {
		add(v)
	}
	for v := range s.grants {
		add(v)
	}
	for v := range s.tokens {
		add(v)
	}
	return out
}

// Calls returns how many requests reached path (one of the OAuth…Path
// constants), whatever their outcome.
func (s *OAuthServer) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}
