package wxmptest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

const oauthCallbackURL = "https://app.example.com/callback"

// oauthFixedNow is the fake clock of most tests, always at the same
// instant; tests move the fake's time with Advance.
func oauthFixedNow() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }

// newOAuth starts a fake with a fixed clock and closes it after the test.
func newOAuth(t *testing.T, cfg wxmptest.OAuthConfig) *wxmptest.OAuthServer {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = oauthFixedNow
	}
	s := wxmptest.NewOAuthServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// oauthBrowser returns a browser that reports redirects instead of
// following them.
func oauthBrowser() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type oauthAnswer struct {
	status   int
	location *url.URL // nil unless a redirect
	body     string
	header   http.Header
}

func oauthFetch(t *testing.T, link string) oauthAnswer {
	t.Helper()
	resp, err := oauthBrowser().Get(link)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := oauthAnswer{status: resp.StatusCode, body: string(b), header: resp.Header}
	if loc := resp.Header.Get("Location"); loc != "" {
		a.location, err = url.Parse(loc)
		require.NoError(t, err)
	}
	return a
}

// consent opens cfg's authorize link and returns the code WeChat sends
// back to the callback.
func oauthConsent(t *testing.T, cfg oauth.Config, state string) string {
	t.Helper()
	authCodeURL := cfg.AuthCodeURL
	if cfg.Scope == oauth.ScopeLogin {
		authCodeURL = func(state string, _ ...oauth.Option) (string, error) { return cfg.QRConnectURL(state) }
	}
	link, err := authCodeURL(state)
	require.NoError(t, err)
	a := oauthFetch(t, link)
	require.Equal(t, http.StatusFound, a.status, a.body)
	require.NotNil(t, a.location)
	assert.Equal(t, oauthCallbackURL, a.location.Scheme+"://"+a.location.Host+a.location.Path)
	assert.Equal(t, state, a.location.Query().Get("state"))
	code := a.location.Query().Get("code")
	require.NotEmpty(t, code)
	return code
}

func requireOAuthErrCode(t *testing.T, err error, code int) {
	t.Helper()
	var we *oauth.Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, code, we.Code, "errmsg %q", we.Msg)
}

func TestOAuthUserInfoFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	user := wxmptest.OAuthUser{
		OpenID:     "oABCDEFGHIJKLMNOPQRSTUVWXYZ1",
		UnionID:    "oUnionABCDEFGHIJKLMNOPQRSTU",
		Nickname:   `<b>小明</b> & 😀`,
		Sex:        oauth.SexFemale,
		Province:   "广东",
		City:       "深圳",
		Country:    "中国",
		HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132",
		Privilege:  []string{"chinaunicom"},
	}
	s := newOAuth(t, wxmptest.OAuthConfig{AppID: "wxaaaabbbbccccdddd", AppSecret: "secret-of-the-test", User: user})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	assert.Equal(t, "wxaaaabbbbccccdddd", cfg.AppID)
	assert.Equal(t, "secret-of-the-test", cfg.AppSecret)

	code := oauthConsent(t, cfg, "state123")
	before := time.Now()
	tok, err := cfg.Exchange(ctx, code)
	after := time.Now()
	require.NoError(t, err)
	assert.Equal(t, user.OpenID, tok.OpenID)
	assert.Equal(t, "snsapi_userinfo", tok.Scope)
	assert.Equal(t, user.UnionID, tok.UnionID)
	assert.False(t, tok.IsSnapshotUser)
	// Expiry is the moment the request was sent plus 7200 s: bounded by
	// the clock around the call, however long the call took.
	assert.False(t, tok.Expiry.Before(before.Add(7200*time.Second)), "Expiry %v is before %v", tok.Expiry, before.Add(7200*time.Second))
	assert.False(t, tok.Expiry.After(after.Add(7200*time.Second)), "Expiry %v is after %v", tok.Expiry, after.Add(7200*time.Second))
	assert.NotEmpty(t, tok.RefreshToken)
	assert.NotEqual(t, tok.AccessToken, tok.RefreshToken)

	require.NoError(t, cfg.Validate(ctx, tok))
	got, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	require.NoError(t, err)
	want := &oauth.UserInfo{
		OpenID: user.OpenID, Nickname: user.Nickname, Sex: oauth.SexFemale,
		Province: "广东", City: "深圳", Country: "中国", HeadImgURL: user.HeadImgURL,
		Privilege: []string{"chinaunicom"}, UnionID: user.UnionID,
	}
	assert.Empty(t, cmp.Diff(want, got))

	assert.Equal(t, 1, s.Calls(wxmptest.OAuthAuthorizePath))
	assert.Equal(t, 1, s.Calls(wxmptest.OAuthAccessTokenPath))
	assert.Equal(t, 1, s.Calls(wxmptest.OAuthAuthPath))
	assert.Equal(t, 1, s.Calls(wxmptest.OAuthUserInfoPath))
	assert.Zero(t, s.Calls(wxmptest.OAuthRefreshTokenPath))
	assert.Subset(t, s.Secrets(), []string{"secret-of-the-test", code, tok.AccessToken, tok.RefreshToken})
}

func TestOAuthBaseScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	// snsapi_base is silent: a refusing user is never asked.
	s.SetConsent(wxmptest.OAuthConsentRefuse)
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeBase)
	tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
	require.NoError(t, err)
	assert.Equal(t, wxmptest.DefaultOAuthUser().OpenID, tok.OpenID)
	assert.Equal(t, "snsapi_base", tok.Scope)
	assert.Empty(t, tok.UnionID, "unionid comes only with snsapi_userinfo")

	require.NoError(t, cfg.Validate(ctx, tok))
	_, err = cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	requireOAuthErrCode(t, err, oauth.CodeUnauthorized)
}

func TestOAuthDefaults(t *testing.T) {
	t.Parallel()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	assert.Equal(t, wxmptest.DefaultOAuthAppID, s.AppID())
	assert.Equal(t, wxmptest.DefaultOAuthAppSecret, s.AppSecret())
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
	require.NoError(t, err)
	u, err := cfg.UserInfo(ctx, tok, "")
	require.NoError(t, err)
	d := wxmptest.DefaultOAuthUser()
	assert.Equal(t, d.Nickname, u.Nickname)
	assert.Equal(t, d.OpenID, u.OpenID)
	assert.Equal(t, d.UnionID, u.UnionID)
	assert.Equal(t, oauth.SexUnknown, u.Sex)
	assert.Equal(t, []string{}, u.Privilege)
	assert.Equal(t, s.URL, cfg.Endpoint.AuthURL)
	assert.Equal(t, s.URL, cfg.Endpoint.APIURL)
}

func TestOAuthQRConnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeLogin)
	link, err := cfg.QRConnectURL("s1", oauth.LoginLang("en"))
	require.NoError(t, err)
	a := oauthFetch(t, link)
	require.Equal(t, http.StatusFound, a.status, a.body)
	code := a.location.Query().Get("code")

	// Website-login codes live 10 minutes, not 5.
	s.Advance(wxmptest.OAuthQRCodeLifetime - time.Second)
	tok, err := cfg.Exchange(ctx, code)
	require.NoError(t, err)
	assert.Equal(t, "snsapi_login", tok.Scope)
	assert.Equal(t, wxmptest.DefaultOAuthUser().UnionID, tok.UnionID)
	u, err := cfg.UserInfo(ctx, tok, oauth.LangEN)
	require.NoError(t, err)
	assert.Equal(t, wxmptest.DefaultOAuthUser().Nickname, u.Nickname)
	assert.Equal(t, 1, s.Calls(wxmptest.OAuthQRConnectPath))

	code = oauthConsent(t, cfg, "s2")
	s.Advance(wxmptest.OAuthQRCodeLifetime)
	_, err = cfg.Exchange(ctx, code)
	require.ErrorIs(t, err, oauth.ErrInvalidCode)
}

