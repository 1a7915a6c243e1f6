package signature

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxmp/wxmp/internal/sha1sort"
)

// Errors returned by [Verify], [VerifyQuery] and [VerifyRequest]. They are
// wrapped with more detail; test for them with errors.Is. No error ever
// carries the token, the received signature or the computed one.
var (
	// ErrInvalidConfig means the check was given settings it cannot use: an
	// empty token ([ErrEmptyToken] wraps it) or an [Option] given a nil or
	// out-of-range value. The wrapping error names the option, never its
	// value.
	ErrInvalidConfig = errors.New("signature: invalid config")
	// ErrEmptyToken means the token is empty: a configuration error, so it
	// wraps [ErrInvalidConfig]. An empty token never verifies anything.
	ErrEmptyToken = fmt.Errorf("%w: empty token", ErrInvalidConfig)
	// ErrMissingParams means timestamp, nonce or signature is empty or
	// absent. The wrapping error names which.
	ErrMissingParams = errors.New("signature: missing parameter")
	// ErrMismatch means the signature is not the one the token gives for this
	// timestamp and nonce.
	ErrMismatch = errors.New("signature: mismatch")
	// ErrTimestamp means a timestamp window is on ([WithWindow]) and the
	// timestamp is not a decimal number of Unix seconds.
	ErrTimestamp = errors.New("signature: timestamp is not a number of Unix seconds")
	// ErrStale means a timestamp window is on ([WithWindow]) and the
	// timestamp is further from now than the window allows, in the past or
	// in the future.
	ErrStale = errors.New("signature: timestamp outside the allowed window")
)

// Compute returns the signature WeChat sends with every request to a server
// URL: the token, timestamp and nonce sorted as byte strings, concatenated
// with no separator, hashed with SHA-1 and written as 40 lowercase hex digits.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func Compute(token, timestamp, nonce string) string {
	return sha1sort.Sum(token, timestamp, nonce)
}

// Verify checks that signature is [Compute](token, timestamp, nonce). The
// hex may be in upper or lower case and the comparison runs in constant
// time. timestamp is the query's Unix time in seconds, as a decimal string.
//
// It returns nil on success, otherwise an error wrapping [ErrEmptyToken] or
// [ErrInvalidConfig] (a bad option), [ErrMissingParams] or [ErrMismatch],
// and, when [WithWindow] is given and the signature matches, [ErrTimestamp]
// or [ErrStale].
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func Verify(token, timestamp, nonce, signature string, opts ...Option) error {
	if token == "" {
		return ErrEmptyToken
	}
	var o *options
	if len(opts) > 0 { // none is the common case, and allocates nothing
		var err error
		if o, err = newOptions(opts); err != nil {
			return err
		}
	}
	var missing []string
	for _, p := range []struct{ name, value string }{
		{ParamTimestamp, timestamp}, {ParamNonce, nonce}, {ParamSignature, signature},
	} {
		if p.value == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrMissingParams, strings.Join(missing, ", "))
	}
	if !sha1sort.Match(signature, token, timestamp, nonce) {
		return ErrMismatch
	}
	return o.checkTime(timestamp)
}

// checkTime applies the optional timestamp window; o may be nil.
func (o *options) checkTime(timestamp string) error {
	if o == nil || o.window <= 0 {
		return nil
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	// time.Time.Sub saturates instead of overflowing, so absurd timestamps
	// land far outside any window.
	skew := o.now().Sub(time.Unix(sec, 0))
	if skew > o.window || skew < -o.window {
		return fmt.Errorf("%w (allowed ±%s)", ErrStale, o.window)
	}
	return nil
}
