package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQRCodeCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	for _, tt := range []struct {
		args    []string
		action  string
		id      int64
		str     string
		expires string
	}{
		{[]string{"-scene", "123"}, "QR_SCENE", 123, "", "2026-01-03T03:04:05Z (in 24h0m0s)"},
		{[]string{"-scene", "123", "-expire", "7d"}, "QR_SCENE", 123, "", "2026-01-09T03:04:05Z (in 168h0m0s)"},
		{[]string{"-scene", "bind:42", "-expire", "90m"}, "QR_STR_SCENE", 0, "bind:42", "2026-01-02T04:34:05Z (in 1h30m0s)"},
		{[]string{"-scene", "0042", "-str", "-expire", "600"}, "QR_STR_SCENE", 0, "0042", "2026-01-02T03:14:05Z (in 10m0s)"},
		{[]string{"-permanent", "-scene", "100000"}, "QR_LIMIT_SCENE", 100000, "", "never (permanent)"},
		{[]string{"-permanent", "-scene", "shop"}, "QR_LIMIT_STR_SCENE", 0, "shop", "never (permanent)"},
	} {
		out := wxmpAPI(t, fake, nil, "", append([]string{"qrcode"}, tt.args...)...)
		require.Equal(t, exitOK, out.code, "%v: %s", tt.args, out.stderr)
		codes := fake.QRCodes()
		qr := codes[len(codes)-1]
		assert.Equal(t, tt.action, qr.ActionName, tt.args)
		assert.Equal(t, tt.id, qr.SceneID, tt.args)
		assert.Equal(t, tt.str, qr.SceneStr, tt.args)
		show := fake.URL + "/cgi-bin/showqrcode?ticket=" + url.QueryEscape(qr.Ticket)
		assert.Equal(t, "ticket:     "+qr.Ticket+"\nurl:        "+qr.URL+"\nshowqrcode: "+show+"\nexpires:    "+tt.expires+"\n",
			out.stdout[:strings.Index(out.stdout, "scene:")], tt.args)
		scene := tt.str
		if scene == "" {
			scene = strconv.FormatInt(tt.id, 10)
		}
		assert.Contains(t, out.stdout, "EventKey qrscene_"+scene+", ", tt.args)
	}

	// The showqrcode link works: with WECHAT_API_BASE set, it points at the stand-in.
	out := wxmpAPI(t, fake, nil, "", "qrcode", "-scene", "1")
	link := regexp.MustCompile(`(?m)^showqrcode: (\S+)$`).FindStringSubmatch(out.stdout)
	require.NotNil(t, link)
	res, err := fake.Client().Get(link[1])
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "image/"), res.Header.Get("Content-Type"))

	// WECHAT_MP_BASE moves it.
	out = wxmpAPI(t, fake, map[string]string{envMPBase: "https://mp.example.com"}, "", "qrcode", "-scene", "1")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stdout, "showqrcode: https://mp.example.com/cgi-bin/showqrcode?ticket=")
}

// TestQRCodeUsageErrors: bad flags and arguments of qrcode are usage errors
// that make no request.
func TestQRCodeUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"qrcode", "-scene", "1"}, "are not set"},
		{map[string]string{envMPBase: "not a url"}, []string{"qrcode", "-scene", "1"}, "$WECHAT_MP_BASE must be"},
		{nil, []string{"qrcode"}, "-scene is required"},
		{nil, []string{"qrcode", "-scene", "1", "-permanent", "-expire", "1h"}, "-expire applies to temporary codes"},
		{nil, []string{"qrcode", "-scene", "1", "-expire", "31d"}, "at most 30 days"},
		{nil, []string{"qrcode", "-scene", "1", "-expire", "soon"}, "is not a duration"},
		{nil, []string{"qrcode", "-scene", "1", "-expire", "721h"}, "expiry must be 1s to 720h0m0s"},
		{nil, []string{"qrcode", "-scene", "99999999999"}, "add -str for a string scene"},
		{nil, []string{"qrcode", "-scene", "100001", "-permanent"}, "Scene.ID of a permanent code must be 1 to 100000"},
	})
}
