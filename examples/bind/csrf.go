package main

import (
	"crypto/subtle"
	"net/http"
)

// CSRF protection has two layers.
//
// Every form carries a token in the field csrf_token (a script may send it
// in the X-CSRF-Token header instead), and every POST handler checks it
// before it changes anything:
//
//   - A signed-in page's forms carry the session's token, kept in its row
//     of the sessions table: another site can neither read it nor make the
//     browser send it. Only it is accepted for bind, unbind, notify and
//     sign-out.
//   - The sign-up and sign-in forms of a signed-out visitor, who has no
//     session yet, carry the value of a random cookie (bind_csrf, HttpOnly,
//     SameSite=Lax; __Host- over https so that a sibling subdomain cannot
//     plant it) and the POST must bring both (the double-submit pattern).
//
// In front of every handler, net/http's CrossOriginProtection refuses a
// POST that the browser marks as cross-site (Sec-Fetch-Site, or an Origin
// that is not this host), before a token is even looked at.
const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
	csrfCookie = "bind_csrf"
)

// csrfToken returns the token the forms of a page for this request carry:
// the session's, or for a signed-out visitor the bind_csrf cookie's, which
// it sets if the browser has none.
func (s *server) csrfToken(w http.ResponseWriter, r *http.Request, sess *session) string {
	if sess != nil {
		return sess.CSRFToken
	}
	if c, err := r.Cookie(s.csrfName); err == nil && isSecret(c.Value) {
		return c.Value
	}
	v := newSecret()
	s.setCookie(w, s.csrfName, v, 0) // until the browser closes
	return v
}

// checkCSRF reports whether the POST carries a valid token: the session's,
// or, where signedOutForm (sign-up and sign-in), the bind_csrf cookie's.
// The form must have been parsed (ParseForm).
func (s *server) checkCSRF(r *http.Request, sess *session, signedOutForm bool) bool {
	got := r.PostForm.Get(csrfField)
	if got == "" {
		got = r.Header.Get(csrfHeader)
	}
	if !isSecret(got) {
		return false
	}
	if sess != nil && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) == 1 {
		return true
	}
	if signedOutForm {
		c, err := r.Cookie(s.csrfName)
		return err == nil && isSecret(c.Value) && subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
	}
	return false
}

// readPost does what every form POST starts with: it finds the session,
// reads the form and checks the CSRF token, the session's own when
// signedIn (a signed-out visitor is told to sign in) and the double-submit
// cookie's otherwise. When a check fails it has answered the request and
// ok is false.
func (s *server) readPost(w http.ResponseWriter, r *http.Request, signedIn bool) (sess *session, ok bool) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return nil, false
	}
	if err := parseForm(w, r); err != nil {
		s.message(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil, false
	}
	if signedIn && sess == nil {
		s.signedOut(w)
		return nil, false
	}
	if !s.checkCSRF(r, sess, !signedIn) {
		s.forbidden(w, r)
		return nil, false
	}
	return sess, true
}