func TestOAuthRefusal(t *testing.T) {
	t.Parallel()
	for _, scope := range []oauth.Scope{oauth.ScopeUserInfo, oauth.ScopeLogin} {
		t.Run(string(scope), func(t *testing.T) {
			t.Parallel()
			s := newOAuth(t, wxmptest.OAuthConfig{})
			cfg := s.ClientConfig(oauthCallbackURL+"?from=menu", scope)
			var link string
			var err error
			if scope == oauth.ScopeLogin {
				link, err = cfg.QRConnectURL("st4te")
			} else {
				link, err = cfg.AuthCodeURL("st4te")
			}
			require.NoError(t, err)

			s.SetConsent(wxmptest.OAuthConsentRefuse)
			a := oauthFetch(t, link)
			require.Equal(t, http.StatusFound, a.status)
			assert.Equal(t, oauthCallbackURL+"?from=menu&state=st4te", a.location.String())

			s.SetConsent(wxmptest.OAuthConsentRefuseNoRedirect)
			a = oauthFetch(t, link)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Nil(t, a.location)
			assert.Contains(t, a.body, "refused")
			assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"))

			s.SetConsent(wxmptest.OAuthConsentAllow)
			a = oauthFetch(t, link)
			require.Equal(t, http.StatusFound, a.status)
			assert.Equal(t, "menu", a.location.Query().Get("from"))
			assert.NotEmpty(t, a.location.Query().Get("code"))

			assert.Len(t, s.Secrets(), 2, "only the AppSecret and the one code of the consent")
		})
	}
}

func TestOAuthCodeIsSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	code := oauthConsent(t, cfg, "s")
	_, err := cfg.Exchange(ctx, code)
	require.NoError(t, err)
	_, err = cfg.Exchange(ctx, code)
	require.ErrorIs(t, err, oauth.ErrCodeUsed)
	requireOAuthErrCode(t, err, oauth.CodeCodeUsed)
	var we *oauth.Error
	require.ErrorAs(t, err, &we)
	assert.True(t, strings.HasPrefix(we.Msg, "code been used, rid: "), we.Msg)

	_, err = cfg.Exchange(ctx, "FAKECODENEVERISSUED")
	require.ErrorIs(t, err, oauth.ErrInvalidCode)
}

func TestOAuthCodeExpiry(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"just in time", wxmptest.OAuthCodeLifetime - time.Second, nil},
		{"at five minutes", wxmptest.OAuthCodeLifetime, oauth.ErrInvalidCode},
		{"an hour later", time.Hour, oauth.ErrInvalidCode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newOAuth(t, wxmptest.OAuthConfig{})
			cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
			code := oauthConsent(t, cfg, "s")
			s.Advance(tt.after)
			assert.Equal(t, oauthFixedNow().Add(tt.after), s.Now())
			_, err := cfg.Exchange(context.Background(), code)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			requireOAuthErrCode(t, err, oauth.CodeInvalidCode)
		})
	}
}

func TestOAuthAccessTokenExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
	require.NoError(t, err)

	s.Advance(wxmptest.OAuthAccessTokenLifetime - time.Second)
	require.NoError(t, cfg.Validate(ctx, tok))
	_, err = cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	require.NoError(t, err)

	s.Advance(time.Second)
	err = cfg.Validate(ctx, tok)
	require.ErrorIs(t, err, oauth.ErrExpired)
	requireOAuthErrCode(t, err, oauth.CodeAccessTokenExpired)
	_, err = cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	requireOAuthErrCode(t, err, oauth.CodeAccessTokenExpired)
}

func TestOAuthRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
	require.NoError(t, err)

	// An unexpired token is extended: same token, valid 7200 s from now.
	s.Advance(time.Hour)
	ext, err := cfg.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, ext.AccessToken)
	assert.Equal(t, tok.RefreshToken, ext.RefreshToken)
	assert.Equal(t, tok.OpenID, ext.OpenID)
	assert.Equal(t, "snsapi_userinfo", ext.Scope)
	s.Advance(wxmptest.OAuthAccessTokenLifetime - time.Second)
	require.NoError(t, cfg.Validate(ctx, tok), "the refresh extended the token")

	// An expired one is replaced; the old one stays expired.
	s.Advance(time.Second)
	require.ErrorIs(t, cfg.Validate(ctx, tok), oauth.ErrExpired)
	fresh, err := cfg.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
	require.NoError(t, cfg.Validate(ctx, fresh))
	require.ErrorIs(t, cfg.Validate(ctx, tok), oauth.ErrExpired)
	u, err := cfg.UserInfo(ctx, fresh, oauth.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, tok.OpenID, u.OpenID)

	// The refresh token itself dies 30 days after the exchange.
	s.Advance(wxmptest.OAuthRefreshTokenLifetime)
	_, err = cfg.Refresh(ctx, tok.RefreshToken)
	require.ErrorIs(t, err, oauth.ErrExpired)
	requireOAuthErrCode(t, err, oauth.CodeRefreshTokenExpired)

	_, err = cfg.Refresh(ctx, "FAKERTUNKNOWN")
	requireOAuthErrCode(t, err, oauth.CodeInvalidRefreshToken)
	other := cfg
	other.AppID = "wxsomeoneelse0000"
	_, err = other.Refresh(ctx, tok.RefreshToken)
	requireOAuthErrCode(t, err, oauth.CodeInvalidAppID)
}

func TestOAuthAPIErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
	require.NoError(t, err)

	wrongApp, wrongSecret := cfg, cfg
	wrongApp.AppID = "wxsomeoneelse0000"
	wrongSecret.AppSecret = "not-the-secret"
	for _, tt := range []struct {
		name string
		call func() error
		code int
		is   error
	}{
		{"exchange with another appid", func() error {
			_, err := wrongApp.Exchange(ctx, oauthConsent(t, cfg, "s"))
			return err
		}, oauth.CodeInvalidAppID, nil},
		{"exchange with a wrong secret", func() error {
			_, err := wrongSecret.Exchange(ctx, oauthConsent(t, cfg, "s"))
			return err
		}, oauth.CodeInvalidCredential, nil},
		{"validate another user's openid", func() error {
			return cfg.Validate(ctx, &oauth.Token{AccessToken: tok.AccessToken, OpenID: "oSomebodyElse"})
		}, oauth.CodeInvalidOpenID, oauth.ErrInvalidOpenID},
		{"userinfo of another user's openid", func() error {
			_, err := cfg.UserInfo(ctx, &oauth.Token{AccessToken: tok.AccessToken, OpenID: "oSomebodyElse"}, oauth.LangZhCN)
			return err
		}, oauth.CodeInvalidOpenID, oauth.ErrInvalidOpenID},
		{"validate an unknown token", func() error {
			return cfg.Validate(ctx, &oauth.Token{AccessToken: "FAKEATUNKNOWN", OpenID: tok.OpenID})
		}, oauth.CodeInvalidCredential, nil},
		{"userinfo with an unknown token", func() error {
			_, err := cfg.UserInfo(ctx, &oauth.Token{AccessToken: "FAKEATUNKNOWN", OpenID: tok.OpenID}, oauth.LangZhCN)
			return err
		}, oauth.CodeInvalidCredential, nil},
		{"refresh token used as access token", func() error {
			return cfg.Validate(ctx, &oauth.Token{AccessToken: tok.RefreshToken, OpenID: tok.OpenID})
		}, oauth.CodeInvalidCredential, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			requireOAuthErrCode(t, err, tt.code)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			for _, secret := range s.Secrets() {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

// TestOAuthWire checks what a client other than package oauth sees: the
// status, content type and JSON WeChat sends, for calls package oauth would
// refuse to make.
func TestOAuthWire(t *testing.T) {
	t.Parallel()
	s := newOAuth(t, wxmptest.OAuthConfig{User: wxmptest.OAuthUser{OpenID: "oWire", Nickname: "<i>&</i>", Sex: oauth.SexMale}})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	code := oauthConsent(t, cfg, "s")
	app := "appid=" + s.AppID()
	secret := "&secret=" + s.AppSecret()

	a := oauthFetch(t, s.URL+wxmptest.OAuthAccessTokenPath+"?"+app+secret+"&code="+code+"&grant_type=authorization_code")
	var tok map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.body), &tok), a.body)
	assert.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "text/plain", a.header.Get("Content-Type"))
	// The user is not bound to the Open Platform: no unionid key at all,
	// and no is_snapshotuser either.
	assert.ElementsMatch(t, []string{"access_token", "expires_in", "refresh_token", "openid", "scope"}, oauthKeys(tok))
	assert.Equal(t, 7200.0, tok["expires_in"])
	at := tok["access_token"].(string)

	a = oauthFetch(t, s.URL+wxmptest.OAuthUserInfoPath+"?access_token="+at+"&openid=oWire&lang=zh_CN")
	assert.Contains(t, a.body, `"nickname":"<i>&</i>"`, "WeChat does not escape HTML in JSON")
	assert.Contains(t, a.body, `"sex":1,`)
	assert.Contains(t, a.body, `"privilege":[]`)
	a = oauthFetch(t, s.URL+wxmptest.OAuthAuthPath+"?access_token="+at+"&openid=oWire")
	assert.JSONEq(t, `{"errcode":0,"errmsg":"ok"}`, a.body)

	for _, tt := range []struct {
		name, path, query string
		code              int
	}{
		{"no code", wxmptest.OAuthAccessTokenPath, app + secret + "&grant_type=authorization_code", 41008},
		{"wrong grant_type", wxmptest.OAuthAccessTokenPath, app + secret + "&code=" + code + "&grant_type=client_credential", 40002},
		{"no appid", wxmptest.OAuthAccessTokenPath, "secret=x&code=x&grant_type=authorization_code", 40013},
		{"no secret", wxmptest.OAuthAccessTokenPath, app + "&code=x&grant_type=authorization_code", 40001},
		{"refresh with wrong grant_type", wxmptest.OAuthRefreshTokenPath, app + "&grant_type=authorization_code&refresh_token=x", 40002},
		{"refresh without token", wxmptest.OAuthRefreshTokenPath, app + "&grant_type=refresh_token", 40030},
		{"auth without token", wxmptest.OAuthAuthPath, "openid=oWire", 41001},
		{"auth without openid", wxmptest.OAuthAuthPath, "access_token=" + at, 41009},
		{"userinfo without token", wxmptest.OAuthUserInfoPath, "openid=oWire", 41001},
		{"userinfo without openid", wxmptest.OAuthUserInfoPath, "access_token=" + at, 41009},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := oauthFetch(t, s.URL+tt.path+"?"+tt.query)
			assert.Equal(t, http.StatusOK, a.status, "WeChat reports errors with HTTP 200")
			assert.Equal(t, "text/plain", a.header.Get("Content-Type"))
			var e struct {
				ErrCode int    `json:"errcode"`
				ErrMsg  string `json:"errmsg"`
			}
			require.NoError(t, json.Unmarshal([]byte(a.body), &e), a.body)
			assert.Equal(t, tt.code, e.ErrCode)
			assert.Contains(t, e.ErrMsg, ", rid: ")
		})
	}

	// Only GET, and only WeChat's paths.
	resp, err := http.Post(s.URL+wxmptest.OAuthAccessTokenPath, "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, http.StatusNotFound, oauthFetch(t, s.URL+"/sns/other").status)
	index := oauthFetch(t, s.URL+"/")
	assert.Equal(t, http.StatusOK, index.status)
	assert.Contains(t, index.body, wxmptest.OAuthAuthorizePath)
	assert.Contains(t, index.body, s.AppID())
	assert.NotContains(t, index.body, s.AppSecret())
}

