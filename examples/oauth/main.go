// Command oauth is a page inside WeChat that shows visitors their own
// WeChat profile, built on package github.com/wxmp/wxmp/oauth (网页授权).
//
// The flow: "/" explains and links to "/login"; "/login" sets a random
// state in a signed cookie and redirects to WeChat's consent page; WeChat
// sends the user back to "/callback?code=…&state=…"; the server checks the
// state, spends it (a state works for one callback: the cookie is deleted
// and the state remembered until it would have expired), exchanges the code
// for a web access token, fetches the profile, keeps it in a signed session
// cookie for an hour and redirects (303) to "/me". "/me" renders avatar,
// nickname, sex, province, city, country and OpenID, and survives a
// reload, which the one-time callback URL cannot (a code works once);
// "POST /logout" ends the session. The session holds the profile only,
// never a code or a token.
//
// Both cookies are HttpOnly and SameSite=Lax, signed with HMAC-SHA256 under
// a key drawn at start, so a restart signs everyone out (a real site would
// share a key or keep sessions on the server). When PUBLIC_URL is https
// they are Secure and named with the __Host- prefix.
//
// Refused consent, a reused or stale code and other WeChat errors (errcode)
// get a friendly page naming the errcode, with HTTP 400; a WeChat that cannot
// be reached at all (or that answers with a redirect, which is never
// followed) gets a friendly "try again" page with HTTP 200. No failure on
// WeChat's side ever becomes a 5xx from this server.
//
// # Configuration
//
// All from the environment:
//
//	WECHAT_APPID       the Official Account's AppID (required, except in
//	                   fake mode: see below)
//	WECHAT_SECRET      its AppSecret (required; never logged)
//	PUBLIC_URL         the externally visible base URL, such as
//	                   https://wx.example.com (required). The callback is
//	                   PUBLIC_URL/callback; its host must be the account's
//	                   网页授权域名 (web authorization domain). If PUBLIC_URL has
//	                   a path, the proxy in front must strip it: routes are
//	                   served at the root.
//	ADDR               listen address (default ":8080")
//	WECHAT_OPEN_BASE   base URL of open.weixin.qq.com, for a stand-in
//	                   (default https://open.weixin.qq.com)
//	WECHAT_API_BASE    base URL of api.weixin.qq.com, for a stand-in
//	                   (default https://api.weixin.qq.com)
//	MP_VERIFY_FILE     path of the MP_verify_<name>.txt file downloaded from
//	                   the console when setting the 网页授权域名; it is read at
//	                   start and served at /MP_verify_<name>.txt
//	MP_VERIFY_NAME     instead of MP_VERIFY_FILE: the file name
//	MP_VERIFY_CONTENT  (MP_verify_<name>.txt) and its content, for
//	                   deployments configured only through variables
//
// The verification file's name must match MP_verify_[A-Za-z0-9]+.txt and
// its content be at most 1 KiB; set either MP_VERIFY_FILE or both other
// variables, not both.
//
// Run it with
//
//	WECHAT_APPID=wx… WECHAT_SECRET=… PUBLIC_URL=https://wx.example.com go run ./examples/oauth
//
// and open PUBLIC_URL in WeChat.
//
// # Fake mode
//
// Started with none of WECHAT_APPID, WECHAT_SECRET, WECHAT_OPEN_BASE and
// WECHAT_API_BASE set, the example runs a fake WeChat in-process
// (github.com/wxmp/wxmp/wxmptest.OAuthServer) under /fake-wechat/ on its
// own address, so that
//
//	go run ./examples/oauth
//
// and http://localhost:8080 in any browser show a profile page on a laptop
// with no account and no set-up. PUBLIC_URL then defaults to
// http://localhost:PORT (the port of ADDR). The fake consents at once as a
// made-up user. Fake mode says so in a log line and in a banner on every
// page; set any of those four variables and it is off (a missing
// WECHAT_APPID is then an error, as usual). To run against the fake as a
// separate process instead, see "wxmp oauth-server" (cmd/wxmp).
//
// Fake mode also serves a fake of WeChat's API (wxmptest.APIServer: access
// tokens, customer-service and template messages, menu, media, QR codes,
// user info, the JS-SDK ticket) under /fake-wechat-api/, with the same AppID
// and AppSecret and the fake user who signs in among its followers. Its
// page, PUBLIC_URL/fake-wechat-api/, linked from the banner, lists what was
// sent to each user. Point package api, or cmd/wxmp, at it:
//
//	WECHAT_API_BASE=http://localhost:8080/fake-wechat-api \
//	WECHAT_APPID=wx0123456789abcdef WECHAT_SECRET=wxmptestfakeappsecret0123456789a \
//	go run ./cmd/wxmp send -to oWXMPTEST_fakeuser_000000001 text hello
//
// (wxmptest's published fake credentials and user, which the banner shows
// too) and reload that page.
//
// Logs are JSON lines (log/slog) on stdout; they never contain the secret,
// a code or a token. SIGINT or SIGTERM stops the server gracefully,
// letting requests in flight finish.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

