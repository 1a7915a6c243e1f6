package wxmptest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Paths the API fake serves, the same as WeChat's on api.weixin.qq.com
// (showqrcode is on mp.weixin.qq.com; the fake serves it too). They are the
// keys of [APIFault.Path] and [APIServer.Calls].
const (
	APIStableTokenPath      = "/cgi-bin/stable_token"
	APITokenPath            = "/cgi-bin/token"
	APITicketPath           = "/cgi-bin/ticket/getticket"
	APICustomSendPath       = "/cgi-bin/message/custom/send"
	APICustomTypingPath     = "/cgi-bin/message/custom/typing"
	APITemplateSendPath     = "/cgi-bin/message/template/send"
	APITemplateListPath     = "/cgi-bin/template/get_all_private_template"
	APIMenuCreatePath       = "/cgi-bin/menu/create"
	APIMenuGetPath          = "/cgi-bin/menu/get"
	APIMenuDeletePath       = "/cgi-bin/menu/delete"
	APIMediaUploadPath      = "/cgi-bin/media/upload"
	APIMediaGetPath         = "/cgi-bin/media/get"
	APIQRCodeCreatePath     = "/cgi-bin/qrcode/create"
	APIShowQRCodePath       = "/cgi-bin/showqrcode"
	APIUserInfoPath         = "/cgi-bin/user/info"
	APIUserInfoBatchGetPath = "/cgi-bin/user/info/batchget"
	APICallbackIPPath       = "/cgi-bin/getcallbackip"
)

// Credentials an [APIServer] accepts unless [WithAPICredentials] says
// otherwise: the same as the OAuth fake's, as one Official Account has one
// AppID and AppSecret for both. They are not secret.
const (
	DefaultAPIAppID     = DefaultOAuthAppID
	DefaultAPIAppSecret = DefaultOAuthAppSecret
)

// Lifetimes and limits the API fake enforces, as WeChat documents them.
const (
	// APITokenLifetime is the default life of an access_token and of a
	// JS-SDK ticket: expires_in is 7200 (seconds). See WithAPITokenLifetime.
	APITokenLifetime = 7200 * time.Second
	// APITokenOverlap is how long an access_token from /cgi-bin/token keeps
	// working after the next one is issued, and how early before expiry
	// /cgi-bin/stable_token's normal mode hands out a new one: 5 minutes.
	APITokenOverlap = 5 * time.Minute
	// APIMediaLifetime is how long a temporary media_id can be used: 3 days.
	APIMediaLifetime = 3 * 24 * time.Hour
)

// APIUser is a follower (or former follower) the API fake knows: the one
// /cgi-bin/user/info describes and the customer-service and template
// endpoints accept as touser. See
// https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo
type APIUser struct {
	OpenID string // required
	// Unsubscribed makes the user a former follower: user/info answers
	// {"subscribe":0,"openid":…} and nothing else, and messages to them
	// fail with 43004 (require subscribe).
	Unsubscribed bool
	// OutsideWindow makes customer-service messages to the user fail with
	// 45015: they have not written to the account in the last 48 hours.
	OutsideWindow bool

	UnionID        string // sent only when not empty
	Language       string // "zh_CN" when empty
	SubscribeTime  int64  // Unix seconds; 0 means the fake's start
	Remark         string
	GroupID        int
	TagIDs         []int  // nil is sent as []
	SubscribeScene string // "ADD_SCENE_QR_CODE" when empty
	QRScene        int64
	QRSceneStr     string
}

// DefaultAPIUsers returns the followers an [APIServer] knows unless
// [WithAPIUsers] says otherwise: DefaultOpenID, the user a [Pusher] pushes
// from, so that a handler can answer a push through the API; and
// DefaultOAuthUser's OpenID.
func DefaultAPIUsers() []APIUser {
	return []APIUser{
		{OpenID: DefaultOpenID, UnionID: "oUNION_wxmptest_pushuser_0001", Remark: "wxmptest push user"},
		{OpenID: DefaultOAuthUser().OpenID, UnionID: DefaultOAuthUser().UnionID},
	}
}

// APITemplate is a template message template the account has added: what
// /cgi-bin/template/get_all_private_template lists and
// /cgi-bin/message/template/send accepts as template_id.
type APITemplate struct {
	TemplateID      string `json:"template_id"`
	Title           string `json:"title"`
	PrimaryIndustry string `json:"primary_industry"`
	DeputyIndustry  string `json:"deputy_industry"`
	Content         string `json:"content"`
	Example         string `json:"example"`
}

