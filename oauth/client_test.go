package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
)

func TestExchangeSuccess(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("CODE_OK", "o_alice", false)

	before := time.Now()
	tok, err := cfg.Exchange(context.Background(), "CODE_OK")
	after := time.Now()
	require.NoError(t, err)

	want := &oauth.Token{
		AccessToken:  "AT_1",
		RefreshToken: "RT_1",
		OpenID:       "o_alice",
		Scope:        "snsapi_userinfo",
		UnionID:      "u_o_alice",
	}
	if d := cmp.Diff(want, tok, cmpopts.IgnoreFields(oauth.Token{}, "Expiry")); d != "" {
		t.Errorf("token (-want +got):\n%s", d)
	}
	assert.False(t, tok.Expiry.Before(before.Add(7200*time.Second)), "expiry too early")
	assert.False(t, tok.Expiry.After(after.Add(7200*time.Second)), "expiry too late")
	assert.True(t, tok.Valid())
}

func TestExchangeSnapshotUser(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("CODE_SNAP", "o_virtual", true)
	f.addCode("CODE_REAL", "o_real", false)

	tok, err := cfg.Exchange(context.Background(), "CODE_SNAP")
	require.NoError(t, err)
	assert.True(t, tok.IsSnapshotUser)

	tok, err = cfg.Exchange(context.Background(), "CODE_REAL")
	require.NoError(t, err)
	assert.False(t, tok.IsSnapshotUser)
}

func TestExchangeRemoteErrors(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("CODE_ONCE", "o_bob", false)
	_, err := cfg.Exchange(context.Background(), "CODE_ONCE")
	require.NoError(t, err)

	wrongSecret := cfg
	wrongSecret.AppSecret = "another-" + testSecret
	wrongApp := cfg
	wrongApp.AppID = "wxnotmine"

	tests := []struct {
		name     string
		cfg      oauth.Config
		code     string
		wantCode int
		is       error
	}{
		{"unknown code", cfg, "CODE_NEVER_ISSUED", 40029, oauth.ErrInvalidCode},
		{"second use", cfg, "CODE_ONCE", 40163, oauth.ErrCodeUsed},
		{"wrong secret", wrongSecret, "CODE_X", 40001, nil},
		{"wrong appid", wrongApp, "CODE_X", 40013, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := tt.cfg.Exchange(context.Background(), tt.code)
			assert.Nil(t, tok)
			var we *oauth.Error
			require.ErrorAs(t, err, &we)
			assert.Equal(t, tt.wantCode, we.Code)
			assert.NotEmpty(t, we.Msg)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			for _, other := range []error{oauth.ErrInvalidCode, oauth.ErrCodeUsed, oauth.ErrExpired, oauth.ErrInvalidOpenID} {
				if other != tt.is {
					assert.NotErrorIs(t, err, other)
				}
			}
			assertNoSecret(t, err, tt.code)
		})
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		want []error
	}{
		{40029, []error{oauth.ErrInvalidCode}},
		{40163, []error{oauth.ErrCodeUsed}},
		{42001, []error{oauth.ErrExpired}},
		{42002, []error{oauth.ErrExpired}},
		{42003, []error{oauth.ErrExpired}},
		{40003, []error{oauth.ErrInvalidOpenID}},
		{42007, []error{oauth.ErrRevoked}},
		{48001, []error{oauth.ErrUnauthorized}},
		{50001, []error{oauth.ErrUnauthorized}},
		{-1, nil},
		{40001, nil},
		{40030, nil},
		{41008, nil},
		{50002, nil},
	}
	all := []error{oauth.ErrInvalidCode, oauth.ErrCodeUsed, oauth.ErrExpired, oauth.ErrInvalidOpenID,
		oauth.ErrRevoked, oauth.ErrUnauthorized}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("wrapped: %w", &oauth.Error{Code: tt.code, Msg: "m"})
			for _, s := range all {
				want := false
				for _, w := range tt.want {
					want = want || w == s
				}
				assert.Equal(t, want, errors.Is(err, s), "errors.Is(%d, %v)", tt.code, s)
			}
		})
	}
	assert.Equal(t, "oauth: errcode 40029: invalid code", (&oauth.Error{Code: 40029, Msg: "invalid code"}).Error())
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("CODE_R", "o_carol", false)
	first, err := cfg.Exchange(context.Background(), "CODE_R")
	require.NoError(t, err)

	// Refresh needs no secret: prove it by leaving it out.
	noSecret := cfg
	noSecret.AppSecret = ""
	tok, err := noSecret.Refresh(context.Background(), first.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, "o_carol", tok.OpenID)
	assert.NotEqual(t, first.AccessToken, tok.AccessToken)
	assert.True(t, tok.Valid())

	_, err = cfg.Refresh(context.Background(), "RT_EXPIRED")
	var we *oauth.Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, 42002, we.Code)
	assert.ErrorIs(t, err, oauth.ErrExpired)
	assertNoSecret(t, err, "RT_EXPIRED")

	_, err = cfg.Refresh(context.Background(), "RT_UNKNOWN")
	require.ErrorAs(t, err, &we)
	assert.Equal(t, 40030, we.Code)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("CODE_V", "o_dave", false)
	tok, err := cfg.Exchange(context.Background(), "CODE_V")
	require.NoError(t, err)

	require.NoError(t, cfg.Validate(context.Background(), tok))

	err = cfg.Validate(context.Background(), &oauth.Token{AccessToken: tok.AccessToken, OpenID: "o_someone_else"})
	assert.ErrorIs(t, err, oauth.ErrInvalidOpenID)
	assertNoSecret(t, err, tok.AccessToken)

	err = cfg.Validate(context.Background(), &oauth.Token{AccessToken: "AT_EXPIRED", OpenID: tok.OpenID})
	assert.ErrorIs(t, err, oauth.ErrExpired)
	var we *oauth.Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, 42001, we.Code)
}

