package wxmptest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/wxmp/wxmp/msgcrypt"
)

// Defaults a Pusher uses unless an Option says otherwise.
const (
	// DefaultTimeout is how long WeChat waits for an answer to one delivery
	// of a push before it drops the connection: 5 seconds.
	DefaultTimeout = 5 * time.Second
	// DefaultRetries is how many times WeChat delivers a push again after a
	// delivery got no answer in time: "a maximum of three retries", counted
	// here as three deliveries after the first, four in all.
	DefaultRetries = 3
	// DefaultOpenID is the user a push comes from unless WithOpenID says
	// otherwise: the push's FromUserName and its openid query parameter.
	DefaultOpenID = "oWxmpTest0000000000000000001"
	// DefaultAccount is the Official Account's original ID a push goes to
	// unless WithAccount says otherwise: the push's ToUserName.
	DefaultAccount = "gh_0123456789ab"
	// MaxReplyBytes is the most a Pusher reads of a reply: 1 MiB. A longer
	// reply is reported with ErrTooLarge. WeChat documents no limit; real
	// replies are a few kilobytes.
	MaxReplyBytes = 1 << 20
)

// Option configures a Pusher in NewPusher. An Option given a value it
// cannot use (nil, empty or out of range) makes NewPusher fail with an
// error wrapping ErrInvalidConfig that names the option, never the value.
// A nil Option is skipped; an Option left out keeps the default documented
// at each.
type Option func(*config) error

// config is what the options set; NewPusher checks it as a whole,
// completes it and keeps it in the Pusher.
type config struct {
	handler http.Handler
	target  *url.URL // WithURL's; nil means http://localhost/, for a handler
	client  *http.Client
	mode    msgcrypt.Mode
	aesKey  string
	appID   string
	timeout time.Duration
	retries int
	now     func() time.Time
	random  io.Reader
	openID  string
	account string
	api     *APIServer // WithAPIServer's; nil when late replies are not looked for
}

// WithHandler makes the Pusher call h in process, without a network: each
// delivery is h.ServeHTTP on a fresh request and ResponseWriter. The
// request's URL is the one given to WithURL, if any (only its path and
// query matter), else http://localhost/. h must not be nil.
//
// The delivery is answered when ServeHTTP returns, or as soon as h flushes
// (http.Flusher) an answer whose Content-Length it has written in full,
// which is when a client over the network has it all: package push's
// Server answers "success" that way at its handler deadline while the
// handler goes on.
func WithHandler(h http.Handler) Option {
	return func(c *config) error {
		if h == nil {
			return fmt.Errorf("%w: WithHandler: nil handler", ErrInvalidConfig)
		}
		c.handler = h
		return nil
	}
}

// WithURL makes the Pusher send its requests over HTTP to rawURL, an
// absolute http or https URL such as "http://localhost:8080/wechat". A query
// already in rawURL is kept, beside the parameters WeChat adds. Combined with
// WithHandler, rawURL only sets the path and query of the in-process
// requests.
func WithURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(rawURL)
		if err != nil {
			return fmt.Errorf("%w: WithURL: the URL does not parse", ErrInvalidConfig)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: WithURL: the URL must be absolute, with scheme http or https", ErrInvalidConfig)
		}
		c.target = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client for a URL target, such as one with
// its own Transport. The Pusher uses a copy that never follows a redirect,
// as WeChat follows none: a 3xx answer breaks ErrStatus. It bounds each
// delivery with its own timeout (WithTimeout) whatever the client's. The
// default client has a timeout of twice WithTimeout's, as a backstop. A nil
// client is an error.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) error {
		if client == nil {
			return fmt.Errorf("%w: WithHTTPClient: nil client", ErrInvalidConfig)
		}
		c.client = client
		return nil
	}
}

