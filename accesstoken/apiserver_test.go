package accesstoken_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/wxmptest"
)

// These tests run a Source against wxmptest's fake of WeChat's API, which
// issues, expires and revokes tokens as WeChat does.

func newAPIServer(t *testing.T) *wxmptest.APIServer {
	t.Helper()
	c := &clock{now: t0} // stands still but for fake.Advance
	fake, err := wxmptest.NewAPIServer(wxmptest.WithAPINow(c.Now))
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	return fake
}

func apiSource(t *testing.T, fake *wxmptest.APIServer, opts ...accesstoken.Option) *accesstoken.Source {
	t.Helper()
	opts = append([]accesstoken.Option{
		accesstoken.WithBaseURL(fake.URL), accesstoken.WithHTTPClient(fake.Client()), accesstoken.WithNow(fake.Now),
	}, opts...)
	src, err := accesstoken.New(fake.AppID(), fake.AppSecret(), opts...)
	require.NoError(t, err)
	return src
}

// errcodeOf calls getcallbackip with tok and returns the errcode (0 for
// success).
func errcodeOf(t *testing.T, fake *wxmptest.APIServer, tok string) int {
	t.Helper()
	res, err := fake.Client().Get(fake.URL + wxmptest.APICallbackIPPath + "?access_token=" + url.QueryEscape(tok))
	require.NoError(t, err)
	defer res.Body.Close()
	var body struct {
		ErrCode int `json:"errcode"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return body.ErrCode
}

func TestAPIServerTokenIsIssuedRefreshedAndExpires(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			t.Parallel()
			fake := newAPIServer(t)
			var opts []accesstoken.Option
			path := wxmptest.APIStableTokenPath
			if legacy {
				opts = append(opts, accesstoken.WithLegacyToken())
				path = wxmptest.APITokenPath
			}
			src := apiSource(t, fake, opts...)
			ctx := context.Background()

			first, err := src.Current(ctx)
			require.NoError(t, err)
			assert.Equal(t, fake.Now().Add(wxmptest.APITokenLifetime), first.Expiry)
			assert.Zero(t, errcodeOf(t, fake, first.AccessToken), "the token works")

			// Still fresh until the delta: no new request.
			fake.Advance(wxmptest.APITokenLifetime - accesstoken.DefaultExpiryDelta - time.Second)
			got, err := src.Token(ctx)
			require.NoError(t, err)
			assert.Equal(t, first.AccessToken, got)
			assert.Equal(t, 1, fake.Calls(path))

			// Inside the delta, which is inside WeChat's 5-minute renewal:
			// one request, and a new token.
			fake.Advance(time.Second)
			second, err := src.Current(ctx)
			require.NoError(t, err)
			assert.NotEqual(t, first.AccessToken, second.AccessToken)
			assert.Equal(t, 2, fake.Calls(path))
			assert.Zero(t, errcodeOf(t, fake, second.AccessToken))
			assert.Zero(t, errcodeOf(t, fake, first.AccessToken), "the old one works until its own expiry")

			fake.Advance(accesstoken.DefaultExpiryDelta)
			assert.Equal(t, 42001, errcodeOf(t, fake, first.AccessToken), "the old one has expired")
			got, err = src.Token(ctx)
			require.NoError(t, err)
			assert.Equal(t, second.AccessToken, got)
			assert.Zero(t, errcodeOf(t, fake, got))
			assert.Equal(t, 2, fake.Calls(path))
		})
	}
}

func TestAPIServerFiftyCallersOneRequest(t *testing.T) {
	t.Parallel()
	fake := newAPIServer(t)
	src := apiSource(t, fake)
	const n = 50
	var wg sync.WaitGroup
	got := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { got[i], errs[i] = src.Token(context.Background()) })
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, got[0], got[i])
	}
	assert.Equal(t, 1, fake.Calls(wxmptest.APIStableTokenPath))
}

func TestAPIServerRotatedTokenAfter40001(t *testing.T) {
	t.Parallel()
	fake := newAPIServer(t)
	src := apiSource(t, fake)
	ctx := context.Background()
	tok, err := src.Token(ctx)
	require.NoError(t, err)

	// The next call answers 40001 and revokes its token, as when another
	// party force-refreshed.
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICallbackIPPath, ErrCode: 40001, Rotate: true, Times: 1})
	require.Equal(t, 40001, errcodeOf(t, fake, tok))

	// What a client does: invalidate that token, get another, retry once.
	require.NoError(t, src.Invalidate(ctx, tok))
	fresh, err := src.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, tok, fresh)
	assert.Zero(t, errcodeOf(t, fake, fresh), "the retry succeeds")
	assert.Equal(t, 40001, errcodeOf(t, fake, tok), "the old token stays revoked")
	assert.Equal(t, 2, fake.Calls(wxmptest.APIStableTokenPath), "exactly one new token request")

	// Other calls that failed with the old token change nothing.
	require.NoError(t, src.Invalidate(ctx, tok))
	again, err := src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, fresh, again)
	assert.Equal(t, 2, fake.Calls(wxmptest.APIStableTokenPath))
}

func TestAPIServerForceRefreshRevokesTheOldToken(t *testing.T) {
	t.Parallel()
	fake := newAPIServer(t)
	src := apiSource(t, fake)
	ctx := context.Background()
	old, err := src.Token(ctx)
	require.NoError(t, err)
	forced, err := src.ForceRefresh(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, old, forced.AccessToken)
	assert.Equal(t, 40001, errcodeOf(t, fake, old))
	got, err := src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, forced.AccessToken, got)
	assert.Zero(t, errcodeOf(t, fake, got))
}

func TestAPIServerIPNotWhitelisted(t *testing.T) {
	t.Parallel()
	for _, path := range []string{wxmptest.APIStableTokenPath, wxmptest.APITokenPath} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			fake := newAPIServer(t)
			var opts []accesstoken.Option
			if path == wxmptest.APITokenPath {
				opts = append(opts, accesstoken.WithLegacyToken())
			}
			src := apiSource(t, fake, opts...)
			fake.SetFaults(wxmptest.APIFault{Path: path, ErrCode: 40164})
			_, err := src.Token(context.Background())
			require.ErrorIs(t, err, accesstoken.ErrIPNotWhitelisted)
			assert.Contains(t, err.Error(), "IP whitelist")
			assert.Contains(t, err.Error(), "IP白名单")
			assert.Equal(t, 1, fake.Calls(path), "failed at once, no retry")
			for _, s := range fake.Secrets() {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestAPIServerWrongCredentials(t *testing.T) {
	t.Parallel()
	fake := newAPIServer(t)
	for _, tt := range []struct {
		appID, secret string
		legacy        bool
		want          error
	}{
		{"wx_not_this_one", fake.AppSecret(), false, accesstoken.ErrInvalidAppID},
		{fake.AppID(), "not-the-secret", false, accesstoken.ErrInvalidSecret},
		{fake.AppID(), "not-the-secret", true, accesstoken.ErrInvalidSecret},
	} {
		opts := []accesstoken.Option{accesstoken.WithBaseURL(fake.URL)}
		if tt.legacy {
			opts = append(opts, accesstoken.WithLegacyToken())
		}
		src, err := accesstoken.New(tt.appID, tt.secret, opts...)
		require.NoError(t, err)
		_, err = src.Token(context.Background())
		require.ErrorIs(t, err, tt.want)
		assert.False(t, strings.Contains(err.Error(), tt.secret))
	}
}
