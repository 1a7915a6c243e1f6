// Command echo is a complete WeChat Official Account server built on
// wxmp's push.Server.
//
// It passes WeChat's server verification (the signed GET with echostr),
// checks the signature of every push, and answers with a passive reply: a
// text message is echoed back, a follow gets a welcome, every other normal
// message (and a menu click or QR scan) gets a text naming what arrived, and
// anything else (an unfollow, the other events, unknown types) gets
// "success". A push WeChat delivers again (its retries, about 5 s apart,
// when it had no answer in time) runs the handler once and gets the first
// delivery's reply. The business logic is handler.go's newMux; everything
// else (authentication, decryption, dedupe, the 5-second guard, late
// replies) is push.Server's.
//
// # Modes
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
// The startup log line says which ("modes"), and each push's log line says
// whether it came "plain" or "encrypted" ("mode").
//
// # Late replies and the sleep demo
//
// WeChat waits 5 seconds for the answer to a push. A handler that has not
// answered within 4 s (WECHAT_HANDLER_TIMEOUT) gets "success" written for it,
// so that WeChat neither retries nor shows the user "该公众号暂时无法提供服务",
// and is left to finish. Its reply then can only reach the user as a
// customer-service message (客服消息), through WeChat's API: set WECHAT_APPID
// and WECHAT_SECRET (the account's AppSecret) and the server sends it that
// way; without them it logs the reply as dropped.
//
// To watch it, send the account the text "sleep 6": the handler takes 6
// seconds (any whole number from 0 to 30), the log shows "push: handler
// deadline passed; answered success" at 4 s and the push line with reply
// "success", and at 6 s the echo, "sleep 6", arrives in the chat as a
// customer-service message ("push: late reply sent" in the log). The API
// only accepts calls from the addresses in the account's IP whitelist (IP
// 白名单, under 设置与开发 → 基本配置); a refusal is logged with WeChat's
// errcode.
//
// # Configuration
//
// Configuration comes from the environment:
//
//	WECHAT_TOKEN             the Token entered in the Official Account's
//	                         server settings (default "wxmp-echo": change it
//	                         before going public)
//	ADDR                     the address to listen on (default ":8080")
//	WECHAT_APPID             the account's AppID, for the encrypted modes
//	                         (with WECHAT_AES_KEY) and for late replies
//	                         (with WECHAT_SECRET)
//	WECHAT_AES_KEY           the 43-character EncodingAESKey: with
//	                         WECHAT_APPID, the encrypted modes
//	WECHAT_PREVIOUS_AES_KEY  the EncodingAESKey before WECHAT_AES_KEY, still
//	                         accepted after a key change; replies go back
//	                         under the key their push came with
//	WECHAT_ACCEPT_PLAIN      1 to accept plain pushes beside encrypted ones
//	                         (default 0)
//	WECHAT_TIMESTAMP_WINDOW  a Go duration such as 5m: refuse requests, the
//	                         verification GET included, stamped further
//	                         than that from this server's clock, in either
//	                         direction (default: no check). It is not replay
//	                         protection (dedupe is what keeps a push from
//	                         running twice); keep the clock in sync (NTP)
//	WECHAT_SECRET            the account's AppSecret: with WECHAT_APPID,
//	                         replies that miss the 4-second deadline go out
//	                         as customer-service messages (default: dropped
//	                         and logged)
//	WECHAT_API_BASE          the API host for late replies (default
//	                         https://api.weixin.qq.com), for a stand-in such
//	                         as the fake of wxmptest.NewAPIServer, which
//	                         the tests use.
//	                         The access token comes from cgi-bin/stable_token,
//	                         or from cgi-bin/token when the host has no
//	                         stable_token (404 or 405)
//	WECHAT_HANDLER_TIMEOUT   how long the handler has for a passive reply, a
//	                         Go duration under 5s (default 4s, see
//	                         push.DefaultHandlerTimeout)
//
// A malformed or inconsistent setting stops the program at startup with an
// error that names the variable, never its value. The token, keys, AppSecret
// and access token never appear in the log; neither does a push's content.
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
//     pushes arrive encrypted: the push log lines show mode "encrypted".
//  5. Restart the server without WECHAT_ACCEPT_PLAIN. Plain pushes are
//     refused from now on.
//
// Going through compatible mode is the same, with 兼容模式 in step 4 and
// safe mode chosen later. To change the key later, set the new one as
// WECHAT_AES_KEY and the old one as WECHAT_PREVIOUS_AES_KEY, restart,
// submit the new key in the console, and drop WECHAT_PREVIOUS_AES_KEY once
// no push has used the old key for a while.
//
// # Running it
//
// The server URL to enter in WeChat is http(s)://your-host/wechat. WeChat
// only calls port 80 (http) or 443 (https), so put a reverse proxy in front
// when ADDR is another port. Bodies longer than push.DefaultMaxBodyBytes
// (256 KiB, far above any real push) get 413.
//
// Run it with
//
//	go run ./examples/echo
//
// and push to it locally with the curl command in the README, or with
// `wxmp push`. Each answered push is one JSON log line: "push", with mode
// (plain or encrypted), msg_type, event (for events), reply (xml or
// success) and duration (until the answer was written), or retry instead of
// the type when a retry got the first delivery's reply. On SIGINT or
// SIGTERM the server stops taking requests and gives handlers still at
// work their late timeout to finish; a second signal ends it at once.
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

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
)

