package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
)

// Defaults a Client uses unless an Option says otherwise.
const (
	// DefaultBaseURL is WeChat's API host, which routes to the nearest
	// access point. api2.weixin.qq.com is its disaster-recovery twin; see
	// WithBaseURL.
	DefaultBaseURL = "https://api.weixin.qq.com"
	// DefaultMPBaseURL is the host of showqrcode, the QR code image.
	DefaultMPBaseURL = "https://mp.weixin.qq.com"
	// DefaultTimeout bounds a whole call (connect, upload, answer) made with
	// the default HTTP client: 30 seconds, enough for a 10 MB upload on a
	// slow link. A ctx deadline shortens it.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBodyBytes is the most a Client reads of a JSON answer: 1 MiB.
	// The largest answers (a full menu, 100 users' profiles) are a few tens
	// of kilobytes.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMaxDownloadBytes is the most Media.Download copies of a file:
	// 20 MiB, twice the largest upload WeChat allows.
	DefaultMaxDownloadBytes = 20 << 20
)

// TokenSource hands out the basic access_token (基础 access_token) the calls
// carry. *accesstoken.Source implements it, caching one token for all
// callers; a test can implement it in a few lines.
//
// Token returns the current token. Invalidate tells the source that failed,
// a token Token returned, was refused by WeChat (errcode 40001, 40014 or
// 42001): the source forgets its cached token only if it is still failed
// (compare-and-swap), so that of many callers that saw the same refusal
// only the first causes a new fetch, and a token another instance has
// already replaced is not thrown away.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Invalidate(ctx context.Context, failed string) error
}

// Client calls WeChat's API on behalf of one Official Account. Its methods
// are grouped by area in the service fields, each a view of the one client:
//
//	c.CustomerService.Send(ctx, openID, api.Text{Content: "hi"})
//	c.Menu.Create(ctx, buttons)
//
// A Client is safe for concurrent use. Printing it shows no token.
type Client struct {
	CustomerService *CustomerService // customer-service (客服) messages and typing
	Template        *TemplateService // template messages (模板消息)
	Menu            *MenuService     // the custom menu (自定义菜单)
	Media           *MediaService    // temporary media (临时素材)
	QRCode          *QRCodeService   // parametric QR codes (带参数二维码)
	User            *UserService     // user info (用户基本信息)
	Callback        *CallbackService // the addresses WeChat pushes from

	common   service // the one value every service field points at
	tokens   TokenSource
	http     *http.Client
	base     string // no trailing slash
	mpBase   string // no trailing slash
	maxBody  int64
	maxMedia int64
}

// service is what every service type is: a pointer to the Client.
type service struct{ c *Client }

// Option configures a Client in NewClient. A nil Option is skipped; one
// given a nil or out-of-range value makes NewClient fail with an error
// wrapping ErrInvalidConfig that names the option, never the value.
type Option func(*options) error

type options struct {
	http     *http.Client
	base     string
	mpBase   string
	maxBody  int64
	maxMedia int64
}

// WithHTTPClient sets the HTTP client. The Client uses a copy that never
// follows a redirect (a 3xx answer is a *StatusError), whatever c's
// CheckRedirect says; c's Timeout and Transport are kept. The default is a
// client with DefaultTimeout. c must not be nil.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return fmt.Errorf("%w: WithHTTPClient: nil client", ErrInvalidConfig)
		}
		o.http = c
		return nil
	}
}

// WithBaseURL sets the API host, an absolute http or https URL without
// query or fragment, such as "https://api2.weixin.qq.com" (WeChat's
// disaster-recovery host), "https://sh.api.weixin.qq.com" (an access point)
// or a stand-in's URL in tests. A path is kept as a prefix; a trailing
// slash is dropped. The default is DefaultBaseURL. It does not move
// showqrcode: see WithMPBaseURL.
func WithBaseURL(rawURL string) Option {
	return func(o *options) error {
		u, err := checkBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("%w: WithBaseURL: %s", ErrInvalidConfig, err)
		}
		o.base = u
		return nil
	}
}

// WithMPBaseURL sets the host that [QRCodeService.ShowURL] points at, as
// WithBaseURL does for the API; the default is DefaultMPBaseURL.
func WithMPBaseURL(rawURL string) Option {
	return func(o *options) error {
		u, err := checkBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("%w: WithMPBaseURL: %s", ErrInvalidConfig, err)
		}
		o.mpBase = u
		return nil
	}
}

// WithMaxBodyBytes sets the most the Client reads of a JSON answer, in
// bytes; a longer answer fails with ErrInvalidResponse. The default is
// DefaultMaxBodyBytes. n must be positive.
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMaxBodyBytes: must be positive", ErrInvalidConfig)
		}
		o.maxBody = n
		return nil
	}
}

