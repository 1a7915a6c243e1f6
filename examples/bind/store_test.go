package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

func mustUser(t *testing.T, db *DB, name string) user {
	t.Helper()
	u := user{ID: newSecret(), Username: name}
	require.NoError(t, db.createUser(context.Background(), u, name, "$2a$04$hash", time.Now()))
	return u
}

func TestStoreUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := mustUser(t, db, "alice")
		got, hash, err := db.userByUsername(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, u, got)
		assert.Equal(t, "$2a$04$hash", hash)

		err = db.createUser(ctx, user{ID: newSecret(), Username: "ALICE"}, "alice", "x", time.Now())
		assert.ErrorIs(t, err, errUsernameTaken, "the key is unique")

		_, _, err = db.userByUsername(ctx, "bob")
		assert.ErrorIs(t, err, errNotFound)
		byID, err := db.userByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, byID)
	})
}

func TestStoreSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := mustUser(t, db, "alice")
		now := time.Unix(1_800_000_000, 0)
		s := session{IDHash: hashSecret("a"), User: u, CSRFToken: newSecret(), ExpiresAt: now.Add(time.Hour)}
		require.NoError(t, db.createSession(ctx, s, now))
		got, err := db.sessionByHash(ctx, s.IDHash, now)
		require.NoError(t, err)
		assert.Equal(t, s, got)

		_, err = db.sessionByHash(ctx, s.IDHash, now.Add(time.Hour))
		assert.ErrorIs(t, err, errNotFound, "expired")

		// A new session sweeps the expired ones.
		s2 := session{IDHash: hashSecret("b"), User: u, CSRFToken: newSecret(), ExpiresAt: now.Add(3 * time.Hour)}
		require.NoError(t, db.createSession(ctx, s2, now.Add(2*time.Hour)))
		var n int
		require.NoError(t, db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM sessions").Scan(&n))
		assert.Equal(t, 1, n)

		require.NoError(t, db.deleteSession(ctx, s2.IDHash))
		_, err = db.sessionByHash(ctx, s2.IDHash, now)
		assert.ErrorIs(t, err, errNotFound)

		for _, v := range []string{"c", "d"} {
			require.NoError(t, db.createSession(ctx, session{IDHash: hashSecret(v), User: u, CSRFToken: "x", ExpiresAt: now.Add(time.Hour)}, now))
		}
		require.NoError(t, db.deleteUserSessions(ctx, u.ID))
		require.NoError(t, db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM sessions").Scan(&n))
		assert.Zero(t, n)
	})
}

func TestStoreStatesAreSingleUse(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := mustUser(t, db, "alice")
		now := time.Unix(1_800_000_000, 0)
		st := oauthState{StateHash: hashSecret("s1"), Purpose: purposeBind, BrowserHash: "b", UserID: u.ID, ExpiresAt: now.Add(stateLifetime)}
		require.NoError(t, db.createState(ctx, st, now))

		// Callbacks racing with one state: exactly one gets it.
		var wg sync.WaitGroup
		got := make(chan oauthState, 8)
		for range 8 {
			wg.Go(func() {
				if s, err := db.takeState(ctx, st.StateHash, now); err == nil {
					got <- s
				} else if !errors.Is(err, errNotFound) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(got)
		require.Len(t, got, 1)
		assert.Equal(t, st, <-got)

		login := oauthState{StateHash: hashSecret("s2"), Purpose: purposeLogin, BrowserHash: "n", ExpiresAt: now.Add(stateLifetime)}
		require.NoError(t, db.createState(ctx, login, now))
		_, err := db.takeState(ctx, login.StateHash, now.Add(stateLifetime))
		assert.ErrorIs(t, err, errNotFound, "expired")
		_, err = db.takeState(ctx, login.StateHash, now)
		assert.ErrorIs(t, err, errNotFound, "an expired state is gone too")

		login.StateHash = hashSecret("s3")
		require.NoError(t, db.createState(ctx, login, now))
		got2, err := db.takeState(ctx, login.StateHash, now)
		require.NoError(t, err)
		assert.Empty(t, got2.UserID)
	})
}

func TestStoreBindingConstraints(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		alice, bob := mustUser(t, db, "alice"), mustUser(t, db, "bob")
		at := time.Unix(1_800_000_000, 0)
		b := binding{UserID: alice.ID, OpenID: "oW1", UnionID: "uW1", Nickname: "小明", AvatarURL: "https://a/132", BoundAt: at}
		stored, created, err := db.bind(ctx, b)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, b, stored)

		// Again: nothing changes.
		again := b
		again.Nickname = "changed"
		stored, created, err = db.bind(ctx, again)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, b, stored)

		// One account per WeChat.
		_, _, err = db.bind(ctx, binding{UserID: bob.ID, OpenID: "oW1", Nickname: "x", BoundAt: at})
		assert.ErrorIs(t, err, errWeChatTaken)
		// One WeChat per account.
		_, _, err = db.bind(ctx, binding{UserID: alice.ID, OpenID: "oW2", Nickname: "x", BoundAt: at})
		assert.ErrorIs(t, err, errAccountBound)

		// The constraints themselves, not only the code, refuse it.
		_, err = db.exec(ctx, db.sql, "INSERT INTO bindings (user_id, openid, nickname, avatar_url, bound_at) VALUES (?, ?, ?, ?, ?)",
			bob.ID, "oW1", "x", "", 0)
		assert.Error(t, err, "bindings_one_account_per_wechat")
		_, err = db.exec(ctx, db.sql, "INSERT INTO bindings (user_id, openid, nickname, avatar_url, bound_at) VALUES (?, ?, ?, ?, ?)",
			alice.ID, "oW3", "x", "", 0)
		assert.Error(t, err, "bindings_one_wechat_per_account")

		got, err := db.bindingByOpenID(ctx, "oW1")
		require.NoError(t, err)
		assert.Equal(t, b, got)
		_, err = db.bindingByUser(ctx, bob.ID)
		assert.ErrorIs(t, err, errNotFound)

		removed, err := db.unbind(ctx, alice.ID)
		require.NoError(t, err)
		assert.True(t, removed)
		removed, err = db.unbind(ctx, alice.ID)
		require.NoError(t, err)
		assert.False(t, removed)
		_, created, err = db.bind(ctx, binding{UserID: bob.ID, OpenID: "oW1", Nickname: "x", BoundAt: at})
		require.NoError(t, err)
		assert.True(t, created, "an unbound WeChat can be bound again")
	})
}