// TestTokenArguments (issue 11 item 18): UserInfo and Validate take the
// *Token, so the access token and the OpenID cannot be swapped; a nil or
// incomplete one is refused before any request.
func TestTokenArguments(t *testing.T) {
	t.Parallel()
	cfg := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("no request expected, got %s", r.URL.Path)
	})
	ctx := context.Background()
	for _, tok := range []*oauth.Token{nil, {}, {AccessToken: "AT"}, {OpenID: "o"}} {
		assert.ErrorIs(t, cfg.Validate(ctx, tok), oauth.ErrInvalidArgument)
		u, err := cfg.UserInfo(ctx, tok, oauth.LangEN)
		assert.ErrorIs(t, err, oauth.ErrInvalidArgument)
		assert.Nil(t, u)
	}
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want oauth.UserInfo
	}{
		{
			name: "sex as number, Chinese",
			raw:  `{"openid":"o_u","nickname":"张三","sex":1,"province":"广东","city":"广州","country":"中国","headimgurl":"https://thirdwx.qlogo.cn/mmopen/abc/132","privilege":["chinaunicom"],"unionid":"un1"}`,
			want: oauth.UserInfo{OpenID: "o_u", Nickname: "张三", Sex: oauth.SexMale, Province: "广东", City: "广州", Country: "中国", HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/abc/132", Privilege: []string{"chinaunicom"}, UnionID: "un1"},
		},
		{
			name: "sex as string, emoji and escapes",
			raw:  `{"openid":"o_u","nickname":"\u5c0f\u732b\ud83d\udc31 🎉","sex":"2","province":"","city":"","country":"","headimgurl":"","privilege":[]}`,
			want: oauth.UserInfo{OpenID: "o_u", Nickname: "小猫🐱 🎉", Sex: oauth.SexFemale, Privilege: []string{}},
		},
		{
			name: "sex zero, markup in nickname kept verbatim",
			raw:  `{"openid":"o_u","nickname":"<script>alert(1)</script>","sex":0,"privilege":null}`,
			want: oauth.UserInfo{OpenID: "o_u", Nickname: "<script>alert(1)</script>", Sex: oauth.SexUnknown},
		},
		{
			name: "sex empty string",
			raw:  `{"openid":"o_u","nickname":"x","sex":""}`,
			want: oauth.UserInfo{OpenID: "o_u", Nickname: "x", Sex: oauth.SexUnknown},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, cfg := newFakeWeChat(t)
			f.addCode("C", "o_u", false)
			f.setProfile("o_u", tt.raw)
			tok, err := cfg.Exchange(context.Background(), "C")
			require.NoError(t, err)
			got, err := cfg.UserInfo(context.Background(), tok, oauth.LangZhCN)
			require.NoError(t, err)
			if d := cmp.Diff(&tt.want, got); d != "" {
				t.Errorf("profile (-want +got):\n%s", d)
			}
		})
	}
}