const (
	// stateCookie holds the state of a login in progress, signed with the
	// process's key and valid for stateLifetime (a code expires after five
	// minutes). The callback spends it: the cookie is deleted and the state
	// remembered until it would have expired, so it works once.
	stateCookie   = "wxmp_oauth_state"
	stateLifetime = 10 * time.Minute
	// sessionCookie holds the signed-in visitor's profile, signed with the
	// process's key, for sessionLifetime. Over https both cookie names get
	// the __Host- prefix.
	sessionCookie   = "wxmp_session"
	sessionLifetime = time.Hour
	// maxSpentStates bounds the memory of spent states (about 100 bytes
	// each). Past it, callbacks are refused until old states expire.
	maxSpentStates = 1 << 16
	// wechatTimeout bounds the callback's two calls to WeChat together.
	wechatTimeout  = 10 * time.Second
	shutdownPeriod = 10 * time.Second
	maxVerifySize  = 1 << 10
	// fakePrefix is where fake mode serves the stand-in for WeChat's OAuth
	// hosts, fakeAPIPrefix the stand-in for its API (api.weixin.qq.com's
	// cgi-bin). They are apart because both fakes have a page at their
	// root.
	fakePrefix    = "/fake-wechat"
	fakeAPIPrefix = "/fake-wechat-api"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oauth example:", err)
		os.Exit(1)
	}
}

// config is the example's configuration, read by loadConfig.
type config struct {
	AppID     string
	Secret    string
	PublicURL string // without trailing slash
	Addr      string
	Endpoint  oauth.Endpoint
	// VerifyName and VerifyContent are the MP_verify file; empty name
	// means none is served.
	VerifyName    string
	VerifyContent []byte
	// Fake is true in fake mode: no WeChat variable is set. PublicURL may
	// then be empty until run knows the port.
	Fake bool
	// FakeWeChat, in fake mode, is the stand-in served under fakePrefix;
	// Endpoint points at it.
	FakeWeChat *wxmptest.OAuthServer
	// FakeAPI, in fake mode, is the stand-in for WeChat's API served under
	// fakeAPIPrefix, for package api and cmd/wxmp; its URL is
	// PUBLIC_URL/fake-wechat-api.
	FakeAPI *wxmptest.APIServer

	now      func() time.Time // clock; nil means time.Now (tests set it)
	maxSpent int              // cap on spent states; 0 means maxSpentStates
}

// oauthConfig is the client configuration the server uses.
func (c config) oauthConfig() oauth.Config {
	return oauth.Config{
		AppID:       c.AppID,
		AppSecret:   c.Secret,
		RedirectURL: c.PublicURL + "/callback",
		Scope:       oauth.ScopeUserInfo,
		Endpoint:    c.Endpoint,
	}
}

