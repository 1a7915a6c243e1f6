package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

// countingSource is a TokenSource for tests: it fetches from the fake's
// stable_token, caches one token, invalidates by compare-and-swap and
// counts what it is asked.
type countingSource struct {
	s *wxmptest.APIServer

	mu          sync.Mutex
	cur         string
	tokens      int // Token calls
	fetches     int // requests to stable_token
	invalidates int // Invalidate calls
	err         error
}

func (c *countingSource) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tokens++
	if c.err != nil {
		return "", c.err
	}
	if c.cur == "" {
		body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": c.s.AppID(), "secret": c.s.AppSecret()})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.s.URL+wxmptest.APIStableTokenPath, bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		res, err := c.s.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		var a struct {
			AccessToken string `json:"access_token"`
			ErrCode     int    `json:"errcode"`
		}
		if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
			return "", err
		}
		if a.ErrCode != 0 {
			return "", fmt.Errorf("countingSource: errcode %d", a.ErrCode)
		}
		c.fetches++
		c.cur = a.AccessToken
	}
	return c.cur, nil
}

func (c *countingSource) Invalidate(_ context.Context, failed string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidates++
	if c.cur == failed {
		c.cur = ""
	}
	return nil
}

func (c *countingSource) counts() (tokens, fetches, invalidates int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokens, c.fetches, c.invalidates
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
	src := &countingSource{s: fake}
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
