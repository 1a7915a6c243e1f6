package wxmptest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

// apiAnswer is any JSON answer of the fake, decoded loosely.
type apiAnswer struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Ticket      string `json:"ticket"`
}

// fakeClock is a settable clock for WithAPINow.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// errInvalidConfig is the sentinel the API fake's options wrap.
var errInvalidConfig = wxmptest.ErrInvalidConfig

func newAPI(t *testing.T, opts ...wxmptest.APIOption) *wxmptest.APIServer {
	t.Helper()
	s, err := wxmptest.NewAPIServer(opts...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// call sends a request to the fake and decodes the JSON answer, requiring
// HTTP 200.
func call(t *testing.T, s *wxmptest.APIServer, method, path string, q url.Values, body string) apiAnswer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path+"?"+q.Encode(), r)
	require.NoError(t, err)
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var a apiAnswer
	require.NoError(t, json.Unmarshal(b, &a), "%s", b)
	return a
}

func stableBody(t *testing.T, s *wxmptest.APIServer, force bool) string {
	b, err := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": s.AppID(), "secret": s.AppSecret(), "force_refresh": force})
	require.NoError(t, err)
	return string(b)
}

func legacyQuery(s *wxmptest.APIServer) url.Values {
	return url.Values{"grant_type": {"client_credential"}, "appid": {s.AppID()}, "secret": {s.AppSecret()}}
}

func TestAPIStableToken(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := newAPI(t, wxmptest.WithAPINow(clock.Now))

	a := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false))
	require.Zero(t, a.ErrCode, a.ErrMsg)
	require.NotEmpty(t, a.AccessToken)
	assert.Equal(t, 7200, a.ExpiresIn)

	// Normal mode answers the same token, with the time it has left.
	s.Advance(1000 * time.Second)
	b := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false))
	assert.Equal(t, a.AccessToken, b.AccessToken)
	assert.Equal(t, 6200, b.ExpiresIn)

	// In its last 5 minutes a new one comes; the old one still works.
	s.Advance(6000 * time.Second)
	c := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false))
	assert.NotEqual(t, a.AccessToken, c.AccessToken)
	assert.Equal(t, 7200, c.ExpiresIn)
	assert.Zero(t, ticket(t, s, a.AccessToken).ErrCode)

	// Past its expiry the old one answers 42001.
	s.Advance(200 * time.Second)
	assert.Equal(t, 42001, ticket(t, s, a.AccessToken).ErrCode)
	assert.Zero(t, ticket(t, s, c.AccessToken).ErrCode)

	// force_refresh revokes the current token at once.
	d := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, true))
	assert.NotEqual(t, c.AccessToken, d.AccessToken)
	assert.Equal(t, 40001, ticket(t, s, c.AccessToken).ErrCode)
	assert.Zero(t, ticket(t, s, d.AccessToken).ErrCode)

	assert.Equal(t, 4, s.TokenRequests())
	assert.Equal(t, 4, s.Calls(wxmptest.APIStableTokenPath))
	assert.Equal(t, d.AccessToken, s.Token())
	assert.Equal(t, 4, s.TokenRequests(), "Token() is not a request")
}

func TestAPILegacyToken(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	a := call(t, s, http.MethodGet, wxmptest.APITokenPath, legacyQuery(s), "")
	require.Zero(t, a.ErrCode, a.ErrMsg)
	assert.Equal(t, 7200, a.ExpiresIn)

	// Every call issues a new token; the previous one works 5 more minutes.
	b := call(t, s, http.MethodGet, wxmptest.APITokenPath, legacyQuery(s), "")
	assert.NotEqual(t, a.AccessToken, b.AccessToken)
	assert.Zero(t, ticket(t, s, a.AccessToken).ErrCode)
	s.Advance(wxmptest.APITokenOverlap)
	assert.Equal(t, 42001, ticket(t, s, a.AccessToken).ErrCode)
	assert.Zero(t, ticket(t, s, b.AccessToken).ErrCode)

	// stable_token's tokens are separate.
	c := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false))
	assert.NotEqual(t, b.AccessToken, c.AccessToken)
	assert.Equal(t, 3, s.TokenRequests())
	assert.Equal(t, 2, s.Calls(wxmptest.APITokenPath))
}

