package jssdk

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wxmp/wxmp/internal/tokencache"
	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Defaults a Source uses unless an Option says otherwise.
const (
	// DefaultBaseURL is WeChat's general API host. See WithBaseURL.
	DefaultBaseURL = "https://api.weixin.qq.com"
	// DefaultExpiryDelta is how long before its expiry a ticket is
	// refreshed: 3 minutes, as for the access token.
	DefaultExpiryDelta = 3 * time.Minute
	// MaxExpiryDelta is the largest delta WithExpiryDelta accepts: 1 hour.
	MaxExpiryDelta = time.Hour
	// MaxResponseSize is the most this package reads of a getticket
	// answer: 64 KiB. A real one is under 1 KiB.
	MaxResponseSize = 64 << 10
	// NonceLength is the length of the nonceStr Source.Config draws: 16
	// characters from A–Z, a–z and 0–9 (about 95 bits), as in WeChat's
	// example.
	NonceLength = 16
)

// ticketPath is getticket's path under the base URL.
const ticketPath = "/cgi-bin/ticket/getticket"

// storeKeyPrefix is the prefix of the Store key; the AppID follows.
const storeKeyPrefix = "wxmp:jsapi_ticket:"

// maxExpiresIn bounds expires_in (seconds) so that the conversion to a
// time.Duration cannot overflow.
const maxExpiresIn = 1 << 32

// TokenSource is what a Source needs of the access token: the current one,
// and a way to report one that WeChat refused (compare-and-swap: forget it
// only if it is still the current one). *accesstoken.Source implements it.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Invalidate(ctx context.Context, failed string) error
}

// Store keeps the ticket where several Sources, in several processes, see
// it (WithStore). Its shape and contract are those of accesstoken.Store,
// so one implementation serves both; the key here is
// "wxmp:jsapi_ticket:" + AppID. A Store that also implements
// [github.com/wxmp/wxmp/accesstoken.Locker] makes the Sources fetch the
// ticket one at a time, as it does for the token. A Source without a Store
// keeps the ticket in memory.
type Store interface {
	// Load returns the value saved under key, or "" if none.
	Load(ctx context.Context, key string) (value string, expiry time.Time, err error)
	// CompareAndSwap saves value (or deletes, if value is "") under key
	// if the value saved there is old ("" for none), atomically, and
	// reports whether it did.
	CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (swapped bool, err error)
}

// Option configures a Source in New. A nil Option is skipped; one given a
// nil or out-of-range value makes New return an error wrapping
// ErrInvalidConfig that names the option.
type Option func(*options) error

// options is what the options set; New completes it and the Source keeps
// it.
type options struct {
	appID   string
	tokens  TokenSource
	client  *http.Client
	baseURL string
	now     func() time.Time
	store   Store
	random  io.Reader
	delta   time.Duration
}

// WithHTTPClient sets the client the Source calls getticket with. The
// Source uses a copy that never follows redirects. The default is a client
// with a 10-second timeout. A nil client is an error.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return fmt.Errorf("%w: WithHTTPClient: nil client", ErrInvalidConfig)
		}
		o.client = wxhttp.NoRedirect(c)
		return nil
	}
}

// WithBaseURL sets where getticket is, for a stand-in or another access
// point: rawURL is an absolute http or https URL without query or
// fragment; a path is kept as a prefix. The default is DefaultBaseURL.
func WithBaseURL(rawURL string) Option {
	return func(o *options) error {
		u, err := url.Parse(rawURL)
		switch {
		case err != nil:
			return fmt.Errorf("%w: WithBaseURL: URL does not parse", ErrInvalidConfig)
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
			return fmt.Errorf("%w: WithBaseURL: not an absolute http(s) URL", ErrInvalidConfig)
		case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "":
			return fmt.Errorf("%w: WithBaseURL: URL has user info, a query or a fragment", ErrInvalidConfig)
		}
		o.baseURL = strings.TrimRight(rawURL, "/")
		return nil
	}
}

// WithNow sets the clock for ticket expiry and for the timestamp of
// Source.Config; the default is time.Now. A nil func is an error.
func WithNow(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil func", ErrInvalidConfig)
		}
		o.now = now
		return nil
	}
}

// WithStore makes the Source share its ticket with every other Source of
// the same AppID that uses the same Store. A nil Store is an error.
func WithStore(s Store) Option {
	return func(o *options) error {
		if s == nil {
			return fmt.Errorf("%w: WithStore: nil store", ErrInvalidConfig)
		}
		o.store = s
		return nil
	}
}

// WithRandom sets where Source.Config draws its nonces from; the default is
// crypto/rand.Reader. It exists for tests that need reproducible output. A
// nil reader is an error.
func WithRandom(r io.Reader) Option {
	return func(o *options) error {
		if r == nil {
			return fmt.Errorf("%w: WithRandom: nil reader", ErrInvalidConfig)
		}
		o.random = r
		return nil
	}
}

