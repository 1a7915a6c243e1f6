package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Errors of the store. Handlers turn them into pages; anything else from
// the store is a database failure (HTTP 500).
var (
	errNotFound = errors.New("not found")
	// errUsernameTaken: an account with that username (ignoring case)
	// exists.
	errUsernameTaken = errors.New("username taken")
	// errWeChatTaken: the WeChat (OpenID) is bound to another account.
	errWeChatTaken = errors.New("wechat bound to another account")
	// errAccountBound: the account is bound to another WeChat.
	errAccountBound = errors.New("account bound to another wechat")
)

// user is a site account.
type user struct {
	ID       string
	Username string
}

// session is a signed-in browser, found by the hash of its cookie.
type session struct {
	IDHash    string
	User      user
	CSRFToken string
	ExpiresAt time.Time
}

// binding is the WeChat bound to an account.
type binding struct {
	UserID    string
	OpenID    string
	UnionID   string // "" when WeChat sent none
	Nickname  string
	AvatarURL string
	BoundAt   time.Time
}

// Purposes of a web authorization in flight.
const (
	purposeBind  = "bind"
	purposeLogin = "login"
)

// oauthState is a web authorization in flight.
type oauthState struct {
	StateHash   string
	Purpose     string // purposeBind or purposeLogin
	BrowserHash string // the session (bind) or nonce cookie (login) that started it
	UserID      string // the account being bound; "" for a sign-in
	ExpiresAt   time.Time
}

// createUser adds an account. The username must be new, ignoring case
// (errUsernameTaken otherwise).
func (db *DB) createUser(ctx context.Context, u user, usernameKey, passwordHash string, now time.Time) error {
	res, err := db.exec(ctx, db.sql, `INSERT INTO users (id, username, username_key, password_hash, created_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, u.ID, u.Username, usernameKey, passwordHash, now.Unix())
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create user: %w", err)
	} else if n == 0 {
		return errUsernameTaken
	}
	return nil
}

// userByUsername returns the account whose username_key is key, and its
// password hash; errNotFound if there is none.
func (db *DB) userByUsername(ctx context.Context, key string) (user, string, error) {
	var u user
	var hash string
	err := db.queryRow(ctx, db.sql, "SELECT id, username, password_hash FROM users WHERE username_key = ?", key).
		Scan(&u.ID, &u.Username, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return user{}, "", errNotFound
	}
	if err != nil {
		return user{}, "", fmt.Errorf("find user: %w", err)
	}
	return u, hash, nil
}

// userByID returns the account with the id; errNotFound if there is none.
func (db *DB) userByID(ctx context.Context, id string) (user, error) {
	u := user{ID: id}
	err := db.queryRow(ctx, db.sql, "SELECT username FROM users WHERE id = ?", id).Scan(&u.Username)
	if errors.Is(err, sql.ErrNoRows) {
		return user{}, errNotFound
	}
	if err != nil {
		return user{}, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// createSession stores a session and, in passing, deletes expired ones.
func (db *DB) createSession(ctx context.Context, s session, now time.Time) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM sessions WHERE expires_at <= ?", now.Unix()); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	_, err := db.exec(ctx, db.sql, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)
VALUES (?, ?, ?, ?, ?)`, s.IDHash, s.User.ID, s.CSRFToken, now.Unix(), s.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// sessionByHash returns the unexpired session whose cookie hashes to
// idHash, with its account; errNotFound if there is none.
func (db *DB) sessionByHash(ctx context.Context, idHash string, now time.Time) (session, error) {
	s := session{IDHash: idHash}
	var exp int64
	err := db.queryRow(ctx, db.sql, `SELECT s.csrf_token, s.expires_at, u.id, u.username
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id_hash = ? AND s.expires_at > ?`, idHash, now.Unix()).
		Scan(&s.CSRFToken, &exp, &s.User.ID, &s.User.Username)
	if errors.Is(err, sql.ErrNoRows) {
		return session{}, errNotFound
	}
	if err != nil {
		return session{}, fmt.Errorf("find session: %w", err)
	}
	s.ExpiresAt = time.Unix(exp, 0)
	return s, nil
}

// deleteSession ends one session, on every instance.
func (db *DB) deleteSession(ctx context.Context, idHash string) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM sessions WHERE id_hash = ?", idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// deleteUserSessions ends every session of an account.
func (db *DB) deleteUserSessions(ctx context.Context, userID string) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// createState stores a web authorization in flight and, in passing,
// deletes expired ones.
func (db *DB) createState(ctx context.Context, st oauthState, now time.Time) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM oauth_states WHERE expires_at <= ?", now.Unix()); err != nil {
		return fmt.Errorf("delete expired states: %w", err)
	}
	var userID any // NULL for a sign-in
	if st.UserID != "" {
		userID = st.UserID
	}
	_, err := db.exec(ctx, db.sql, `INSERT INTO oauth_states (state_hash, purpose, browser_hash, user_id, expires_at)
VALUES (?, ?, ?, ?, ?)`, st.StateHash, st.Purpose, st.BrowserHash, userID, st.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("create state: %w", err)
	}
	return nil
}

