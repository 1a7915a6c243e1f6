// Command echo is a complete WeChat Official Account server built on wxmp.
//
// It passes WeChat's server verification (the signed GET with echostr),
// checks the signature of every push, and answers with a passive reply: a
// text message is echoed back, a follow gets a welcome, an unfollow gets
// "success", every other normal message (and a menu click or QR scan) gets a
// text naming what arrived, and anything else gets "success".
//
// Configuration comes from the environment:
//
//	WECHAT_TOKEN  the Token entered in the Official Account's server settings
//	              (default "wxmp-echo": change it before going public)
//	ADDR          the address to listen on (default ":8080")
//	WECHAT_AES_KEY  the 43-character EncodingAESKey, and
//	WECHAT_APPID    the AppID: set both to accept compatible- and safe-mode
//	              (encrypted) pushes and encrypt the replies to them; with
//	              neither set only plain pushes are accepted. With both set,
//	              plain pushes are refused: their signature does not cover
//	              the body, so accepting them would let anyone who saw one
//	              signed URL push any message in clear
//
// The server URL to enter in WeChat is http(s)://your-host/wechat. WeChat
// only calls port 80 (http) or 443 (https), so put a reverse proxy in front
// when ADDR is another port.
//
// Run it with
//
//	go run ./examples/echo
//
// and push to it locally with the curl command in the README.
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

	"github.com/wxmp/wxmp/msgcrypt"
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
	cfg := config{
		token:  getenv("WECHAT_TOKEN"),
		addr:   getenv("ADDR"),
		aesKey: getenv("WECHAT_AES_KEY"),
		appID:  getenv("WECHAT_APPID"),
	}
	if cfg.token == "" {
		cfg.token = defaultToken
		log.Warn("WECHAT_TOKEN is not set: using the documented default token; set your own before going public")
	}
	if cfg.addr == "" {
		cfg.addr = defaultAddr
	}
	h, err := newHandler(cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	mode := "plain only"
	if h.crypter != nil {
		mode = "plain, compatible and safe"
	}
	log.Info("listening", "addr", ln.Addr().String(), "path", path, "modes", mode)
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
}

// newHandler checks the configuration and builds the push handler.
func newHandler(cfg config, log *slog.Logger) (*handler, error) {
	h := &handler{token: cfg.token, log: log}
	switch {
	case cfg.aesKey == "" && cfg.appID == "":
		return h, nil
	case cfg.aesKey == "":
		return nil, errors.New("WECHAT_APPID is set but WECHAT_AES_KEY is not: set both for encrypted modes, or neither")
	case cfg.appID == "":
		return nil, errors.New("WECHAT_AES_KEY is set but WECHAT_APPID is not: set both for encrypted modes, or neither")
	}
	c, err := msgcrypt.New(cfg.token, cfg.aesKey, cfg.appID, msgcrypt.WithRequireEncryption())
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
