package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxmp/wxmp/push"
)

// Defaults and bounds of a Store's settings.
const (
	// DefaultTimeout bounds each Redis command a Store sends (a script,
	// a GET, a SET): 250 ms. Redis on the same network answers in well
	// under a millisecond; a command that takes longer than this is
	// treated as a failure, so that a slow Redis costs a push at most
	// this much before the Store turns to its memory.
	DefaultTimeout = 250 * time.Millisecond
	// DefaultMemoryMaxEntries and DefaultMemoryMaxBytes bound the store of
	// the process's memory that push dedupe falls back on (WithMemory):
	// 10,000 pushes, 16 MiB. It is written on every push, and while Redis
	// answers nothing removes its entries but these bounds, so they are
	// smaller than push's defaults; 10,000 pushes cover WeChat's retries
	// (within about 15 s) of more than 600 pushes a second.
	DefaultMemoryMaxEntries = 10_000
	DefaultMemoryMaxBytes   = 16 << 20
	// MaxTimeout is the longest timeout WithTimeout accepts: 1 s, a
	// quarter of the push server's 4-second handler deadline
	// (push.DefaultHandlerTimeout), so that a push that meets a stalled
	// Redis is still answered within WeChat's 5 seconds.
	MaxTimeout = time.Second
	// RetryInterval is how long a Store leaves Redis alone after a
	// command failed: for that long, dedupe uses the process's memory and
	// token calls answer at once with an error (the Sources then fetch by
	// themselves), instead of each waiting for the timeout again. The
	// first call after it tries Redis again.
	RetryInterval = time.Second
	// LogInterval is how often a Store logs that Redis is failing, at
	// most: one warning per interval, however many calls fail.
	LogInterval = time.Minute
)

// Errors a Store returns or panics with.
var (
	// ErrInvalidConfig: New was given a nil client or an option a value it
	// cannot use; New panics with an error wrapping it, which names the
	// option, never its value.
	ErrInvalidConfig = errors.New("redisstore: invalid config")
	// ErrUnavailable: the Store does not call Redis at the moment because a
	// command failed less than RetryInterval ago. The error wraps the
	// failure that started the pause.
	ErrUnavailable = errors.New("redisstore: Redis unavailable")
)

// Option configures a Store in New. A nil Option is skipped; one given a
// value it cannot use makes New panic with an error wrapping
// ErrInvalidConfig.
type Option func(*options) error

type options struct {
	prefix  string
	timeout time.Duration
	log     *slog.Logger
	mem     *push.MemoryStore
}

// WithPrefix puts prefix in front of every Redis key the Store uses, so
// that several applications (or test runs) can share one Redis, for
// example "shop:". It must not be empty; without the option the keys start
// with "wxmp:" (see the package doc for the key layout).
func WithPrefix(prefix string) Option {
	return func(o *options) error {
		if prefix == "" {
			return fmt.Errorf("%w: WithPrefix: empty prefix (omit the option for none)", ErrInvalidConfig)
		}
		o.prefix = prefix
		return nil
	}
}

// WithTimeout sets how long each Redis command may take before the Store
// treats it as failed (DefaultTimeout unless set). d must be positive and
// at most MaxTimeout: shorter than the push deadline, so that a stalled
// Redis never costs WeChat its answer.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 || d > MaxTimeout {
			return fmt.Errorf("%w: WithTimeout: must be in (0, %v]", ErrInvalidConfig, MaxTimeout)
		}
		o.timeout = d
		return nil
	}
}

// WithLogger sets where the Store says that Redis fails (at most once per
// LogInterval, level Warn) and that it answers again (level Info); the
// default is slog.Default(). Log lines never hold a key's push, a reply
// or a token. l must not be nil.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger: nil logger", ErrInvalidConfig)
		}
		o.log = l
		return nil
	}
}

// WithMemory sets the store of this process's memory that push dedupe
// uses while Redis fails, and that keeps the replies this process
// finished; see the package doc. The default is a push.MemoryStore of
// DefaultMemoryMaxEntries and DefaultMemoryMaxBytes. m must not be nil nor
// be given to anything else.
func WithMemory(m *push.MemoryStore) Option {
	return func(o *options) error {
		if m == nil {
			return fmt.Errorf("%w: WithMemory: nil store", ErrInvalidConfig)
		}
		o.mem = m
		return nil
	}
}

// Store keeps the state several instances of an application share in
// Redis: the access token and the JS-SDK ticket (it implements
// accesstoken.Store, accesstoken.Locker and jssdk.Store) and the
// dedupe state of pushes (push.DedupStore). Make one with New and give the
// same value to every Source and push Server of the process. Its methods
// are safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	prefix  string
	timeout time.Duration
	log     *slog.Logger
	// direct is set when the client stops a command at its context's
	// deadline (ContextTimeoutEnabled), so that call needs no goroutine.
	direct bool
	// mem is the dedupe store of this process's memory, used when Redis
	// fails, and kept up to date with the replies of this process.
	mem *push.MemoryStore

	// pausedUntil is the Unix nanosecond until which Redis is left alone
	// (0: not paused); pauseErr is the failure that started the pause.
	pausedUntil atomic.Int64
	pauseErr    atomic.Pointer[error]
	// warned is set when a failure is logged and cleared by the next
	// success, which logs that Redis answers again: one line each way
	// per LogInterval at most, however Redis flaps.
	warned atomic.Bool
	// lastLog is the Unix nanosecond of the last failure logged.
	lastLog atomic.Int64
}

