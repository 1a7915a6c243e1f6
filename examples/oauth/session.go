package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wxmp/wxmp/oauth"
)

// signer signs cookie values with HMAC-SHA256 under a random key made when
// the process starts. Restarting the process (or running two) ends every
// session and every login in progress; a real site shares a key from its
// secret store, or keeps sessions on the server. The values are signed, not
// encrypted: the visitor can read their own profile in the cookie, which
// holds nothing else (never a code or a token).
type signer struct {
	key [32]byte
}

func newSigner() *signer {
	s := &signer{}
	_, _ = rand.Read(s.key[:]) // crypto/rand.Read never fails (Go 1.24+)
	return s
}

// b64 is unpadded base64url, which needs no quoting in a cookie. Strict:
// the unused low bits of the last character must be zero, so that a value
// has one spelling and an altered character never decodes to the same
// bytes.
var b64 = base64.RawURLEncoding.Strict()

// sign returns payload.expiry.mac, where mac covers the purpose (so a state
// cookie can never pass for a session), the expiry (Unix seconds) and the
// payload.
func (s *signer) sign(purpose string, payload []byte, expiry time.Time) string {
	p := b64.EncodeToString(payload)
	e := strconv.FormatInt(expiry.Unix(), 10)
	return p + "." + e + "." + b64.EncodeToString(s.mac(purpose, p, e))
}

// open checks a value made by sign for purpose and returns its payload if
// the MAC matches and the expiry is after now.
func (s *signer) open(purpose, value string, now time.Time) ([]byte, bool) {
	p, rest, ok := strings.Cut(value, ".")
	if !ok {
		return nil, false
	}
	e, m, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, false
	}
	mac, err := b64.DecodeString(m)
	if err != nil || !hmac.Equal(mac, s.mac(purpose, p, e)) {
		return nil, false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return nil, false
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return nil, false
	}
	return payload, true
}

func (s *signer) mac(purpose, payload, expiry string) []byte {
	h := hmac.New(sha256.New, s.key[:])
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(expiry))
	h.Write([]byte{0})
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// spentStates remembers states that a callback has used, each until its
// cookie would have expired, so that none works twice. It holds at most
// max entries; all share one lifetime, so insertion order is expiry order
// and expired entries leave from the front.
type spentStates struct {
	mu    sync.Mutex
	max   int
	seen  map[string]time.Time
	order []string
}

func newSpentStates(max int) *spentStates {
	return &spentStates{max: max, seen: make(map[string]time.Time)}
}

// spend marks state as used until expiry. It returns used=true if the state
// was already spent, and full=true (spending nothing) if the set is at its
// cap even after forgetting expired states.
func (s *spentStates) spend(state string, expiry, now time.Time) (used, full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.order) > 0 && !now.Before(s.seen[s.order[0]]) {
		delete(s.seen, s.order[0])
		s.order = s.order[1:]
	}
	if _, ok := s.seen[state]; ok {
		return true, false
	}
	if len(s.seen) >= s.max {
		return false, true
	}
	s.seen[state] = expiry
	s.order = append(s.order, state)
	return false, false
}

// profile is what the session keeps: the fields the page shows, each cut
// to maxField bytes so that the cookie stays well under browsers' 4 KiB.
type profile struct {
	OpenID     string    `json:"o"`
	UnionID    string    `json:"u,omitempty"`
	Nickname   string    `json:"n,omitempty"`
	Sex        oauth.Sex `json:"s,omitempty"`
	Province   string    `json:"p,omitempty"`
	City       string    `json:"c,omitempty"`
	Country    string    `json:"r,omitempty"`
	HeadImgURL string    `json:"h,omitempty"`
	Snapshot   bool      `json:"x,omitempty"`
}

const maxField = 256

func newProfile(u *oauth.UserInfo, snapshot bool) profile {
	p := profile{
		OpenID: cut(u.OpenID), UnionID: cut(u.UnionID), Nickname: cut(u.Nickname), Sex: u.Sex,
		Province: cut(u.Province), City: cut(u.City), Country: cut(u.Country), Snapshot: snapshot,
	}
	if len(u.HeadImgURL) <= maxField {
		p.HeadImgURL = u.HeadImgURL // a cut URL would be a broken one
	}
	return p
}

// cut shortens s to at most maxField bytes without splitting a character.
func cut(s string) string {
	if len(s) <= maxField {
		return s
	}
	i := maxField
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// maxSessionValue bounds the signed session value so that name=value
// stays under the 4096 bytes browsers keep.
const maxSessionValue = 3800

// sessionValue signs p until expiry. Fields full of characters that JSON
// escapes (six bytes each) could still make it too long: then only the
// OpenID, sex and snapshot flag are kept, and the page shows the rest
// empty.
func (s *signer) sessionValue(p profile, expiry time.Time) string {
	v := s.sign("session", p.marshal(), expiry)
	if len(v) > maxSessionValue {
		p = profile{OpenID: p.OpenID, Sex: p.Sex, Snapshot: p.Snapshot}
		v = s.sign("session", p.marshal(), expiry)
	}
	return v
}

func (p profile) marshal() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" as one byte, not six
	_ = enc.Encode(p)        // strings and numbers only: cannot fail
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func unmarshalProfile(b []byte) (profile, bool) {
	var p profile
	if err := json.Unmarshal(b, &p); err != nil || p.OpenID == "" {
		return profile{}, false
	}
	return p, true
}
