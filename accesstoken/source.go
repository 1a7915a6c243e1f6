package accesstoken

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wxmp/wxmp/internal/tokencache"
	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Defaults a Source uses unless an Option says otherwise.
const (
	// DefaultBaseURL is WeChat's general API host, which routes to the
	// nearest access point. See WithBaseURL.
	DefaultBaseURL = "https://api.weixin.qq.com"
	// DefaultExpiryDelta is how long before its expiry a token is
	// refreshed: 3 minutes. See WithExpiryDelta for why.
	DefaultExpiryDelta = 3 * time.Minute
	// MaxExpiryDelta is the largest delta WithExpiryDelta accepts: 1 hour.
	MaxExpiryDelta = time.Hour
)

// Paths of the two token endpoints under the base URL.
const (
	stablePath = "/cgi-bin/stable_token"
	legacyPath = "/cgi-bin/token"
)

// Option configures a Source in New. A nil Option is skipped; one given a
// nil or out-of-range value makes New return an error wrapping
// ErrInvalidConfig that names the option.
type Option func(*config) error

// config is what the options set; New completes it and the Source keeps it.
type config struct {
	appID, secret string
	client        *http.Client
	baseURL       string
	now           func() time.Time
	store         Store
	legacy        bool
	onFallback    func(status int) // WithLegacyFallback; nil without it
	delta         time.Duration
}

// WithHTTPClient sets the client the Source sends its requests with. The
// Source uses a copy that never follows redirects (a 3xx is a
// *StatusError). The default is a client with a 10-second timeout. A nil
// client is an error.
func WithHTTPClient(c *http.Client) Option {
	return func(o *config) error {
		if c == nil {
			return fmt.Errorf("%w: WithHTTPClient: nil client", ErrInvalidConfig)
		}
		o.client = wxhttp.NoRedirect(c)
		return nil
	}
}

// WithBaseURL sets where the token endpoints are, for a stand-in, a proxy or
// another access point such as "https://api2.weixin.qq.com" (the
// disaster-recovery host) or "https://sh.api.weixin.qq.com" (Shanghai):
// rawURL is an absolute http or https URL without query or fragment; a path
// is kept as a prefix. The default is DefaultBaseURL.
func WithBaseURL(rawURL string) Option {
	return func(o *config) error {
		base, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("%w: WithBaseURL: %s", ErrInvalidConfig, err)
		}
		o.baseURL = base
		return nil
	}
}

// parseBaseURL checks rawURL for WithBaseURL and returns it without a
// trailing slash. Its errors do not quote rawURL.
func parseBaseURL(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return "", errors.New("URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", errors.New("not an absolute http(s) URL")
	case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return "", errors.New("URL has user info, a query or a fragment")
	}
	return strings.TrimRight(rawURL, "/"), nil
}

// WithNow sets the clock the Source computes expiries and freshness with;
// the default is time.Now. A nil func is an error.
func WithNow(now func() time.Time) Option {
	return func(o *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil func", ErrInvalidConfig)
		}
		o.now = now
		return nil
	}
}

// WithStore makes the Source share its token with every other Source (of
// the same AppID) that uses the same Store; see [Store]. Without it the
// token lives in this Source's memory. A nil Store is an error.
func WithStore(s Store) Option {
	return func(o *config) error {
		if s == nil {
			return fmt.Errorf("%w: WithStore: nil store", ErrInvalidConfig)
		}
		o.store = s
		return nil
	}
}

// WithLegacyToken makes the Source fetch from cgi-bin/token (GET, the
// AppSecret in the query) instead of cgi-bin/stable_token. Every call to
// cgi-bin/token issues a new token, and the previous one stops working 5
// minutes later, so processes that do not share a Store invalidate each
// other's tokens; its quota is 2000 a day. Use it only where
// stable_token is not available to you (a stand-in that lacks it).
//
// See https://developers.weixin.qq.com/doc/service/en/api/base/api_getaccesstoken.html
func WithLegacyToken() Option {
	return func(o *config) error {
		o.legacy = true
		return nil
	}
}