func oauthKeys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func TestOAuthAuthorizeRejects(t *testing.T) {
	t.Parallel()
	s := newOAuth(t, wxmptest.OAuthConfig{Domains: []string{"app.example.com"}})
	app := "appid=" + s.AppID()
	cb := "&redirect_uri=" + url.QueryEscape(oauthCallbackURL)
	for _, tt := range []struct {
		name, path, query string
		want              string
	}{
		{"no appid", wxmptest.OAuthAuthorizePath, "redirect_uri=x&response_type=code&scope=snsapi_base&state=s", "10012"},
		{"another appid", wxmptest.OAuthAuthorizePath, "appid=wxother" + cb + "&response_type=code&scope=snsapi_base&state=s", "40013"},
		{"no redirect_uri", wxmptest.OAuthAuthorizePath, app + "&response_type=code&scope=snsapi_base&state=s", "10011"},
		{"no scope", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&state=s", "10010"},
		{"unknown scope", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_all&state=s", "10005"},
		{"login scope on the MP page", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_login&state=s", "10005"},
		{"userinfo scope on the QR page", wxmptest.OAuthQRConnectPath, app + cb + "&response_type=code&scope=snsapi_userinfo&state=s", "10005"},
		{"response_type token", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=token&scope=snsapi_base&state=s", "response_type"},
		{"no response_type", wxmptest.OAuthAuthorizePath, app + cb + "&scope=snsapi_base&state=s", "response_type"},
		{"parameters reordered", wxmptest.OAuthAuthorizePath, "redirect_uri=" + url.QueryEscape(oauthCallbackURL) + "&" + app + "&response_type=code&scope=snsapi_base&state=s", "order"},
		{"state before scope", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&state=s&scope=snsapi_base", "order"},
		{"appid twice", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_base&state=s&" + app, "twice"},
		{"state with a dash", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_base&state=a-b", "state"},
		{"state too long", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_base&state=" + strings.Repeat("a", 129), "state"},
		{"empty state given", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_base&state=", "10013"},
		{"relative redirect_uri", wxmptest.OAuthAuthorizePath, app + "&redirect_uri=%2Fcallback&response_type=code&scope=snsapi_base&state=s", "10003"},
		{"javascript redirect_uri", wxmptest.OAuthAuthorizePath, app + "&redirect_uri=javascript%3Aalert(1)&response_type=code&scope=snsapi_base&state=s", "10003"},
		{"redirect_uri outside the domain", wxmptest.OAuthAuthorizePath, app + "&redirect_uri=" + url.QueryEscape("https://example.com/cb") + "&response_type=code&scope=snsapi_base&state=s", "10003"},
		{"redirect_uri on a subdomain", wxmptest.OAuthAuthorizePath, app + "&redirect_uri=" + url.QueryEscape("https://evil.app.example.com/cb") + "&response_type=code&scope=snsapi_base&state=s", "10003"},
		{"malformed query", wxmptest.OAuthAuthorizePath, app + cb + "&response_type=code&scope=snsapi_base&state=%zz", "malformed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := oauthFetch(t, s.URL+tt.path+"?"+tt.query+"#wechat_redirect")
			assert.Equal(t, http.StatusBadRequest, a.status)
			assert.Nil(t, a.location)
			assert.Contains(t, a.body, tt.want)
			assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"))
		})
	}
	assert.Len(t, s.Secrets(), 1, "no code was issued")

	// The same domain with another port, in capitals, and without state,
	// and with the options package oauth adds, is fine.
	for _, q := range []string{
		app + "&redirect_uri=" + url.QueryEscape("http://APP.example.com:8080/cb") + "&response_type=code&scope=snsapi_base",
		app + cb + "&response_type=code&scope=snsapi_userinfo&state=s&forcePopup=true&forceSnapShot=true",
		app + cb + "&response_type=code&scope=snsapi_userinfo&state=s&connect_redirect=1",
	} {
		a := oauthFetch(t, s.URL+wxmptest.OAuthAuthorizePath+"?"+q)
		assert.Equal(t, http.StatusFound, a.status, q)
	}
}

func TestOAuthSnapshotUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := wxmptest.DefaultOAuthUser()
	u.Snapshot = true
	s := newOAuth(t, wxmptest.OAuthConfig{User: u})
	for _, tt := range []struct {
		scope oauth.Scope
		want  bool
	}{{oauth.ScopeUserInfo, true}, {oauth.ScopeBase, false}} {
		cfg := s.ClientConfig(oauthCallbackURL, tt.scope)
		tok, err := cfg.Exchange(ctx, oauthConsent(t, cfg, "s"))
		require.NoError(t, err)
		assert.Equal(t, tt.want, tok.IsSnapshotUser, tt.scope)
	}
}

func TestOAuthSetUserKeepsIssuedGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{User: wxmptest.OAuthUser{OpenID: "oFirst", Nickname: "first"}})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	first := oauthConsent(t, cfg, "s")
	s.SetUser(wxmptest.OAuthUser{OpenID: "oSecond", Nickname: "second"})
	second := s.IssueCode(oauth.ScopeUserInfo)

	for code, want := range map[string]string{first: "first", second: "second"} {
		tok, err := cfg.Exchange(ctx, code)
		require.NoError(t, err)
		u, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
		require.NoError(t, err)
		assert.Equal(t, want, u.Nickname)
		assert.Equal(t, "o"+strings.ToUpper(want[:1])+want[1:], u.OpenID)
	}
	s.SetUser(wxmptest.OAuthUser{})
	tok, err := cfg.Exchange(ctx, s.IssueCode(oauth.ScopeBase))
	require.NoError(t, err)
	assert.Equal(t, wxmptest.DefaultOAuthUser().OpenID, tok.OpenID)
	assert.Equal(t, "snsapi_base", tok.Scope)
}

func TestOAuthFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	code := oauthConsent(t, cfg, "s")

	for _, tt := range []struct {
		name  string
		fault wxmptest.OAuthFault
		check func(t *testing.T, err error)
	}{
		{"HTTP 502", wxmptest.OAuthFault{Status: http.StatusBadGateway}, func(t *testing.T, err error) {
			var se *oauth.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusBadGateway, se.StatusCode)
		}},
		{"impossible status", wxmptest.OAuthFault{Status: 42}, func(t *testing.T, err error) {
			var se *oauth.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusInternalServerError, se.StatusCode)
		}},
		{"garbage", wxmptest.OAuthFault{Body: "<html>502 Bad Gateway</html>"}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, oauth.ErrInvalidResponse)
		}},
		{"code expired (42003)", wxmptest.OAuthFault{Path: wxmptest.OAuthAccessTokenPath, ErrCode: 42003, ErrMsg: "code expired"}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, oauth.ErrExpired)
			requireOAuthErrCode(t, err, 42003)
		}},
		{"system busy", wxmptest.OAuthFault{ErrCode: -1, ErrMsg: "system error"}, func(t *testing.T, err error) {
			requireOAuthErrCode(t, err, -1)
		}},
		{"slow", wxmptest.OAuthFault{Delay: time.Minute}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, context.DeadlineExceeded)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFaults(tt.fault)
			// Only the slow fault (a minute) is about the caller's
			// deadline; the others are answered, so they get a generous one.
			wait := answerTimeout
			if tt.fault.Delay > 0 {
				wait = 200 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(ctx, wait)
			defer cancel()
			_, err := cfg.Exchange(ctx, code)
			require.Error(t, err)
			tt.check(t, err)
		})
	}

	// A fault on one path leaves the others alone, and a faulted call does
	// not use the code up.
	s.SetFaults(wxmptest.OAuthFault{Path: wxmptest.OAuthUserInfoPath, ErrCode: 48001, ErrMsg: "api unauthorized"})
	tok, err := cfg.Exchange(ctx, code)
	require.NoError(t, err)
	require.NoError(t, cfg.Validate(ctx, tok))
	_, err = cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	requireOAuthErrCode(t, err, oauth.CodeUnauthorized)

	// The authorize page can be faulted too, but only by name.
	s.SetFaults(wxmptest.OAuthFault{Status: http.StatusServiceUnavailable})
	oauthConsent(t, cfg, "s")
	s.SetFaults(wxmptest.OAuthFault{Path: wxmptest.OAuthAuthorizePath, Status: http.StatusServiceUnavailable})
	link, err := cfg.AuthCodeURL("s")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, oauthFetch(t, link).status)

	s.SetFaults()
	_, err = cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, 7, s.Calls(wxmptest.OAuthAccessTokenPath), "faulted calls count too")
}