// loadConfig reads the environment described in the package comment. Its
// errors name variables, never their values.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		AppID:     getenv("WECHAT_APPID"),
		Secret:    getenv("WECHAT_SECRET"),
		PublicURL: strings.TrimRight(getenv("PUBLIC_URL"), "/"),
		Addr:      getenv("ADDR"),
		Endpoint: oauth.Endpoint{
			AuthURL: getenv("WECHAT_OPEN_BASE"),
			APIURL:  getenv("WECHAT_API_BASE"),
		},
	}
	// Fake mode only when no WeChat variable at all is set, so that a
	// deployment that lost one of them fails instead of faking sign-in.
	c.Fake = c.AppID == "" && c.Secret == "" && c.Endpoint == oauth.Endpoint{}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"WECHAT_APPID", c.AppID}, {"WECHAT_SECRET", c.Secret}, {"PUBLIC_URL", c.PublicURL},
	} {
		if v.value == "" && !c.Fake {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variable(s): %s "+
			"(or set none of WECHAT_APPID, WECHAT_SECRET, WECHAT_OPEN_BASE, WECHAT_API_BASE to run against a fake WeChat)",
			strings.Join(missing, ", "))
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.Fake {
		c.AppID, c.Secret = wxmptest.DefaultOAuthAppID, wxmptest.DefaultOAuthAppSecret
	}
	for _, v := range []struct{ name, value string }{
		{"PUBLIC_URL", c.PublicURL}, {"WECHAT_OPEN_BASE", c.Endpoint.AuthURL}, {"WECHAT_API_BASE", c.Endpoint.APIURL},
	} {
		if !isBaseURL(v.value) {
			return config{}, fmt.Errorf("%s must be an absolute http(s) URL without query or fragment", v.name)
		}
	}
	// Building a URL once checks, at start rather than on the first
	// visitor, that the oauth package accepts the configuration. (In fake
	// mode without PUBLIC_URL, run checks it once it has the port.)
	if c.PublicURL != "" {
		if _, err := c.oauthConfig().AuthCodeURL("startup"); err != nil {
			return config{}, err
		}
	}

	file, name, content := getenv("MP_VERIFY_FILE"), getenv("MP_VERIFY_NAME"), getenv("MP_VERIFY_CONTENT")
	switch {
	case file != "" && (name != "" || content != ""):
		return config{}, errors.New("set MP_VERIFY_FILE or MP_VERIFY_NAME and MP_VERIFY_CONTENT, not both")
	case file != "":
		b, err := readLimited(file, maxVerifySize)
		if err != nil {
			return config{}, fmt.Errorf("MP_VERIFY_FILE: %w", err)
		}
		c.VerifyName, c.VerifyContent = filepath.Base(file), b
	case name != "" || content != "":
		if name == "" || content == "" {
			return config{}, errors.New("MP_VERIFY_NAME and MP_VERIFY_CONTENT must be set together")
		}
		if len(content) > maxVerifySize {
			return config{}, fmt.Errorf("MP_VERIFY_CONTENT: longer than %d bytes", maxVerifySize)
		}
		c.VerifyName, c.VerifyContent = name, []byte(content)
	}
	if c.VerifyName != "" && !isVerifyName(c.VerifyName) {
		return config{}, errors.New("the MP_verify file name must look like MP_verify_<letters and digits>.txt")
	}
	return c, nil
}

// isBaseURL reports whether s is empty or an absolute http(s) URL without
// user info, query or fragment.
func isBaseURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && !strings.ContainsAny(s, "?#")
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	return b, nil
}

