// Command echo is a complete WeChat Official Account server built on wxmp.
//
// It passes WeChat's server verification (the signed GET with echostr,
// answered as plain text), checks the signature of every push, and answers
// with a passive reply: a text message is echoed back, a follow gets a
// welcome, an unfollow gets "success", every other normal message (and a
// menu click or QR scan) gets a text naming what arrived, and anything else
// gets "success".
//
// Which pushes it accepts depends on the key:
//
//   - without WECHAT_AES_KEY, plain (明文) pushes only;
//   - with WECHAT_AES_KEY and WECHAT_APPID, compatible (兼容) and safe (安全)
//     pushes, encrypted, and their replies go back encrypted. Plain pushes
//     are refused with 403: their signature covers the token, timestamp and
//     nonce but not the body, so accepting them would let anyone who has
//     seen one signed URL push any message in clear;
//   - with WECHAT_ACCEPT_PLAIN=1 as well, plain pushes too. This is for the
//     switch from plain to safe mode only (below); the server logs a warning
//     while it is on.
//
// The startup log line says which ("modes").
//
// Configuration comes from the environment:
//
//	WECHAT_TOKEN             the Token entered in the Official Account's
//	                         server settings (default "wxmp-echo": change it
//	                         before going public)
//	ADDR                     the address to listen on (default ":8080")
//	WECHAT_AES_KEY           the 43-character EncodingAESKey, and
//	WECHAT_APPID             the AppID: set both for the encrypted modes
//	WECHAT_PREVIOUS_AES_KEY  the EncodingAESKey before WECHAT_AES_KEY, still
//	                         accepted after a key change; replies go back
//	                         under the key their push came with
//	WECHAT_ACCEPT_PLAIN      1 to accept plain pushes beside encrypted ones
//	                         (default 0)
//	WECHAT_TIMESTAMP_WINDOW  a Go duration such as 5m: refuse requests, the
//	                         verification GET included, stamped further
//	                         than that from this server's clock, in either
//	                         direction (default: no check). It is not replay
//	                         protection; keep the clock in sync (NTP)
//
// A malformed or inconsistent setting stops the program at startup with an
// error that names the variable, never its value.
//
// # Switching from plain to safe mode without downtime
//
// The mode changes when the console's server settings (服务器配置) are
// submitted, and takes effect at once; until then WeChat keeps sending
// plain pushes. So the server must accept both for a while:
//
//  1. The account is in plain mode and the server runs with WECHAT_TOKEN.
//  2. In the console, open the server settings and choose the
//     EncodingAESKey (type one, or let the console generate one), but do
//     not submit yet. Note it and the AppID.
//  3. Restart the server with WECHAT_AES_KEY, WECHAT_APPID and
//     WECHAT_ACCEPT_PLAIN=1. It now takes the plain pushes still arriving
//     and can open encrypted ones.
//  4. Choose safe mode (安全模式) in the console and submit. WeChat checks
//     the URL with a plain signed GET, which passes, and from then on
//     pushes arrive encrypted; the log shows mode "safe".
//  5. Restart the server without WECHAT_ACCEPT_PLAIN. Plain pushes are
//     refused from now on.
//
// Going through compatible mode is the same, with 兼容模式 in step 4 and
// safe mode chosen later. To change the key later, set the new one as
// WECHAT_AES_KEY and the old one as WECHAT_PREVIOUS_AES_KEY, restart,
// submit the new key in the console, and drop WECHAT_PREVIOUS_AES_KEY once
// no push has used the old key for a while.
//
// The server URL to enter in WeChat is http(s)://your-host/wechat. WeChat
// only calls port 80 (http) or 443 (https), so put a reverse proxy in front
// when ADDR is another port. Bodies longer than msgcrypt.DefaultMaxBodyBytes
// (256 KiB, far above any real push) get 413.
//
// Run it with
//
//	go run ./examples/echo
//
// and push to it locally with the curl command in the README, or with
// `wxmp push`.
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
	"strconv"
	"syscall"
	"time"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// Defaults used when the environment does not set a value.
