-- The basic access_token, shared by every instance of the application
-- (accesstoken.Store): one row per key, replaced by compare-and-swap.
CREATE TABLE wechat_tokens (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