// New returns a Store that keeps its state through client: a *redis.Client,
// a *redis.ClusterClient, a failover (Sentinel) client or a *redis.Ring,
// which the caller keeps and closes. New sends nothing to Redis.
//
// The Store's timeout holds whatever the client's options, but a
// *redis.Client or *redis.ClusterClient made with ContextTimeoutEnabled
// saves it a goroutine per command (a few microseconds).
//
// New panics, with an error wrapping ErrInvalidConfig, when client is nil
// or an option is given a value it cannot use: a programming error found
// at startup.
func New(client redis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic(fmt.Errorf("%w: nil client", ErrInvalidConfig))
	}
	o := options{prefix: "", timeout: DefaultTimeout}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			panic(err)
		}
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	s := &Store{
		rdb:     client,
		prefix:  o.prefix,
		timeout: o.timeout,
		log:     o.log,
	}
	switch c := client.(type) {
	case *redis.Client:
		if c == nil {
			panic(fmt.Errorf("%w: nil client", ErrInvalidConfig))
		}
		s.direct = c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		if c == nil {
			panic(fmt.Errorf("%w: nil client", ErrInvalidConfig))
		}
		s.direct = c.Options().ContextTimeoutEnabled
	}
	s.mem = o.mem
	if s.mem == nil {
		mem, err := push.NewMemoryStore(push.WithMemoryMaxEntries(DefaultMemoryMaxEntries), push.WithMemoryMaxBytes(DefaultMemoryMaxBytes))
		if err != nil {
			panic(err) // the defaults are valid
		}
		s.mem = mem
	}
	return s
}

// result is what a Redis command gave.
type result[T any] struct {
	v   T
	err error
}

// call runs one Redis command, do, with the Store's timeout, unless Redis
// is paused, and keeps track of Redis's health: a failure pauses it for
// RetryInterval and is logged once per LogInterval. redis.Nil is an answer,
// not a failure. An error caused by ctx itself (the caller gave up) is
// returned as is and says nothing about Redis.
//
// go-redis applies a context's deadline to a connection only when the
// client was made with ContextTimeoutEnabled. For a client made without
// it, the command runs on a goroutine of its own, and call returns at the
// timeout even if the command goes on; a command left behind ends at the
// client's own read timeout.
func call[T any](s *Store, ctx context.Context, op string, do func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if err := s.paused(); err != nil {
		return zero, err
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var r result[T]
	if s.direct {
		r.v, r.err = do(cctx)
	} else {
		done := make(chan result[T], 1)
		go func() {
			v, err := do(cctx)
			done <- result[T]{v, err}
		}()
		select {
		case r = <-done:
		case <-cctx.Done():
			r.err = cctx.Err()
		}
	}
	if r.err != nil && ctx.Err() == nil && cctx.Err() != nil {
		r.err = fmt.Errorf("no answer within %v: %w", s.timeout, r.err)
	}
	switch {
	case r.err == nil || errors.Is(r.err, redis.Nil):
		s.succeeded()
		return r.v, r.err
	case ctx.Err() != nil:
		return zero, r.err
	}
	s.failed(ctx, op, r.err)
	return zero, fmt.Errorf("redisstore: %s: %w", op, r.err)
}

// paused returns an error wrapping ErrUnavailable while Redis is paused.
func (s *Store) paused() error {
	until := s.pausedUntil.Load()
	if until == 0 || time.Now().UnixNano() >= until {
		return nil
	}
	if p := s.pauseErr.Load(); p != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, *p)
	}
	return ErrUnavailable
}

func (s *Store) succeeded() {
	if s.pausedUntil.Load() != 0 {
		s.pausedUntil.Store(0)
	}
	if s.warned.Load() && s.warned.CompareAndSwap(true, false) {
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "redisstore: Redis answers again")
	}
}

// failed pauses Redis and logs err unless a failure was logged less than
// LogInterval ago.
func (s *Store) failed(ctx context.Context, op string, err error) {
	now := time.Now()
	s.pauseErr.Store(&err)
	s.pausedUntil.Store(now.Add(RetryInterval).UnixNano())
	last := s.lastLog.Load()
	if last != 0 && now.UnixNano()-last < int64(LogInterval) {
		return
	}
	if !s.lastLog.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	s.warned.Store(true)
	s.log.LogAttrs(ctx, slog.LevelWarn, "redisstore: Redis failed; push dedupe uses this process's memory and token Sources fetch by themselves until it answers",
		slog.String("op", op), slog.String("error", err.Error()),
		slog.Duration("retry_interval", RetryInterval), slog.Duration("log_interval", LogInterval))
}