// takeState deletes the state with the hash and returns it, if it exists
// and has not expired: of two callbacks with one state, exactly one gets
// it. errNotFound otherwise.
func (db *DB) takeState(ctx context.Context, stateHash string, now time.Time) (oauthState, error) {
	st := oauthState{StateHash: stateHash}
	var userID sql.NullString
	var exp int64
	err := db.queryRow(ctx, db.sql, `DELETE FROM oauth_states WHERE state_hash = ?
RETURNING purpose, browser_hash, user_id, expires_at`, stateHash).Scan(&st.Purpose, &st.BrowserHash, &userID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return oauthState{}, errNotFound
	}
	if err != nil {
		return oauthState{}, fmt.Errorf("take state: %w", err)
	}
	if exp <= now.Unix() {
		return oauthState{}, errNotFound
	}
	st.UserID, st.ExpiresAt = userID.String, time.Unix(exp, 0)
	return st, nil
}

// bind stores b. The unique constraints decide between concurrent binds:
// errWeChatTaken if the OpenID is bound to another account,
// errAccountBound if the account is bound to another OpenID. Binding an
// account to the WeChat it is already bound to changes nothing and
// returns the binding stored (created false).
func (db *DB) bind(ctx context.Context, b binding) (stored binding, created bool, err error) {
	// A constraint refuses the insert; the binding in the way may be
	// gone by the time we look for it (an unbind in between), so try a
	// few times before giving up.
	for range 3 {
		res, err := db.exec(ctx, db.sql, `INSERT INTO bindings (user_id, openid, unionid, nickname, avatar_url, bound_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, b.UserID, b.OpenID, b.UnionID, b.Nickname, b.AvatarURL, b.BoundAt.Unix())
		if err != nil {
			return binding{}, false, fmt.Errorf("bind: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return binding{}, false, fmt.Errorf("bind: %w", err)
		}
		if n == 1 {
			return b, true, nil
		}
		if mine, err := db.bindingByUser(ctx, b.UserID); err == nil {
			if mine.OpenID == b.OpenID {
				return mine, false, nil
			}
			return binding{}, false, errAccountBound
		} else if !errors.Is(err, errNotFound) {
			return binding{}, false, err
		}
		if _, err := db.bindingByOpenID(ctx, b.OpenID); err == nil {
			return binding{}, false, errWeChatTaken
		} else if !errors.Is(err, errNotFound) {
			return binding{}, false, err
		}
	}
	return binding{}, false, errors.New("bind: the bindings in the way keep changing; try again")
}

const bindingColumns = "user_id, openid, unionid, nickname, avatar_url, bound_at"

func scanBinding(row *sql.Row) (binding, error) {
	var b binding
	var at int64
	err := row.Scan(&b.UserID, &b.OpenID, &b.UnionID, &b.Nickname, &b.AvatarURL, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return binding{}, errNotFound
	}
	if err != nil {
		return binding{}, fmt.Errorf("find binding: %w", err)
	}
	b.BoundAt = time.Unix(at, 0)
	return b, nil
}

// bindingByUser returns the account's binding; errNotFound if it has none.
func (db *DB) bindingByUser(ctx context.Context, userID string) (binding, error) {
	return scanBinding(db.queryRow(ctx, db.sql, "SELECT "+bindingColumns+" FROM bindings WHERE user_id = ?", userID))
}

// bindingByOpenID returns the binding of a WeChat user; errNotFound if
// no account is bound to them.
func (db *DB) bindingByOpenID(ctx context.Context, openID string) (binding, error) {
	return scanBinding(db.queryRow(ctx, db.sql, "SELECT "+bindingColumns+" FROM bindings WHERE openid = ?", openID))
}

// unbind removes the account's binding and reports whether there was one.
func (db *DB) unbind(ctx context.Context, userID string) (bool, error) {
	res, err := db.exec(ctx, db.sql, "DELETE FROM bindings WHERE user_id = ?", userID)
	if err != nil {
		return false, fmt.Errorf("unbind: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("unbind: %w", err)
	}
	return n > 0, nil
}
