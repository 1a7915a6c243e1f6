package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestNewClientOptions(t *testing.T) {
	t.Parallel()
	src := staticSource("TOKEN_static_0001")
	for _, tc := range []struct {
		name string
		opt  api.Option
		want string // in the message
	}{
		{"nil client", api.WithHTTPClient(nil), "WithHTTPClient"},
		{"relative base", api.WithBaseURL("api.weixin.qq.com"), "WithBaseURL"},
		{"ftp base", api.WithBaseURL("ftp://api.weixin.qq.com"), "WithBaseURL"},
		{"query in base", api.WithBaseURL("https://api.weixin.qq.com/?access_token=SECRETVALUE"), "WithBaseURL"},
		{"mp base", api.WithMPBaseURL("://"), "WithMPBaseURL"},
		{"zero body", api.WithMaxBodyBytes(0), "WithMaxBodyBytes"},
		{"negative download", api.WithMaxDownloadBytes(-1), "WithMaxDownloadBytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := api.NewClient(src, tc.opt)
			require.ErrorIs(t, err, api.ErrInvalidConfig)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "SECRETVALUE", "the value is never quoted")
		})
	}
	_, err := api.NewClient(nil)
	require.ErrorIs(t, err, api.ErrInvalidConfig)
	c, err := api.NewClient(src, nil, api.WithBaseURL("https://api2.weixin.qq.com/"))
	require.NoError(t, err, "a nil option is skipped")
	assert.Equal(t, "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=a%2Bb", c.QRCode.ShowURL("a+b"))
}

// TestRotatedToken is the production failure: another instance refreshed
// the token, and WeChat answers 40001 with the one this client holds.
func TestRotatedToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.c.Callback.IPs(ctx) // warm the source
	require.NoError(t, err)
	old := f.tokens.cur
	before := f.fake.TokenRequests()

	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 40001, Rotate: true, Times: 1})
	require.NoError(t, f.c.CustomerService.Send(ctx, wxmptest.DefaultOpenID, api.Text{Content: "hello"}))

	_, fetches, invalidates := f.tokens.counts()
	assert.Equal(t, 1, invalidates, "exactly one invalidate")
	assert.Equal(t, 2, fetches, "one new token")
	assert.Equal(t, before+1, f.fake.TokenRequests(), "one token request")
	assert.Equal(t, 2, f.fake.Calls(wxmptest.APICustomSendPath), "the call and one retry")
	assert.NotEqual(t, old, f.tokens.cur)
	require.Len(t, f.fake.Sent(wxmptest.DefaultOpenID), 1, "the retry got through")
}

func TestStaleTokenCodesRetryOnce(t *testing.T) {
	t.Parallel()
	for _, code := range []int{40001, 40014, 42001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			// Always: the retry fails too, and there is no third call.
			f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICallbackIPPath, ErrCode: code})
			_, err := f.c.Callback.IPs(context.Background())
			require.ErrorIs(t, err, api.ErrInvalidToken)
			var e *api.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, code, e.Code)
			assert.Equal(t, 2, f.fake.Calls(wxmptest.APICallbackIPPath))
			_, fetches, invalidates := f.tokens.counts()
			assert.Equal(t, 1, invalidates)
			assert.Equal(t, 2, fetches)
		})
	}
}

func TestNoRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code int
		is   error
		hint string
	}{
		{40164, api.ErrIPNotWhitelisted, "IP白名单"},
		{89503, api.ErrRiskyIP, "administrator"},
		{45009, api.ErrQuotaExceeded, "quota"},
		{40243, api.ErrSecretFrozen, "frozen"},
		{-1, api.ErrSystemBusy, "busy"},
		{45015, api.ErrOutsideWindow, "48 hours"},
		{45047, api.ErrResponseLimit, "used up"},
		{48001, api.ErrUnauthorized, "permission"},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: tc.code})
			err := f.c.CustomerService.Send(context.Background(), wxmptest.DefaultOpenID, api.Text{Content: "hi"})
			require.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), tc.hint)
			var e *api.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, e.Msg, " rid: ")
			assert.Equal(t, 1, f.fake.Calls(wxmptest.APICustomSendPath), "failed at once, no retry")
			_, fetches, invalidates := f.tokens.counts()
			assert.Zero(t, invalidates)
			assert.Equal(t, 1, fetches)
		})
	}
}