// DefaultAPITemplates returns the templates an [APIServer] has unless
// [WithAPITemplates] says otherwise: one order notice.
func DefaultAPITemplates() []APITemplate {
	return []APITemplate{{
		TemplateID:      "wxmptest_order_shipped_0000000000000000000001",
		Title:           "订单发货通知",
		PrimaryIndustry: "IT科技",
		DeputyIndustry:  "互联网|电子商务",
		Content:         "订单号:{{keyword1.DATA}}\n物流:{{keyword2.DATA}}",
		Example:         "订单号:1234\n物流:顺丰",
	}}
}

// DefaultAPICallbackIPs returns the addresses /cgi-bin/getcallbackip lists
// unless [WithAPICallbackIPs] says otherwise: loopback, where a Pusher
// pushes from, in WeChat's mixed form of addresses and CIDR blocks.
func DefaultAPICallbackIPs() []string { return []string{"127.0.0.1", "::1/128"} }

// APIOption configures an [APIServer] in NewAPIServer. A nil APIOption is
// skipped; one given a value it cannot use makes NewAPIServer fail with an
// error wrapping ErrInvalidConfig that names the option.
type APIOption func(*apiConfig) error

type apiConfig struct {
	appID, appSecret string
	now              func() time.Time
	lifetime         time.Duration
	users            []APIUser
	templates        []APITemplate
	callbackIPs      []string
}

// WithAPICredentials sets the AppID and AppSecret the token endpoints
// accept; the default is DefaultAPIAppID and DefaultAPIAppSecret. Neither may
// be empty.
func WithAPICredentials(appID, appSecret string) APIOption {
	return func(c *apiConfig) error {
		if appID == "" || appSecret == "" {
			return fmt.Errorf("%w: WithAPICredentials: empty AppID or AppSecret", ErrInvalidConfig)
		}
		c.appID, c.appSecret = appID, appSecret
		return nil
	}
}

// WithAPINow sets the clock for token, ticket, media and QR code expiry;
// the default is time.Now. See also APIServer.Advance. now must not be nil.
func WithAPINow(now func() time.Time) APIOption {
	return func(c *apiConfig) error {
		if now == nil {
			return fmt.Errorf("%w: WithAPINow: nil clock", ErrInvalidConfig)
		}
		c.now = now
		return nil
	}
}

// WithAPITokenLifetime sets the life of access tokens and JS-SDK tickets;
// the default is APITokenLifetime (7200 s). It must be a positive whole
// number of seconds, as expires_in is.
func WithAPITokenLifetime(d time.Duration) APIOption {
	return func(c *apiConfig) error {
		if d < time.Second || d%time.Second != 0 {
			return fmt.Errorf("%w: WithAPITokenLifetime: not a positive whole number of seconds", ErrInvalidConfig)
		}
		c.lifetime = d
		return nil
	}
}

// WithAPIUsers sets the users the fake knows, in place of
// DefaultAPIUsers(). Each needs an OpenID, and no two the same.
func WithAPIUsers(users ...APIUser) APIOption {
	return func(c *apiConfig) error {
		seen := map[string]bool{}
		for _, u := range users {
			if u.OpenID == "" || seen[u.OpenID] {
				return fmt.Errorf("%w: WithAPIUsers: empty or repeated OpenID", ErrInvalidConfig)
			}
			seen[u.OpenID] = true
		}
		c.users = append([]APIUser(nil), users...)
		return nil
	}
}

// WithAPITemplates sets the account's templates, in place of
// DefaultAPITemplates(). Each needs a TemplateID, and no two the same.
func WithAPITemplates(templates ...APITemplate) APIOption {
	return func(c *apiConfig) error {
		seen := map[string]bool{}
		for _, t := range templates {
			if t.TemplateID == "" || seen[t.TemplateID] {
				return fmt.Errorf("%w: WithAPITemplates: empty or repeated TemplateID", ErrInvalidConfig)
			}
			seen[t.TemplateID] = true
		}
		c.templates = append([]APITemplate{}, templates...)
		return nil
	}
}

