package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles are the schema's versions, compiled into the binary.
//
// A file is named NNNN_description.sql, NNNN being its version (1, 2, …
// with no gap), and holds SQL that both SQLite and PostgreSQL run. Where
// the dialects differ, a version is two files instead,
// NNNN_description.sqlite.sql and NNNN_description.postgres.sql. A version
// once released is never edited: its checksum is recorded when it is
// applied, and a changed file stops the application at start.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one version of the schema, for one dialect.
type migration struct {
	version  int
	name     string // the file name
	sql      string
	checksum string // hex SHA-256 of sql
}

// loadMigrations returns the versions for d, in order. It fails on a file
// name it does not understand, a version given twice, a gap, or a version
// with a file for one dialect and not the other.
func loadMigrations(fsys fs.FS, d dialect) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	type entry struct {
		shared, sqlite, postgres string // file names
	}
	byVersion := map[int]*entry{}
	for _, name := range names {
		base := path.Base(name)
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || len(num) != 4 || rest == ".sql" {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", base)
		}
		e := byVersion[v]
		if e == nil {
			e = &entry{}
			byVersion[v] = e
		}
		slot := &e.shared
		switch {
		case strings.HasSuffix(base, ".sqlite.sql"):
			slot = &e.sqlite
		case strings.HasSuffix(base, ".postgres.sql"):
			slot = &e.postgres
		}
		if *slot != "" {
			return nil, fmt.Errorf("migration version %d: two files, %s and %s", v, *slot, base)
		}
		*slot = name
	}
	var out []migration
	for v := 1; v <= len(byVersion); v++ {
		e, ok := byVersion[v]
		if !ok {
			return nil, fmt.Errorf("migration version %d is missing (versions run 1, 2, … without gaps)", v)
		}
		file := e.shared
		switch {
		case e.shared != "" && (e.sqlite != "" || e.postgres != ""):
			return nil, fmt.Errorf("migration version %d: a shared file and a per-dialect file", v)
		case e.shared == "" && (e.sqlite == "" || e.postgres == ""):
			return nil, fmt.Errorf("migration version %d: per-dialect files need both .sqlite.sql and .postgres.sql", v)
		case e.shared == "" && d == sqliteDialect:
			file = e.sqlite
		case e.shared == "":
			file = e.postgres
		}
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out = append(out, migration{version: v, name: path.Base(file), sql: string(b), checksum: hex.EncodeToString(sum[:])})
	}
	return out, nil
}

// migrateLockID is the PostgreSQL advisory lock that makes instances
// starting at the same moment migrate one after the other (any constant
// of this application's own; "wxmpbind" in ASCII).
const migrateLockID = 0x77786d7062696e64

// migrate brings the schema up to date: it applies, in order and in one
// transaction, every version the database has not recorded in
// schema_migrations. Running it again changes nothing; two instances
// running it at once apply each version once (PostgreSQL: an advisory lock
// held by the transaction; SQLite: BEGIN IMMEDIATE, the write lock). It
// fails, changing nothing, if a recorded version's checksum differs from
// the file's (someone edited a released migration). A database that has
// versions this binary does not know is left as is, with a warning: that
// is an older instance running beside a newer one during a rollout.
// It returns the versions it applied.
func migrate(ctx context.Context, db *DB, migrations []migration, now time.Time) (applied []int, newer bool, err error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("migrate: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // does nothing after Commit
	if db.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLockID)); err != nil {
			return nil, false, fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)`); err != nil {
		return nil, false, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	rows, err := db.query(ctx, tx, "SELECT version, checksum FROM schema_migrations")
	if err != nil {
		return nil, false, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	done := map[int]string{}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		done[v] = sum
	}
	if err := rows.Close(); err != nil {
		return nil, false, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for _, m := range migrations {
		sum, ok := done[m.version]
		if ok {
			if sum != m.checksum {
				return nil, false, fmt.Errorf("migrate: version %d (%s) was changed after it was applied; add a new version instead", m.version, m.name)
			}
			delete(done, m.version)
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return nil, false, fmt.Errorf("migrate: version %d (%s): %w", m.version, m.name, err)
		}
		if _, err := db.exec(ctx, tx, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
			m.version, m.name, m.checksum, now.Unix()); err != nil {
			return nil, false, fmt.Errorf("migrate: record version %d: %w", m.version, err)
		}
		applied = append(applied, m.version)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("migrate: commit: %w", err)
	}
	sort.Ints(applied)
	return applied, len(done) > 0, nil
}
