package jssdk_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/wxmptest"
)

// These tests run a Source, over an accesstoken.Source, against wxmptest's
// fake of WeChat's API.

func apiSources(t *testing.T, opts ...wxmptest.APIOption) (*wxmptest.APIServer, *accesstoken.Source, *jssdk.Source) {
	t.Helper()
	fake, err := wxmptest.NewAPIServer(opts...)
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	tokens, err := accesstoken.New(fake.AppID(), fake.AppSecret(),
		accesstoken.WithBaseURL(fake.URL), accesstoken.WithHTTPClient(fake.Client()), accesstoken.WithNow(fake.Now))
	require.NoError(t, err)
	js, err := jssdk.New(fake.AppID(), tokens,
		jssdk.WithBaseURL(fake.URL), jssdk.WithHTTPClient(fake.Client()), jssdk.WithNow(fake.Now))
	require.NoError(t, err)
	return fake, tokens, js
}

func TestAPIServerTicket(t *testing.T) {
	t.Parallel()
	fake, _, js := apiSources(t)
	ctx := context.Background()
	got, err := js.Ticket(ctx)
	require.NoError(t, err)
	assert.Equal(t, fake.Ticket(), got)
	cfg, err := js.Config(ctx, "https://example.com/page?x=1#top")
	require.NoError(t, err)
	assert.Equal(t, fake.AppID(), cfg.AppID)
	assert.Equal(t, jssdk.Sign(fake.Ticket(), cfg.NonceStr, cfg.Timestamp, "https://example.com/page?x=1"), cfg.Signature)
	assert.Equal(t, 1, fake.Calls(wxmptest.APITicketPath))
	assert.Equal(t, 1, fake.Calls(wxmptest.APIStableTokenPath))
}

func TestAPIServerTicketExpires(t *testing.T) {
	t.Parallel()
	fake, _, js := apiSources(t, wxmptest.WithAPINow(func() time.Time { return t0 }))
	ctx := context.Background()
	first, err := js.Ticket(ctx)
	require.NoError(t, err)

	// Inside the delta the fake hands back the same ticket: one try, then
	// the Source keeps it until it expires.
	fake.Advance(wxmptest.APITokenLifetime - jssdk.DefaultExpiryDelta)
	got, err := js.Ticket(ctx)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	assert.Equal(t, 2, fake.Calls(wxmptest.APITicketPath))
	fake.Advance(jssdk.DefaultExpiryDelta - time.Second)
	got, _ = js.Ticket(ctx)
	assert.Equal(t, first, got)
	assert.Equal(t, 2, fake.Calls(wxmptest.APITicketPath))

	fake.Advance(time.Second)
	got, err = js.Ticket(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, first, got)
	assert.Equal(t, fake.Ticket(), got)
	assert.Equal(t, 3, fake.Calls(wxmptest.APITicketPath))
}

func TestAPIServerRotatedTokenAfter40001(t *testing.T) {
	t.Parallel()
	fake, tokens, js := apiSources(t)
	ctx := context.Background()
	tok, err := tokens.Token(ctx)
	require.NoError(t, err)
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APITicketPath, ErrCode: 40001, Rotate: true, Times: 1})

	got, err := js.Ticket(ctx)
	require.NoError(t, err)
	assert.Equal(t, fake.Ticket(), got)
	assert.Equal(t, 2, fake.Calls(wxmptest.APITicketPath), "the refused call and one retry")
	assert.Equal(t, 2, fake.Calls(wxmptest.APIStableTokenPath), "exactly one new token")
	now, err := tokens.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, tok, now)
}

func TestAPIServerIPNotWhitelisted(t *testing.T) {
	t.Parallel()
	fake, _, js := apiSources(t)
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APITicketPath, ErrCode: 40164})
	_, err := js.Ticket(context.Background())
	require.ErrorIs(t, err, jssdk.ErrIPNotWhitelisted)
	assert.Contains(t, err.Error(), "IP白名单")
	assert.Equal(t, 1, fake.Calls(wxmptest.APITicketPath))
	for _, s := range fake.Secrets() {
		assert.NotContains(t, err.Error(), s)
	}
}
