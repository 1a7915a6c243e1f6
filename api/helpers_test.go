package api_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

// countingSource is the TokenSource of the tests: an *accesstoken.Source
// on the fake, wrapped to count what it is asked.
type countingSource struct {
	s   *wxmptest.APIServer
	src *accesstoken.Source

	mu          sync.Mutex
	cur         string // the last token handed out
	tokens      int    // Token calls
	invalidates int    // Invalidate calls
	err         error  // when set, Token fails with it
}

func newCountingSource(t *testing.T, s *wxmptest.APIServer) *countingSource {
	t.Helper()
	src, err := accesstoken.New(s.AppID(), s.AppSecret(), accesstoken.WithBaseURL(s.URL), accesstoken.WithHTTPClient(s.Client()))
	require.NoError(t, err)
	return &countingSource{s: s, src: src}
}

func (c *countingSource) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	c.tokens++
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return "", err
	}
	tok, err := c.src.Token(ctx)
	c.mu.Lock()
	c.cur = tok
	c.mu.Unlock()
	return tok, err
}

func (c *countingSource) Invalidate(ctx context.Context, failed string) error {
	c.mu.Lock()
	c.invalidates++
	c.mu.Unlock()
	return c.src.Invalidate(ctx, failed)
}

// counts returns the Token calls, the token requests the fake received
// and the Invalidate calls.
func (c *countingSource) counts() (tokens, fetches, invalidates int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokens, c.s.TokenRequests(), c.invalidates
}

// fixture is a fake API server, a counting token source and a client on
// them.
type fixture struct {
	fake   *wxmptest.APIServer
	tokens *countingSource
	c      *api.Client
}

func newFixture(t *testing.T, fakeOpts ...wxmptest.APIOption) *fixture {
	t.Helper()
	fake, err := wxmptest.NewAPIServer(fakeOpts...)
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	src := newCountingSource(t, fake)
	c, err := api.NewClient(src, api.WithBaseURL(fake.URL), api.WithMPBaseURL(fake.URL), api.WithHTTPClient(fake.Client()))
	require.NoError(t, err)
	return &fixture{fake: fake, tokens: src, c: c}
}

// lastBody returns the body of the last thing the fake accepted for
// openID.
func (f *fixture) lastBody(t *testing.T, openID string) string {
	t.Helper()
	sent := f.fake.Sent(openID)
	require.NotEmpty(t, sent)
	return string(sent[len(sent)-1].Body)
}

// Test users of the fake.
const (
	userOK      = "oUSER_following_00000000001"
	userGone    = "oUSER_unfollowed_0000000001"
	userLate    = "oUSER_outside_window_000001"
	userUnknown = "oUSER_unknown_0000000000001"
)

func testUsers() wxmptest.APIOption {
	return wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: userOK, UnionID: "oUNION1", TagIDs: []int{2, 128}, SubscribeTime: 1382694957,
			SubscribeScene: "ADD_SCENE_QR_CODE", QRScene: 98765, Remark: "vip", Language: "zh_CN"},
		wxmptest.APIUser{OpenID: userGone, Unsubscribed: true},
		wxmptest.APIUser{OpenID: userLate, OutsideWindow: true},
	)
}
