package wxmptest

import "time"

// Bounds on what an [OAuthServer] keeps, so that a fake that runs for long
// (wxmp oauth-server) or under a load test holds a bounded amount of memory
// and spends the same time on each request however many it has served.
const (
	// OAuthMaxCodes is the most codes an OAuthServer keeps at once, used or
	// not. A code is forgotten once it has expired; past this number,
	// issuing a code first forgets the oldest one, which then answers 40029
	// as an expired one does.
	OAuthMaxCodes = 1 << 16
	// OAuthMaxLogins is the most logins (code exchanges, each with its
	// refresh token and access tokens) an OAuthServer keeps at once. A
	// login is forgotten once its refresh token has been expired for
	// another OAuthRefreshTokenLifetime (until then it answers 42002);
	// past this number, a new login first forgets the oldest one, whose
	// tokens then answer 40030 and 40001 as unknown ones do.
	OAuthMaxLogins = 1 << 16
)

const (
	// oauthAccessKept is how many access tokens one login keeps: the
	// current one and the last ones it replaced, which answer 42001. An
	// older one answers 40001, as an unknown token does.
	oauthAccessKept = 8
	// oauthSecretsKept is how many of the last secrets issued Secrets
	// remembers beside the ones still kept.
	oauthSecretsKept = 1024
)

// fifo is a first-in, first-out queue with amortised O(1) push and pop.
type fifo[T any] struct {
	items []T
	head  int // items[:head] are popped
}

func (q *fifo[T]) len() int { return len(q.items) - q.head }
func (q *fifo[T]) front() T { return q.items[q.head] }
func (q *fifo[T]) push(v T) { q.items = append(q.items, v) }
func (q *fifo[T]) pop() (v T) {
	var zero T
	v, q.items[q.head] = q.items[q.head], zero
	q.head++
	if q.head >= 64 && q.head*2 >= len(q.items) {
		// Move the rest down: each item moved was paid for by a pop.
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	return v
}

// secretRing remembers the last oauthSecretsKept secrets issued.
type secretRing struct {
	buf  [oauthSecretsKept]string
	next int // where the next one goes
	n    int // how many are remembered
}

func (r *secretRing) add(s string) {
	r.buf[r.next] = s
	r.next = (r.next + 1) % len(r.buf)
	r.n = min(r.n+1, len(r.buf))
}

// all returns the remembered secrets, oldest first.
func (r *secretRing) all() []string {
	out := make([]string, 0, r.n)
	for i := range r.n {
		out = append(out, r.buf[(r.next-r.n+i+len(r.buf))%len(r.buf)])
	}
	return out
}

// keepCodeLocked forgets the codes that have expired at now (they would
// get 40029 either way) and, past OAuthMaxCodes, the oldest, then keeps c.
// Codes are queued in the order they were issued; the sweep stops at the
// first one still valid, so each code is looked at a bounded number of
// times: O(1) per code, amortised. (A code of the 10-minute website login
// lifetime, or a clock moved back, can hold expired codes behind it for a
// while; OAuthMaxCodes bounds them.)
func (s *OAuthServer) keepCodeLocked(c *oauthCode, now time.Time) {
	for s.codeQueue.len() > 0 && (!now.Before(s.codeQueue.front().expires) || s.codeQueue.len() >= s.maxCodes) {
		delete(s.codes, s.codeQueue.pop().code)
	}
	s.codes[c.code] = c
	s.codeQueue.push(c)
}

// keepLoginLocked forgets the logins whose refresh token expired at least
// OAuthRefreshTokenLifetime before now and, past OAuthMaxLogins, the
// oldest, with their access tokens; then it keeps g. Logins are queued in
// the order they were made, as codes are.
func (s *OAuthServer) keepLoginLocked(g *oauthGrant, now time.Time) {
	for s.loginQueue.len() > 0 && (!now.Before(s.loginQueue.front().refreshExpires.Add(OAuthRefreshTokenLifetime)) ||
		s.loginQueue.len() >= s.maxLogins) {
		old := s.loginQueue.pop()
		delete(s.grants, old.refreshToken)
		for _, a := range old.accesses {
			delete(s.tokens, a.token)
		}
	}
	s.grants[g.refreshToken] = g
	s.loginQueue.push(g)
}

// keepAccessLocked makes a the current access token of its login, which
// forgets its oldest past oauthAccessKept.
func (s *OAuthServer) keepAccessLocked(a *oauthAccess) {
	g := a.grant
	if len(g.accesses) >= oauthAccessKept {
		delete(s.tokens, g.accesses[0].token)
		n := copy(g.accesses, g.accesses[1:])
		g.accesses[n] = nil
		g.accesses = g.accesses[:n]
	}
	g.accesses = append(g.accesses, a)
	s.tokens[a.token] = a
}