// WithAPICallbackIPs sets what /cgi-bin/getcallbackip lists, in place of
// DefaultAPICallbackIPs(): IP addresses or CIDR blocks, sent as given.
func WithAPICallbackIPs(ips ...string) APIOption {
	return func(c *apiConfig) error {
		for _, ip := range ips {
			if ip == "" {
				return fmt.Errorf("%w: WithAPICallbackIPs: empty address", ErrInvalidConfig)
			}
		}
		c.callbackIPs = append([]string{}, ips...)
		return nil
	}
}

// APIFault replaces the fake's answer on matching calls, for testing how a
// client copes with a WeChat that misbehaves. See APIServer.SetFaults.
type APIFault struct {
	// Path is one of the API…Path constants. "" means every path that
	// takes an access_token, that is all but the two token paths
	// (APIStableTokenPath, APITokenPath) and showqrcode: fault those by
	// naming them.
	Path string
	// Times is how many matching calls get the fault, after which it is
	// spent: 1 for once. 0 means every matching call, for as long as the
	// fault is set.
	Times int
	// ErrCode, when not 0, makes the body {"errcode":ErrCode,"errmsg":…}
	// with HTTP 200, as WeChat answers: 40001 (stale token), 42001
	// (expired token), 45015 (outside the customer-service window), 45047
	// (over the customer-service quota), 40164 (caller IP not in the
	// whitelist), -1 (system busy)…
	ErrCode int
	// ErrMsg is the errmsg; empty means WeChat's text for ErrCode. The fake
	// adds " rid: …" as WeChat does.
	ErrMsg string
	// Rotate, on a call that carried an access_token, revokes that token
	// before answering, as if another instance of the application had
	// force-refreshed it: the token answers 40001 from then on and the
	// next /cgi-bin/stable_token issues a new one. With ErrCode 40001 it
	// plays "40001 with a rotated token", the usual production failure.
	Rotate bool
	// Status is the HTTP status; 0 means 200. A value outside 200–599 is
	// sent as 500. A 3xx is sent with a Location header pointing back at
	// the same path, to test that a client does not follow it.
	Status int
	// Body, when not empty, is sent as is (text/plain) instead of the
	// errcode body, such as "<html>502 Bad Gateway</html>".
	Body string
}

// APIRecord is one call the fake accepted that sends something to a user:
// a customer-service message, a typing state or a template message.
type APIRecord struct {
	Path   string // APICustomSendPath, APICustomTypingPath or APITemplateSendPath
	OpenID string // the touser
	// Kind is the msgtype of a customer-service message ("text",
	// "image"…), the command of a typing call ("Typing",
	// "CancelTyping") or "template".
	Kind string
	// KFAccount is the customservice.kf_account a customer-service
	// message was sent as; empty for none.
	KFAccount string
	// Body is the request body as received, compacted: decode it to check
	// the message's fields.
	Body json.RawMessage
	// MsgID is the msgid answered to a template message; 0 otherwise.
	MsgID int64
	Time  time.Time // the fake's clock when the call was accepted
}

// APIMedia is a temporary media file the fake holds.
type APIMedia struct {
	MediaID     string
	Type        string // image, voice, video or thumb
	Filename    string // the multipart file name
	ContentType string // sniffed from the data
	Data        []byte
	CreatedAt   time.Time
}

// APIQRCode is a parametric QR code the fake created.
type APIQRCode struct {
	Ticket     string
	ActionName string // QR_SCENE, QR_STR_SCENE, QR_LIMIT_SCENE or QR_LIMIT_STR_SCENE
	SceneID    int64  // for the numeric actions
	SceneStr   string // for the string actions
	URL        string // the content of the code
	// Expires is when a temporary code stops working; zero for a permanent
	// one.
	Expires time.Time
}