// WithLegacyFallback makes the Source fetch from cgi-bin/token, as with
// WithLegacyToken, once the API host has answered cgi-bin/stable_token with
// HTTP 404 or 405: what a stand-in for WeChat that lacks stable_token does.
// It is only for such stand-ins: WeChat itself serves stable_token, and
// cgi-bin/token has the drawbacks WithLegacyToken describes.
//
// The switch happens at most once per Source and is remembered for the
// Source's life: the fetch that got the 404 or 405 asks cgi-bin/token at
// once, and every later fetch goes there directly. Just before that
// request, onSwitch is called once with the status (404 or 405), so that
// the application can log it; it runs in the fetching goroutine, must not
// call the Source's methods, and should return quickly. Any other answer
// of stable_token (an errcode such as 40164, another status such as 500, a
// transport error) is returned as it is and never causes the switch.
//
// ForceRefresh does not cause the switch: before it, ForceRefresh asks
// stable_token and returns a 404 as a *StatusError; after it, ForceRefresh
// asks cgi-bin/token. With WithLegacyToken this option has no effect. A nil
// onSwitch is an error.
func WithLegacyFallback(onSwitch func(status int)) Option {
	return func(o *config) error {
		if onSwitch == nil {
			return fmt.Errorf("%w: WithLegacyFallback: nil func", ErrInvalidConfig)
		}
		o.onFallback = onSwitch
		return nil
	}
}

// WithExpiryDelta sets how long before its expiry a token is refreshed: the
// first Token call from then on fetches a new one. It must be positive and
// at most MaxExpiryDelta; the default is DefaultExpiryDelta, 3 minutes.
//
// Why 3 minutes: in its normal mode cgi-bin/stable_token hands out a new
// token only in the last 5 minutes of the current one's life, and the same
// token before that. Refreshing 3 minutes ahead lands inside that window
// with 2 minutes to spare for latency, while the old token still works for
// the calls in flight. cgi-bin/token keeps the old token working for 5
// minutes after the new one is issued, which 3 minutes also fits. A delta
// over 5 minutes works but costs a fetch that returns the same token; the
// Source then keeps that token until its expiry and fetches the next one
// then, never fetching in a loop.
func WithExpiryDelta(d time.Duration) Option {
	return func(o *config) error {
		if d <= 0 || d > MaxExpiryDelta {
			return fmt.Errorf("%w: WithExpiryDelta: must be in (0, %v]", ErrInvalidConfig, MaxExpiryDelta)
		}
		o.delta = d
		return nil
	}
}

// Source hands out the account's access token: cached, refreshed ahead of
// its expiry, and fetched once for all callers that need it at the same
// moment. Its methods are safe for concurrent use. Create one per AppID
// with [New] and share it; with [WithStore], several processes share one
// token too.
//
// Printing a Source with fmt shows its AppID and endpoint, never the
// AppSecret or the token.
type Source struct {
	// p keeps the state two pointers away from any Source value: fmt
	// prints a pointer met inside a struct as an address, and even a wrong
	// verb (%s on a struct that holds a Source in an unexported field)
	// expands only one level, which here holds nothing but pointers.
	p *state
}

// state is a Source's: only pointers, see Source.p.
type state struct {
	cfg   *config
	cache *tokencache.Cache
	// legacy is set once WithLegacyFallback has switched to cgi-bin/token.
	legacy atomic.Bool
}