// isVerifyName reports whether name is MP_verify_[A-Za-z0-9]+.txt.
func isVerifyName(name string) bool {
	mid, ok := strings.CutPrefix(name, "MP_verify_")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".txt")
	if !ok || mid == "" {
		return false
	}
	for _, r := range mid {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// withFakeWeChat completes a fake-mode configuration once the server
// listens on addr: PUBLIC_URL defaults to http://localhost:PORT, the
// browser reaches the fake under PUBLIC_URL/fake-wechat, and the server's
// own calls go to it over loopback (addr) so they do not depend on how
// PUBLIC_URL is routed.
func (c config) withFakeWeChat(addr net.Addr) (config, error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return config{}, fmt.Errorf("fake mode: listening address: %w", err)
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + net.JoinHostPort(localName(host), port)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return config{}, errors.New("PUBLIC_URL must be an absolute http(s) URL without query or fragment")
	}
	c.FakeWeChat = wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{
		AppID:     c.AppID,
		AppSecret: c.Secret,
		// Like the real 网页授权域名: the fake redirects only to PUBLIC_URL's host.
		Domains: []string{u.Hostname()},
	})
	c.Endpoint = oauth.Endpoint{
		AuthURL: c.PublicURL + fakePrefix,
		APIURL:  "http://" + addr.String() + fakePrefix, // Go dials an unspecified address locally
	}
	// The API fake's default followers include the OAuth fake's user, so
	// the user who signs in can be sent messages.
	c.FakeAPI, err = wxmptest.NewUnstartedAPIServer(wxmptest.WithAPICredentials(c.AppID, c.Secret))
	if err != nil {
		return config{}, fmt.Errorf("fake mode: %w", err)
	}
	// Served by this server, never started: its URL, which the links it
	// answers with (a video's video_url) start with, is where the browser
	// reaches it.
	c.FakeAPI.URL = c.PublicURL + fakeAPIPrefix
	if _, err := c.oauthConfig().AuthCodeURL("startup"); err != nil {
		return config{}, err
	}
	return c, nil
}

// localName is the host name a browser on this machine uses for a
// listening host: localhost for an unspecified address.
func localName(host string) string {
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "localhost"
	}
	return host
}

// run serves until ctx is done, then shuts down gracefully. Logs go to
// stdout as JSON lines; the first one, "listening", carries the address.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stdout, nil))
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.Fake {
		if cfg, err = cfg.withFakeWeChat(ln.Addr()); err != nil {
			ln.Close()
			return err
		}
		logger.Warn("fake mode: WECHAT_APPID is not set, so sign-in goes to a fake WeChat served by this process, not to WeChat",
			"fake_wechat", cfg.Endpoint.AuthURL, "fake_api", cfg.FakeAPI.URL, "open", cfg.PublicURL)
	}
	srv := &http.Server{
		Handler:           newServer(cfg, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * wechatTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL,
		"appid", cfg.AppID, "mp_verify", cfg.VerifyName, "fake_wechat", cfg.Fake)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownPeriod)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// server holds what the handlers share. Its fields do not change after
// newServer; spent guards itself.
type server struct {
	cfg      config
	client   oauth.Config
	log      *slog.Logger
	homeURL  string // paths as the browser sees them: PUBLIC_URL's path + "/", …
	loginURL string
	meURL    string
	secure   bool // PUBLIC_URL is https: Secure, __Host- cookies
	pages    map[string]*template.Template
	now      func() time.Time
	signer   *signer
	spent    *spentStates
	// fakeAPIPage is the path of the API fake's page, in fake mode.
	fakeAPIPage string
	// stateName and sessionName are the cookie names, with the __Host-
	// prefix over https: the browser then takes them only with Secure,
	// Path=/ and no Domain, so a sibling subdomain cannot plant them.
	stateName, sessionName string
}