// WithExpiryDelta sets how long before its expiry a ticket is refreshed. It
// must be positive and at most MaxExpiryDelta; the default is
// DefaultExpiryDelta. If getticket returns the same ticket when asked
// ahead of its expiry, the Source keeps that ticket until it expires.
func WithExpiryDelta(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 || d > MaxExpiryDelta {
			return fmt.Errorf("%w: WithExpiryDelta: must be in (0, %v]", ErrInvalidConfig, MaxExpiryDelta)
		}
		o.delta = d
		return nil
	}
}

// Source hands out the account's JS-SDK ticket (jsapi_ticket), cached,
// refreshed ahead of its expiry and fetched once for all callers that need
// it at the same moment (the machinery of accesstoken.Source), and signs
// pages with it ([Source.Config]). Its methods are safe for concurrent use;
// create one per AppID and share it.
//
// Printing a Source with fmt shows its AppID and endpoint, never the
// ticket or a token.
type Source struct {
	// p keeps the state two pointers away from any Source value, so that
	// no fmt verb reaches the ticket (see accesstoken.Source).
	p *state
}

// state is a Source's: only pointers, see Source.p.
type state struct {
	opts  *options
	cache *tokencache.Cache
}

// New returns a Source for the account appID (wx…, the appId of wx.config)
// whose access tokens come from tokens, such as an *accesstoken.Source of
// the same AppID. appID may not be empty nor tokens nil; the options are
// checked here, and their errors wrap ErrInvalidConfig. New makes no
// request.
func New(appID string, tokens TokenSource, opts ...Option) (*Source, error) {
	if appID == "" {
		return nil, fmt.Errorf("%w: empty AppID", ErrInvalidConfig)
	}
	if tokens == nil {
		return nil, fmt.Errorf("%w: nil TokenSource", ErrInvalidConfig)
	}
	o := &options{appID: appID, tokens: tokens, baseURL: DefaultBaseURL, now: time.Now,
		random: rand.Reader, delta: DefaultExpiryDelta}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if o.client == nil {
		o.client = wxhttp.NoRedirect(nil)
	}
	st := &state{opts: o}
	tc := tokencache.Config{Key: storeKeyPrefix + appID, Fetch: st.fetch, Now: o.now, Delta: o.delta}
	if o.store != nil {
		tc.Store = o.store
	}
	st.cache = tokencache.New(tc)
	return &Source{p: st}, nil
}

// AppID returns the AppID the Source was created with.
func (s *Source) AppID() string { return s.p.opts.appID }

// Ticket returns a jsapi_ticket that has not expired by the Source's clock
// (normally with more than the expiry delta left): from memory, from the
// Store, or fetched with
//
//	GET {base}/cgi-bin/ticket/getticket?access_token=ACCESS_TOKEN&type=jsapi
//
// The fetch takes a token from the TokenSource; if getticket refuses it
// (40001, 40014, 42001), the Source calls the TokenSource's Invalidate with
// it, takes a new one and tries once more, and no more. Concurrent callers
// share one fetch; a refresh that fails while the old ticket is still valid
// returns the old ticket. ctx bounds this caller's wait.
//
// Errors: an *[Error] for WeChat's errcode (errors.Is matches
// [ErrTokenRejected], [ErrIPNotWhitelisted], …), a *[StatusError], an error
// wrapping [ErrInvalidResponse], the TokenSource's error wrapped, or a
// transport or ctx error wrapped. None holds the ticket or the token.
//
// Keep the ticket on the server: it is what signs for the account's pages.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/JS-SDK.html
func (s *Source) Ticket(ctx context.Context) (string, error) {
	e, err := s.p.cache.Get(ctx)
	if err != nil {
		if err == context.Canceled || err == context.DeadlineExceeded {
			err = fmt.Errorf("jssdk: %w", err)
		}
		return "", err
	}
	return e.Value, nil
}

// Invalidate forgets the ticket failed if it is still the cached one (in
// memory and in the Store: compare-and-swap), so that the next Ticket
// fetches another. WeChat reports a bad signature to the page, not to the
// server; call this when pages report wx.config errors that a new ticket
// may cure. An empty failed does nothing. The error is the Store's.
func (s *Source) Invalidate(ctx context.Context, failed string) error {
	if err := s.p.cache.Invalidate(ctx, failed); err != nil {
		return fmt.Errorf("jssdk: store: %w", err)
	}
	return nil
}

// Config is what the page passes to wx.config, apart from the list of APIs
// it wants (jsApiList) and debug. Its JSON tags are wx.config's keys, so the
// page can take it as it is:
//
//	wx.config({...config, jsApiList: ['updateAppMessageShareData']});
//
// All four values are meant for the browser; the ticket that produced
// Signature is not among them.
type Config struct {
	AppID     string `json:"appId"`
	Timestamp int64  `json:"timestamp"` // Unix seconds
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"` // Sign(ticket, NonceStr, Timestamp, pageURL)
}

