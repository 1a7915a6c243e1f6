package oauth

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultClientHasTimeout(t *testing.T) {
	t.Parallel()
	assert.Equal(t, DefaultTimeout, Config{}.client().Timeout)
	assert.Positive(t, DefaultTimeout)
}

func TestDecodeTestdata(t *testing.T) {
	t.Parallel()
	sent := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)

	tok, err := decodeToken(readTestdata(t, "token.json"), sent)
	require.NoError(t, err)
	assert.Equal(t, &Token{AccessToken: "ACCESS_TOKEN", RefreshToken: "REFRESH_TOKEN", OpenID: "OPENID",
		Scope: "snsapi_userinfo", UnionID: "UNIONID", Expiry: sent.Add(2 * time.Hour)}, tok)

	tok, err = decodeToken(readTestdata(t, "token_snapshot.json"), sent)
	require.NoError(t, err)
	assert.True(t, tok.IsSnapshotUser)

	u, err := decodeUserInfo(readTestdata(t, "userinfo.json"))
	require.NoError(t, err)
	assert.Equal(t, SexMale, u.Sex)
	assert.Equal(t, []string{"PRIVILEGE1", "PRIVILEGE2"}, u.Privilege)
	assert.True(t, strings.HasSuffix(u.HeadImgURL, "/46"))

	u, err = decodeUserInfo(readTestdata(t, "userinfo_escaped.json"))
	require.NoError(t, err)
	assert.Equal(t, "张三😀", u.Nickname)
	assert.Equal(t, SexFemale, u.Sex)
	assert.Equal(t, "广州", u.City)

	_, err = decodeToken(readTestdata(t, "error_40029.json"), sent)
	assert.ErrorIs(t, err, ErrInvalidCode)
	_, err = decodeToken(readTestdata(t, "error_40163.json"), sent)
	assert.ErrorIs(t, err, ErrCodeUsed)
	assert.NoError(t, decodeStatus(readTestdata(t, "auth_ok.json")))
	assert.ErrorIs(t, decodeStatus(readTestdata(t, "auth_40003.json")), ErrInvalidOpenID)
}

func TestDecodeTokenExpiresIn(t *testing.T) {
	t.Parallel()
	sent := time.Unix(1_700_000_000, 0)
	tests := []struct {
		body string
		want time.Time
	}{
		{`{"access_token":"a","openid":"o","expires_in":7200}`, sent.Add(2 * time.Hour)},
		{`{"access_token":"a","openid":"o","expires_in":"7200"}`, sent.Add(2 * time.Hour)},
		{`{"access_token":"a","openid":"o"}`, time.Time{}},
		{`{"access_token":"a","openid":"o","expires_in":-5}`, time.Time{}},
		{`{"access_token":"a","openid":"o","expires_in":99999999999999}`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			tok, err := decodeToken([]byte(tt.body), sent)
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(tok.Expiry), "got %v", tok.Expiry)
		})
	}
}

func TestDecodeErrorsNeverQuoteTheBody(t *testing.T) {
	t.Parallel()
	token := func(b string) error { _, err := decodeToken([]byte(b), time.Now()); return err }
	user := func(b string) error { _, err := decodeUserInfo([]byte(b)); return err }
	tests := []struct {
		decode func(string) error
		body   string
	}{
		{token, `{"access_token":"a","openid":"o","expires_in":"SECRETTOKEN"}`},
		{token, `{"access_token":"a","openid":"o","expires_in":{"SECRETTOKEN":1}}`},
		{token, `SECRETTOKEN`},
		{user, `{"openid":"o","sex":"SECRETTOKEN"}`},
		{user, `{"openid":"o","privilege":"SECRETTOKEN"}`},
		{user, `["SECRETTOKEN"]`},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			err := tt.decode(tt.body)
			require.ErrorIs(t, err, ErrInvalidResponse)
			assert.NotContains(t, err.Error(), "SECRETTOKEN")
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// seedFromTestdata adds every testdata/*.json file to f's corpus.
func seedFromTestdata(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, name := range files {
		f.Add(readTestdata(f, filepath.Base(name)))
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"errcode":"40029","errmsg":null}`))
	f.Add([]byte(`{"access_token":"a","openid":"o","expires_in":1e400}`))
}

// checkDecodeErr requires err to be one of the documented kinds.
func checkDecodeErr(t *testing.T, err error) {
	var we *Error
	if !errors.As(err, &we) && !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("undocumented error kind %T: %v", err, err)
	}
}

func FuzzDecodeToken(f *testing.F) {
	seedFromTestdata(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeToken(body, time.Now())
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if tok.AccessToken == "" || tok.OpenID == "" {
			t.Fatalf("accepted a token without access_token or openid: %+v", tok)
		}
	})
}

func FuzzDecodeUserInfo(f *testing.F) {
	seedFromTestdata(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := decodeUserInfo(body)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if u.OpenID == "" {
			t.Fatal("accepted a profile without openid")
		}
		_ = u.Sex.String()
	})
}

func FuzzDecodeStatus(f *testing.F) {
	seedFromTestdata(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := decodeStatus(body); err != nil {
			checkDecodeErr(t, err)
		}
	})
}

// FuzzAuthCodeURL checks that whatever AuthCodeURL accepts comes back intact
// when WeChat (or anyone) parses the URL.
func FuzzAuthCodeURL(f *testing.F) {
	f.Add("STATE", "https://example.com/cb?a=1&b=2")
	f.Add("x", "http://developers.weixin.qq.com")
	f.Add("", "https://例子.cn/回调 x")
	f.Fuzz(func(t *testing.T, state, redirect string) {
		cfg := Config{AppID: "wx1", RedirectURL: redirect, Scope: ScopeUserInfo}
		got, err := cfg.AuthCodeURL(state, ForcePopup())
		if err != nil {
			if !errors.Is(err, ErrInvalidState) && !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("undocumented error: %v", err)
			}
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("unparsable URL %q: %v", got, err)
		}
		q := u.Query()
		if q.Get("redirect_uri") != redirect || q.Get("state") != state || u.Fragment != "wechat_redirect" {
			t.Fatalf("round trip lost data: %q", got)
		}
		if keys := strings.Split(u.RawQuery, "&"); len(keys) != 6 {
			t.Fatalf("expected 6 parameters, got %q", u.RawQuery)
		}
	})
}
