package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/oauth"
)

// Paths of the pages. The first group is fixed (the flow is driven from
// outside through them); the callbacks are this application's choice.
const (
	signupPath        = "/signup"
	loginPath         = "/login"
	logoutPath        = "/logout"
	bindPath          = "/bind"
	unbindPath        = "/unbind"
	wechatLoginPath   = "/login/wechat"
	notifyPath        = "/notify"
	mePath            = "/me"
	bindCallbackPath  = "/bind/callback"
	loginCallbackPath = "/login/wechat/callback"
)

const (
	// stateLifetime bounds a web authorization in flight (a code itself
	// expires after five minutes).
	stateLifetime = 10 * time.Minute
	// wechatTimeout bounds the calls to WeChat one request makes.
	wechatTimeout = 10 * time.Second
	// maxFormBytes bounds a POST body.
	maxFormBytes = 16 << 10
	// loginNonceCookie ties a sign-in with WeChat to the browser that
	// started it.
	loginNonceCookie = "bind_wxlogin"
)

//go:embed templates/*.html static/*
var assets embed.FS

// server holds what the handlers share. Its fields do not change after
// newServer.
type server struct {
	cfg        config
	db         *DB
	log        *slog.Logger
	now        func() time.Time
	bindOAuth  oauth.Config // snsapi_userinfo, back to bindCallbackPath
	loginOAuth oauth.Config // snsapi_base, back to loginCallbackPath
	api        *api.Client
	pages      map[string]*template.Template
	secure     bool   // PUBLIC_URL is https: Secure, __Host- cookies
	prefix     string // PUBLIC_URL's path, which a proxy strips
	bcryptCost int
	// dummyHash is compared against when a username is unknown, so that a
	// sign-in takes as long whether or not the account exists.
	dummyHash []byte
	// Cookie names: with the __Host- prefix over https, so that the
	// browser takes them only with Secure, Path=/ and no Domain.
	sessionName, csrfName, nonceName string
}

// newServer returns the application's handler. Its error is a
// configuration the SDK refuses.
func newServer(cfg config, db *DB, logger *slog.Logger) (http.Handler, error) {
	s := &server{
		cfg:         cfg,
		db:          db,
		log:         logger,
		now:         cfg.now,
		bindOAuth:   cfg.oauthConfig(oauth.ScopeUserInfo, bindCallbackPath),
		loginOAuth:  cfg.oauthConfig(oauth.ScopeBase, loginCallbackPath),
		secure:      strings.HasPrefix(cfg.PublicURL, "https://"),
		bcryptCost:  cfg.bcryptCost,
		sessionName: sessionCookie,
		csrfName:    csrfCookie,
		nonceName:   loginNonceCookie,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.bcryptCost == 0 {
		s.bcryptCost = bcrypt.DefaultCost
	}
	if s.secure {
		s.sessionName, s.csrfName, s.nonceName = "__Host-"+sessionCookie, "__Host-"+csrfCookie, "__Host-"+loginNonceCookie
	}
	if u, err := url.Parse(cfg.PublicURL); err == nil {
		s.prefix = strings.TrimRight(u.Path, "/")
	}
	var err error
	if s.dummyHash, err = bcrypt.GenerateFromPassword([]byte(newSecret()), s.bcryptCost); err != nil {
		return nil, fmt.Errorf("bcrypt: %w", err)
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}

	// The basic access_token, shared with every instance through the
	// database: from cgi-bin/stable_token, WeChat's recommended endpoint,
	// unless the API host answers it with 404 or 405, as a stand-in for
	// WeChat that only has cgi-bin/token does; then from cgi-bin/token for
	// the rest of the process.
	tokenOpts := []accesstoken.Option{
		accesstoken.WithStore(tokenStore{db}),
		accesstoken.WithLegacyFallback(func(status int) {
			logger.Warn("the API host has no cgi-bin/stable_token; using cgi-bin/token", "status", status)
		}),
	}
	apiOpts := []api.Option{}
	if cfg.APIBase != "" {
		tokenOpts = append(tokenOpts, accesstoken.WithBaseURL(cfg.APIBase))
		apiOpts = append(apiOpts, api.WithBaseURL(cfg.APIBase))
	}
	if cfg.httpClient != nil {
		tokenOpts = append(tokenOpts, accesstoken.WithHTTPClient(cfg.httpClient))
		apiOpts = append(apiOpts, api.WithHTTPClient(cfg.httpClient))
	}
	if cfg.now != nil {
		tokenOpts = append(tokenOpts, accesstoken.WithNow(cfg.now))
	}
	tokens, err := accesstoken.New(cfg.AppID, cfg.Secret, tokenOpts...)
	if err != nil {
		return nil, err
	}
	if s.api, err = api.NewClient(tokens, apiOpts...); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET "+signupPath, s.signupForm)
	mux.HandleFunc("POST "+signupPath, s.signup)
	mux.HandleFunc("GET "+loginPath, s.loginForm)
	mux.HandleFunc("POST "+loginPath, s.login)
	mux.HandleFunc("GET "+logoutPath, s.logoutGET)
	mux.HandleFunc("POST "+logoutPath, s.logout)
	mux.HandleFunc("GET "+mePath, s.me)
	mux.HandleFunc("POST "+bindPath, s.bind)
	mux.HandleFunc("GET "+bindCallbackPath, s.bindCallback)
	mux.HandleFunc("POST "+unbindPath, s.unbind)
	mux.HandleFunc("GET "+wechatLoginPath, s.wechatLogin)
	mux.HandleFunc("GET "+loginCallbackPath, s.wechatLoginCallback)
	mux.HandleFunc("POST "+notifyPath, s.notify)
	// Any other method on these paths: 405 with the page, not the 404
	// of the catch-all below.
	for path, allow := range map[string]string{
		signupPath: "GET, HEAD, POST", loginPath: "GET, HEAD, POST", logoutPath: "GET, HEAD, POST",
		mePath: "GET, HEAD", bindPath: "POST", unbindPath: "POST", notifyPath: "POST",
		wechatLoginPath: "GET, HEAD", bindCallbackPath: "GET, HEAD", loginCallbackPath: "GET, HEAD",
	} {
		mux.HandleFunc(path, s.methodNotAllowed(allow))
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	if cfg.VerifyName != "" {
		mux.HandleFunc("GET /"+cfg.VerifyName, s.verify)
	}
	if cfg.fake != nil {
		cfg.fake.mount(mux)
	}
	mux.HandleFunc("/", s.notFound)

	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Host != "" {
		// Behind a proxy the Host header may not be PUBLIC_URL's.
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("PUBLIC_URL: %w", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		s.forbidden(w, r)
	}))
	return s.withLogAndHeaders(cop.Handler(mux)), nil
}

// withLogAndHeaders sets the security headers every page needs and logs
// one line per request: method, path (never the query, which holds codes
// and states), status and duration.
func (s *server) withLogAndHeaders(next http.Handler) http.Handler {
	// form-action: the bind form is answered with a redirect to WeChat's
	// authorize page, which browsers check against form-action too.
	pageCSP := "default-src 'none'; img-src 'self' https: http:; style-src 'self'; base-uri 'none'; " +
		"form-action 'self' " + s.cfg.openOrigin() + "; frame-ancestors 'none'"
	// The fake's own page has an inline style sheet.
	fakeCSP := "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// no-referrer: callback URLs carry the code and the state, and the
		// profile page loads the avatar from another host.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		if s.cfg.fake != nil && strings.HasPrefix(r.URL.Path, fakePrefix+"/") {
			h.Set("Content-Security-Policy", fakeCSP)
		} else {
			h.Set("Content-Security-Policy", pageCSP)
			h.Set("Cache-Control", "no-store")
		}
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

// link is a link or button a page offers.
type link struct {
	URL   string
	Label string
}

// pageData is what every page template sees.
type pageData struct {
	Title    string
	Prefix   string // PUBLIC_URL's path: every link starts with it
	Fake     bool   // fake mode: show the banner
	FakePage string // fake mode: the page of what the fake WeChat was sent
	CSRF     string // the token of the page's forms
	User     *user  // the signed-in account, if any
	Binding  *binding
	Notice   string // a line of good news at the top
	Error    string // what went wrong with the form
	Username string // refills the form
	// The message page's text, a WeChat errcode if any, and where to go
	// next.
	Text    string
	ErrCode int
	Links   []link
	// Notify says how the test notification goes out: "template" or
	// "customer-service".
	Notify string
}

// render executes a page into a buffer first, so that a template failure
// is a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, status int, page string, data pageData) {
	data.Prefix = s.prefix
	if s.cfg.fake != nil {
		data.Fake, data.FakePage = true, s.cfg.fake.pageURL
	}
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("template failed", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// message renders the page that says one thing and offers links on.
func (s *server) message(w http.ResponseWriter, status int, title, text string, links ...link) {
	s.render(w, status, "message", pageData{Title: title, Text: text, Links: links})
}

// url is a path of this application as the browser sees it.
func (s *server) url(path string) string { return s.prefix + path }

// redirect sends the browser to one of this application's paths with 303,
// so that a reload after a POST does not repeat it.
func (s *server) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, s.url(path), http.StatusSeeOther)
}

