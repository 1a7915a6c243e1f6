package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite" (pure Go, no cgo)
)

// dialect is the SQL flavour of the database behind a DB. The queries are
// written once, with ? placeholders, in the SQL that both dialects share;
// rebind is the only place that knows PostgreSQL numbers them.
type dialect int

const (
	sqliteDialect dialect = iota + 1
	postgresDialect
)

func (d dialect) String() string {
	switch d {
	case sqliteDialect:
		return "sqlite"
	case postgresDialect:
		return "postgres"
	}
	return "unknown"
}

// DB is the application's database handle: a *sql.DB and its dialect.
// Every query of the application goes through its exec, query and
// queryRow, which rewrite the placeholders.
type DB struct {
	sql     *sql.DB
	dialect dialect
}

// sqlitePragmas are applied to every SQLite connection: wait up to 5 s for
// a lock instead of failing with SQLITE_BUSY, enforce foreign keys (off by
// default in SQLite), write-ahead logging so readers do not block the
// writer, and BEGIN IMMEDIATE for transactions, so that a transaction that
// reads and then writes takes the write lock first and cannot deadlock
// against another.
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// openDB opens the database named by DATABASE_URL's value: a postgres:// or
// postgresql:// URL is PostgreSQL through pgx, anything else a SQLite file:
// a path, optionally prefixed with "sqlite:", or a "file:" URI. It pings
// the database, so a wrong URL fails here. The returned error never holds
// the URL, which may carry a password.
func openDB(ctx context.Context, databaseURL string) (*DB, error) {
	var (
		driver, dsn string
		d           dialect
	)
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		driver, dsn, d = "pgx", databaseURL, postgresDialect
	default:
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		switch {
		case path == "":
			return nil, errors.New("DATABASE_URL: empty SQLite path")
		case strings.HasPrefix(path, "file:"):
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			dsn = path + sep + sqlitePragmas
		case strings.ContainsAny(path, "?#"):
			return nil, errors.New("DATABASE_URL: a SQLite path with ? or # must be written as a file: URI")
		default:
			dsn = path + "?" + sqlitePragmas
		}
		driver, d = "sqlite", sqliteDialect
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d, scrubURL(err, databaseURL))
	}
	if d == sqliteDialect {
		// One writer at a time is all SQLite allows; a small pool keeps
		// readers going under WAL without a crowd waiting on the lock.
		db.SetMaxOpenConns(4)
	} else {
		db.SetMaxOpenConns(16)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the %s database: %w", d, scrubURL(err, databaseURL))
	}
	return &DB{sql: db, dialect: d}, nil
}

// scrubURL replaces the password of a database URL in an error's text, in
// case a driver quotes the URL.
func scrubURL(err error, databaseURL string) error {
	u, perr := url.Parse(databaseURL)
	if perr != nil || u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "REDACTED"))
}

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// rebind rewrites the ? placeholders of query for the dialect: PostgreSQL
// wants $1, $2, …. A ? inside a quoted string or identifier is left alone.
func (d dialect) rebind(query string) string {
	if d != postgresDialect || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte // the quote we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, db.dialect.rebind(query), args...)
}

func (db *DB) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, db.dialect.rebind(query), args...)
}

func (db *DB) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, db.dialect.rebind(query), args...)
}
