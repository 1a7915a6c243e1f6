package oauth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/oauth"
)

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	base := oauth.Config{
		AppID:       "wx807d86fb6b3d4fd2",
		RedirectURL: "http://developers.weixin.qq.com",
		Scope:       oauth.ScopeUserInfo,
	}
	withRedirect := func(u string) oauth.Config { c := base; c.RedirectURL = u; return c }
	withScope := func(s oauth.Scope) oauth.Config { c := base; c.Scope = s; return c }
	withAuthURL := func(u string) oauth.Config { c := base; c.Endpoint.AuthURL = u; return c }

	tests := []struct {
		name  string
		cfg   oauth.Config
		state string
		opts  []oauth.Option
		want  string
	}{
		{
			name:  "the official example's shape",
			cfg:   base,
			state: "STATE",
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect",
		},
		{
			name:  "snsapi_base",
			cfg:   withScope(oauth.ScopeBase),
			state: "abc123",
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect",
		},
		{
			name:  "redirect with path, query, space and Chinese is encoded byte by byte",
			cfg:   withRedirect("https://m.example.com/wx/cb?from=menu&x=a b+c/中~_.-"),
			state: "s",
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=https%3A%2F%2Fm.example.com%2Fwx%2Fcb%3Ffrom%3Dmenu%26x%3Da%20b%2Bc%2F%E4%B8%AD~_.-&response_type=code&scope=snsapi_userinfo&state=s#wechat_redirect",
		},
		{
			name:  "forcePopup follows state",
			cfg:   base,
			state: "STATE",
			opts:  []oauth.Option{oauth.ForcePopup()},
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=STATE&forcePopup=true#wechat_redirect",
		},
		{
			name:  "both options, in a fixed order whatever the call order",
			cfg:   base,
			state: "STATE",
			opts:  []oauth.Option{oauth.ForceSnapShot(), nil, oauth.ForcePopup()},
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=STATE&forcePopup=true&forceSnapShot=true#wechat_redirect",
		},
		{
			name:  "endpoint override with trailing slash",
			cfg:   withAuthURL("http://127.0.0.1:9000/"),
			state: "Z",
			want:  "http://127.0.0.1:9000/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=Z#wechat_redirect",
		},
		{
			name:  "longest state",
			cfg:   base,
			state: strings.Repeat("aZ9", 42) + "xy",
			want:  "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=" + strings.Repeat("aZ9", 42) + "xy#wechat_redirect",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.cfg.AuthCodeURL(tt.state, tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAuthCodeURLRejects(t *testing.T) {
	t.Parallel()
	good := oauth.Config{AppID: "wx1", RedirectURL: "https://example.com/cb", Scope: oauth.ScopeBase}
	mod := func(f func(*oauth.Config)) oauth.Config { c := good; f(&c); return c }
	tests := []struct {
		name  string
		cfg   oauth.Config
		state string
		want  error
	}{
		{"empty state", good, "", oauth.ErrInvalidState},
		{"state too long", good, strings.Repeat("a", 129), oauth.ErrInvalidState},
		{"state with dash", good, "a-b", oauth.ErrInvalidState},
		{"state with space", good, "a b", oauth.ErrInvalidState},
		{"state with ampersand", good, "a&scope=snsapi_userinfo", oauth.ErrInvalidState},
		{"state with hash", good, "a#b", oauth.ErrInvalidState},
		{"state in Chinese", good, "状态", oauth.ErrInvalidState},
		{"state with NUL", good, "a\x00", oauth.ErrInvalidState},
		{"no AppID", mod(func(c *oauth.Config) { c.AppID = "" }), "s", oauth.ErrInvalidConfig},
		{"no redirect", mod(func(c *oauth.Config) { c.RedirectURL = "" }), "s", oauth.ErrInvalidConfig},
		{"relative redirect", mod(func(c *oauth.Config) { c.RedirectURL = "/callback" }), "s", oauth.ErrInvalidConfig},
		{"javascript redirect", mod(func(c *oauth.Config) { c.RedirectURL = "javascript:alert(1)" }), "s", oauth.ErrInvalidConfig},
		{"redirect with fragment", mod(func(c *oauth.Config) { c.RedirectURL = "https://example.com/cb#x" }), "s", oauth.ErrInvalidConfig},
		{"no scope", mod(func(c *oauth.Config) { c.Scope = "" }), "s", oauth.ErrInvalidConfig},
		{"login scope", mod(func(c *oauth.Config) { c.Scope = oauth.ScopeLogin }), "s", oauth.ErrInvalidConfig},
		{"bad endpoint", mod(func(c *oauth.Config) { c.Endpoint.AuthURL = "open.weixin.qq.com" }), "s", oauth.ErrInvalidConfig},
		{"endpoint with query", mod(func(c *oauth.Config) { c.Endpoint.AuthURL = "https://x.com/?a=1" }), "s", oauth.ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.cfg.AuthCodeURL(tt.state)
			assert.ErrorIs(t, err, tt.want)
			assert.Empty(t, got)
		})
	}
}

// TestOptions (issue 11 items 16 and 18): one Option type for both URLs; an
// option that means nothing for the call is an error instead of being
// dropped; a nil Option is skipped.
func TestOptions(t *testing.T) {
	t.Parallel()
	auth := oauth.Config{AppID: "wx1", RedirectURL: "https://example.com/cb", Scope: oauth.ScopeUserInfo}
	qr := oauth.Config{AppID: "wxweb1", RedirectURL: "https://example.com/cb"}

	opts := []oauth.Option{nil, oauth.ForcePopup(), nil, oauth.ForceSnapShot()}
	got, err := auth.AuthCodeURL("s", opts...)
	require.NoError(t, err)
	assert.Contains(t, got, "&state=s&forcePopup=true&forceSnapShot=true#wechat_redirect")

	got, err = qr.QRConnectURL("s", nil, oauth.LoginLang(oauth.LangEN))
	require.NoError(t, err)
	assert.Contains(t, got, "&state=s&lang=en#wechat_redirect")

	for name, err := range map[string]error{
		"ForcePopup on QRConnectURL":    second(qr.QRConnectURL("s", oauth.ForcePopup())),
		"ForceSnapShot on QRConnectURL": second(qr.QRConnectURL("s", oauth.ForceSnapShot())),
		"LoginLang on AuthCodeURL":      second(auth.AuthCodeURL("s", oauth.LoginLang(oauth.LangEN))),
	} {
		assert.ErrorIs(t, err, oauth.ErrInvalidConfig, name)
	}
	_, err = auth.AuthCodeURL("s", oauth.LoginLang("fr"))
	assert.ErrorIs(t, err, oauth.ErrInvalidArgument, "a bad value is reported before the misuse")
	assert.NotContains(t, err.Error(), "fr", "the value is not quoted")
}

func second(_ string, err error) error { return err }

func TestQRConnectURL(t *testing.T) {
	t.Parallel()
	cfg := oauth.Config{AppID: "wxweb0123456789", RedirectURL: "https://www.example.com/login/callback"}
	got, err := cfg.QRConnectURL("q1")
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/qrconnect?appid=wxweb0123456789&redirect_uri=https%3A%2F%2Fwww.example.com%2Flogin%2Fcallback&response_type=code&scope=snsapi_login&state=q1#wechat_redirect", got)

	got, err = cfg.QRConnectURL("q1", oauth.LoginLang(oauth.LangEN))
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/qrconnect?appid=wxweb0123456789&redirect_uri=https%3A%2F%2Fwww.example.com%2Flogin%2Fcallback&response_type=code&scope=snsapi_login&state=q1&lang=en#wechat_redirect", got)

	cfg.Scope = oauth.ScopeLogin
	got, err = cfg.QRConnectURL("q1", oauth.LoginLang(oauth.LangZhCN))
	require.NoError(t, err)
	assert.Contains(t, got, "&state=q1&lang=cn#", "WeChat's QR page calls simplified Chinese cn")

	for _, lang := range []oauth.Lang{oauth.LangZhTW, "cn", "fr", ""} {
		_, err = cfg.QRConnectURL("q1", oauth.LoginLang(lang))
		assert.ErrorIs(t, err, oauth.ErrInvalidArgument, "lang %q", lang)
	}

	_, err = cfg.QRConnectURL("bad state!")
	assert.ErrorIs(t, err, oauth.ErrInvalidState)

	cfg.Scope = oauth.ScopeUserInfo
	_, err = cfg.QRConnectURL("q1")
	assert.ErrorIs(t, err, oauth.ErrInvalidConfig)
}