// WithMaxDownloadBytes sets the most [MediaService.Download] copies of one
// file, in bytes; the default is DefaultMaxDownloadBytes. n must be
// positive.
func WithMaxDownloadBytes(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMaxDownloadBytes: must be positive", ErrInvalidConfig)
		}
		o.maxMedia = n
		return nil
	}
}

// checkBaseURL returns rawURL without a trailing slash, or says what is
// wrong with it (without quoting it).
func checkBaseURL(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return "", errors.New("URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", errors.New("URL must be absolute http or https")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil:
		return "", errors.New("URL must have no query, fragment or user")
	}
	return strings.TrimRight(rawURL, "/"), nil
}

// NewClient returns a Client that takes its access tokens from tokens,
// which must not be nil. Errors wrap ErrInvalidConfig.
func NewClient(tokens TokenSource, opts ...Option) (*Client, error) {
	if tokens == nil {
		return nil, fmt.Errorf("%w: nil TokenSource", ErrInvalidConfig)
	}
	o := options{base: DefaultBaseURL, mpBase: DefaultMPBaseURL, maxBody: DefaultMaxBodyBytes, maxMedia: DefaultMaxDownloadBytes}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	hc := o.http
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	c := &Client{
		tokens:   tokens,
		http:     wxhttp.NoRedirect(hc),
		base:     o.base,
		mpBase:   o.mpBase,
		maxBody:  o.maxBody,
		maxMedia: o.maxMedia,
	}
	c.common.c = c
	c.CustomerService = (*CustomerService)(&c.common)
	c.Template = (*TemplateService)(&c.common)
	c.Menu = (*MenuService)(&c.common)
	c.Media = (*MediaService)(&c.common)
	c.QRCode = (*QRCodeService)(&c.common)
	c.User = (*UserService)(&c.common)
	c.Callback = (*CallbackService)(&c.common)
	return c, nil
}

// String describes the client without its token source's state.
func (c *Client) String() string { return "api.Client{" + c.base + "}" }

// Format prints String for every verb, so that no %v, %+v or %#v of a
// Client reaches its token source.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// endpoint is the URL of path with query and the token.
func (c *Client) endpoint(path string, query url.Values, token string) string {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("access_token", token)
	return c.base + path + "?" + q.Encode()
}

// getJSON calls GET path with the token and decodes the answer into out
// (nil: only the errcode is checked), retrying once on a stale token.
func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	return c.withToken(ctx, func(token string) error {
		u := c.endpoint(path, query, token)
		return wxhttp.GetJSON(ctx, c.http, u, c.maxBody, out)
	})
}

// postJSON is getJSON for a POST of body as JSON.
func (c *Client) postJSON(ctx context.Context, path string, query url.Values, body, out any) error {
	return c.withToken(ctx, func(token string) error {
		u := c.endpoint(path, query, token)
		return wxhttp.PostJSON(ctx, c.http, u, body, c.maxBody, out)
	})
}

// withToken runs call with a token. When WeChat says the token is stale
// (40001, 40014, 42001) it invalidates that token (compare-and-swap),
// gets another and runs call once more; no other code is retried. The
// error is converted to this package's types and holds neither token.
func (c *Client) withToken(ctx context.Context, call func(token string) error) error {
	token, err := c.token(ctx)
	if err != nil {
		return err
	}
	err = call(token)
	if !staleToken(err) {
		return convert(err, token)
	}
	first := convert(err, token)
	ierr := c.tokens.Invalidate(ctx, token)
	fresh, err := c.token(ctx)
	if err != nil {
		return errors.Join(first, err)
	}
	if err = call(fresh); err != nil {
		err = convert(err, fresh, token)
		if ierr != nil {
			err = errors.Join(err, fmt.Errorf("api: invalidate the refused token: %w", scrubErr(ierr, token)))
		}
		return err
	}
	return nil
}

// token gets a token from the source.
func (c *Client) token(ctx context.Context) (string, error) {
	t, err := c.tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("api: get access token: %w", err)
	}
	if t == "" {
		return "", fmt.Errorf("api: get access token: %w: the TokenSource returned an empty token", ErrInvalidConfig)
	}
	return t, nil
}

// staleToken reports whether err is WeChat saying the token is invalid or
// expired, the only errors worth a retry with a new token.
func staleToken(err error) bool {
	var e *wxhttp.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeInvalidCredential, CodeInvalidAccessToken, CodeAccessTokenExpired:
		return true
	}
	return false
}

// isNil reports whether v is nil or a nil pointer, map, slice, func or
// channel in an interface.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return r.IsNil()
	}
	return false
}