func TestUserInfoErrors(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("C", "o_e", false)
	f.setProfile("o_e", `{"openid":"o_e","nickname":"e"}`)
	f.addCode("C2", "o_f", false)
	f.setProfile("o_f", `{"openid":"o_not_f","nickname":"f"}`)
	tok, err := cfg.Exchange(context.Background(), "C")
	require.NoError(t, err)
	tokF, err := cfg.Exchange(context.Background(), "C2")
	require.NoError(t, err)

	for _, lang := range []oauth.Lang{"", oauth.LangZhCN, oauth.LangZhTW, oauth.LangEN} {
		_, err := cfg.UserInfo(context.Background(), tok, lang)
		assert.NoError(t, err, "lang %q", lang)
	}

	_, err = cfg.UserInfo(context.Background(), &oauth.Token{AccessToken: "AT_EXPIRED", OpenID: "o_e"}, oauth.LangEN)
	assert.ErrorIs(t, err, oauth.ErrExpired)
	assertNoSecret(t, err, "AT_EXPIRED")

	_, err = cfg.UserInfo(context.Background(), &oauth.Token{AccessToken: tok.AccessToken, OpenID: "o_other"}, oauth.LangEN)
	assert.ErrorIs(t, err, oauth.ErrInvalidOpenID)

	_, err = cfg.UserInfo(context.Background(), tok, "fr")
	assert.ErrorIs(t, err, oauth.ErrInvalidArgument)

	_, err = cfg.UserInfo(context.Background(), tokF, "")
	assert.ErrorIs(t, err, oauth.ErrInvalidResponse, "profile of another user must be refused")
}

func TestSex(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "unknown", oauth.SexUnknown.String())
	assert.Equal(t, "male", oauth.SexMale.String())
	assert.Equal(t, "female", oauth.SexFemale.String())
	assert.Equal(t, "Sex(7)", oauth.Sex(7).String())
}

func TestTokenValid(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name string
		tok  *oauth.Token
		want bool
	}{
		{"nil", nil, false},
		{"no access token", &oauth.Token{Expiry: now.Add(time.Hour)}, false},
		{"zero expiry", &oauth.Token{AccessToken: "a"}, false},
		{"expired", &oauth.Token{AccessToken: "a", Expiry: now.Add(-time.Second)}, false},
		{"inside the margin", &oauth.Token{AccessToken: "a", Expiry: now.Add(oauth.ExpiryMargin / 2)}, false},
		{"fresh", &oauth.Token{AccessToken: "a", Expiry: now.Add(2 * time.Hour)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.tok.Valid())
		})
	}
}

// stubServer answers every request with h.
func stubServer(t *testing.T, h http.HandlerFunc) oauth.Config {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return oauth.Config{
		AppID:     testAppID,
		AppSecret: testSecret,
		Endpoint:  oauth.Endpoint{APIURL: srv.URL},
	}
}

