package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

const oauthServerSynopsis = `wxmp oauth-server [-addr ADDR] [flags]

Serves a fake of WeChat's OAuth hosts (open.weixin.qq.com and
api.weixin.qq.com: /connect/oauth2/authorize, /connect/qrconnect and /sns/…)
on ADDR for web development without WeChat, and prints how to point
examples/oauth at it. The fake user consents at once (see -consent); codes
are single use and live 5 minutes, access tokens 7200 s, as on WeChat. It
runs until interrupted. Package github.com/wxmp/wxmp/wxmptest (OAuthServer)
is the same fake for tests.`

// oauthServerShutdown bounds how long requests in flight may take to
// finish once the command is told to stop.
const oauthServerShutdown = 5 * time.Second

// oauthServer runs "wxmp oauth-server": wxmptest's fake of WeChat's OAuth
// hosts on a real listener, until ctx is done. It prints the base URL and
// the variables for examples/oauth to stdout, one line per request
// (method, path and status; never the query, which holds codes and
// tokens) to stderr, and returns the exit status.
func (c *cli) oauthServer(ctx context.Context, args []string) int {
	s := c.newSubcommand("oauth-server", oauthServerSynopsis)
	def := wxmptest.DefaultOAuthUser()
	addr := s.String("addr", "127.0.0.1:8081", "listen `address`")
	appID := s.String("appid", wxmptest.DefaultOAuthAppID, "the AppID the fake accepts")
	secret := s.String("secret", "", "the AppSecret the fake accepts (default wxmptest's published fake secret, which is printed; a secret given here is not)")
	domains := s.String("domain", "", "comma-separated 网页授权域名 (web authorization domains): redirect only to these host names (default any)")
	consentName := s.String("consent", "allow", "what the user does on the consent page: allow, refuse (redirect with state only) or refuse-stay (no redirect)")
	var user wxmptest.OAuthUser
	s.StringVar(&user.OpenID, "openid", def.OpenID, "the user's OpenID")
	s.StringVar(&user.UnionID, "unionid", def.UnionID, "the user's UnionID (empty: not bound to the Open Platform)")
	s.StringVar(&user.Nickname, "nickname", def.Nickname, "the user's nickname")
	sex := s.Int("sex", int(def.Sex), "the user's sex: 0 unknown, 1 male, 2 female")
	s.StringVar(&user.Province, "province", def.Province, "the user's province")
	s.StringVar(&user.City, "city", def.City, "the user's city")
	s.StringVar(&user.Country, "country", def.Country, "the user's country")
	s.StringVar(&user.HeadImgURL, "headimgurl", def.HeadImgURL, "the user's avatar URL (empty: none)")
	s.BoolVar(&user.Snapshot, "snapshot", false, "the user browses a snapshot page (快照页): tokens carry is_snapshotuser=1")
	if code, ok := s.parse(args); !ok {
		return code
	}
	switch {
	case s.NArg() > 0:
		return s.usageError("unexpected argument %q", s.Arg(0))
	case *sex < 0 || *sex > 2:
		return s.usageError("-sex must be 0, 1 or 2")
	case user.OpenID == "":
		return s.usageError("-openid must not be empty")
	case *appID == "":
		return s.usageError("-appid must not be empty")
	}
	var consent wxmptest.OAuthConsent
	switch *consentName {
	case "allow":
		consent = wxmptest.OAuthConsentAllow
	case "refuse":
		consent = wxmptest.OAuthConsentRefuse
	case "refuse-stay":
		consent = wxmptest.OAuthConsentRefuseNoRedirect
	default:
		return s.usageError("-consent must be allow, refuse or refuse-stay")
	}
	user.Sex = oauth.Sex(*sex)
	cfg := wxmptest.OAuthConfig{AppID: *appID, AppSecret: *secret, User: user}
	for d := range strings.SplitSeq(*domains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			cfg.Domains = append(cfg.Domains, d)
		}
	}
	fake := wxmptest.NewUnstartedOAuthServer(cfg)
	fake.SetConsent(consent)

	if err := c.serveOAuth(ctx, *addr, fake, *secret != "", user); err != nil {
		fmt.Fprintln(c.stderr, "wxmp oauth-server:", err)
		return exitFail
	}
	return exitOK
}

// serveOAuth serves fake on addr until ctx is done.
func (c *cli) serveOAuth(ctx context.Context, addr string, fake *wxmptest.OAuthServer, customSecret bool, user wxmptest.OAuthUser) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return err
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	base := "http://" + net.JoinHostPort(host, port)
	printOAuthServerBanner(c.stdout, base, fake, customSecret, user)

	srv := &http.Server{
		Handler:           logOAuthRequests(fake.Handler(), c.stderr),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), oauthServerShutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(c.stdout, "stopped")
	return nil
}

// printOAuthServerBanner tells the developer where the fake is and how to
// use it with examples/oauth. A secret the developer chose is not printed.
func printOAuthServerBanner(w io.Writer, base string, fake *wxmptest.OAuthServer, customSecret bool, u wxmptest.OAuthUser) {
	secret := fake.AppSecret()
	if customSecret {
		secret = "<the value of -secret>"
	}
	fmt.Fprintf(w, "Fake WeChat OAuth hosts (wxmptest) listening on %s\n", base)
	fmt.Fprintf(w, "  authorize: %s%s and %s%s\n", base, wxmptest.OAuthAuthorizePath, base, wxmptest.OAuthQRConnectPath)
	fmt.Fprintf(w, "  API:       %s/sns/…\n", base)
	fmt.Fprintf(w, "  AppID:     %s\n", fake.AppID())
	fmt.Fprintf(w, "  user:      %s (openid %s)\n\n", u.Nickname, u.OpenID)
	fmt.Fprintf(w, "Point examples/oauth at it (in another terminal):\n\n")
	fmt.Fprintf(w, "  WECHAT_OPEN_BASE=%s WECHAT_API_BASE=%s \\\n", base, base)
	fmt.Fprintf(w, "  WECHAT_APPID=%s WECHAT_SECRET=%s \\\n", fake.AppID(), secret)
	fmt.Fprintf(w, "  PUBLIC_URL=http://localhost:8080 go run ./examples/oauth\n\n")
	fmt.Fprintf(w, "then open http://localhost:8080. Stop with Ctrl-C.\n")
}

// logOAuthRequests writes "METHOD PATH STATUS" to w for each request. The
// query is left out: it holds the secret, codes and tokens.
func logOAuthRequests(next http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &oauthStatusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %d\n", r.Method, r.URL.EscapedPath(), rec.status)
	})
}

type oauthStatusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *oauthStatusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
