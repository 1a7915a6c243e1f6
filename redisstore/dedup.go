package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxmp/wxmp/push"
)

// A push's entry is a string under prefix+"wxmp:push:"+base64url(SHA-256 of
// the dedupe key): "i" while in flight, "f" followed by the plaintext reply
// XML once finished ("f" alone: no reply). It expires with the ttl the
// server gives (PX).
const (
	pushKeyPrefix = "wxmp:push:"
	inFlight      = "i"
	finished      = 'f'
)

// Bounds of Wait's polling: the first pause, doubled after each look up to
// the longest.
const (
	firstPoll = 2 * time.Millisecond
	maxPoll   = 50 * time.Millisecond
)

// claimAttempts bounds Claim's rounds of SET NX and GET: a second round
// happens only when the entry vanished between the two (it expired, or
// its claim was dropped), a third almost never.
const claimAttempts = 3

// errBadEntry: the key holds a value no Store wrote.
var errBadEntry = errors.New("redisstore: the push's key holds a value no Store wrote")

// pushKey returns the Redis key of a push's dedupe key. Hashing bounds its
// length and keeps the OpenIDs in dedupe keys out of Redis's key space.
func (s *Store) pushKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	var b [len(pushKeyPrefix) + 43]byte
	copy(b[:], pushKeyPrefix)
	base64.RawURLEncoding.Encode(b[len(pushKeyPrefix):], sum[:])
	return s.prefix + string(b[:])
}

// Claim implements push.DedupStore: SET NX PX creates the entry in flight
// for ttl if there is none, atomically for every instance that shares the
// Redis, and then the caller owns the push (push.Claimed): one round trip
// for a new push. Otherwise a GET reads the entry's state (push.InFlight,
// or push.Finished and its reply).
//
// When Redis fails or is slow (see the package doc), Claim answers from
// this process's memory instead, with no error: the push is still deduped
// against the deliveries this process saw. The error is ctx's, when ctx
// ended during the call.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (push.Claim, error) {
	rk := s.pushKey(key)
	px := max(ttl, time.Millisecond)
	for range claimAttempts {
		_, err := call(s, ctx, "claim", func(ctx context.Context) (string, error) {
			return s.rdb.SetArgs(ctx, rk, inFlight, redis.SetArgs{Mode: "NX", TTL: px}).Result()
		})
		if err == nil {
			return push.Claim{Status: push.Claimed}, nil
		}
		if !errors.Is(err, redis.Nil) {
			return s.claimFailed(ctx, key, ttl, err)
		}
		v, err := call(s, ctx, "claim", func(ctx context.Context) (string, error) {
			return s.rdb.Get(ctx, rk).Result()
		})
		if err == nil {
			return decodeEntry(v)
		}
		if !errors.Is(err, redis.Nil) {
			return s.claimFailed(ctx, key, ttl, err)
		}
		// The entry went between SET and GET: try again.
	}
	return push.Claim{}, errors.New("redisstore: claim: the entry keeps vanishing")
}

// claimFailed answers a Claim that Redis failed: from memory, unless ctx
// ended.
func (s *Store) claimFailed(ctx context.Context, key string, ttl time.Duration, err error) (push.Claim, error) {
	if ctx.Err() != nil {
		return push.Claim{}, err
	}
	return s.mem.Claim(ctx, key, ttl)
}

// decodeEntry reads an entry's value.
func decodeEntry(v string) (push.Claim, error) {
	switch {
	case v == inFlight:
		return push.Claim{Status: push.InFlight}, nil
	case len(v) > 0 && v[0] == finished:
		return push.Claim{Status: push.Finished, Reply: []byte(v[1:])}, nil
	}
	return push.Claim{}, errBadEntry
}

// Finish implements push.DedupStore: SET with PX ttl makes the entry
// finished with reply, for every instance; their Waits see it at their
// next look. The reply is also kept in this process's memory, which
// answers the retries that reach this process while Redis is down.
//
// A Redis that fails costs the other instances the reply (their retries run
// the handler again) but is not an error: the error is ctx's, when ctx
// ended during the call.
func (s *Store) Finish(ctx context.Context, key string, reply []byte, ttl time.Duration) error {
	if err := s.mem.Finish(ctx, key, reply, ttl); err != nil {
		return err
	}
	v := make([]byte, 1+len(reply))
	v[0] = finished
	copy(v[1:], reply)
	_, err := call(s, ctx, "finish", func(ctx context.Context) (any, error) {
		return nil, s.rdb.Set(ctx, s.pushKey(key), v, max(ttl, time.Millisecond)).Err()
	})
	if err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}

// Wait implements push.DedupStore: it looks at the entry (GET) until it is
// finished and returns its reply, pausing between looks from 2 ms, doubled
// each time, up to 50 ms; a look costs one round trip and the wait is
// bounded by ctx (the retry's deadline), so a waiting retry costs Redis
// little. It returns ctx.Err() once ctx ends.
//
// When the entry is not in Redis (never claimed there, or its claim
// expired because its owner died), or Redis fails, Wait waits on this
// process's memory instead, which holds the pushes this process claimed
// while Redis was down and returns push.ErrNoEntry for any other.
func (s *Store) Wait(ctx context.Context, key string) ([]byte, error) {
	rk := s.pushKey(key)
	pause := firstPoll
	var timer *time.Timer
	for {
		v, err := call(s, ctx, "wait", func(ctx context.Context) (string, error) {
			return s.rdb.Get(ctx, rk).Result()
		})
		switch {
		case err == nil:
			cl, err := decodeEntry(v)
			if err != nil {
				return nil, fmt.Errorf("redisstore: wait: %w", err)
			}
			if cl.Status == push.Finished {
				return cl.Reply, nil
			}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			// redis.Nil, or Redis failed.
			return s.mem.Wait(ctx, key)
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
		pause = min(2*pause, maxPoll)
	}
}