// fail answers 500 for a failure of this server (the database), logging
// err, which holds no secret.
func (s *server) fail(w http.ResponseWriter, what string, err error) {
	s.log.Error(what, "err", err)
	s.message(w, http.StatusInternalServerError, "Something went wrong",
		"This server could not complete the request. Please try again in a moment.",
		link{s.url("/"), "Home"})
}

// forbidden is the answer to a POST without a valid CSRF token, or from
// another site. It changes nothing.
func (s *server) forbidden(w http.ResponseWriter, _ *http.Request) {
	s.message(w, http.StatusForbidden, "This form has expired",
		"The form was not sent from a page of this site, or it is too old. Nothing was changed. Go back, reload the page and try again.",
		link{s.url(mePath), "Your account"}, link{s.url("/"), "Home"})
}

// signedOut is the answer to a page that needs an account.
func (s *server) signedOut(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Cookie realm="wxmp bind"`)
	s.message(w, http.StatusUnauthorized, "Please sign in",
		"This page is for signed-in users.",
		link{s.url(loginPath), "Sign in"}, link{s.url(signupPath), "Sign up"}, link{s.url(wechatLoginPath), "Sign in with WeChat"})
}

// parseForm reads a POST's form, URL-encoded as browsers send it or
// multipart, at most maxFormBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return r.ParseMultipartForm(maxFormBytes)
	}
	return r.ParseForm()
}

func (s *server) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		text := "This address does not take a " + r.Method + " request."
		if allow == "POST" {
			text = "This address takes the form on your account page, not a link."
		}
		s.message(w, http.StatusMethodNotAllowed, "Not here", text, link{s.url(mePath), "Your account"})
	}
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.message(w, http.StatusNotFound, "Page not found", "There is no page at this address.", link{s.url("/"), "Home"})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.sql.PingContext(r.Context()); err != nil {
		s.log.Error("health check: database", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *server) verify(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.cfg.VerifyContent)
}

// parsePages builds one template per page: the layout plus the page's
// "body".
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.ParseFS(assets, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		pages[page] = t
	}
	return pages, nil
}
