package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"
)

// Sessions live in the sessions table: the cookie holds a random value
// (128 bits), the table its SHA-256, so that every instance sharing the
// database knows every session and signing out (deleting the row) ends it
// on all of them, while a copy of the table signs nobody in.
const (
	sessionCookie   = "bind_session"
	sessionLifetime = 7 * 24 * time.Hour
)

// secretLen is the length of rand.Text()'s values: 26 characters of
// A–Z2–7, 128 random bits. Cookie values of another shape are ignored
// without a database round trip.
const secretLen = 26

// newSecret returns a random value for a cookie, a state or a token.
func newSecret() string { return rand.Text() }

// isSecret reports whether v has the shape newSecret gives.
func isSecret(v string) bool {
	if len(v) != secretLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('A' <= c && c <= 'Z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// hashSecret is what the database keeps of a secret: hex SHA-256.
func hashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// setCookie sets one of the application's cookies, HttpOnly and
// SameSite=Lax (Lax, not Strict, so that the session comes along when
// WeChat redirects the browser back to a callback), Secure over https,
// for maxAge; a negative maxAge deletes it.
func (s *server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age = -1 // Max-Age=0 on the wire: delete now
	}
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   age,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

// session returns the request's session, or nil if it has none (no
// cookie, or one that matches no unexpired session). The error is the
// database's.
func (s *server) session(r *http.Request) (*session, error) {
	c, err := r.Cookie(s.sessionName)
	if err != nil || !isSecret(c.Value) {
		return nil, nil
	}
	sess, err := s.db.sessionByHash(r.Context(), hashSecret(c.Value), s.now())
	if errors.Is(err, errNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// startSession signs the browser in as u: a new session (a new cookie
// value, so a value planted before sign-in is worthless) with its own
// CSRF token. The session the browser had, if any, ends.
func (s *server) startSession(ctx context.Context, w http.ResponseWriter, old *session, u user) error {
	if old != nil {
		if err := s.db.deleteSession(ctx, old.IDHash); err != nil {
			return err
		}
	}
	value := newSecret()
	now := s.now()
	sess := session{IDHash: hashSecret(value), User: u, CSRFToken: newSecret(), ExpiresAt: now.Add(sessionLifetime)}
	if err := s.db.createSession(ctx, sess, now); err != nil {
		return err
	}
	s.setCookie(w, s.sessionName, value, sessionLifetime)
	return nil
}

// endSession signs the browser out: the session ends on every instance
// and the cookie is deleted. With everywhere, every session of the account
// ends.
func (s *server) endSession(ctx context.Context, w http.ResponseWriter, sess *session, everywhere bool) error {
	s.setCookie(w, s.sessionName, "", -1)
	if sess == nil {
		return nil
	}
	if everywhere {
		return s.db.deleteUserSessions(ctx, sess.User.ID)
	}
	return s.db.deleteSession(ctx, sess.IDHash)
}
