package accesstoken

import (
	"context"
	"time"
)

// Store keeps the token where several Sources, in several processes or on
// several hosts, see it, so that they share one token instead of each
// fetching its own (WithStore). A Source without a Store keeps its token in
// memory. This package only calls the two methods below; a Redis or SQL
// implementation lives with the application or in its own module.
//
// The methods take only strings and times so that one implementation also
// serves jssdk.Store, whose shape is the same. Keys are
// "wxmp:accesstoken:" + AppID here and "wxmp:jsapi_ticket:" + AppID in
// jssdk; an implementation may add its own prefix.
//
// What an implementation must do:
//
//   - Load returns the value saved under key and its expiry, or "" (and any
//     time) when nothing is saved. It may drop a value once its expiry has
//     passed (a Redis PEXPIREAT) or keep returning it; the Source checks the
//     expiry itself.
//   - CompareAndSwap saves value with expiry under key only if the value
//     saved there is old at that moment, and reports whether it did. old ""
//     means "nothing saved"; value "" means "delete". It must be atomic with
//     respect to every other CompareAndSwap on key (Redis: a Lua script, or
//     WATCH/MULTI/EXEC; SQL: UPDATE … WHERE value = old, or INSERT when old
//     is ""), and compare against what Load would return at that moment (so a
//     value Load has stopped returning because it expired counts as "").
//   - Both are safe for concurrent use, honour ctx, and never log the value.
//
// How a Source uses it: when its own copy is missing or within the expiry
// delta it Loads, and uses a stored token that is fresh. Otherwise it fetches
// from WeChat and saves with CompareAndSwap(old = what it loaded); if another
// process saved first, the Source Loads again and uses that process's token,
// so that all of them converge on one. Invalidate is
// CompareAndSwap(failed → ""): a process reporting a token that another has
// already replaced changes nothing. ForceRefresh saves over whatever is
// stored. If Load fails, the Source fetches and keeps the token in memory
// only; a failed save is ignored likewise. Only Invalidate returns the
// Store's error.
//
// Locking is optional. Without a [Locker], processes that find no fresh
// token at the same moment each fetch one. With cgi-bin/stable_token (the
// default) a fetch in normal mode is idempotent: processes that fetch at the
// same moment get the same token, so a race costs one request each and
// invalidates nothing; requests are cheap (10,000 a minute), and a simple
// Store stays two methods. With cgi-bin/token (WithLegacyToken) every fetch
// issues a new token and the previous one keeps working for 5 more minutes:
// processes that fetch at the same moment converge on the one that was
// saved first, and if WeChat issued that one before the other, it fails
// after those 5 minutes with 40001; the caller's Invalidate then makes one
// process fetch again. That costs one failed call, not a storm. A Store that
// also implements Locker removes the race: one process fetches and the
// others wait for it, so there is one token request per expiry for all of
// them, whichever endpoint, for one more Store round trip per fetch.
type Store interface {
	// Load returns the value saved under key, or "" if none.
	Load(ctx context.Context, key string) (value string, expiry time.Time, err error)
	// CompareAndSwap saves value (or deletes, if value is "") under key
	// if the value saved there is old ("" for none), atomically, and
	// reports whether it did.
	CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (swapped bool, err error)
}

// Locker is what a [Store] may also implement so that the Sources sharing
// it fetch one at a time: one token request per expiry for all processes,
// instead of one per process that finds the token stale at the same moment
// (see Store). jssdk's Sources use it the same way for the ticket.
//
// What an implementation must do:
//
//   - Lock returns once the caller holds the lock named after key: at most
//     one caller holds it at a time, in every process that shares the
//     Store. It returns ctx.Err() if ctx ends first, and another error if
//     the Store fails. The lock frees itself ttl after it was taken, so that
//     a holder that died delays the others by ttl at most.
//   - unlock releases the lock, and does nothing if it has freed itself in
//     the meantime (it must not release another caller's lock). It may be
//     called more than once.
//   - Both are safe for concurrent use.
//
// How a Source uses it: only when it is about to fetch, after a Load found
// no fresh token, it takes the lock (ttl 15 s, longer than a fetch),
// Loads again and uses the token saved meanwhile if there is one; otherwise
// it fetches, saves with CompareAndSwap and unlocks. A Lock that fails is
// bypassed like a Load that fails: the Source fetches without it.
// ForceRefresh does not lock.
type Locker interface {
	// Lock blocks until the caller holds the lock named after key, for at
	// most ttl, or ctx ends, and returns the func that releases it.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
}

// storeKeyPrefix is the prefix of the Store key; the AppID follows.
const storeKeyPrefix = "wxmp:accesstoken:"
