package push

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
)

// Defaults of a [Server], changed with the options of the same names.
const (
	// DefaultHandlerTimeout is how long the handler has for a passive
	// reply: 4 s. WeChat waits 5 s for the HTTP response, then drops the
	// connection, retries and, after the last retry, shows the user
	// "该公众号暂时无法提供服务". The second left covers what happens around the
	// handler: reading and decrypting the push before it, marshalling and
	// sealing the reply after it, a GC pause or a busy CPU, a reverse proxy
	// and the network both ways. Answering "success" at 4 s is always
	// better than a reply WeChat no longer waits for.
	DefaultHandlerTimeout = 4 * time.Second
	// DefaultLateTimeout is how long a handler may go on after the server
	// answered "success" at the handler deadline, for its reply to be sent
	// through the [LateReplySender]: 30 s. A reply that comes later is
	// dropped (and logged): the user has been waiting for half a minute,
	// and the requests of slow handlers must not pile up without bound.
	DefaultLateTimeout = 30 * time.Second
	// DefaultDedupTTL is how long a finished push is remembered, so that
	// WeChat's retries get its reply: 60 s. WeChat retries up to three
	// times, about 5 s apart, so the last retry comes some 15 s after the
	// first delivery, later when the network is slow; 60 s leaves room.
	DefaultDedupTTL = 60 * time.Second
	// DefaultMaxBodyBytes is the longest push body read: 256 KiB, as in
	// package msgcrypt (see msgcrypt.DefaultMaxBodyBytes for why). A longer
	// body is answered with 413.
	DefaultMaxBodyBytes = msgcrypt.DefaultMaxBodyBytes
)

// lateSendTimeout bounds one call of the LateReplySender.
const lateSendTimeout = 10 * time.Second

// Option configures a Server in [NewServer]. A nil Option is skipped; an
// Option given a nil or out-of-range value, or options that contradict one
// another, make NewServer return an error wrapping [ErrInvalidConfig] that
// names the option, never the value.
type Option func(*config) error

type config struct {
	aesKey, appID  string
	prevKey        string
	crypter        *msgcrypt.Crypter
	acceptPlain    bool
	store          DedupStore
	noDedup        bool
	key            func(message.Message) string
	dedupTTL       time.Duration
	handlerTimeout time.Duration
	lateTimeout    time.Duration
	late           LateReplySender
	log            *slog.Logger
	maxBody        int64
	window         time.Duration
	now            func() time.Time
	hook           func(context.Context, message.Message, error)
	encryption     bool // WithEncryption was given
	dedupSet       bool // WithDedup, WithDedupKey or WithDedupTTL was given
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
}

// WithEncryption turns on the compatible (兼容) and safe (安全) modes with the
// EncodingAESKey and AppID of the console: encrypted pushes are checked by
// msg_signature and decrypted, and their replies encrypted. Plain pushes are
// then refused (403), because their signature does not cover the body,
// unless [WithAcceptPlain] is given. A malformed key or an empty AppID is an
// error (ErrInvalidConfig, and msgcrypt.ErrInvalidConfig). The body limit,
// window and clock of the server apply.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/dev/push/encryption.html
func WithEncryption(encodingAESKey, appID string) Option {
	return func(c *config) error {
		c.aesKey, c.appID, c.encryption = encodingAESKey, appID, true
		return nil
	}
}

// WithCrypter is WithEncryption with a Crypter made by msgcrypt.New, which
// must use the server's token. Encrypted pushes then follow the Crypter's
// own settings (its previous key, body limit, window and clock); the
// server's body limit, window and clock apply to plain pushes and to the
// verification GET. It cannot be combined with WithEncryption or
// WithPreviousKey. c must not be nil.
func WithCrypter(cr *msgcrypt.Crypter) Option {
	return func(c *config) error {
		if cr == nil {
			return invalid("WithCrypter needs a *msgcrypt.Crypter")
		}
		c.crypter = cr
		return nil
	}
}

// WithPreviousKey adds the EncodingAESKey in use before the current one,
// for the time after a key change when pushes may still come encrypted
// with it; a reply goes back under the key its push came with. It needs
// WithEncryption.
//
// See item 4 of https://admin.wechat.com/wiki/index.php?title=Technical_Solution
func WithPreviousKey(encodingAESKey string) Option {
	return func(c *config) error {
		if encodingAESKey == "" {
			return invalid("WithPreviousKey needs a key")
		}
		c.prevKey = encodingAESKey
		return nil
	}
}

// WithAcceptPlain keeps accepting plain pushes, checked by their query
// signature alone, beside encrypted ones: for the switch from the plain
// mode to the compatible or safe mode in the console, which takes effect at
// once. Remove it after the switch. It needs WithEncryption or WithCrypter.
func WithAcceptPlain() Option {
	return func(c *config) error {
		c.acceptPlain = true
		return nil
	}
}