const (
	defaultToken = "wxmp-echo"
	defaultAddr  = ":8080"
	path         = "/wechat"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

// run reads the configuration through getenv, listens, and serves until ctx
// is done; logs go to logw as JSON lines.
func run(ctx context.Context, getenv func(string) string, logw io.Writer) error {
	log := slog.New(slog.NewJSONHandler(logw, nil))
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if getenv("WECHAT_TOKEN") == "" {
		log.Warn("WECHAT_TOKEN is not set: using the documented default token; set your own before going public")
	}
	h, err := newHandler(cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	attrs := []any{"addr", ln.Addr().String(), "path", path, "modes", cfg.modes()}
	if cfg.window > 0 {
		attrs = append(attrs, "timestamp_window", cfg.window.String())
	}
	if cfg.previousKey != "" {
		attrs = append(attrs, "previous_key", true)
	}
	log.Info("listening", attrs...)
	if cfg.acceptPlain {
		log.Warn("WECHAT_ACCEPT_PLAIN is on: plain pushes are accepted on a signature that does not cover their body; " +
			"turn it off once the console is in safe mode")
	}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	return serve(ctx, ln, mux, log)
}

// config is what run reads from the environment.
type config struct {
	token  string
	addr   string
	aesKey string
	appID  string
	// previousKey is the EncodingAESKey before aesKey, still accepted.
	previousKey string
	// acceptPlain accepts plain pushes beside encrypted ones.
	acceptPlain bool
	// window, when positive, refuses requests stamped further from now.
	window time.Duration
}

// loadConfig reads the configuration through getenv, with the defaults of
// the package documentation. Its errors name the variable, never its value.
func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{
		token:       getenv("WECHAT_TOKEN"),
		addr:        getenv("ADDR"),
		aesKey:      getenv("WECHAT_AES_KEY"),
		appID:       getenv("WECHAT_APPID"),
		previousKey: getenv("WECHAT_PREVIOUS_AES_KEY"),
	}
	if cfg.token == "" {
		cfg.token = defaultToken
	}
	if cfg.addr == "" {
		cfg.addr = defaultAddr
	}
	if v := getenv("WECHAT_ACCEPT_PLAIN"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return config{}, errors.New("WECHAT_ACCEPT_PLAIN: want 1 or 0 (true or false)")
		}
		cfg.acceptPlain = b
	}
	if v := getenv("WECHAT_TIMESTAMP_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, errors.New("WECHAT_TIMESTAMP_WINDOW: want a positive Go duration such as 5m")
		}
		cfg.window = d
	}
	return cfg, nil
}

// modes says which pushes a server with this configuration accepts.
func (cfg config) modes() string {
	switch {
	case cfg.aesKey == "":
		return "plain only"
	case cfg.acceptPlain:
		return "plain, compatible and safe (WECHAT_ACCEPT_PLAIN: only while switching to safe mode)"
	}
	return "compatible and safe; plain pushes refused"
}

// newHandler checks the configuration and builds the push handler.
func newHandler(cfg config, log *slog.Logger) (*handler, error) {
	h := &handler{token: cfg.token, log: log}
	if cfg.window > 0 {
		h.sigOpts = []signature.Option{signature.WithWindow(cfg.window)}
	}
	switch {
	case cfg.aesKey == "" && cfg.appID == "":
		switch {
		case cfg.previousKey != "":
			return nil, errors.New("WECHAT_PREVIOUS_AES_KEY is set but WECHAT_AES_KEY is not")
		case cfg.acceptPlain:
			return nil, errors.New("WECHAT_ACCEPT_PLAIN is set but WECHAT_AES_KEY is not: without a key, plain pushes are the only ones accepted")
		}
		return h, nil
	case cfg.aesKey == "":
		return nil, errors.New("WECHAT_APPID is set but WECHAT_AES_KEY is not: set both for encrypted modes, or neither")
	case cfg.appID == "":
		return nil, errors.New("WECHAT_AES_KEY is set but WECHAT_APPID is not: set both for encrypted modes, or neither")
	}
	var opts []msgcrypt.Option
	if !cfg.acceptPlain {
		opts = append(opts, msgcrypt.WithRequireEncryption())
	}
	if cfg.previousKey != "" {
		opts = append(opts, msgcrypt.WithPreviousKey(cfg.previousKey))
	}
	if cfg.window > 0 {
		opts = append(opts, msgcrypt.WithWindow(cfg.window))
	}
	c, err := msgcrypt.New(cfg.token, cfg.aesKey, cfg.appID, opts...)
	if err != nil {
		return nil, err // msgcrypt's errors never include the key
	}
	h.crypter = c
	return h, nil
}

// serve runs an HTTP server on ln until ctx is done, then shuts it down,
// giving requests in flight up to five seconds (WeChat's own deadline).
func serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