func TestWhitelistHint(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.fake.SetFaults(wxmptest.APIFault{ErrCode: 40164})
	_, err := f.c.User.Info(context.Background(), wxmptest.DefaultOpenID, "")
	require.ErrorIs(t, err, api.ErrIPNotWhitelisted)
	assert.Contains(t, err.Error(), "127.0.0.1", "WeChat's message names the address")
	assert.Contains(t, err.Error(), "IP白名单")
	assert.Contains(t, err.Error(), "基本配置")
	assert.Equal(t, 1, f.fake.Calls(wxmptest.APIUserInfoPath))
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		followed.Add(1)
		_, _ = w.Write([]byte(`{"ip_list":["6.6.6.6"]}`))
	}))
	defer elsewhere.Close()
	var token string
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token = r.URL.Query().Get("access_token")
		http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer redirector.Close()

	src := staticSource("TOKEN_that_must_not_leak_0001")
	// Even a client that would follow redirects does not.
	c, err := api.NewClient(src, api.WithBaseURL(redirector.URL), api.WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
	_, err = c.Callback.IPs(context.Background())
	var se *api.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusFound, se.StatusCode)
	assert.Contains(t, err.Error(), "redirects are not followed")
	assert.NotContains(t, err.Error(), elsewhere.URL)
	assert.Zero(t, followed.Load())
	assert.Equal(t, string(src), token)
	assert.NotContains(t, err.Error(), string(src))

	// The fake's 302 fault, too.
	f := newFixture(t)
	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIMenuGetPath, Status: http.StatusFound})
	_, err = f.c.Menu.Get(context.Background())
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, f.fake.Calls(wxmptest.APIMenuGetPath))
}

// staticSource is a TokenSource with one token.
type staticSource string

func (s staticSource) Token(context.Context) (string, error)    { return string(s), nil }
func (s staticSource) Invalidate(context.Context, string) error { return nil }

// otherCalls makes the calls that do not go through getJSON or postJSON.
func otherCalls(ctx context.Context, c *api.Client) []error {
	_, up := c.Media.Upload(ctx, api.MediaImage, "", strings.NewReader("\x89PNG\r\n\x1a\n0000"))
	_, down := c.Media.Download(ctx, "m", &strings.Builder{})
	return []error{up, down}
}

// TestNoTokenInErrors checks every path by which a token could reach an
// error: net/http's *url.Error (which quotes the URL), an errmsg that
// echoes the query, a body that is not JSON, a status.
func TestNoTokenInErrors(t *testing.T) {
	t.Parallel()
	const token = "TOKEN+with/escapes=and_more_0123456789"
	var mode atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 0: // errmsg echoes the raw query
			_, _ = fmt.Fprintf(w, `{"errcode":40097,"errmsg":"invalid args %s and %s"}`, r.URL.RawQuery, r.URL.Query().Get("access_token"))
		case 1: // not JSON, with the token in it
			_, _ = fmt.Fprintf(w, "<html>%s</html>", r.URL.Query().Get("access_token"))
		case 2:
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprint(w, r.URL.Query().Get("access_token"))
		case 3: // 40001, then the retry's errmsg echoes the query again
			_, _ = fmt.Fprintf(w, `{"errcode":40001,"errmsg":"stale %s"}`, r.URL.Query().Get("access_token"))
		}
	}))
	src := staticSource(token)
	c, err := api.NewClient(src, api.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	var errs []error
	for m := range int32(4) {
		mode.Store(m)
		_, err := c.Callback.IPs(ctx)
		require.Error(t, err)
		errs = append(errs, err)
		errs = append(errs, c.CustomerService.Send(ctx, "u", api.Text{Content: "x"}))
		errs = append(errs, otherCalls(ctx, c)...)
	}
	srv.Close() // now the transport fails: *url.Error with the URL
	_, err = c.Callback.IPs(ctx)
	errs = append(errs, err)
	errs = append(errs, otherCalls(ctx, c)...)

	escaped := []string{token, "TOKEN%2Bwith%2Fescapes%3Dand_more_0123456789", "TOKEN+with/escapes"}
	for _, err := range errs {
		require.Error(t, err)
		for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			for _, s := range escaped {
				assert.NotContains(t, text, s)
			}
		}
		var e *api.Error
		if errors.As(err, &e) {
			for _, s := range escaped {
				assert.NotContains(t, e.Msg, s)
			}
		}
	}
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c), "TOKEN")
}

func TestTokenSourceErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	boom := errors.New("store down")
	f.tokens.err = boom
	err := f.c.Menu.Delete(context.Background())
	require.ErrorIs(t, err, boom)
	assert.Zero(t, f.fake.Calls(wxmptest.APIMenuDeletePath))

	c, err := api.NewClient(staticSource(""), api.WithBaseURL(f.fake.URL))
	require.NoError(t, err)
	require.ErrorIs(t, c.Menu.Delete(context.Background()), api.ErrInvalidConfig)
}

func TestResponseLimit(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, `{"ip_list":["%s"]}`, strings.Repeat("1", 2000))
	}))
	defer srv.Close()
	c, err := api.NewClient(staticSource("TOKEN_static_0001"), api.WithBaseURL(srv.URL), api.WithMaxBodyBytes(1000))
	require.NoError(t, err)
	_, err = c.Callback.IPs(context.Background())
	require.ErrorIs(t, err, api.ErrInvalidResponse)
}

// TestDocSnippet runs the package comment's snippet without a network: a
// cancelled ctx stops it at the first token.
func TestDocSnippet(t *testing.T) {
	t.Setenv("WECHAT_APPID", "wx0123456789abcdef")
	t.Setenv("WECHAT_SECRET", "not-a-real-secret-000000000000000")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, notifyShipped(ctx, "oUSER"), context.Canceled)
}

// *accesstoken.Source is a TokenSource.
var _ api.TokenSource = (*accesstoken.Source)(nil)

// TestConcurrentColdCache: 50 calls at once on a cold cache make one
// token request.
func TestConcurrentColdCache(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := f.c.Callback.IPs(context.Background())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.fake.TokenRequests())
	assert.Equal(t, 50, f.fake.Calls(wxmptest.APICallbackIPPath))
}

// TestConcurrentRotation: 20 calls that fail at once with the same revoked
// token cause one new token request, and each retries once.
func TestConcurrentRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.c.Callback.IPs(ctx)
	require.NoError(t, err)
	f.fake.RotateTokens() // another instance force-refreshed
	// The 20 calls take their token together, before any of them fails.
	g := &gate{TokenSource: f.tokens, waiting: 20, open: make(chan struct{})}
	c, err := api.NewClient(g, api.WithBaseURL(f.fake.URL))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			errs <- c.CustomerService.Send(ctx, wxmptest.DefaultOpenID, api.Text{Content: "hi"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2, f.fake.TokenRequests(), "the first token and one new one")
	assert.Equal(t, 40, f.fake.Calls(wxmptest.APICustomSendPath), "20 refused calls, 20 retries")
	assert.Len(t, f.fake.Sent(wxmptest.DefaultOpenID), 20)
	_, _, invalidates := f.tokens.counts()
	assert.Equal(t, 20, invalidates, "each failed call reports its token; the source forgets it once")
}

// gate holds the first Token calls, each with the token it got, until
// waiting of them have arrived.
type gate struct {
	api.TokenSource
	mu      sync.Mutex
	waiting int
	open    chan struct{}
}

func (g *gate) Token(ctx context.Context) (string, error) {
	tok, err := g.TokenSource.Token(ctx)
	g.mu.Lock()
	if g.waiting > 0 {
		g.waiting--
		if g.waiting == 0 {
			close(g.open)
		}
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return tok, err
}
