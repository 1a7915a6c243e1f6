package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A token (or ticket) is a hash under prefix+key with the fields
// "v" (the value) and "x" (its expiry, Unix milliseconds), and the key
// expires at that moment (PEXPIREAT), so that Redis drops it when it is no
// use to anyone.
const (
	fieldValue  = "v"
	fieldExpiry = "x"
	// lockSuffix names the lock of a key: prefix+key+lockSuffix.
	lockSuffix = ":lock"
)

// casScript is CompareAndSwap: KEYS[1] the key; ARGV[1] old, ARGV[2] the
// new value ("" deletes), ARGV[3] its expiry in Unix milliseconds. It
// returns 1 when it swapped, 0 when the value saved was not old. A key
// Redis has expired holds nothing, as Load sees it.
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur then cur = '' end
if cur ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
	redis.call('DEL', KEYS[1])
else
	redis.call('HSET', KEYS[1], 'v', ARGV[2], 'x', ARGV[3])
	redis.call('PEXPIREAT', KEYS[1], ARGV[3])
end
return 1
`)

// unlockScript deletes the lock KEYS[1] if it still holds ARGV[1], the
// holder's random token, so that a holder whose lock expired never
// releases another's.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Load implements accesstoken.Store and jssdk.Store: it returns the value
// saved under key and its expiry, or "" when there is none (or Redis has
// expired it). The error wraps the Redis failure, or ErrUnavailable while
// Redis is paused; the Sources then fetch by themselves.
func (s *Store) Load(ctx context.Context, key string) (value string, expiry time.Time, err error) {
	vals, err := call(s, ctx, "load", func(ctx context.Context) ([]any, error) {
		return s.rdb.HMGet(ctx, s.prefix+key, fieldValue, fieldExpiry).Result()
	})
	if err != nil {
		return "", time.Time{}, err
	}
	v, _ := vals[0].(string)
	x, _ := vals[1].(string)
	if v == "" {
		return "", time.Time{}, nil
	}
	ms, perr := strconv.ParseInt(x, 10, 64)
	if perr != nil {
		// Not written by a Store: treat it as expired, so that the
		// Source fetches and its CompareAndSwap replaces it.
		return v, time.Time{}, nil
	}
	return v, time.UnixMilli(ms), nil
}

// CompareAndSwap implements accesstoken.Store and jssdk.Store: one Lua
// script saves value with expiry under key if the value saved there is old
// ("" for none), or deletes it if value is "", and reports whether it did.
// Redis drops the key at expiry (millisecond precision); an expiry already
// past saves nothing. The error wraps the Redis failure, or ErrUnavailable
// while Redis is paused.
func (s *Store) CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (swapped bool, err error) {
	ms := expiry.UnixMilli()
	if ms < 1 {
		// PEXPIREAT with a moment long past deletes the key.
		ms = 1
	}
	n, err := call(s, ctx, "compare-and-swap", func(ctx context.Context) (int64, error) {
		return casScript.Run(ctx, s.rdb, []string{s.prefix + key}, old, value, ms).Int64()
	})
	return n == 1, err
}

// Lock implements accesstoken.Locker (and its use by jssdk): it blocks
// until this caller holds the lock named after key, or ctx ends
// (ctx.Err()), or Redis fails (an error wrapping the failure, or
// ErrUnavailable). The lock is a key prefix+key+":lock" set with SET NX PX
// ttl to a random token; a caller that finds it taken tries again after a
// short pause, from 5 ms growing to 50 ms. unlock deletes it if it still
// holds this caller's token (a Lua compare-and-delete), within the Store's
// timeout; a lock whose holder died expires after ttl.
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error) {
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("redisstore: lock: ttl %v under 1 ms", ttl)
	}
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	lk := s.prefix + key + lockSuffix
	pause := 5 * time.Millisecond
	var timer *time.Timer
	for {
		res, err := call(s, ctx, "lock", func(ctx context.Context) (string, error) {
			return s.rdb.SetArgs(ctx, lk, token, redis.SetArgs{Mode: "NX", TTL: ttl}).Result()
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		if err == nil && res == "OK" {
			return func() { s.unlock(lk, token) }, nil
		}
		if timer == nil {
			timer = time.NewTimer(pause)
			defer timer.Stop()
		} else {
			timer.Reset(pause)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
		}
		pause = min(pause*2, 50*time.Millisecond)
	}
}

// unlock releases the lock lk if it still holds token. A failure leaves
// the lock to expire.
func (s *Store) unlock(lk, token string) {
	call(s, context.Background(), "unlock", func(ctx context.Context) (any, error) {
		return nil, unlockScript.Run(ctx, s.rdb, []string{lk}, token).Err()
	})
}
