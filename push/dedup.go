package push

import (
	"context"
	"strconv"
	"time"
)

// DedupStore remembers which pushes the server has taken and what it
// answered, so that WeChat's retries of a push run the handler once and
// get the first delivery's reply. The server keeps one in memory by default
// ([NewMemoryStore]); several instances behind one URL share one over the
// network (a Redis store lives in its own module). [WithDedup] sets it.
//
// A key stands for one push (see [WithDedupKey]): an opaque string of up to
// a few hundred bytes, which may hold any byte; a store may hash it. A
// reply is the plaintext reply XML, exactly as the handler's reply.Reply
// marshalled it, never encrypted (each delivery seals it for its own
// timestamp and nonce); an empty reply means "no reply", answered with
// "success". A store keeps replies in clear: a shared one must be as
// private as the pushes themselves.
//
// Each entry is in one of two states, in flight or finished, and has an
// expiry. The server calls the methods this way for every push with a key:
//
//  1. Claim(ctx, key, claimTTL). With no live entry for key, the store
//     atomically creates one in flight, expiring claimTTL from now, and
//     returns [Claimed]: the caller runs the handler. With an entry in
//     flight it returns [InFlight]; with a finished entry, [Finished] and
//     the entry's reply. Among concurrent Claims of one key, on one
//     instance or many, exactly one gets Claimed. An expired entry counts
//     as absent.
//  2. After Claimed, Finish(ctx, key, reply, ttl), exactly once: the entry
//     becomes finished with that reply and expires ttl from now (at least
//     30 s: WeChat's three retries come about 5 s apart), whether or not it
//     was still there. Every Wait for key then returns reply. The store may
//     keep the slice; nobody modifies it afterwards.
//  3. After InFlight, Wait(ctx, key): it blocks until the entry is
//     finished and returns its reply, or returns ctx.Err() once ctx ends
//     (the retry's own deadline), or [ErrNoEntry] when there is no entry
//     for key (any more). A store over the network may poll or subscribe;
//     either way Wait must return soon after ctx ends.
//
// claimTTL bounds how long a claim whose owner died (a crashed instance)
// blocks the key; the server passes twice the handler timeout, and always
// calls Finish before that in normal operation: with the reply, or with an
// empty one when the handler failed, panicked or missed the deadline (its
// reply then goes through the [LateReplySender], and retries answer
// "success").
//
// A store that fails returns an error; the server then logs it and runs
// the handler without dedupe rather than drop the push. Every method must
// be safe for concurrent use.
type DedupStore interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error)
	Finish(ctx context.Context, key string, reply []byte, ttl time.Duration) error
	Wait(ctx context.Context, key string) ([]byte, error)
}

// Claim is the answer of [DedupStore.Claim].
type Claim struct {
	// Status says who runs the handler.
	Status ClaimStatus
	// Reply is the finished entry's reply when Status is Finished: the
	// plaintext reply XML, empty for "no reply".
	Reply []byte
}

// ClaimStatus is the state of a key when [DedupStore.Claim] was called.
type ClaimStatus uint8

const (
	// Claimed: there was no entry; the caller now owns the key, runs the
	// handler and calls Finish.
	Claimed ClaimStatus = iota
	// InFlight: another delivery owns the key and has not finished; the
	// caller may Wait for its reply.
	InFlight
	// Finished: the push was answered; Claim.Reply is the reply.
	Finished
)

// String returns "claimed", "in flight" or "finished".
func (s ClaimStatus) String() string {
	switch s {
	case Claimed:
		return "claimed"
	case InFlight:
		return "in flight"
	case Finished:
		return "finished"
	}
	return "ClaimStatus(" + strconv.Itoa(int(s)) + ")"
}
