package main

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ms, err := loadMigrations(migrationFiles, db.dialect)
		require.NoError(t, err)
		// openTestDB applied everything: a second run (a restart, another
		// instance) applies nothing.
		applied, newer, err := migrate(ctx, db, ms, time.Now())
		require.NoError(t, err)
		assert.Empty(t, applied)
		assert.False(t, newer)
		var n int
		require.NoError(t, db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM schema_migrations").Scan(&n))
		assert.Equal(t, len(ms), n)

		// Instances starting at once each apply what is left exactly once.
		_, err = db.exec(ctx, db.sql, "DROP TABLE wechat_tokens")
		require.NoError(t, err)
		_, err = db.exec(ctx, db.sql, "DELETE FROM schema_migrations WHERE version = ?", 2)
		require.NoError(t, err)
		results := make(chan []int, 4)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				applied, _, err := migrate(ctx, db, ms, time.Now())
				results <- applied
				errs <- err
			}()
		}
		total := 0
		for range 4 {
			require.NoError(t, <-errs)
			total += len(<-results)
		}
		assert.Equal(t, 1, total, "version 2 was applied once")
		_, err = db.exec(ctx, db.sql, "SELECT COUNT(*) FROM wechat_tokens")
		require.NoError(t, err)

		// A released migration that was edited stops the start, changing
		// nothing.
		edited := append([]migration(nil), ms...)
		edited[0].sql += "\n-- edited\n"
		edited[0].checksum = "0000"
		_, _, err = migrate(ctx, db, edited, time.Now())
		require.ErrorContains(t, err, "version 1")
		require.ErrorContains(t, err, "changed after it was applied")

		// A database migrated by a newer binary is used as it is.
		applied, newer, err = migrate(ctx, db, ms[:1], time.Now())
		require.NoError(t, err)
		assert.Empty(t, applied)
		assert.True(t, newer)
	})
}

func TestMigrationsHaveTheDocumentedShape(t *testing.T) {
	t.Parallel()
	for _, d := range []dialect{sqliteDialect, postgresDialect} {
		ms, err := loadMigrations(migrationFiles, d)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		for i, m := range ms {
			assert.Equal(t, i+1, m.version)
			assert.Len(t, m.checksum, 64)
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	perDialect := fstest.MapFS{
		"migrations/0001_init.sql":         file("CREATE TABLE a (x TEXT);"),
		"migrations/0002_seq.sqlite.sql":   file("CREATE TABLE b (id INTEGER PRIMARY KEY);"),
		"migrations/0002_seq.postgres.sql": file("CREATE TABLE b (id BIGSERIAL PRIMARY KEY);"),
		"migrations/0003_more.sql":         file("CREATE TABLE c (x TEXT);"),
	}
	lite, err := loadMigrations(perDialect, sqliteDialect)
	require.NoError(t, err)
	require.Len(t, lite, 3)
	assert.Equal(t, "0002_seq.sqlite.sql", lite[1].name)
	assert.Contains(t, lite[1].sql, "INTEGER PRIMARY KEY")
	pg, err := loadMigrations(perDialect, postgresDialect)
	require.NoError(t, err)
	assert.Equal(t, "0002_seq.postgres.sql", pg[1].name)
	assert.Equal(t, lite[0].checksum, pg[0].checksum, "a shared file is the same for both")
	assert.NotEqual(t, lite[1].checksum, pg[1].checksum)

	for name, fsys := range map[string]fstest.MapFS{
		"gap": {
			"migrations/0001_a.sql": file("x"), "migrations/0003_c.sql": file("x"),
		},
		"one dialect only": {
			"migrations/0001_a.sqlite.sql": file("x"),
		},
		"shared and per-dialect": {
			"migrations/0001_a.sql": file("x"), "migrations/0001_a.postgres.sql": file("x"), "migrations/0001_a.sqlite.sql": file("x"),
		},
		"twice": {
			"migrations/0001_a.sql": file("x"), "migrations/0001_b.sql": file("x"),
		},
		"bad name": {
			"migrations/1_a.sql": file("x"),
		},
	} {
		_, err := loadMigrations(fsys, sqliteDialect)
		assert.Error(t, err, name)
	}
}