// APIServer is a fake of WeChat's API host, api.weixin.qq.com, in one HTTP
// server, like an httptest.Server: point an API client's base URL at URL.
// It issues access tokens (stable_token and the older token endpoint) and
// JS-SDK tickets and expires them, checks the access_token of every call,
// and answers each endpoint with WeChat's shapes and errcodes:
//
//   - Tokens: POST /cgi-bin/stable_token ({"grant_type":"client_credential",
//     "appid","secret","force_refresh"}) answers the same token until
//     APITokenOverlap before its expiry, then a new one (the old one works
//     until its own expiry); force_refresh revokes it and issues a new one.
//     GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…
//     issues a new token each time; the previous one works for
//     APITokenOverlap more. The two kinds are independent, as WeChat's
//     are. Errors: 40013 wrong appid, 40125 wrong secret on stable_token
//     and 40001 on token, 40002 wrong grant_type, 41002/41004 missing
//     appid/secret, 43002 GET on stable_token, 47001 a body that is not
//     JSON.
//   - Every other call needs ?access_token=: missing → 41001, unknown or
//     revoked → 40001, expired → 42001.
//   - GET /cgi-bin/ticket/getticket?type=jsapi (or wx_card): the ticket,
//     the same one until it expires.
//   - POST /cgi-bin/message/custom/send (customer-service messages: text,
//     image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu,
//     miniprogrampage, wxcard, optional customservice.kf_account) and
//     /cgi-bin/message/custom/typing: 40003 unknown touser, 43004 not
//     following ([APIUser].Unsubscribed), 45015 outside the 48-hour window
//     ([APIUser].OutsideWindow), 40008 msgtype unknown or its object missing
//     (or another type's object beside it), 44004 empty text, 40007 empty
//     or expired media_id, 44003/45008 news with no or more than one
//     article, 40097 other missing fields, 45072 a typing command other
//     than Typing and CancelTyping.
//   - POST /cgi-bin/message/template/send: {"errcode":0,"errmsg":"ok",
//     "msgid":…} with a 19-digit msgid; 40037 unknown template_id; a repeated
//     client_msg_id within 10 minutes answers the first msgid and sends
//     nothing. GET /cgi-bin/template/get_all_private_template lists
//     [WithAPITemplates].
//   - /cgi-bin/menu/create, get, delete: the documented limits with
//     WeChat's codes (40016–40020 for buttons, 40023–40027 for sub-buttons,
//     65308 a button without action); get answers 46003 when there is no
//     menu, and "sub_button":[] on every leaf, as WeChat does.
//   - POST /cgi-bin/media/upload?type=image|voice|video|thumb (multipart,
//     file part "media"; a thumb's id comes back as thumb_media_id): 40004
//     bad type, 41005 no media part, 40006 empty, 45001 over the type's size
//     limit, 40005 a file whose first bytes are not of the type's formats.
//     GET /cgi-bin/media/get: the bytes with Content-Disposition, or
//     {"video_url":…} for a video; 40007 for an unknown id or one older
//     than APIMediaLifetime.
//   - POST /cgi-bin/qrcode/create (QR_SCENE, QR_STR_SCENE, QR_LIMIT_SCENE,
//     QR_LIMIT_STR_SCENE): 40052 bad action, 40053 a scene out of range,
//     40097 expire_seconds over 2592000. Tickets hold '+', '/' and '=';
//     GET /cgi-bin/showqrcode?ticket= answers a JPEG, or HTTP 404 for an
//     unknown or expired ticket.
//   - GET /cgi-bin/user/info?openid=&lang= and POST
//     /cgi-bin/user/info/batchget (1–100 users, else 40097): 40003 unknown
//     openid; a user who does not follow is {"subscribe":0,"openid":…}.
//   - GET /cgi-bin/getcallbackip: {"ip_list":[…]}.
//   - A POST endpoint called with GET is 43002, the reverse 43001. JSON
//     bodies are decoded more strictly than WeChat does: an unknown field
//     (letter case counts) or a wrong type is 47001 naming the field, so
//     that a misspelt key shows up in tests; a \uXXXX escape is 40033, as
//     WeChat's docs warn.
//
// What the fake accepted for each user is in [APIServer.Sent] and on an
// HTML page at the server's root. [APIServer.SetFaults] makes it answer
// 40001 with a rotated token, 45015, 40164, -1 or any other code, once or
// always. Expiry follows [WithAPINow] plus [APIServer.Advance].
//
// An APIServer is safe for concurrent use. It keeps everything it issues
// and everything it is sent for as long as it lives.
type APIServer struct {
	// URL is the base URL of the running server, "http://127.0.0.1:port",
	// without trailing slash; empty until Start.
	URL string

	appID, appSecret string
	now              func() time.Time
	lifetime         time.Duration
	started          time.Time
	handler          http.Handler
	ts               *httptest.Server

	mu          sync.Mutex
	offset      time.Duration
	faults      []*apiFaultState
	calls       map[string]int
	rid         uint32
	tokens      map[string]*apiToken
	stable      *apiToken             // the current stable_token token
	legacy      *apiToken             // the latest cgi-bin/token token
	tickets     map[string]*apiTicket // current ticket by type
	secrets     []string
	users       map[string]*APIUser
	userOrder   []string
	templates   []APITemplate
	callbackIPs []string
	records     []APIRecord
	msgID       int64
	menu        json.RawMessage // the current menu's button list; nil for none
	menuID      int64
	media       map[string]*APIMedia
	qrcodes     map[string]*APIQRCode
	qrOrder     []string // tickets, oldest first
	seq         int
}