// TestErrorPaths drives every way a call can fail and checks the error's
// kind and that no error in the chain mentions the secret, code or token.
func TestErrorPaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	exchange := func(cfg oauth.Config) error {
		_, err := cfg.Exchange(ctx, "CODE_SENSITIVE")
		return err
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name  string
		call  func(t *testing.T) error
		check func(t *testing.T, err error)
	}{
		{
			name: "invalid JSON",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/plain")
					_, _ = w.Write([]byte(`<html>gateway</html>`))
				}))
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidResponse) },
		},
		{
			name: "truncated JSON",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"access_token":"AT","expires_in":72`))
				}))
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidResponse) },
		},
		{
			name: "no access_token",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"openid":"o","expires_in":7200}`))
				}))
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidResponse) },
		},
		{
			name: "HTTP 500",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "boom "+r.URL.RawQuery, http.StatusInternalServerError)
				}))
			},
			check: func(t *testing.T, err error) {
				var se *oauth.StatusError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, http.StatusInternalServerError, se.StatusCode)
				assert.Contains(t, err.Error(), "500")
			},
		},
		{
			name: "body over the limit",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"access_token":"` + strings.Repeat("a", oauth.MaxResponseSize) + `"}`))
				}))
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrResponseTooLarge) },
		},
		{
			name: "server echoes the query in errmsg",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					writeErr(w, 40029, "invalid code for "+r.URL.RawQuery)
				}))
			},
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, oauth.ErrInvalidCode)
				assert.Contains(t, err.Error(), "REDACTED")
			},
		},
		{
			name: "slow server cut off by the context deadline",
			call: func(t *testing.T) error {
				cfg := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				})
				ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, err := cfg.Exchange(ctx, "CODE_SENSITIVE")
				assert.Less(t, time.Since(start), 4*time.Second, "the deadline did not stop the request")
				return err
			},
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, ue.URL, "secret=REDACTED")
			},
		},
		{
			name: "slow server cut off by the client timeout",
			call: func(t *testing.T) error {
				cfg := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				})
				cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
				return exchange(cfg)
			},
			check: func(t *testing.T, err error) {
				var ne interface{ Timeout() bool }
				require.ErrorAs(t, err, &ne)
				assert.True(t, ne.Timeout())
			},
		},
		{
			name: "connection refused",
			call: func(t *testing.T) error {
				return exchange(oauth.Config{AppID: testAppID, AppSecret: testSecret, Endpoint: oauth.Endpoint{APIURL: closed.URL}})
			},
			check: func(t *testing.T, err error) {
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, ue.URL, "secret=REDACTED")
				assert.Contains(t, ue.URL, "code=REDACTED")
				assert.Contains(t, ue.URL, "appid="+testAppID)
			},
		},
		{
			name: "canceled context",
			call: func(t *testing.T) error {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				_, cfg := newFakeWeChat(t)
				_, err := cfg.Exchange(ctx, "CODE_SENSITIVE")
				return err
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, context.Canceled) },
		},
		{
			name: "redirect loop",
			call: func(t *testing.T) error {
				return exchange(stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, r.URL.String(), http.StatusFound)
				}))
			},
			check: func(t *testing.T, err error) {
				var se *oauth.StatusError
				require.ErrorAs(t, err, &se, "the first 302 is the answer")
				assert.Equal(t, http.StatusFound, se.StatusCode)
			},
		},
		{
			name: "no secret configured",
			call: func(t *testing.T) error { return exchange(oauth.Config{AppID: testAppID}) },
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, oauth.ErrInvalidConfig)
				assert.Contains(t, err.Error(), "AppSecret")
			},
		},
		{
			name:  "no AppID configured",
			call:  func(t *testing.T) error { return exchange(oauth.Config{AppSecret: testSecret}) },
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidConfig) },
		},
		{
			name: "bad API endpoint",
			call: func(t *testing.T) error {
				return exchange(oauth.Config{AppID: testAppID, AppSecret: testSecret, Endpoint: oauth.Endpoint{APIURL: "ftp://x"}})
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidConfig) },
		},
		{
			name: "empty code",
			call: func(t *testing.T) error {
				_, err := oauth.Config{AppID: testAppID, AppSecret: testSecret}.Exchange(ctx, "")
				return err
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidArgument) },
		},
		{
			name: "empty refresh token",
			call: func(t *testing.T) error {
				_, err := oauth.Config{AppID: testAppID, AppSecret: testSecret}.Refresh(ctx, "")
				return err
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidArgument) },
		},
		{
			name: "validate: no errcode",
			call: func(t *testing.T) error {
				return stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"errmsg":"ok"}`))
				}).Validate(ctx, &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o"})
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidResponse) },
		},
		{
			name: "validate: empty arguments",
			call: func(t *testing.T) error {
				return oauth.Config{}.Validate(ctx, &oauth.Token{AccessToken: "", OpenID: "o"})
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidArgument) },
		},
		{
			name: "userinfo: sex not a number",
			call: func(t *testing.T) error {
				_, err := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = w.Write([]byte(`{"openid":"o","sex":"male"}`))
				}).UserInfo(ctx, &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o"}, oauth.LangEN)
				return err
			},
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, oauth.ErrInvalidResponse) },
		},
		{
			name: "userinfo: HTTP 502",
			call: func(t *testing.T) error {
				_, err := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(http.StatusBadGateway)
				}).UserInfo(ctx, &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o"}, "")
				return err
			},
			check: func(t *testing.T, err error) {
				var se *oauth.StatusError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, http.StatusBadGateway, se.StatusCode)
			},
		},
		{
			name: "refresh: HTTP 404",
			call: func(t *testing.T) error {
				_, err := stubServer(t, http.NotFound).Refresh(ctx, "RT_SENSITIVE")
				return err
			},
			check: func(t *testing.T, err error) {
				var se *oauth.StatusError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, http.StatusNotFound, se.StatusCode)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t)
			require.Error(t, err)
			tt.check(t, err)
			assertNoSecret(t, err, "CODE_SENSITIVE", "AT_SENSITIVE", "RT_SENSITIVE")
		})
	}
}