// newServer returns the example's handler: "/", "/login", "/callback",
// "/me", "POST /logout" and, when configured, "/MP_verify_….txt" and the
// fake WeChat under "/fake-wechat/".
func newServer(cfg config, logger *slog.Logger) http.Handler {
	s := &server{
		cfg:         cfg,
		client:      cfg.oauthConfig(),
		log:         logger,
		secure:      strings.HasPrefix(cfg.PublicURL, "https://"),
		pages:       parsePages(),
		now:         cfg.now,
		signer:      newSigner(),
		stateName:   stateCookie,
		sessionName: sessionCookie,
	}
	if s.now == nil {
		s.now = time.Now
	}
	maxSpent := cfg.maxSpent
	if maxSpent <= 0 {
		maxSpent = maxSpentStates
	}
	s.spent = newSpentStates(maxSpent)
	if s.secure {
		s.stateName, s.sessionName = "__Host-"+stateCookie, "__Host-"+sessionCookie
	}
	prefix := ""
	if u, err := url.Parse(cfg.PublicURL); err == nil {
		prefix = strings.TrimRight(u.Path, "/")
	}
	s.homeURL, s.loginURL, s.meURL = prefix+"/", prefix+"/login", prefix+"/me"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("GET /callback", s.callback)
	mux.HandleFunc("GET /me", s.me)
	mux.HandleFunc("POST /logout", s.logout)
	if cfg.VerifyName != "" {
		mux.HandleFunc("GET /"+cfg.VerifyName, s.verify)
	}
	if cfg.FakeWeChat != nil {
		mux.Handle(fakePrefix+"/", http.StripPrefix(fakePrefix, cfg.FakeWeChat.Handler()))
	}
	if cfg.FakeAPI != nil {
		mux.Handle(fakeAPIPrefix+"/", http.StripPrefix(fakeAPIPrefix, cfg.FakeAPI.Handler()))
		s.fakeAPIPage = prefix + fakeAPIPrefix + "/"
	}
	return s.withLogAndHeaders(mux)
}

// withLogAndHeaders sets the security headers every page needs and logs
// one line per request: method, path (never the query, which holds the
// code), status and duration.
func (s *server) withLogAndHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// no-referrer: the callback URL carries the code, and the page
		// loads the avatar from another host.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; img-src https: http:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	data := s.data()
	if p, ok := s.session(r); ok {
		data.Profile = &p
	}
	s.render(w, http.StatusOK, "home", data)
}

// data is the pageData every page starts from.
func (s *server) data() pageData {
	return pageData{HomeURL: s.homeURL, LoginURL: s.loginURL, MeURL: s.meURL}
}

// setCookie sets a cookie with the attributes both cookies share, for
// maxAge; a negative maxAge deletes it.
func (s *server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age = -1 // Max-Age=0 on the wire: delete now
	}
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   age,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	state := rand.Text() // 26 characters of A–Z2–7: 128 random bits
	link, err := s.client.AuthCodeURL(state)
	if err != nil {
		// loadConfig checked the configuration, so this is a bug.
		s.log.Error("cannot build the authorize URL", "err", err)
		http.Error(w, "server misconfigured", http.StatusInternalServerError)
		return
	}
	s.setCookie(w, s.stateName, s.signer.sign("state", []byte(state), s.now().Add(stateLifetime)), stateLifetime)
	http.Redirect(w, r, link, http.StatusFound)
}

// checkState reports whether the callback's ?state= is the one this server
// signed into this browser's state cookie, less than stateLifetime ago.
func (s *server) checkState(r *http.Request) (state string, ok bool) {
	state = r.URL.Query().Get("state")
	cookie, err := r.Cookie(s.stateName)
	if err != nil || state == "" {
		return "", false
	}
	signed, ok := s.signer.open("state", cookie.Value, s.now())
	if !ok || subtle.ConstantTimeCompare(signed, []byte(state)) != 1 {
		return "", false
	}
	return state, true
}