func TestAPITokenErrors(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	body := func(m map[string]any) string {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	good := map[string]any{"grant_type": "client_credential", "appid": s.AppID(), "secret": s.AppSecret()}
	with := func(k string, v any) string {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return body(m)
	}
	for _, tc := range []struct {
		name string
		body string
		code int
	}{
		{"wrong secret", with("secret", "nope"), 40125},
		{"no secret", with("secret", nil), 41004},
		{"wrong appid", with("appid", "wx0000000000000000"), 40013},
		{"no appid", with("appid", nil), 41002},
		{"grant type", with("grant_type", "authorization_code"), 40002},
		{"not JSON", "grant_type=client_credential", 47001},
		{"unknown field", with("force", true), 47001},
		{"wrong type", with("force_refresh", "yes"), 47001},
		{"empty", " ", 44002},
	} {
		t.Run("stable/"+tc.name, func(t *testing.T) {
			a := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, tc.body)
			assert.Equal(t, tc.code, a.ErrCode, a.ErrMsg)
			assert.Contains(t, a.ErrMsg, " rid: ")
			assert.Empty(t, a.AccessToken)
			assert.NotContains(t, a.ErrMsg, s.AppSecret())
		})
	}
	a := call(t, s, http.MethodGet, wxmptest.APIStableTokenPath, nil, "")
	assert.Equal(t, 43002, a.ErrCode, "GET on stable_token")

	q := legacyQuery(s)
	q.Set("secret", "nope")
	assert.Equal(t, 40001, call(t, s, http.MethodGet, wxmptest.APITokenPath, q, "").ErrCode)
	q = legacyQuery(s)
	q.Set("grant_type", "x")
	assert.Equal(t, 40002, call(t, s, http.MethodGet, wxmptest.APITokenPath, q, "").ErrCode)
	assert.NotEmpty(t, s.Token())
}

// ticket calls getticket with the token.
func ticket(t *testing.T, s *wxmptest.APIServer, token string) apiAnswer {
	t.Helper()
	return call(t, s, http.MethodGet, wxmptest.APITicketPath, url.Values{"access_token": {token}, "type": {"jsapi"}}, "")
}

func TestAPITicket(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := newAPI(t, wxmptest.WithAPITokenLifetime(100*time.Second), wxmptest.WithAPINow(clock.Now))
	tok := s.Token()
	a := ticket(t, s, tok)
	require.Zero(t, a.ErrCode, a.ErrMsg)
	assert.Equal(t, "ok", a.ErrMsg)
	assert.Equal(t, s.Ticket(), a.Ticket)
	assert.Equal(t, 100, a.ExpiresIn)

	s.Advance(40 * time.Second)
	b := ticket(t, s, tok)
	assert.Equal(t, a.Ticket, b.Ticket, "the same ticket until it expires")
	assert.Equal(t, 60, b.ExpiresIn)

	// The token check comes first.
	assert.Equal(t, 41001, ticket(t, s, "").ErrCode)
	assert.Equal(t, 40001, ticket(t, s, "FAKEAPITOKENnotissued").ErrCode)
	s.Advance(60 * time.Second)
	assert.Equal(t, 42001, ticket(t, s, tok).ErrCode)

	tok = s.Token()
	c := ticket(t, s, tok)
	assert.NotEqual(t, a.Ticket, c.Ticket, "a new ticket after expiry")
	bad := call(t, s, http.MethodGet, wxmptest.APITicketPath, url.Values{"access_token": {tok}, "type": {"other"}}, "")
	assert.Equal(t, 40097, bad.ErrCode)
	assert.Equal(t, 7, s.Calls(wxmptest.APITicketPath), "every call counts")
}