func TestCustomHTTPClientIsUsed(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("C", "o_g", false)
	var calls int
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		assert.Equal(t, "/sns/oauth2/access_token", r.URL.Path)
		assert.Equal(t, "appid="+testAppID+"&secret="+testSecret+"&code=C&grant_type=authorization_code", r.URL.RawQuery,
			"query in WeChat's documented order")
		return http.DefaultTransport.RoundTrip(r)
	})}
	_, err := cfg.Exchange(context.Background(), "C")
	require.NoError(t, err)
	assert.Equal(t, 1, calls)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestEndpointWithPathPrefix(t *testing.T) {
	t.Parallel()
	f, cfg := newFakeWeChat(t)
	f.addCode("C", "o_h", false)
	mux := http.NewServeMux()
	mux.Handle("/proxy/wechat/", http.StripPrefix("/proxy/wechat", f))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg.Endpoint.APIURL = srv.URL + "/proxy/wechat/"
	tok, err := cfg.Exchange(context.Background(), "C")
	require.NoError(t, err)
	assert.Equal(t, "o_h", tok.OpenID)
}

// TestEveryCallScrubsEchoedCredentials: a server (or proxy) that echoes the
// query in errmsg must not get any call's credential into the error, since
// all four calls share one request path.
func TestEveryCallScrubsEchoedCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		secret string
		call   func(oauth.Config) error
	}{
		{"Exchange", "CODE_SENSITIVE", func(c oauth.Config) error { _, err := c.Exchange(ctx, "CODE_SENSITIVE"); return err }},
		{"Refresh", "RT_SENSITIVE", func(c oauth.Config) error { _, err := c.Refresh(ctx, "RT_SENSITIVE"); return err }},
		{"Validate", "AT_SENSITIVE", func(c oauth.Config) error {
			return c.Validate(ctx, &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o"})
		}},
		{"UserInfo", "AT_SENSITIVE", func(c oauth.Config) error {
			_, err := c.UserInfo(ctx, &oauth.Token{AccessToken: "AT_SENSITIVE", OpenID: "o"}, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeErr(w, 40001, "invalid credential for "+r.URL.RawQuery)
			})
			err := tt.call(cfg)
			var we *oauth.Error
			require.ErrorAs(t, err, &we)
			assert.Equal(t, 40001, we.Code)
			assert.Contains(t, we.Msg, "REDACTED", "the stub echoed the credential and it was replaced")
			assertNoSecret(t, err, tt.secret)
		})
	}
}