// TestOAuthHandlerUnderPrefix serves the fake on a listener of the test's
// own, below a path, as examples/oauth does.
func TestOAuthHandlerUnderPrefix(t *testing.T) {
	t.Parallel()
	s := wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{})
	assert.Empty(t, s.URL)
	assert.Equal(t, "http://unstarted.wxmptest.invalid", s.Endpoint().APIURL, "never the real WeChat")
	s.Close() // harmless before Start

	mux := http.NewServeMux()
	mux.Handle("/wechat/", http.StripPrefix("/wechat", s.Handler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	cfg.Endpoint = oauth.Endpoint{AuthURL: srv.URL + "/wechat", APIURL: srv.URL + "/wechat"}
	tok, err := cfg.Exchange(context.Background(), oauthConsent(t, cfg, "s"))
	require.NoError(t, err)
	assert.Equal(t, wxmptest.DefaultOAuthUser().OpenID, tok.OpenID)
}

func TestOAuthStartTwice(t *testing.T) {
	t.Parallel()
	s := wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{})
	s.Start()
	t.Cleanup(s.Close)
	url1 := s.URL
	s.Start()
	assert.Equal(t, url1, s.URL)
	assert.True(t, strings.HasPrefix(url1, "http://127.0.0.1:"), url1)
}

// TestOAuthConcurrent runs many logins at once, with the clock moving and
// the user changing, for the race detector.
func TestOAuthConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOAuth(t, wxmptest.OAuthConfig{})
	cfg := s.ClientConfig(oauthCallbackURL, oauth.ScopeUserInfo)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Go(func() {
			link, _ := cfg.AuthCodeURL("s")
			resp, err := oauthBrowser().Get(link)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				errs <- err
				return
			}
			tok, err := cfg.Exchange(ctx, loc.Query().Get("code"))
			if err != nil {
				errs <- err
				return
			}
			if _, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			s.Advance(time.Millisecond)
			s.SetUser(wxmptest.OAuthUser{OpenID: "oUser" + string(rune('A'+i))})
			_ = s.Secrets()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, 20, s.Calls(wxmptest.OAuthUserInfoPath))
	assert.Len(t, s.Secrets(), 1+20*3)
}

func TestOAuthRealClock(t *testing.T) {
	t.Parallel()
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{})
	t.Cleanup(s.Close)
	assert.WithinDuration(t, time.Now(), s.Now(), time.Minute)
	s.Advance(time.Hour)
	assert.WithinDuration(t, time.Now().Add(time.Hour), s.Now(), time.Minute)
}