func TestAPIFaults(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	tok := s.Token()

	// 40001 with a rotated token, once.
	s.SetFaults(wxmptest.APIFault{Path: wxmptest.APITicketPath, ErrCode: 40001, Rotate: true, Times: 1})
	a := ticket(t, s, tok)
	assert.Equal(t, 40001, a.ErrCode)
	assert.Contains(t, a.ErrMsg, "access_token is invalid or not latest")
	assert.Equal(t, 40001, ticket(t, s, tok).ErrCode, "the rotated token stays revoked")
	fresh := call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false)).AccessToken
	assert.NotEqual(t, tok, fresh)
	assert.Zero(t, ticket(t, s, fresh).ErrCode, "spent after once")

	// 40164 always on the token endpoint, naming the caller's address.
	s.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, ErrCode: 40164})
	for range 2 {
		a = call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false))
		assert.Equal(t, 40164, a.ErrCode)
		assert.Contains(t, a.ErrMsg, "127.0.0.1")
		assert.Contains(t, a.ErrMsg, "whitelist")
	}

	// "" covers the token-checked paths but not the token endpoints.
	s.SetFaults(wxmptest.APIFault{ErrCode: -1, Times: 2})
	assert.Zero(t, call(t, s, http.MethodPost, wxmptest.APIStableTokenPath, nil, stableBody(t, s, false)).ErrCode)
	assert.Equal(t, -1, ticket(t, s, fresh).ErrCode)
	assert.Equal(t, -1, ticket(t, s, fresh).ErrCode)
	assert.Zero(t, ticket(t, s, fresh).ErrCode)

	// An HTTP status, a body, a redirect.
	s.SetFaults(wxmptest.APIFault{Path: wxmptest.APITicketPath, Status: http.StatusFound, Times: 1},
		wxmptest.APIFault{Path: wxmptest.APITicketPath, Status: 502, Body: "<html>bad gateway</html>", Times: 1})
	for _, want := range []int{http.StatusFound, 502} {
		res, err := s.Client().Get(s.URL + wxmptest.APITicketPath + "?type=jsapi&access_token=" + fresh)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, want, res.StatusCode)
		if want == http.StatusFound {
			assert.NotEmpty(t, res.Header.Get("Location"))
		} else {
			assert.True(t, bytes.Contains(b, []byte("bad gateway")))
		}
	}
	s.SetFaults()
	assert.Zero(t, ticket(t, s, fresh).ErrCode)
}

func TestAPIRotateTokens(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	old := s.Token()
	s.RotateTokens()
	assert.Equal(t, 40001, ticket(t, s, old).ErrCode)
	assert.NotEqual(t, old, s.Token())
	assert.Contains(t, s.Secrets(), old)
	assert.Contains(t, s.Secrets(), s.AppSecret())
}

func TestAPIOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  wxmptest.APIOption
	}{
		{"credentials", wxmptest.WithAPICredentials("", "x")},
		{"now", wxmptest.WithAPINow(nil)},
		{"lifetime zero", wxmptest.WithAPITokenLifetime(0)},
		{"lifetime fraction", wxmptest.WithAPITokenLifetime(1500 * time.Millisecond)},
		{"users", wxmptest.WithAPIUsers(wxmptest.APIUser{})},
		{"users repeated", wxmptest.WithAPIUsers(wxmptest.APIUser{OpenID: "a"}, wxmptest.APIUser{OpenID: "a"})},
		{"templates", wxmptest.WithAPITemplates(wxmptest.APITemplate{})},
		{"callback IPs", wxmptest.WithAPICallbackIPs("")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wxmptest.NewAPIServer(tc.opt)
			require.ErrorIs(t, err, errInvalidConfig)
		})
	}
	s, err := wxmptest.NewAPIServer(nil, wxmptest.WithAPICredentials("wxabc", "secret1"))
	require.NoError(t, err, "a nil option is skipped")
	defer s.Close()
	assert.Equal(t, "wxabc", s.AppID())
	assert.Equal(t, "secret1", s.AppSecret())
}
