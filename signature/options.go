package signature

import "time"

// Option changes how [Verify], [VerifyQuery] and [VerifyRequest] check a
// request. Options are applied in order; a later one overrides an earlier
// one.
type Option func(*options)

type options struct {
	window time.Duration
	now    func() time.Time
}

func newOptions(opts []Option) *options {
	o := &options{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	return o
}

// WithWindow turns on a timestamp check: the request's timestamp (Unix
// seconds) must be within d of the current time, in either direction, so a
// request stamped too long ago and one stamped too far in the future are both
// refused with [ErrStale]. A timestamp that is not a number is refused with
// [ErrTimestamp]. A d of zero or less leaves the check off, which is the
// default: WeChat does not ask for it.
//
// This is not replay protection. Any request captured inside the window
// verifies again until the window passes; to refuse duplicates, remember the
// nonce (or a message's MsgId) for at least the window's length.
func WithWindow(d time.Duration) Option {
	return func(o *options) { o.window = d }
}

// WithNow sets the clock [WithWindow] compares against; the default is
// time.Now. It is meant for tests. A nil func restores time.Now.
func WithNow(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			now = time.Now
		}
		o.now = now
	}
}