func TestStoreConcurrentBindsLeaveOne(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		const n = 8
		users := make([]user, n)
		for i := range users {
			users[i] = mustUser(t, db, "user"+string(rune('a'+i)))
		}
		// n accounts race to bind one WeChat.
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make(chan error, n)
		for _, u := range users {
			wg.Go(func() {
				<-start
				_, _, err := db.bind(ctx, binding{UserID: u.ID, OpenID: "oContested", Nickname: "x", BoundAt: time.Now()})
				results <- err
			})
		}
		close(start)
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			if err == nil {
				won++
			} else {
				assert.ErrorIs(t, err, errWeChatTaken)
			}
		}
		assert.Equal(t, 1, won)
		var count int
		require.NoError(t, db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM bindings WHERE openid = ?", "oContested").Scan(&count))
		assert.Equal(t, 1, count)

		// One account races to bind n WeChats.
		solo := mustUser(t, db, "solo")
		results = make(chan error, n)
		start = make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, _, err := db.bind(ctx, binding{UserID: solo.ID, OpenID: "oMany" + string(rune('a'+i)), Nickname: "x", BoundAt: time.Now()})
				results <- err
			})
		}
		close(start)
		wg.Wait()
		close(results)
		won = 0
		for err := range results {
			if err == nil {
				won++
			} else {
				assert.ErrorIs(t, err, errAccountBound)
			}
		}
		assert.Equal(t, 1, won)
	})
}

func TestStoreDeletingAUserCascades(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := mustUser(t, db, "alice")
		now := time.Now()
		require.NoError(t, db.createSession(ctx, session{IDHash: "h", User: u, CSRFToken: "c", ExpiresAt: now.Add(time.Hour)}, now))
		_, _, err := db.bind(ctx, binding{UserID: u.ID, OpenID: "o", Nickname: "n", BoundAt: now})
		require.NoError(t, err)
		_, err = db.exec(ctx, db.sql, "DELETE FROM users WHERE id = ?", u.ID)
		require.NoError(t, err)
		_, err = db.bindingByOpenID(ctx, "o")
		assert.ErrorIs(t, err, errNotFound)
		_, err = db.sessionByHash(ctx, "h", now)
		assert.ErrorIs(t, err, errNotFound)
	})
}

func TestTokenStoreCompareAndSwap(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		s := tokenStore{db}
		exp := time.Unix(1_800_000_000, 0)
		v, _, err := s.Load(ctx, "k")
		require.NoError(t, err)
		assert.Empty(t, v)

		ok, err := s.CompareAndSwap(ctx, "k", "", "", exp)
		require.NoError(t, err)
		assert.True(t, ok, "deleting nothing where nothing is saved")
		ok, err = s.CompareAndSwap(ctx, "k", "", "t1", exp)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.CompareAndSwap(ctx, "k", "", "t2", exp)
		require.NoError(t, err)
		assert.False(t, ok, "something is saved")
		ok, err = s.CompareAndSwap(ctx, "k", "", "", exp)
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = s.CompareAndSwap(ctx, "k", "other", "t2", exp)
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = s.CompareAndSwap(ctx, "k", "t1", "t2", exp.Add(time.Hour))
		require.NoError(t, err)
		assert.True(t, ok)
		v, e, err := s.Load(ctx, "k")
		require.NoError(t, err)
		assert.Equal(t, "t2", v)
		assert.True(t, e.Equal(exp.Add(time.Hour)))
		ok, err = s.CompareAndSwap(ctx, "k", "t1", "", exp)
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = s.CompareAndSwap(ctx, "k", "t2", "", exp)
		require.NoError(t, err)
		assert.True(t, ok)
		v, _, err = s.Load(ctx, "k")
		require.NoError(t, err)
		assert.Empty(t, v)
	})
}
