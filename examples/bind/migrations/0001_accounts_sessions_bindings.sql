-- Site accounts, their server-side sessions, web-authorization states in
-- flight and the WeChat bound to each account. One file for SQLite and
-- PostgreSQL: ids are random text made by the application, times are Unix
-- seconds in BIGINT, so no dialect-specific type or default is needed.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- username as typed; username_key is its lower-case form, unique, so
    -- that "Alice" and "alice" cannot both exist.
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    CONSTRAINT users_username_key_unique UNIQUE (username_key)
);

-- A session is found by the SHA-256 of the cookie's value, so the table
-- alone does not let anyone sign in. csrf_token is the session's CSRF
-- token, which every form of a signed-in page carries.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The state of a web authorization in flight: found by its SHA-256, used
-- once (deleted when the callback arrives), tied to the browser that
-- started it (browser_hash: the session for a bind, a nonce cookie for a
-- sign-in) and, for a bind, to the account.
CREATE TABLE oauth_states (
    state_hash   TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

-- One WeChat per account and one account per WeChat: both are unique
-- constraints, so that two concurrent binds cannot both succeed, whichever
-- instance serves them.
CREATE TABLE bindings (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    openid     TEXT NOT NULL,
    unionid    TEXT NOT NULL DEFAULT '',
    nickname   TEXT NOT NULL,
    avatar_url TEXT NOT NULL,
    bound_at   BIGINT NOT NULL,
    CONSTRAINT bindings_one_wechat_per_account PRIMARY KEY (user_id),
    CONSTRAINT bindings_one_account_per_wechat UNIQUE (openid)
);
