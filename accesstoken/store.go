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
// There is no lock method, on purpose. With cgi-bin/stable_token (the
// default) a fetch in normal mode is idempotent: processes that fetch at the
// same moment get the same token, so a race costs one request each and
// invalidates nothing; a lock would add a Store round trip and a failure
// mode (a holder that dies) to save requests that are cheap (10,000 a
// minute). With cgi-bin/token (WithLegacyToken) every fetch issues a new
// token and the previous one keeps working for 5 more minutes: processes
// that fetch at the same moment converge on the one that was saved first,
// and if WeChat issued that one before the other, it fails after those 5
// minutes with 40001; the caller's Invalidate then makes one process fetch
// again. That costs one failed call, not a storm, and the legacy endpoint is
// only for those who need it.
type Store interface {
	// Load returns the value saved under key, or "" if none.
	Load(ctx context.Context, key string) (value string, expiry time.Time, err error)
	// CompareAndSwap saves value (or deletes, if value is "") under key
	// if the value saved there is old ("" for none), atomically, and
	// reports whether it did.
	CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (swapped bool, err error)
}

// storeKeyPrefix is the prefix of the Store key; the AppID follows.
const storeKeyPrefix = "wxmp:accesstoken:"