// WithDedup sets the store that recognizes WeChat's retries; the default
// is a [MemoryStore] with its default bounds, expiring by the server's
// clock. Several instances behind one URL need a shared store. store must
// not be nil; see [WithoutDedup] to turn dedupe off.
func WithDedup(store DedupStore) Option {
	return func(c *config) error {
		if store == nil {
			return invalid("WithDedup needs a DedupStore")
		}
		c.store, c.dedupSet = store, true
		return nil
	}
}

// WithoutDedup turns dedupe off: every delivery of a push, retries
// included, runs the handler. It cannot be combined with WithDedup,
// WithDedupKey or WithDedupTTL.
func WithoutDedup() Option {
	return func(c *config) error {
		c.noDedup = true
		return nil
	}
}

// WithDedupKey sets the function that names a push for dedupe: two
// deliveries of one push must get the same key, two different pushes
// different keys. The default is the push's own DedupKey method (see
// package message): ToUserName, FromUserName and MsgId for messages;
// ToUserName, FromUserName, CreateTime, Event, EventKey and the event's
// own identifiers for events. A key function that returns "" lets that
// push run without dedupe. key must not be nil.
func WithDedupKey(key func(message.Message) string) Option {
	return func(c *config) error {
		if key == nil {
			return invalid("WithDedupKey needs a func")
		}
		c.key, c.dedupSet = key, true
		return nil
	}
}

// WithDedupTTL sets how long a finished push is remembered
// (DefaultDedupTTL unless set). d must be positive; less than 30 s lets
// WeChat's last retry run the handler again.
func WithDedupTTL(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithDedupTTL must be positive")
		}
		c.dedupTTL, c.dedupSet = d, true
		return nil
	}
}

// WithHandlerTimeout sets how long the handler has for a passive reply
// (DefaultHandlerTimeout unless set; see there why 4 s). At that deadline
// the handler's context ends and the server answers "success"; the handler
// may go on for [WithLateTimeout]. d must be positive; WeChat waits no more
// than 5 s.
func WithHandlerTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithHandlerTimeout must be positive")
		}
		c.handlerTimeout = d
		return nil
	}
}

// WithLateReplies sets where a reply goes that the handler returned after
// the handler deadline, when the server had already answered "success":
// typically the customer-service API (*api.CustomerService). Without it,
// such replies are logged as dropped. sender must not be nil.
func WithLateReplies(sender LateReplySender) Option {
	return func(c *config) error {
		if sender == nil {
			return invalid("WithLateReplies needs a LateReplySender")
		}
		c.late = sender
		return nil
	}
}

// WithLateTimeout sets how long after the handler deadline a handler may
// still return a reply for the LateReplySender (DefaultLateTimeout unless
// set). [LateContext] ends then. A reply returned later is dropped. d must
// be positive.
func WithLateTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithLateTimeout must be positive")
		}
		c.lateTimeout = d
		return nil
	}
}

// WithLogger sets where the server logs refused requests, handler errors
// and panics, and dropped late replies; the default is slog.Default().
// A line names the push by MsgType, event, sender, time and MsgId, never
// its body, a reply, the token or a key. l must not be nil.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("WithLogger needs a *slog.Logger")
		}
		c.log = l
		return nil
	}
}

// WithMaxBodyBytes sets the longest push body read (DefaultMaxBodyBytes
// unless set); a longer one is answered with 413. n must be positive.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("WithMaxBodyBytes must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithWindow refuses (403) a request whose timestamp is further than d from
// now, in either direction, once its signature matched. It is off unless
// set: WeChat does not ask for it. It is not replay protection; dedupe is
// what keeps a push from running twice. d must be positive.
func WithWindow(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithWindow must be positive")
		}
		c.window = d
		return nil
	}
}

// WithNow sets the clock of the timestamp window and of the default dedupe
// store; the default is time.Now. The handler deadline runs on real time.
// It is meant for tests. now must not be nil.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalid("WithNow needs a func")
		}
		c.now = now
		return nil
	}
}

// WithErrorHook sets a function called with every error of a push that
// passed authentication and parsing: the handler's error, a *[PanicError],
// a reply that does not marshal or seal, and [ErrLateReplyDropped] or
// [ErrLateReply] for late replies. ctx holds the request's values, not its
// cancellation. The hook runs on the push's goroutine and should return
// quickly. hook must not be nil.
func WithErrorHook(hook func(ctx context.Context, msg message.Message, err error)) Option {
	return func(c *config) error {
		if hook == nil {
			return invalid("WithErrorHook needs a func")
		}
		c.hook = hook
		return nil
	}
}
