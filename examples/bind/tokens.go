package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wxmp/wxmp/accesstoken"
)

// tokenStore keeps the basic access_token in the wechat_tokens table, so
// that every instance of the application uses one token
// (accesstoken.Store). Load returns a value whatever its expiry, and
// CompareAndSwap compares against that same value, as the interface asks;
// the Source checks expiry itself.
type tokenStore struct{ db *DB }

var _ accesstoken.Store = tokenStore{}

func (s tokenStore) Load(ctx context.Context, key string) (string, time.Time, error) {
	var value string
	var exp int64
	err := s.db.queryRow(ctx, s.db.sql, "SELECT value, expires_at FROM wechat_tokens WHERE name = ?", key).Scan(&value, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("load token: %w", err)
	}
	return value, time.Unix(exp, 0), nil
}

func (s tokenStore) CompareAndSwap(ctx context.Context, key, old, value string, expiry time.Time) (bool, error) {
	var (
		res sql.Result
		err error
	)
	switch {
	case old == "" && value == "":
		var n int
		err = s.db.queryRow(ctx, s.db.sql, "SELECT COUNT(*) FROM wechat_tokens WHERE name = ?", key).Scan(&n)
		return err == nil && n == 0, err
	case old == "":
		res, err = s.db.exec(ctx, s.db.sql, "INSERT INTO wechat_tokens (name, value, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			key, value, expiry.Unix())
	case value == "":
		res, err = s.db.exec(ctx, s.db.sql, "DELETE FROM wechat_tokens WHERE name = ? AND value = ?", key, old)
	default:
		res, err = s.db.exec(ctx, s.db.sql, "UPDATE wechat_tokens SET value = ?, expires_at = ? WHERE name = ? AND value = ?",
			value, expiry.Unix(), key, old)
	}
	if err != nil {
		return false, fmt.Errorf("save token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("save token: %w", err)
	}
	return n == 1, nil
}