func (s *server) callback(w http.ResponseWriter, r *http.Request) {
	data := s.data()
	state, ok := s.checkState(r)
	if !ok {
		if _, signedIn := s.session(r); signedIn {
			// The callback URL again (history, a reload) in a browser that
			// already signed in: show the profile, ask WeChat nothing.
			http.Redirect(w, r, s.meURL, http.StatusSeeOther)
			return
		}
		s.log.Warn("callback refused: state does not match this browser's login",
			"has_cookie", hasCookie(r, s.stateName), "has_state", r.URL.Query().Has("state"))
		s.render(w, http.StatusBadRequest, "badstate", data)
		return
	}
	// The state works once, whatever happens next: spend it and delete
	// the cookie.
	used, full := s.spent.spend(state, s.now().Add(stateLifetime), s.now())
	switch {
	case full:
		s.log.Error("callback refused: too many sign-ins in the last minutes to remember", "max", s.spent.max)
		w.Header().Set("Retry-After", "60")
		s.render(w, http.StatusServiceUnavailable, "busy", data)
		return
	case used:
		s.log.Warn("callback refused: state already used")
		s.setCookie(w, s.stateName, "", -1)
		s.render(w, http.StatusBadRequest, "badstate", data)
		return
	}
	s.setCookie(w, s.stateName, "", -1)

	code := r.URL.Query().Get("code")
	if code == "" {
		s.log.Info("user declined authorization")
		s.render(w, http.StatusOK, "declined", data)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), wechatTimeout)
	defer cancel()
	tok, err := s.client.Exchange(ctx, code)
	if err != nil {
		s.wechatFailed(w, "exchange code", err, data)
		return
	}
	user, err := s.client.UserInfo(ctx, tok, oauth.LangZhCN)
	if err != nil {
		s.wechatFailed(w, "fetch profile", err, data)
		return
	}
	s.log.Info("signed in", "snapshot_user", tok.IsSnapshotUser, "scope", tok.Scope)
	p := newProfile(user, tok.IsSnapshotUser)
	s.setCookie(w, s.sessionName, s.signer.sessionValue(p, s.now().Add(sessionLifetime)), sessionLifetime)
	// 303: the browser forgets the one-time callback URL and loads a page
	// that survives a reload.
	http.Redirect(w, r, s.meURL, http.StatusSeeOther)
}

// session returns the profile in the request's session cookie, if it is
// one this server signed and it has not expired.
func (s *server) session(r *http.Request) (profile, bool) {
	c, err := r.Cookie(s.sessionName)
	if err != nil {
		return profile{}, false
	}
	b, ok := s.signer.open("session", c.Value, s.now())
	if !ok {
		return profile{}, false
	}
	return unmarshalProfile(b)
}

func hasCookie(r *http.Request, name string) bool {
	_, err := r.Cookie(name)
	return err == nil
}

// me shows the signed-in visitor's profile; without a session it sends
// them to the home page.
func (s *server) me(w http.ResponseWriter, r *http.Request) {
	p, ok := s.session(r)
	if !ok {
		http.Redirect(w, r, s.homeURL, http.StatusSeeOther)
		return
	}
	data := s.data()
	data.Profile = &p
	data.Sex = sexInWords(p.Sex)
	s.render(w, http.StatusOK, "profile", data)
}

// logout ends the session. It is a POST (a form on the profile page), so a
// link elsewhere cannot sign the visitor out, and SameSite=Lax keeps the
// cookie off cross-site POSTs anyway.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	s.setCookie(w, s.sessionName, "", -1)
	http.Redirect(w, r, s.homeURL, http.StatusSeeOther)
}

// wechatFailed renders the page for a failed call to WeChat. An errcode is
// the user's or the link's problem as far as this page can tell (HTTP 400);
// a WeChat that cannot be reached gets the "try again" page with HTTP 200,
// since nothing failed on this server's side. The oauth package keeps the
// secret, the code and tokens out of err's message, so it can be logged.
func (s *server) wechatFailed(w http.ResponseWriter, step string, err error, data pageData) {
	var we *oauth.Error
	if errors.As(err, &we) {
		s.log.Warn("wechat refused", "step", step, "errcode", we.Code, "errmsg", we.Msg)
		data.ErrCode = we.Code
		data.Hint = hintFor(we)
		s.render(w, http.StatusBadRequest, "wechaterror", data)
		return
	}
	s.log.Error("wechat unreachable", "step", step, "err", err)
	s.render(w, http.StatusOK, "unreachable", data)
}

