package main

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Limits of a site account's credentials.
const (
	maxUsernameRunes = 64
	minPasswordBytes = 8
	maxPasswordBytes = 72 // bcrypt reads no further
)

// checkUsername returns the username as stored (surrounding space
// trimmed) and its key (lower case, unique), or a sentence for the form.
func checkUsername(raw string) (name, key, problem string) {
	name = strings.TrimSpace(raw)
	switch {
	case name == "":
		return "", "", "Please choose a username."
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxUsernameRunes:
		return "", "", "A username has at most 64 characters."
	case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsGraphic(r) }) >= 0:
		return "", "", "A username cannot contain control characters."
	}
	return name, strings.ToLower(name), ""
}

// checkPassword returns a sentence for the form if the password is not
// acceptable.
func checkPassword(pw string) string {
	switch {
	case len(pw) < minPasswordBytes:
		return "A password has at least 8 characters."
	case len(pw) > maxPasswordBytes:
		return "A password has at most 72 bytes (bcrypt reads no further)."
	}
	return ""
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	data := pageData{Title: "Bind WeChat to your account"}
	if sess != nil {
		data.User = &sess.User
	}
	s.render(w, http.StatusOK, "home", data)
}

// accountForm renders the sign-up or sign-in form.
func (s *server) accountForm(w http.ResponseWriter, r *http.Request, sess *session, status int, page, username, problem string) {
	data := pageData{Username: username, Error: problem, CSRF: s.csrfToken(w, r, sess)}
	if sess != nil {
		data.User = &sess.User
	}
	s.render(w, status, page, data)
}

func (s *server) signupForm(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	s.accountForm(w, r, sess, http.StatusOK, "signup", "", "")
}

// signup creates an account and signs the browser in to it.
func (s *server) signup(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.readPost(w, r, false)
	if !ok {
		return
	}
	name, key, problem := checkUsername(r.PostForm.Get("username"))
	pw := r.PostForm.Get("password")
	if problem == "" {
		problem = checkPassword(pw)
	}
	if problem != "" {
		s.accountForm(w, r, sess, http.StatusBadRequest, "signup", r.PostForm.Get("username"), problem)
		return
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), s.bcryptCost)
	if err != nil {
		s.fail(w, "hash password", err)
		return
	}
	u := user{ID: newSecret(), Username: name}
	switch err := s.db.createUser(r.Context(), u, key, string(hash), s.now()); {
	case errors.Is(err, errUsernameTaken):
		s.accountForm(w, r, sess, http.StatusConflict, "signup", name, "That username is taken. Please choose another.")
		return
	case err != nil:
		s.fail(w, "sign up", err)
		return
	}
	if err := s.startSession(r.Context(), w, sess, u); err != nil {
		s.fail(w, "start session", err)
		return
	}
	s.log.Info("signed up", "user", u.ID)
	s.redirect(w, r, mePath)
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	s.accountForm(w, r, sess, http.StatusOK, "login", "", "")
}

// login signs the browser in with a username and password.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.readPost(w, r, false)
	if !ok {
		return
	}
	raw, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
	_, key, problem := checkUsername(raw)
	// An unknown username is compared against a dummy hash: the same work
	// as for a real account, so that the answer's timing does not tell
	// whether the username exists.
	var u user
	hash := s.dummyHash
	if problem == "" && len(pw) <= maxPasswordBytes {
		found, h, err := s.db.userByUsername(r.Context(), key)
		switch {
		case err == nil:
			u, hash = found, []byte(h)
		case !errors.Is(err, errNotFound):
			s.fail(w, "sign in", err)
			return
		}
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pw)) != nil || u.ID == "" {
		s.log.Info("sign-in refused")
		s.accountForm(w, r, sess, http.StatusUnauthorized, "login", raw, "Wrong username or password.")
		return
	}
	if err := s.startSession(r.Context(), w, sess, u); err != nil {
		s.fail(w, "start session", err)
		return
	}
	s.log.Info("signed in", "user", u.ID, "with", "password")
	s.redirect(w, r, mePath)
}

// logoutGET signs out on a plain GET (a link, a typed address, a
// script), unless the browser says the request comes from another site
// (Sec-Fetch-Site: cross-site or same-site): then it asks, with a form that
// POSTs with the session's CSRF token. A HEAD changes nothing. SameSite=Lax already keeps the
// session cookie off another site's images and frames; this keeps a link
// on another site from signing anyone out either.
func (s *server) logoutGET(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	if sess == nil {
		s.redirect(w, r, "/")
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" || r.Method == http.MethodHead {
		s.render(w, http.StatusOK, "logout", pageData{Title: "Sign out", User: &sess.User, CSRF: sess.CSRFToken})
		return
	}
	if err := s.endSession(r.Context(), w, sess, false); err != nil {
		s.fail(w, "sign out", err)
		return
	}
	s.log.Info("signed out", "user", sess.User.ID, "everywhere", false)
	s.redirect(w, r, "/")
}

// logout ends the browser's session, or with everywhere=1 every session
// of the account, on every instance.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, "session", err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.message(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	if sess != nil && !s.checkCSRF(r, sess, false) {
		s.forbidden(w, r)
		return
	}
	if err := s.endSession(r.Context(), w, sess, r.PostForm.Get("everywhere") == "1"); err != nil {
		s.fail(w, "sign out", err)
		return
	}
	if sess != nil {
		s.log.Info("signed out", "user", sess.User.ID, "everywhere", r.PostForm.Get("everywhere") == "1")
	}
	s.redirect(w, r, "/")
}
