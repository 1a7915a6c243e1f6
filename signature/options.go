package signature

import (
	"fmt"
	"time"
)

// Option changes how [Verify], [VerifyQuery] and [VerifyRequest] check a
// request. Options are applied in order; a later one overrides an earlier
// one. A nil Option is skipped. An Option given a nil or out-of-range value
// makes the check fail with an error wrapping [ErrInvalidConfig] that names
// the option: a misconfigured check refuses everything.
type Option func(*options) error

type options struct {
	window time.Duration
	now    func() time.Time
}

func newOptions(opts []Option) (*options, error) {
	o := &options{now: time.Now}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithWindow turns on a timestamp check: the request's timestamp (Unix
// seconds) must be within d of the current time, in either direction, so a
// request stamped too long ago and one stamped too far in the future are both
// refused with [ErrStale]. A timestamp that is not a number is refused with
// [ErrTimestamp]. The check runs only once the signature matches. By default
// there is no window: WeChat does not ask for one. d must be positive (else
// [ErrInvalidConfig]): leave the option out to keep the check off.
//
// This is not replay protection. Any request captured inside the window
// verifies again until the window passes; to refuse duplicates, remember the
// nonce (or a message's MsgId) for at least the window's length.
func WithWindow(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithWindow: window must be positive", ErrInvalidConfig)
		}
		o.window = d
		return nil
	}
}

// WithNow sets the clock [WithWindow] compares against; the default is
// time.Now. It is meant for tests. A nil func is an error
// ([ErrInvalidConfig]).
func WithNow(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil clock", ErrInvalidConfig)
		}
		o.now = now
		return nil
	}
}
