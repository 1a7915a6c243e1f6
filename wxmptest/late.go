package wxmptest

import (
	"context"
	"time"
)

// Outcome is what the user saw of a push, which a valid answer does not
// say by itself: "success" is valid, and shows nothing.
type Outcome uint8

const (
	// OutcomeNothing: the push was answered with "success" or an empty
	// body, or not yet delivered, and no late reply has reached the user,
	// as far as the Pusher can tell (see WithAPIServer).
	OutcomeNothing Outcome = iota + 1
	// OutcomePassive: a delivery was answered in time with a valid
	// passive reply, which WeChat shows the user.
	OutcomePassive
	// OutcomeLate: no passive reply, but the fake of WeChat's API
	// (WithAPIServer) accepted a customer-service message for the push's
	// user after the push was prepared: the handler's reply, sent late.
	OutcomeLate
	// OutcomeError: the answer broke one of WeChat's rules (the error
	// is a *Violation), so WeChat showed the user "该公众号暂时无法提供服务，请稍后再试".
	OutcomeError
)

// String describes the outcome: "user got nothing", "passive reply",
// "no passive reply; late reply delivered via customer service" or
// "user shown an error".
func (o Outcome) String() string {
	switch o {
	case OutcomeNothing:
		return "user got nothing"
	case OutcomePassive:
		return "passive reply"
	case OutcomeLate:
		return "no passive reply; late reply delivered via customer service"
	case OutcomeError:
		return "user shown an error"
	}
	return "unknown outcome"
}

// Outcome tells what the user has got from the push, as of now: a passive
// reply, an error (a rule broken: the error of Push is a *Violation),
// a late reply (a customer-service message for the push's user that the
// fake given to WithAPIServer accepted after the push was prepared), or
// nothing.
//
// A late reply is sent after the answer, so call Outcome once the handler
// is known to have finished, or wait with AwaitOutcome. The fake cannot
// tell which push a message answers: pushes of one user in flight at the
// same time share their late replies.
func (r *Result) Outcome() Outcome {
	switch {
	case r.violated:
		return OutcomeError
	case r.Reply != nil && r.Reply.Kind == KindXML:
		return OutcomePassive
	case r.hasLateReply():
		return OutcomeLate
	}
	return OutcomeNothing
}

// LateReplies returns, oldest first, the customer-service messages that
// count as the push's late reply (see Outcome): those the fake given to
// WithAPIServer accepted for the push's user after the push was prepared.
// Decode their Body to check the content. It returns nil without a fake.
func (r *Result) LateReplies() []APIRecord {
	if r.api == nil || r.Push == nil {
		return nil
	}
	return r.api.customerMessagesSince(r.mark, r.openID)
}

func (r *Result) hasLateReply() bool {
	return r.api != nil && r.Push != nil && r.api.hasCustomerMessageSince(r.mark, r.openID)
}

// lateReplyPoll is how often AwaitOutcome looks at the fake's records.
const lateReplyPoll = 5 * time.Millisecond

// AwaitOutcome waits until the user has got something from the push, and
// returns Outcome: at once for a passive reply, an error, a late reply
// already sent, or when there is no fake to look in (no WithAPIServer);
// otherwise when the fake accepts a late reply for the push's user,
// or when ctx ends, with OutcomeNothing and ctx's error. It looks at the
// fake every few milliseconds; give it a ctx with a deadline.
func (r *Result) AwaitOutcome(ctx context.Context) (Outcome, error) {
	o := r.Outcome()
	if o != OutcomeNothing || r.api == nil || r.Push == nil {
		return o, nil
	}
	t := time.NewTicker(lateReplyPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return OutcomeNothing, ctx.Err()
		case <-t.C:
			if o := r.Outcome(); o != OutcomeNothing {
				return o, nil
			}
		}
	}
}

// recordCount returns how many records the fake holds; records are only
// ever appended, so it marks a point in their history.
func (s *APIServer) recordCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// customerMessagesSince returns the customer-service messages for openID
// among the records from index mark on.
func (s *APIServer) customerMessagesSince(mark int, openID string) []APIRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []APIRecord
	for _, rec := range s.records[min(mark, len(s.records)):] {
		if rec.Path == APICustomSendPath && rec.OpenID == openID {
			out = append(out, rec)
		}
	}
	return out
}

// hasCustomerMessageSince reports whether customerMessagesSince would
// return any, without copying them.
func (s *APIServer) hasCustomerMessageSince(mark int, openID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.records[min(mark, len(s.records)):] {
		if rec.Path == APICustomSendPath && rec.OpenID == openID {
			return true
		}
	}
	return false
}
