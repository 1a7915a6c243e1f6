package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestJSSDKCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	page := "https://www.example.com/article?id=1&from=timeline"
	out := wxmpAPI(t, fake, nil, "", "jssdk", "-url", page+"#comments", "-apis", "updateAppMessageShareData, chooseImage", "-debug")
	require.Equal(t, exitOK, out.code, out.stderr)
	var cfg struct {
		Debug bool `json:"debug"`
		jssdk.Config
		JSAPIList []string `json:"jsApiList"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.stdout), &cfg), out.stdout)
	assert.True(t, cfg.Debug)
	assert.Equal(t, fake.AppID(), cfg.AppID)
	assert.Equal(t, apiNow.Unix(), cfg.Timestamp)
	assert.Len(t, cfg.NonceStr, jssdk.NonceLength)
	assert.Equal(t, jssdk.Sign(fake.Ticket(), cfg.NonceStr, cfg.Timestamp, page), cfg.Signature, "signed without the #fragment")
	assert.Equal(t, []string{"updateAppMessageShareData", "chooseImage"}, cfg.JSAPIList)
	assert.Equal(t, 1, fake.Calls(wxmptest.APITicketPath))

	out = wxmpAPI(t, fake, nil, "", "jssdk", "-url", page)
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.NotContains(t, out.stdout, "debug")
	assert.NotContains(t, out.stdout, "jsApiList")
}

// TestJSSDKUsageErrors: bad flags and arguments of jssdk are usage errors
// that make no request.
func TestJSSDKUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"jssdk", "-url", "https://example.com/"}, "are not set"},
		{nil, []string{"jssdk"}, "-url is required"},
		{nil, []string{"jssdk", "-url", "/article?id=1"}, "-url must be an absolute http or https URL"},
	})
}