// WithEncryption makes the pushes encrypted as in the console's compatible
// (msgcrypt.ModeCompatible) or safe (msgcrypt.ModeSafe) mode, with the
// 43-character EncodingAESKey and the AppID, and requires the replies to be
// encrypted for that AppID. msgcrypt.ModePlain turns encryption off again,
// which is the default. A bad key or an empty AppID is an error.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/dev/push/encryption.html
func WithEncryption(mode msgcrypt.Mode, encodingAESKey, appID string) Option {
	return func(c *config) error {
		switch mode {
		case msgcrypt.ModePlain:
			c.mode, c.aesKey, c.appID = mode, "", ""
			return nil
		case msgcrypt.ModeCompatible, msgcrypt.ModeSafe:
		default:
			return fmt.Errorf("%w: WithEncryption: unknown mode", ErrInvalidConfig)
		}
		if encodingAESKey == "" || appID == "" {
			return fmt.Errorf("%w: WithEncryption: the compatible and safe modes need an EncodingAESKey and an AppID", ErrInvalidConfig)
		}
		c.mode, c.aesKey, c.appID = mode, encodingAESKey, appID
		return nil
	}
}

// WithTimeout sets how long one delivery may take, from sending the request
// to reading the whole reply, before it counts as unanswered; the default is
// DefaultTimeout (WeChat's 5 s). Tests of slow handlers use a few tens of
// milliseconds. d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithTimeout: the timeout must be positive", ErrInvalidConfig)
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many times a push is delivered again, identical,
// after a delivery got no answer in time; the default is DefaultRetries. 0
// delivers each push once. n must not be negative.
func WithRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("%w: WithRetries: the retries must not be negative", ErrInvalidConfig)
		}
		c.retries = n
		return nil
	}
}

// WithNow sets the clock that stamps pushes (the timestamp parameter and a
// CreateTime left at zero); the default is time.Now. now must not be nil.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil clock", ErrInvalidConfig)
		}
		c.now = now
		return nil
	}
}

// WithRandom sets where nonces, echostr values, MsgIds left at zero and the
// random prefix of encrypted pushes come from; the default is
// crypto/rand.Reader. With a fixed reader and WithNow, every push a Pusher
// builds is the same from run to run. r must not be nil.
func WithRandom(r io.Reader) Option {
	return func(c *config) error {
		if r == nil {
			return fmt.Errorf("%w: WithRandom: nil reader", ErrInvalidConfig)
		}
		c.random = r
		return nil
	}
}

// WithOpenID sets the user pushes come from: the FromUserName filled into a
// typed push that has none, and the openid query parameter of every push.
// The default is DefaultOpenID. openID must not be empty.
func WithOpenID(openID string) Option {
	return func(c *config) error {
		if openID == "" {
			return fmt.Errorf("%w: WithOpenID: empty OpenID", ErrInvalidConfig)
		}
		c.openID = openID
		return nil
	}
}

// WithAccount sets the Official Account's original ID ("gh_…") pushes go
// to: the ToUserName filled into a typed push that has none. The default is
// DefaultAccount. id must not be empty.
func WithAccount(id string) Option {
	return func(c *config) error {
		if id == "" {
			return fmt.Errorf("%w: WithAccount: empty account ID", ErrInvalidConfig)
		}
		c.account = id
		return nil
	}
}

// WithAPIServer tells the Pusher where the handler under test sends
// customer-service messages: s, the fake of WeChat's API. A push server
// that answers "success" at its deadline (the 5-second guard) sends the
// handler's reply later that way, and WeChat shows it to the user as a
// message of its own. With this option a Result's Outcome counts such a
// message, accepted by s for the push's user after the push was prepared,
// as the push's late reply; without it, a push answered "success" or with
// an empty body reports OutcomeNothing. s must not be nil.
func WithAPIServer(s *APIServer) Option {
	return func(c *config) error {
		if s == nil {
			return fmt.Errorf("%w: WithAPIServer: nil server", ErrInvalidConfig)
		}
		c.api = s
		return nil
	}
}
