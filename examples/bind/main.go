// Command bind is a small web application with its own accounts that lets
// a signed-in user bind their WeChat to their account, sign in with WeChat
// afterwards, and receive a notification from the Official Account. It is
// built on the packages oauth (网页授权), accesstoken and api of
// github.com/wxmp/wxmp, with a real database: SQLite (a pure-Go driver, no
// cgo) by default, PostgreSQL through pgx for several instances.
//
// # The flow
//
//   - /signup and /login: a username and password account (bcrypt), a
//     session kept in the database and named by an HttpOnly, SameSite=Lax
//     cookie (Secure, and __Host- prefixed, when PUBLIC_URL is https).
//     /logout signs out, on every instance (a POST with the CSRF token, or
//     a GET that the browser does not mark as sent by another site).
//   - POST /bind: web authorization with scope snsapi_userinfo, its state
//     single-use and tied to the session; the callback (/bind/callback)
//     stores OpenID, UnionID, nickname, avatar URL and the time. One WeChat
//     per account and one account per WeChat are unique constraints; a
//     snapshot-page (快照页) user is refused. POST /unbind removes it.
//   - /login/wechat: silent web authorization (snsapi_base); the account
//     bound to that OpenID is signed in (callback /login/wechat/callback);
//     an unbound WeChat is told "no account is bound to this WeChat; sign in
//     and bind first" and gets no session.
//   - POST /notify: a template message (WECHAT_TEMPLATE_ID) or a
//     customer-service text to the bound OpenID.
//   - /me: the account page; with Accept: application/json,
//     {"username": "...", "wechat": null} or {"username": "...", "wechat":
//     {"openid": "...", "unionid": "...", "nickname": "..."}}; 401 signed out.
//   - /MP_verify_<name>.txt: the domain verification file, when configured;
//     /healthz: 200 when the database answers.
//
// Every form carries a CSRF token and every POST checks it before changing
// anything; a cross-site POST is refused before that (net/http's
// CrossOriginProtection). The schema is created and upgraded at start by
// the versioned migrations in migrations/, embedded in the binary.
//
// # Configuration
//
// All from the environment:
//
//	WECHAT_APPID        the Official Account's AppID (required, except in
//	                    fake mode: see below)
//	WECHAT_SECRET       its AppSecret (required; never logged)
//	PUBLIC_URL          the externally visible base URL, such as
//	                    https://wx.example.com (required). The callbacks are
//	                    under it; its host must be the account's 网页授权域名.
//	                    If it has a path, the proxy in front must strip it.
//	ADDR                listen address (default ":8080")
//	WECHAT_OPEN_BASE    base URL of open.weixin.qq.com, for a stand-in
//	WECHAT_API_BASE     base URL of api.weixin.qq.com (the /sns/ and
//	                    /cgi-bin/ APIs), for a stand-in. The access_token
//	                    comes from cgi-bin/stable_token, or from
//	                    cgi-bin/token if the host answers that with 404 or 405
//	DATABASE_URL        a SQLite file path (default bind.db; "sqlite:PATH" and
//	                    "file:" URIs work too) or postgres://user:pw@host/db
//	WECHAT_TEMPLATE_ID  the template of the test notification, with the
//	                    placeholders {{keyword1.DATA}} and {{keyword2.DATA}};
//	                    unset, the notification is a customer-service text
//	MP_VERIFY_FILE      path of the MP_verify_<name>.txt file from the console,
//	                    served at /MP_verify_<name>.txt; or instead
//	MP_VERIFY_NAME      its name and
//	MP_VERIFY_CONTENT   its content
//
// # Fake mode
//
// Started with none of WECHAT_APPID, WECHAT_SECRET, WECHAT_OPEN_BASE and
// WECHAT_API_BASE set, the application serves a fake WeChat (package
// wxmptest: the authorize page, the /sns/ and /cgi-bin/ APIs, and a page of
// what it was sent) under /fake-wechat/ on its own address, so that
//
//	go run .
//
// and http://localhost:8080 show the whole flow with no account and no
// set-up, in bind.db. A banner on every page says so.
//
// Logs are JSON lines (log/slog) on stdout; they never contain a password,
// the secret, a code, a state, a token or a session. SIGINT or SIGTERM
// stops the server gracefully.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const shutdownPeriod = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bind:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully. Logs go to
// stdout as JSON lines; the line "listening" carries the address.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, slog.New(slog.NewJSONHandler(stdout, nil)))
}

// serve opens and migrates the database, listens on cfg.Addr and serves
// until ctx is done.
func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	db, err := openDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	migrations, err := loadMigrations(migrationFiles, db.dialect)
	if err != nil {
		return err
	}
	now := time.Now
	if cfg.now != nil {
		now = cfg.now
	}
	applied, newer, err := migrate(ctx, db, migrations, now())
	if err != nil {
		return err
	}
	logger.Info("database ready", "dialect", db.dialect.String(), "applied", applied, "schema_version", len(migrations))
	if newer {
		logger.Warn("the database has schema versions this binary does not know; a newer version of the application migrated it")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.Fake {
		if cfg, err = cfg.withFakeWeChat(ln.Addr()); err != nil {
			ln.Close()
			return err
		}
		logger.Warn("fake mode: WECHAT_APPID is not set, so authorization and notifications go to a fake WeChat served by this process, not to WeChat",
			"fake_wechat", cfg.fake.pageURL, "open", cfg.PublicURL)
	}
	handler, err := newServer(cfg, db, logger)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      3 * wechatTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL,
		"appid", cfg.AppID, "mp_verify", cfg.VerifyName, "fake_wechat", cfg.Fake,
		"notify", map[bool]string{true: "template", false: "customer-service"}[cfg.TemplateID != ""])

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownPeriod)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