type apiFaultState struct {
	APIFault
	left int // calls left for a fault with Times > 0
}

// apiToken is one access_token the fake issued.
type apiToken struct {
	value   string
	stable  bool
	expires time.Time
	revoked bool
}

// apiTicket is one JS-SDK (or card) ticket.
type apiTicket struct {
	value   string
	expires time.Time
}

// NewAPIServer starts and returns a fake on a loopback port, like
// httptest.NewServer. Call Close when done. The error, which wraps
// ErrInvalidConfig, comes from an option given a value it cannot use.
func NewAPIServer(opts ...APIOption) (*APIServer, error) {
	s, err := NewUnstartedAPIServer(opts...)
	if err != nil {
		return nil, err
	}
	s.Start()
	return s, nil
}

// NewUnstartedAPIServer returns a fake that does not listen yet: call
// Start, or serve Handler on a listener of your own.
func NewUnstartedAPIServer(opts ...APIOption) (*APIServer, error) {
	c := apiConfig{
		appID:       DefaultAPIAppID,
		appSecret:   DefaultAPIAppSecret,
		now:         time.Now,
		lifetime:    APITokenLifetime,
		users:       DefaultAPIUsers(),
		templates:   DefaultAPITemplates(),
		callbackIPs: DefaultAPICallbackIPs(),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	s := &APIServer{
		appID:       c.appID,
		appSecret:   c.appSecret,
		now:         c.now,
		lifetime:    c.lifetime,
		calls:       map[string]int{},
		tokens:      map[string]*apiToken{},
		tickets:     map[string]*apiTicket{},
		users:       map[string]*APIUser{},
		templates:   c.templates,
		callbackIPs: c.callbackIPs,
		media:       map[string]*APIMedia{},
		qrcodes:     map[string]*APIQRCode{},
	}
	s.started = s.now()
	for _, u := range c.users {
		s.addUserLocked(u)
	}
	s.handler = s.newAPIHandler()
	return s, nil
}

// Start starts an unstarted server on a loopback port and sets URL. It
// does nothing if the server is already started.
func (s *APIServer) Start() {
	if s.ts != nil {
		return
	}
	s.ts = httptest.NewServer(s.handler)
	s.URL = s.ts.URL
}

// Close shuts a started server down, blocking until all its requests have
// finished. It does nothing for a server that was never started.
func (s *APIServer) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the fake's HTTP handler, serving the API…Path paths and
// the page at its root.
func (s *APIServer) Handler() http.Handler { return s.handler }

// Client returns an *http.Client for the started server that follows no
// redirect, as a WeChat client should not.
func (s *APIServer) Client() *http.Client {
	c := &http.Client{Timeout: 30 * time.Second}
	if s.ts != nil {
		c.Transport = s.ts.Client().Transport
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// AppID returns the AppID the token endpoints accept.
func (s *APIServer) AppID() string { return s.appID }

// AppSecret returns the AppSecret the token endpoints accept.
func (s *APIServer) AppSecret() string { return s.appSecret }

// Advance moves the fake's clock forward by d (backward if negative), on
// top of WithAPINow's clock: Advance(APITokenLifetime) expires every token.
func (s *APIServer) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now returns the fake's current time: WithAPINow's clock plus the Advance
// offset.
func (s *APIServer) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *APIServer) nowLocked() time.Time { return s.now().Add(s.offset) }

// SetFaults replaces the faults in force. A call matching a fault gets the
// fault's answer instead of the normal one, and has no other effect (a
// Rotate fault aside). The first matching fault that is not spent wins.
// Call it with no arguments to remove them all.
func (s *APIServer) SetFaults(faults ...APIFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = s.faults[:0]
	for _, f := range faults {
		s.faults = append(s.faults, &apiFaultState{APIFault: f, left: f.Times})
	}
}

// takeFaultLocked returns the fault for a call on path, using up one of its
// times, or nil.
func (s *APIServer) takeFaultLocked(path string) *APIFault {
	for _, f := range s.faults {
		if f.Times > 0 && f.left == 0 {
			continue
		}
		if f.Path == path || f.Path == "" && apiTakesToken(path) {
			if f.Times > 0 {
				f.left--
			}
			v := f.APIFault
			return &v
		}
	}
	return nil
}

// Calls returns how many requests reached path (one of the API…Path
// constants), whatever their outcome, faults included.
func (s *APIServer) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// TokenRequests returns how many requests reached the two token paths,
// /cgi-bin/stable_token and /cgi-bin/token, together: what a token cache
// aims to keep low.
func (s *APIServer) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[APIStableTokenPath] + s.calls[APITokenPath]
}

// Token returns the access_token stable_token's normal mode would answer
// now, issuing one if there is none, without counting a request: handy to
// call an endpoint directly in a test.
func (s *APIServer) Token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, _ := s.stableLocked(false)
	return t.value
}

