// Command example is the echo server of an Official Account built to run as
// several copies behind one URL, which share through Redis what they must:
// which pushes were answered and with what, the access token and the
// JS-SDK ticket.
//
// It answers a text message with its echo, naming the copy that ran the
// handler ("hello (from a)"), and a follow with a welcome; everything else
// gets "success". WeChat's retry of a push that reaches another copy gets
// the first copy's reply, and a push delivered to two copies at once runs
// the handler once. With an AppSecret, /jssdk?url=PAGE answers the
// wx.config of a page, from a ticket and a token fetched once for all
// copies, and a handler that misses WeChat's 5 seconds has its reply sent
// as a customer-service message with the same token.
//
// Configuration comes from the environment:
//
//	REDIS_URL        the Redis all copies share, such as
//	                 redis://localhost:6379/0 (required; see
//	                 redis.ParseURL for the options it takes)
//	REDIS_TIMEOUT    how long a Redis command may take before the copy
//	                 treats Redis as down, a Go duration of at most 1s
//	                 (default 250ms, redisstore.DefaultTimeout)
//	ADDR             the address to listen on (default ":8080")
//	INSTANCE         this copy's name in replies and logs (default: the
//	                 host name)
//	WECHAT_TOKEN     the Token of the server settings (default "wxmp-echo")
//	WECHAT_AES_KEY   the EncodingAESKey, and
//	WECHAT_APPID     the AppID: set both for the encrypted modes
//	WECHAT_SECRET    the AppSecret, with WECHAT_APPID: enables /jssdk and
//	                 late replies through the API
//	WECHAT_API_BASE  the API host (default https://api.weixin.qq.com), for a
//	                 stand-in
//
// Run two copies on two ports as the README of redisstore shows. A
// malformed setting stops the program at startup with an error that names
// the variable, never its value.
package main

import (
	"context"
	"encoding/json"
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

	"github.com/redis/go-redis/v9"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
	"github.com/wxmp/wxmp/reply"
)

const (
	defaultToken = "wxmp-echo"
	defaultAddr  = ":8080"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

// run reads the configuration through getenv, listens, and serves until ctx
// is done; logs go to logw as JSON lines. ready, when not nil, gets the
// address it listens on.
func run(ctx context.Context, getenv func(string) string, logw io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewJSONHandler(logw, nil))
	app, err := newApp(getenv, log)
	if err != nil {
		return err
	}
	defer app.rdb.Close()
	ln, err := net.Listen("tcp", app.addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "instance", app.instance, "api", app.tickets != nil)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	return serve(ctx, ln, app.routes(), log)
}

// app is one copy of the server.
type app struct {
	addr     string
	instance string
	rdb      *redis.Client
	push     *push.Server
	tickets  *jssdk.Source // nil without an AppSecret
	log      *slog.Logger
}

// newApp builds a copy from the environment. Its errors name the
// variable, never its value.
func newApp(getenv func(string) string, log *slog.Logger) (*app, error) {
	a := &app{addr: getenv("ADDR"), instance: getenv("INSTANCE"), log: log}
	if a.addr == "" {
		a.addr = defaultAddr
	}
	if a.instance == "" {
		a.instance, _ = os.Hostname()
	}
	rawURL := getenv("REDIS_URL")
	if rawURL == "" {
		return nil, errors.New("REDIS_URL is not set: give the Redis the copies share, such as redis://localhost:6379/0")
	}
	ropts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a redis:// or rediss:// URL go-redis accepts")
	}
	// Commands stop at the Store's timeout without a goroutine each.
	ropts.ContextTimeoutEnabled = true
	a.rdb = redis.NewClient(ropts)
	sopts := []redisstore.Option{redisstore.WithLogger(log)}
	if v := getenv("REDIS_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > redisstore.MaxTimeout {
			return nil, fmt.Errorf("REDIS_TIMEOUT: want a Go duration over 0 and at most %v, such as 250ms", redisstore.MaxTimeout)
		}
		sopts = append(sopts, redisstore.WithTimeout(d))
	}
	store := redisstore.New(a.rdb, sopts...)

	token := getenv("WECHAT_TOKEN")
	if token == "" {
		token = defaultToken
		log.Warn("WECHAT_TOKEN is not set: using the documented default token; set your own before going public")
	}
	opts := []push.Option{push.WithDedup(store), push.WithLogger(log)}
	aesKey, appID, secret := getenv("WECHAT_AES_KEY"), getenv("WECHAT_APPID"), getenv("WECHAT_SECRET")
	switch {
	case aesKey != "" && appID == "":
		return nil, errors.New("WECHAT_AES_KEY is set but WECHAT_APPID is not: set both for the encrypted modes")
	case aesKey != "":
		opts = append(opts, push.WithEncryption(aesKey, appID))
	}
	if secret != "" {
		if appID == "" {
			return nil, errors.New("WECHAT_SECRET is set but WECHAT_APPID is not")
		}
		topts := []accesstoken.Option{accesstoken.WithStore(store)}
		jopts := []jssdk.Option{jssdk.WithStore(store)}
		var copts []api.Option
		if base := getenv("WECHAT_API_BASE"); base != "" {
			topts = append(topts, accesstoken.WithBaseURL(base))
			jopts = append(jopts, jssdk.WithBaseURL(base))
			copts = append(copts, api.WithBaseURL(base))
		}
		tokens, err := accesstoken.New(appID, secret, topts...)
		if err != nil {
			return nil, fmt.Errorf("WECHAT_APPID, WECHAT_SECRET or WECHAT_API_BASE: %w", err)
		}
		if a.tickets, err = jssdk.New(appID, tokens, jopts...); err != nil {
			return nil, fmt.Errorf("WECHAT_API_BASE: %w", err)
		}
		client, err := api.NewClient(tokens, copts...)
		if err != nil {
			return nil, fmt.Errorf("WECHAT_API_BASE: %w", err)
		}
		opts = append(opts, push.WithLateReplies(client.CustomerService))
	}
	if a.push, err = push.NewServer(token, a.mux(), opts...); err != nil {
		return nil, fmt.Errorf("WECHAT_TOKEN, WECHAT_AES_KEY or WECHAT_APPID: %w", err)
	}
	return a, nil
}

// mux answers the pushes.
func (a *app) mux() *push.Mux {
	mux := push.NewMux()
	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, m.Content+" (from "+a.instance+")"), nil
	})
	push.Handle(mux, func(ctx context.Context, e *event.Subscribe) (reply.Reply, error) {
		return reply.NewText(e, "Welcome! Every copy of this server answers you alike."), nil
	})
	return mux
}

// routes are the copy's HTTP paths: the server URL, and /jssdk with an
// AppSecret.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/wechat", a.push)
	if a.tickets != nil {
		mux.HandleFunc("GET /jssdk", a.serveJSSDK)
	}
	return mux
}

// serveJSSDK answers the wx.config of the page ?url=.
func (a *app) serveJSSDK(w http.ResponseWriter, r *http.Request) {
	page := r.URL.Query().Get("url")
	if page == "" {
		http.Error(w, "give the page as ?url=", http.StatusBadRequest)
		return
	}
	cfg, err := a.tickets.Config(r.Context(), page)
	if err != nil {
		a.log.Warn("jssdk: no ticket", "error", err.Error())
		http.Error(w, "no JS-SDK ticket at the moment", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(cfg)
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