// New returns a Source for the account appID (wx…) with appSecret, both
// from 设置与开发 → 基本配置 in the console. Neither may be empty; the
// options are checked here, and their errors wrap ErrInvalidConfig. New
// makes no request: the first Token does.
func New(appID, appSecret string, opts ...Option) (*Source, error) {
	if appID == "" {
		return nil, fmt.Errorf("%w: empty AppID", ErrInvalidConfig)
	}
	if appSecret == "" {
		return nil, fmt.Errorf("%w: empty AppSecret", ErrInvalidConfig)
	}
	c := &config{appID: appID, secret: appSecret, baseURL: DefaultBaseURL, now: time.Now, delta: DefaultExpiryDelta}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.client == nil {
		c.client = wxhttp.NoRedirect(nil)
	}
	st := &state{cfg: c}
	s := &Source{p: st}
	tc := tokencache.Config{
		Key:   storeKeyPrefix + appID,
		Fetch: s.fetch,
		Now:   c.now,
		Delta: c.delta,
	}
	if c.store != nil {
		tc.Store = c.store
	}
	st.cache = tokencache.New(tc)
	return s, nil
}

// AppID returns the AppID the Source was created with.
func (s *Source) AppID() string { return s.p.cfg.appID }

// Token returns the access token to put in an API call's ?access_token=.
// It is [Source.Current] without the expiry, the method the consumers of a
// token (package api, jssdk) call through their TokenSource interfaces.
func (s *Source) Token(ctx context.Context) (string, error) {
	t, err := s.Current(ctx)
	return t.AccessToken, err
}

// Current returns a token that has not expired by the Source's clock, and
// its expiry; normally more than the expiry delta of its life is left (see
// below for when less is).
//
// From memory when the cached token is fresh: no I/O, no allocation. Else
// from the Store, if one is set and holds a fresh token. Else it fetches one
// from WeChat: one request, shared by every caller that arrives while it
// runs, never retried inside the Source. If the refresh of a token that has
// not yet expired fails, Current returns the old token and tries again on a
// call at least 15 seconds later; the error only comes through once the old
// token has expired (or when there was none).
//
// ctx bounds the wait of this caller. The request itself goes on while any
// caller still waits for it, and is cancelled when all of them have given
// up. Errors: an *[Error] for WeChat's errcode (errors.Is matches
// [ErrIPNotWhitelisted], [ErrInvalidSecret], …), a *[StatusError], an error
// wrapping [ErrInvalidResponse], or a transport or ctx error wrapped with
// %w. None holds the AppSecret or a token.
func (s *Source) Current(ctx context.Context) (Token, error) {
	e, err := s.p.cache.Get(ctx)
	if err != nil {
		return Token{}, wrapCtx(err)
	}
	return Token{AccessToken: e.Value, Expiry: e.Expiry}, nil
}

// Invalidate tells the Source that WeChat refused the token failed: an API
// call made with it returned errcode 40001, 40014 or 42001. If failed is still the cached
// token (in memory, and in the Store: compare-and-swap), it is forgotten and
// the next Token fetches or loads another; if it has already been replaced,
// by this process or another, nothing changes, so that a burst of calls
// that failed with the same token causes one fetch. An empty failed does
// nothing. The error is the Store's.
//
// Then retry the failed call once with a new Token. Do not call Invalidate
// for other errcodes, and do not retry on 40164, 89503, 45009 or 40243: a
// new token will not help.
func (s *Source) Invalidate(ctx context.Context, failed string) error {
	if err := s.p.cache.Invalidate(ctx, failed); err != nil {
		return fmt.Errorf("accesstoken: store: %w", err)
	}
	return nil
}

// ForceRefresh makes WeChat issue a new token now, even if the current one
// is valid, and caches and stores it: cgi-bin/stable_token with
// force_refresh=true, or cgi-bin/token with WithLegacyToken. WeChat allows
// it 20 times a day, at least 30 seconds apart, and the previous token stops
// working, for every process: use it when a token may have leaked, not to
// recover from 40001 (use Invalidate). Concurrent calls share one request;
// a failure is returned as it is, with the cached token unchanged. The
// Source never calls it on its own.
//
// See https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
func (s *Source) ForceRefresh(ctx context.Context) (Token, error) {
	e, err := s.p.cache.Refresh(ctx)
	if err != nil {
		return Token{}, wrapCtx(err)
	}
	return Token{AccessToken: e.Value, Expiry: e.Expiry}, nil
}