// hintFor explains the common errcodes in words.
func hintFor(we *oauth.Error) string {
	switch {
	case errors.Is(we, oauth.ErrCodeUsed):
		return "This sign-in link has already been used (did the page reload?). Please sign in again."
	case errors.Is(we, oauth.ErrInvalidCode), errors.Is(we, oauth.ErrExpired):
		return "This sign-in link is invalid or has expired. Please sign in again."
	case errors.Is(we, oauth.ErrInvalidOpenID):
		return "WeChat did not recognise this account for this page. Please sign in again."
	case errors.Is(we, oauth.ErrRevoked):
		return "Your WeChat sign-in was revoked (did you change your WeChat password?). Please sign in again."
	case errors.Is(we, oauth.ErrUnauthorized):
		return "This page may not read WeChat profiles. Please tell the site's operator."
	}
	return "WeChat could not complete the sign-in. Please try again in a moment."
}

func sexInWords(s oauth.Sex) string {
	switch s {
	case oauth.SexMale:
		return "男 male"
	case oauth.SexFemale:
		return "女 female"
	}
	return "未设置 not set"
}

func (s *server) verify(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.cfg.VerifyContent)
}

// pageData is what every page template sees.
type pageData struct {
	HomeURL  string
	LoginURL string
	MeURL    string
	Profile  *profile // the signed-in visitor, if any
	Sex      string
	ErrCode  int
	Hint     string
	Fake     bool // fake mode: show the banner
	FakeAPI  *fakeAPIData
}

// fakeAPIData is what the fake-mode banner says about the API fake: where
// its page is and how to point cmd/wxmp at it. The credentials are
// wxmptest's published fake ones.
type fakeAPIData struct {
	Page    string // the page of what it was sent, as the browser sees it
	BaseURL string // for WECHAT_API_BASE
	AppID   string
	Secret  string
	OpenID  string // a follower it knows: the fake user who signs in
}

