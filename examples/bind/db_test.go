package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDatabaseURLs returns, for each database the tests can reach, a
// function that makes a fresh, empty database and returns its
// DATABASE_URL: a SQLite file always, and a PostgreSQL schema of its own
// when TEST_DATABASE_URL is set (dropped when the test ends).
func testDatabaseURLs(t *testing.T) map[string]func(t *testing.T) string {
	t.Helper()
	dbs := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "bind.db") },
	}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbs["postgres"] = newPostgresSchema
	}
	return dbs
}

func TestPostgresRunsInCI(t *testing.T) {
	if os.Getenv("CI") == "true" && os.Getenv("TEST_DATABASE_URL") == "" {
		t.Fatal("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI")
	}
}

// newPostgresSchema creates a schema in TEST_DATABASE_URL's database and
// returns a URL whose connections use it (search_path), so that tests
// running at once do not see each other's tables.
func newPostgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	ctx := context.Background()
	admin, err := openDB(ctx, base)
	require.NoError(t, err)
	defer admin.Close()
	schema := "t_" + strings.ToLower(newSecret())
	_, err = admin.sql.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin, err := openDB(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.sql.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openTestDB opens and migrates the database at databaseURL, closed when
// the test ends.
func openTestDB(t *testing.T, databaseURL string) *DB {
	t.Helper()
	db, err := openDB(context.Background(), databaseURL)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	ms, err := loadMigrations(migrationFiles, db.dialect)
	require.NoError(t, err)
	_, _, err = migrate(context.Background(), db, ms, time.Now())
	require.NoError(t, err)
	return db
}

// forEachDB runs fn as a subtest on a fresh, migrated database of every
// dialect the tests can reach.
func forEachDB(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for name, newURL := range testDatabaseURLs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, openTestDB(t, newURL(t)))
		})
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	q := `SELECT a FROM t WHERE b = ? AND c = '?' AND "d?" = ? AND e IN (?, ?)`
	assert.Equal(t, q, sqliteDialect.rebind(q))
	assert.Equal(t, `SELECT a FROM t WHERE b = $1 AND c = '?' AND "d?" = $2 AND e IN ($3, $4)`, postgresDialect.rebind(q))
	assert.Equal(t, "SELECT 1", postgresDialect.rebind("SELECT 1"))
}

func TestOpenDBRefusesBadSQLitePaths(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "sqlite:", "a?b.db", "a#b.db"} {
		_, err := openDB(context.Background(), u)
		assert.Error(t, err, "%q", u)
	}
	// A file: URI keeps its own parameters.
	db, err := openDB(context.Background(), "file:"+filepath.Join(t.TempDir(), "x.db")+"?cache=private")
	require.NoError(t, err)
	var fk int
	require.NoError(t, db.sql.QueryRow("PRAGMA foreign_keys").Scan(&fk))
	assert.Equal(t, 1, fk, "foreign keys are on")
	db.Close()
}

func TestOpenDBKeepsThePasswordOutOfErrors(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1.
	_, err := openDB(context.Background(), "postgres://bind:S3cretPassw0rd@127.0.0.1:1/bind?connect_timeout=2")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "S3cretPassw0rd")
}