// Defaults used when the environment does not set a value.
const (
	defaultToken = "wxmp-echo"
	defaultAddr  = ":8080"
	path         = "/wechat"
	// maxBody is the largest push read: push's default, sized to real
	// pushes in every mode. A longer body gets 413.
	maxBody = push.DefaultMaxBodyBytes
	// maxHandlerTimeout bounds WECHAT_HANDLER_TIMEOUT: WeChat waits 5 s.
	maxHandlerTimeout = 5 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the program at once
	}()
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
	attrs := []any{"addr", ln.Addr().String(), "path", path, "modes", cfg.modes(), "late_replies", cfg.lateReplies()}
	if cfg.window > 0 {
		attrs = append(attrs, "timestamp_window", cfg.window.String())
	}
	if cfg.previousKey != "" {
		attrs = append(attrs, "previous_key", true)
	}
	if cfg.handlerTimeout > 0 {
		attrs = append(attrs, "handler_timeout", cfg.handlerTimeout.String())
	}
	log.Info("listening", attrs...)
	if cfg.acceptPlain {
		log.Warn("WECHAT_ACCEPT_PLAIN is on: plain pushes are accepted on a signature that does not cover their body; " +
			"turn it off once the console is in safe mode")
	}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	return serve(ctx, ln, mux, cfg.shutdownGrace(), log)
}

// config is what run reads from the environment.
type config struct {
	token  string
	addr   string
	aesKey string
	// appID is the account's AppID: safe mode's, with aesKey, and the
	// API's, with secret.
	appID string
	// previousKey is the EncodingAESKey before aesKey, still accepted.
	previousKey string
	// acceptPlain accepts plain pushes beside encrypted ones.
	acceptPlain bool
	// window, when positive, refuses requests stamped further from now.
	window time.Duration
	// secret is the AppSecret; with appID it turns late replies on.
	secret string
	// apiBase is the API host of late replies; empty for WeChat's.
	apiBase string
	// handlerTimeout, when positive, replaces push.DefaultHandlerTimeout.
	handlerTimeout time.Duration

	// apiClient, when not nil, makes the API calls instead of a client of
	// package api's default: for tests, which route them to a fake in
	// process.
	apiClient *http.Client
}