// render executes a page into a buffer first, so a template failure is a
// clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, status int, page string, data pageData) {
	data.Fake = s.cfg.FakeWeChat != nil
	if fake := s.cfg.FakeAPI; fake != nil {
		data.FakeAPI = &fakeAPIData{Page: s.fakeAPIPage, BaseURL: fake.URL, AppID: fake.AppID(), Secret: fake.AppSecret(),
			OpenID: wxmptest.DefaultOAuthUser().OpenID}
	}
	var buf bytes.Buffer
	if err := s.pages[page].Execute(&buf, data); err != nil {
		s.log.Error("template failed", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// parsePages builds one template per page, each the layout plus its body.
func parsePages() map[string]*template.Template {
	bodies := map[string]string{
		"home": `<h1>Your WeChat profile</h1>
<p>This page shows the profile WeChat shares with this Official Account: your
avatar, nickname, sex and region. WeChat will ask for your consent first.</p>
{{if .Profile}}<p>You are signed in as <strong>{{.Profile.Nickname}}</strong>:
<a class="button" href="{{.MeURL}}">Your profile</a></p>
{{else}}<p><a class="button" href="{{.LoginURL}}">Sign in with WeChat 微信授权登录</a></p>{{end}}`,
		"profile": `<h1>Your WeChat profile</h1>
{{with .Profile}}{{if .Snapshot}}<p class="warn">快照页模式 (snapshot mode): WeChat shows a virtual profile on
this preview page, so the details below are not your real ones. Tap
“使用完整服务” to sign in for real.</p>{{end}}
<div class="card">
{{with .HeadImgURL}}<img src="{{.}}" alt="avatar" width="132" height="132" referrerpolicy="no-referrer">{{end}}
<dl>
<dt>Nickname 昵称</dt><dd class="nickname">{{.Nickname}}</dd>
<dt>Sex 性别</dt><dd>{{$.Sex}}</dd>
<dt>Province 省份</dt><dd>{{.Province}}</dd>
<dt>City 城市</dt><dd>{{.City}}</dd>
<dt>Country 国家</dt><dd>{{.Country}}</dd>
<dt>OpenID</dt><dd><code>{{.OpenID}}</code></dd>
{{with .UnionID}}<dt>UnionID</dt><dd><code>{{.}}</code></dd>{{end}}
</dl>
</div>{{end}}
<form method="post" action="{{.HomeURL}}logout"><button type="submit">Sign out 退出</button></form>`,
		"declined": `<h1>No problem</h1>
<p>You chose not to share your profile, so there is nothing to show.
You can change your mind at any time.</p>
<p><a class="button" href="{{.LoginURL}}">Sign in with WeChat</a></p>`,
		"badstate": `<h1>This sign-in link is not valid here</h1>
<p>The link did not come from a sign-in started in this browser, was
already used, or is more than ten minutes old. For your safety it was not
used.</p>
<p><a class="button" href="{{.LoginURL}}">Start again</a></p>`,
		"wechaterror": `<h1>Sign-in did not complete</h1>
<p>{{.Hint}}</p>
<p class="small">WeChat error code: <code>{{.ErrCode}}</code></p>
<p><a class="button" href="{{.LoginURL}}">Sign in again</a></p>`,
		"busy": `<h1>Too many sign-ins right now</h1>
<p>This server cannot take another sign-in at the moment. Please try again in
a minute.</p>
<p><a class="button" href="{{.LoginURL}}">Try again</a></p>`,
		"unreachable": `<h1>WeChat is not answering</h1>
<p>We could not reach WeChat to finish signing you in. Please try again in a
moment.</p>
<p><a class="button" href="{{.LoginURL}}">Try again</a></p>`,
	}
	const layout = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WeChat profile</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:32rem;padding:1rem;color:#222}
.button{display:inline-block;background:#07c160;color:#fff;padding:.6rem 1.2rem;border-radius:.4rem;text-decoration:none}
.warn{background:#fff3cd;padding:.6rem;border-radius:.4rem}
.card img{border-radius:.5rem}
dt{color:#888;font-size:.85rem;margin-top:.5rem}dd{margin:0}
.small{color:#888;font-size:.85rem}
.fake{background:#fde2e1;border:1px solid #e0a3a0;padding:.6rem;border-radius:.4rem;font-size:.9rem}
</style>
</head>
<body>
{{if .Fake}}<p class="fake" id="fake-wechat"><strong>Fake WeChat 模拟微信.</strong> WECHAT_APPID is not set, so
sign-in goes to a stand-in for WeChat built into this server, and the profile
is made up. Set WECHAT_APPID, WECHAT_SECRET and PUBLIC_URL to use real WeChat.
{{with .FakeAPI}}<br>A fake of WeChat's API is here too:
<a href="{{.Page}}" id="fake-wechat-api">see what it was sent</a>. Send the fake user a message with
<code>WECHAT_API_BASE={{.BaseURL}} WECHAT_APPID={{.AppID}} WECHAT_SECRET={{.Secret}}
go run ./cmd/wxmp send -to {{.OpenID}} text hello</code>{{end}}</p>{{end}}
{{template "body" .}}
</body>
</html>
`
	pages := make(map[string]*template.Template, len(bodies))
	for name, body := range bodies {
		t := template.Must(template.New(name).Parse(layout))
		template.Must(t.New("body").Parse(body))
		pages[name] = t
	}
	return pages
}
