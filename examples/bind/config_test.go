package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	real := map[string]string{"WECHAT_APPID": testAppID, "WECHAT_SECRET": testSecret, "PUBLIC_URL": "https://wx.example.com/"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range real {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}

	// Nothing set: fake mode, the defaults.
	cfg, err := loadConfig(env(nil))
	require.NoError(t, err)
	assert.True(t, cfg.Fake)
	assert.Equal(t, ":8080", cfg.Addr)
	assert.Equal(t, "bind.db", cfg.DatabaseURL)
	assert.Empty(t, cfg.TemplateID)

	cfg, err = loadConfig(env(with(map[string]string{
		"DATABASE_URL": "postgres://u:p@db/bind", "WECHAT_TEMPLATE_ID": "tmpl1", "ADDR": ":9000",
		"WECHAT_OPEN_BASE": "http://stand-in:1/", "WECHAT_API_BASE": "http://stand-in:2",
	})))
	require.NoError(t, err)
	assert.False(t, cfg.Fake)
	assert.Equal(t, "https://wx.example.com", cfg.PublicURL)
	assert.Equal(t, "postgres://u:p@db/bind", cfg.DatabaseURL)
	assert.Equal(t, "tmpl1", cfg.TemplateID)
	assert.Equal(t, "http://stand-in:1", cfg.OpenBase)
	assert.Equal(t, "http://stand-in:1", cfg.openOrigin())
	assert.Equal(t, "https://open.weixin.qq.com", (config{}).openOrigin())

	dir := t.TempDir()
	verify := filepath.Join(dir, "MP_verify_Q1w2E3r4.txt")
	require.NoError(t, os.WriteFile(verify, []byte("Q1w2E3r4"), 0o600))
	cfg, err = loadConfig(env(with(map[string]string{"MP_VERIFY_FILE": verify})))
	require.NoError(t, err)
	assert.Equal(t, "MP_verify_Q1w2E3r4.txt", cfg.VerifyName)
	assert.Equal(t, "Q1w2E3r4", string(cfg.VerifyContent))

	for name, m := range map[string]map[string]string{
		"one WeChat variable is not fake mode": {"WECHAT_API_BASE": "http://stand-in"},
		"no secret":                            with(map[string]string{"WECHAT_SECRET": ""}),
		"no public URL":                        with(map[string]string{"PUBLIC_URL": ""}),
		"public URL with a query":              with(map[string]string{"PUBLIC_URL": "https://x/?a=1"}),
		"relative open base":                   with(map[string]string{"WECHAT_OPEN_BASE": "stand-in"}),
		"template with a space":                with(map[string]string{"WECHAT_TEMPLATE_ID": "a b"}),
		"bad verify name":                      with(map[string]string{"MP_VERIFY_NAME": "verify.txt", "MP_VERIFY_CONTENT": "x"}),
		"verify name without content":          with(map[string]string{"MP_VERIFY_NAME": "MP_verify_a.txt"}),
		"both verify ways":                     with(map[string]string{"MP_VERIFY_FILE": verify, "MP_VERIFY_NAME": "MP_verify_a.txt"}),
	} {
		_, err := loadConfig(env(m))
		if assert.Error(t, err, name) {
			assert.NotContains(t, err.Error(), testSecret, name)
		}
	}
}