// Ticket returns the current JS-SDK ticket (type jsapi), issuing one if
// there is none, without counting a request: what a page signature must be
// computed with.
func (s *APIServer) Ticket() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ticketLocked("jsapi").value
}

// RotateTokens revokes every access_token issued so far, as a force
// refresh by another instance would: each answers 40001 from now on, and
// the next token request issues a new one.
func (s *APIServer) RotateTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.revoked = true
	}
	s.stable, s.legacy = nil, nil
}

// Secrets returns the AppSecret and every access_token and ticket the fake
// has issued, for asserting that none of them leaks into an error, a log
// line or a page.
func (s *APIServer) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{s.appSecret}, s.secrets...)
}

// newSecretLocked returns prefix plus 26 random characters (A–Z, 2–7) and
// remembers it for Secrets.
func (s *APIServer) newSecretLocked(prefix string) string {
	v := prefix + rand.Text()
	s.secrets = append(s.secrets, v)
	return v
}

// newIDLocked returns a fresh id that is not secret: prefix, a sequence
// number and random characters.
func (s *APIServer) newIDLocked(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%d_%s", prefix, s.seq, rand.Text())
}

// AddUser adds u to the users the fake knows, or replaces the one with the
// same OpenID. u.OpenID must not be empty.
func (s *APIServer) AddUser(u APIUser) {
	if u.OpenID == "" {
		panic("wxmptest: AddUser with an empty OpenID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(u)
}

func (s *APIServer) addUserLocked(u APIUser) {
	u.TagIDs = append([]int(nil), u.TagIDs...)
	if _, ok := s.users[u.OpenID]; !ok {
		s.userOrder = append(s.userOrder, u.OpenID)
	}
	s.users[u.OpenID] = &u
}

// Sent returns, oldest first, what the fake accepted for openID:
// customer-service messages, typing states and template messages.
func (s *APIServer) Sent(openID string) []APIRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []APIRecord
	for _, r := range s.records {
		if r.OpenID == openID {
			out = append(out, r)
		}
	}
	return out
}

// Records returns, oldest first, everything the fake accepted for any user.
func (s *APIServer) Records() []APIRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]APIRecord(nil), s.records...)
}

// Menu returns the current custom menu as /cgi-bin/menu/get's "menu" value
// ({"button":[…],"menuid":…}), or nil when there is none.
func (s *APIServer) Menu() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.menu == nil {
		return nil
	}
	return s.menuJSONLocked()
}

// Media returns the temporary media file with the id, expired or not.
func (s *APIServer) Media(mediaID string) (APIMedia, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[mediaID]
	if !ok {
		return APIMedia{}, false
	}
	c := *m
	c.Data = append([]byte(nil), m.Data...)
	return c, true
}

// AddMedia stores data as a temporary media file of the type (image,
// voice, video or thumb), as if uploaded now, and returns its media_id:
// for testing downloads without an upload.
func (s *APIServer) AddMedia(mediaType, filename string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMediaLocked(mediaType, filename, append([]byte(nil), data...))
}

// QRCodes returns the QR codes created so far, oldest first.
func (s *APIServer) QRCodes() []APIQRCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]APIQRCode, 0, len(s.qrOrder))
	for _, t := range s.qrOrder {
		out = append(out, *s.qrcodes[t])
	}
	return out
}

// apiTakesToken reports whether a path needs an access_token.
func apiTakesToken(path string) bool {
	switch path {
	case APIStableTokenPath, APITokenPath, APIShowQRCodePath:
		return false
	}
	return strings.HasPrefix(path, "/cgi-bin/")
}