// String keeps the secrets out of a printed config.
func (cfg config) String() string {
	return fmt.Sprintf("config{addr: %q, modes: %q, late replies: %q}", cfg.addr, cfg.modes(), cfg.lateReplies())
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
		secret:      getenv("WECHAT_SECRET"),
		apiBase:     getenv("WECHAT_API_BASE"),
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
	if v := getenv("WECHAT_HANDLER_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d >= maxHandlerTimeout {
			return config{}, errors.New("WECHAT_HANDLER_TIMEOUT: want a Go duration above 0 and under 5s, such as 3s")
		}
		cfg.handlerTimeout = d
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

// lateReplies says what becomes of a reply that misses the deadline.
func (cfg config) lateReplies() string {
	if cfg.secret == "" {
		return "dropped and logged (set WECHAT_APPID and WECHAT_SECRET to send them as customer-service messages)"
	}
	return "customer-service messages through " + cfg.apiHost()
}

// apiHost returns the API's base URL, for the log: newHandler has checked
// that it holds no userinfo, query or fragment.
func (cfg config) apiHost() string {
	if cfg.apiBase == "" {
		return api.DefaultBaseURL
	}
	return cfg.apiBase
}

// shutdownGrace is how long a shutdown waits for handlers still at work:
// to the end of the late timeout of a push that has just arrived.
func (cfg config) shutdownGrace() time.Duration {
	d := cfg.handlerTimeout
	if d == 0 {
		d = push.DefaultHandlerTimeout
	}
	return d + push.DefaultLateTimeout
}

// newHandler checks the configuration and builds the server URL's
// handler: push.Server with the business logic of newMux, and a log line
// per push.
func newHandler(cfg config, log *slog.Logger) (*handler, error) {
	if log == nil {
		log = slog.Default()
	}
	opts := []push.Option{push.WithLogger(log)}
	if cfg.window > 0 {
		opts = append(opts, push.WithWindow(cfg.window))
	}
	if cfg.handlerTimeout > 0 {
		opts = append(opts, push.WithHandlerTimeout(cfg.handlerTimeout))
	}
	switch {
	case cfg.aesKey == "":
		switch {
		case cfg.previousKey != "":
			return nil, errors.New("WECHAT_PREVIOUS_AES_KEY is set but WECHAT_AES_KEY is not")
		case cfg.acceptPlain:
			return nil, errors.New("WECHAT_ACCEPT_PLAIN is set but WECHAT_AES_KEY is not: without a key, plain pushes are the only ones accepted")
		case cfg.appID != "" && cfg.secret == "":
			return nil, errors.New("WECHAT_APPID is set but neither WECHAT_AES_KEY nor WECHAT_SECRET is: " +
				"set WECHAT_AES_KEY too for the encrypted modes, WECHAT_SECRET for late replies")
		}
	case cfg.appID == "":
		return nil, errors.New("WECHAT_AES_KEY is set but WECHAT_APPID is not: set both for encrypted modes, or neither")
	default:
		// Checked one by one, so that the error names the variable;
		// msgcrypt's errors never include a key.
		if _, err := msgcrypt.New(cfg.token, cfg.aesKey, cfg.appID); err != nil {
			return nil, fmt.Errorf("WECHAT_AES_KEY: %w", err)
		}
		opts = append(opts, push.WithEncryption(cfg.aesKey, cfg.appID))
		if cfg.previousKey != "" {
			if _, err := msgcrypt.New(cfg.token, cfg.previousKey, cfg.appID); err != nil {
				return nil, fmt.Errorf("WECHAT_PREVIOUS_AES_KEY: %w", err)
			}
			opts = append(opts, push.WithPreviousKey(cfg.previousKey))
		}
		if cfg.acceptPlain {
			opts = append(opts, push.WithAcceptPlain())
		}
	}
	switch {
	case cfg.secret != "" && cfg.appID == "":
		return nil, errors.New("WECHAT_SECRET is set but WECHAT_APPID is not: set both for late replies, or neither")
	case cfg.apiBase != "" && cfg.secret == "":
		return nil, errors.New("WECHAT_API_BASE is set but WECHAT_SECRET is not: late replies need WECHAT_APPID and WECHAT_SECRET")
	case cfg.secret != "":
		cs, err := newCustomerService(cfg, log)
		if err != nil {
			return nil, err
		}
		opts = append(opts, push.WithLateReplies(cs))
	}
	srv, err := push.NewServer(cfg.token, withPushLog(newMux()), opts...)
	if err != nil {
		return nil, err // push's errors name the option, never a value
	}
	return &handler{srv: srv, log: log}, nil
}

// serve runs an HTTP server on ln until ctx is done, then shuts it down,
// giving requests in flight up to grace to finish: a handler that missed
// the deadline still holds its request while it works on the late reply.
func serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// The answer is written within 5 s (the guard sees to it); a
		// handler may go on afterwards, but writes nothing more.
		WriteTimeout: 10 * time.Second,
		IdleTimeout:  60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; handlers at work have until the late timeout to finish", "grace", grace.String())
	shutCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