// Config returns what wx.config needs on the page at pageURL: the AppID, the
// current time in Unix seconds, a fresh nonce of NonceLength characters
// from the Source's random source (crypto/rand by default), and their
// signature with the current ticket (see [Sign]).
//
// pageURL is the page's full address as its location.href has it; a
// #fragment is dropped. Build it from what the browser sees: behind a
// proxy, r.URL on the server has neither the public scheme nor the host,
// and r.URL.String() alone is "/path?query", which wraps [ErrInvalidURL]:
// pageURL must be an absolute http or https URL. The query must be the
// page's, byte for byte (WeChat does not unescape it).
//
// Errors are Ticket's, ErrInvalidURL, or the random source's, wrapped.
func (s *Source) Config(ctx context.Context, pageURL string) (Config, error) {
	if err := checkPageURL(pageURL); err != nil {
		return Config{}, err
	}
	ticket, err := s.Ticket(ctx)
	if err != nil {
		return Config{}, err
	}
	o := s.p.opts
	nonce, err := newNonce(o.random)
	if err != nil {
		return Config{}, err
	}
	ts := o.now().Unix()
	return Config{AppID: o.appID, Timestamp: ts, NonceStr: nonce, Signature: Sign(ticket, nonce, ts, pageURL)}, nil
}

// checkPageURL checks that pageURL is absolute http(s). Its errors do not
// quote pageURL.
func checkPageURL(pageURL string) error {
	page, _, _ := strings.Cut(pageURL, "#")
	u, err := url.Parse(page)
	switch {
	case err != nil:
		return fmt.Errorf("%w: does not parse", ErrInvalidURL)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return fmt.Errorf("%w: not an absolute http(s) URL such as location.href", ErrInvalidURL)
	}
	return nil
}

// nonceAlphabet is what a nonce is made of.
const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newNonce draws NonceLength characters of nonceAlphabet from r, uniformly:
// bytes of 248 and above (248 = 4 × 62) are drawn again.
func newNonce(r io.Reader) (string, error) {
	var out [NonceLength]byte
	var buf [2 * NonceLength]byte
	n := 0
	for n < NonceLength {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("jssdk: random: %w", err)
		}
		for _, b := range buf {
			if b >= 248 {
				continue
			}
			out[n] = nonceAlphabet[b%62]
			if n++; n == NonceLength {
				break
			}
		}
	}
	return string(out[:]), nil
}

// fetch is the cache's Fetch: getticket with a token from the
// TokenSource, once more with a new token if that one is refused. force is
// ignored: getticket has no such mode.
func (st *state) fetch(ctx context.Context, _ bool) (string, time.Time, error) {
	o := st.opts
	tok, err := o.tokens.Token(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("jssdk: access token: %w", err)
	}
	v, exp, err := st.getTicket(ctx, tok)
	var e *Error
	if !errors.As(err, &e) || !tokenRejected(e.Code) {
		return v, exp, err
	}
	// The token is stale: report it, take the next one, retry once.
	_ = o.tokens.Invalidate(ctx, tok) // a Store failure here shows as the same token below
	next, terr := o.tokens.Token(ctx)
	if terr != nil {
		return "", time.Time{}, fmt.Errorf("jssdk: access token: %w", terr)
	}
	if next == tok {
		return "", time.Time{}, err
	}
	return st.getTicket(ctx, next)
}

// ticketJSON is getticket's answer:
// {"errcode":0,"errmsg":"ok","ticket":"…","expires_in":7200}.
type ticketJSON struct {
	Ticket    string     `json:"ticket"`
	ExpiresIn wxhttp.Int `json:"expires_in"`
}

// getTicket makes one getticket call with tok. The expiry counts from the
// moment before the request.
func (st *state) getTicket(ctx context.Context, tok string) (string, time.Time, error) {
	o := st.opts
	sent := o.now()
	u := o.baseURL + ticketPath + "?access_token=" + url.QueryEscape(tok) + "&type=jsapi"
	var j ticketJSON
	if err := wxhttp.GetJSON(ctx, o.client, u, MaxResponseSize, &j); err != nil {
		return "", time.Time{}, convert(err)
	}
	return j.ticket(sent)
}

// ticket checks j and computes the expiry. Its errors never quote the
// ticket.
func (j *ticketJSON) ticket(sent time.Time) (string, time.Time, error) {
	if j.Ticket == "" {
		return "", time.Time{}, fmt.Errorf("%w: no ticket", ErrInvalidResponse)
	}
	if j.ExpiresIn <= 0 || j.ExpiresIn > maxExpiresIn {
		return "", time.Time{}, fmt.Errorf("%w: expires_in missing or out of range", ErrInvalidResponse)
	}
	return j.Ticket, sent.Add(time.Duration(j.ExpiresIn) * time.Second), nil
}

// String describes s without the ticket, e.g.
// "jssdk.Source{AppID:wx0123456789abcdef, Endpoint:https://api.weixin.qq.com/cgi-bin/ticket/getticket, Store:false}".
func (s *Source) String() string {
	if s == nil || s.p == nil {
		return "jssdk.Source(nil)"
	}
	o := s.p.opts
	return "jssdk.Source{AppID:" + o.appID + ", Endpoint:" + o.baseURL + ticketPath +
		", Store:" + strconv.FormatBool(o.store != nil) + "}"
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