// wrapCtx adds the package prefix to a bare context error; the others
// already carry it.
func wrapCtx(err error) error {
	if err == context.Canceled || err == context.DeadlineExceeded {
		return fmt.Errorf("accesstoken: %w", err)
	}
	return err
}

// stableRequest is the body of cgi-bin/stable_token.
type stableRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// fetch makes one token request, or two when WithLegacyFallback switches
// to cgi-bin/token; it is the cache's Fetch. The Expiry counts from the
// moment before the request that returned the token.
func (s *Source) fetch(ctx context.Context, force bool) (string, time.Time, error) {
	c := s.p.cfg
	if !s.usesLegacy() {
		tok, exp, err := s.fetchFrom(ctx, false, force)
		var se *StatusError
		if c.onFallback == nil || force || !errors.As(err, &se) ||
			(se.StatusCode != http.StatusNotFound && se.StatusCode != http.StatusMethodNotAllowed) {
			return tok, exp, err
		}
		if s.p.legacy.CompareAndSwap(false, true) {
			c.onFallback(se.StatusCode)
		}
	}
	return s.fetchFrom(ctx, true, force)
}

// usesLegacy reports whether the Source fetches from cgi-bin/token:
// WithLegacyToken, or WithLegacyFallback after its switch.
func (s *Source) usesLegacy() bool {
	return s.p.cfg.legacy || s.p.legacy.Load()
}

// fetchFrom makes one request to cgi-bin/token (legacy) or
// cgi-bin/stable_token.
func (s *Source) fetchFrom(ctx context.Context, legacy, force bool) (string, time.Time, error) {
	c := s.p.cfg
	sent := c.now()
	var j tokenJSON
	var err error
	if legacy {
		u := c.baseURL + legacyPath + "?grant_type=client_credential&appid=" +
			url.QueryEscape(c.appID) + "&secret=" + url.QueryEscape(c.secret)
		err = wxhttp.GetJSON(ctx, c.client, u, MaxResponseSize, &j)
	} else {
		body := stableRequest{GrantType: "client_credential", AppID: c.appID, Secret: c.secret, ForceRefresh: force}
		err = wxhttp.PostJSON(ctx, c.client, c.baseURL+stablePath, body, MaxResponseSize, &j)
	}
	if err != nil {
		return "", time.Time{}, convert(wxhttp.Scrub(err, c.secret, url.QueryEscape(c.secret)))
	}
	t, err := j.token(sent)
	if err != nil {
		return "", time.Time{}, err
	}
	return t.AccessToken, t.Expiry, nil
}

// String describes s without its AppSecret or token, with the endpoint it
// fetches from (cgi-bin/token once WithLegacyFallback has switched), e.g.
// "accesstoken.Source{AppID:wx0123456789abcdef, Endpoint:https://api.weixin.qq.com/cgi-bin/stable_token, Store:false}".
func (s *Source) String() string {
	if s == nil || s.p == nil {
		return "accesstoken.Source(nil)"
	}
	path := stablePath
	if s.usesLegacy() {
		path = legacyPath
	}
	return "accesstoken.Source{AppID:" + s.p.cfg.appID + ", Endpoint:" + s.p.cfg.baseURL + path +
		", Store:" + strconv.FormatBool(s.p.cfg.store != nil) + "}"
}

// GoString returns the same as String, for %#v.
func (s *Source) GoString() string { return s.String() }

// Format implements fmt.Formatter so that every verb prints String (%q
// quotes it).
func (s *Source) Format(f fmt.State, verb rune) {
	str := s.String()
	if verb == 'q' {
		str = strconv.Quote(str)
	}
	_, _ = f.Write([]byte(str))
}
