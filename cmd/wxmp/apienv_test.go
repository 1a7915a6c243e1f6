package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

// apiNow is the clock of the API tests, both wxmp's and the fake's, so
// that expiries and JS-SDK timestamps are exact.
var apiNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Sample files: the first bytes of each format, padded.
var (
	pngFile  = pad("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 600)
	jpegFile = pad("\xff\xd8\xff\xe0\x00\x10JFIF\x00", 600)
	amrFile  = pad("#!AMR\n", 600)
	mp4File  = pad("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", 600)
)

func pad(head string, n int) []byte {
	return append([]byte(head), bytes.Repeat([]byte{0x5a}, n)...)
}

// newFake starts the API fake on apiNow's clock until the test ends.
func newFake(t *testing.T, opts ...wxmptest.APIOption) *wxmptest.APIServer {
	t.Helper()
	fake, err := wxmptest.NewAPIServer(append([]wxmptest.APIOption{wxmptest.WithAPINow(func() time.Time { return apiNow })}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(fake.Close)
	return fake
}

// fakeEnv is the environment that points wxmp at fake.
func fakeEnv(fake *wxmptest.APIServer) map[string]string {
	return map[string]string{envAppID: fake.AppID(), envSecret: fake.AppSecret(), envAPIBase: fake.URL}
}

// wxmpAPI runs wxmp against fake, with fakeEnv plus env (an empty value
// unsets a variable), stdin as standard input and apiNow as its clock, and
// checks that the output holds neither the AppSecret nor any token or
// ticket the fake issued.
func wxmpAPI(t *testing.T, fake *wxmptest.APIServer, env map[string]string, stdin string, args ...string) output {
	t.Helper()
	all := fakeEnv(fake)
	for k, v := range env {
		all[k] = v
	}
	var stdout, stderr bytes.Buffer
	c := &cli{getenv: func(k string) string { return all[k] }, stdin: strings.NewReader(stdin),
		stdout: &stdout, stderr: &stderr, now: func() time.Time { return apiNow }}
	code := c.run(context.Background(), args)
	out := output{code, stdout.String(), stderr.String()}
	for _, secret := range fake.Secrets() {
		require.NotContains(t, out.stdout+out.stderr, secret, "wxmp printed the AppSecret, a token or a ticket")
	}
	return out
}

// usageCase is a command line that is a usage error: its environment on
// top of fakeEnv (an empty value unsets a variable), its arguments and
// what the error says.
type usageCase struct {
	env  map[string]string
	args []string
	want string
}

// Variables unset for usage cases.
var (
	noAppID  = map[string]string{envAppID: ""}
	noSecret = map[string]string{envSecret: ""}
	neither  = map[string]string{envAppID: "", envSecret: ""}
)

// checkUsageErrors runs each case against one fake and checks that it
// exits with status 2, the message and the command's usage on standard
// error and nothing on standard output, and that none made a request.
func checkUsageErrors(t *testing.T, cases []usageCase) {
	t.Helper()
	fake := newFake(t)
	for _, tt := range cases {
		out := wxmpAPI(t, fake, tt.env, "", tt.args...)
		assert.Equal(t, exitUsage, out.code, "%v\n%s", tt.args, out.stderr)
		assert.Contains(t, out.stderr, tt.want, tt.args)
		assert.Contains(t, out.stderr, "Usage: wxmp "+tt.args[0], tt.args)
		assert.Empty(t, out.stdout, tt.args)
	}
	assert.Zero(t, fake.TokenRequests(), "a usage error makes no request")
	for _, path := range []string{
		wxmptest.APITicketPath, wxmptest.APICustomSendPath, wxmptest.APICustomTypingPath, wxmptest.APIMenuCreatePath,
		wxmptest.APIMenuGetPath, wxmptest.APIMenuDeletePath, wxmptest.APIMediaUploadPath, wxmptest.APIMediaGetPath,
		wxmptest.APIQRCodeCreatePath, wxmptest.APIUserInfoPath, wxmptest.APIUserInfoBatchGetPath,
	} {
		assert.Zero(t, fake.Calls(path), path)
	}
}

// TestAPIEnvUsageErrors: a missing or malformed variable, or a bad flag of
// token, is a usage error that makes no request.
func TestAPIEnvUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{noAppID, []string{"token"}, "$WECHAT_APPID is not set"},
		{noSecret, []string{"token"}, "$WECHAT_SECRET is not set"},
		{map[string]string{envAPIBase: "ftp://example.com"}, []string{"token"}, "$WECHAT_API_BASE must be an absolute http or https URL"},
		{nil, []string{"token", "-bogus"}, "flag provided but not defined: -bogus"},
		{nil, []string{"token", "extra"}, "unexpected arguments"},
		{nil, []string{"token", "-timeout", "0s"}, "-timeout must be positive"},
	})
}

// TestTokenFallsBackToLegacy: a stand-in without stable_token (404) is
// asked cgi-bin/token instead, once, and wxmp says so.
func TestTokenFallsBackToLegacy(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, Status: http.StatusNotFound, Body: "404 page not found"})
	out := wxmpAPI(t, fake, nil, "", "token")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, "wxmp: the host answered cgi-bin/stable_token with HTTP 404; using cgi-bin/token instead\n", out.stderr)
	assert.Contains(t, out.stdout, "from:         "+fake.URL+"/cgi-bin/token\n")
	assert.Equal(t, 1, fake.Calls(wxmptest.APIStableTokenPath))
	assert.Equal(t, 1, fake.Calls(wxmptest.APITokenPath))

	// Any other failure of stable_token is reported as it is.
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, Status: http.StatusBadGateway})
	out = wxmpAPI(t, fake, nil, "", "token")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "502")
	assert.NotContains(t, out.stderr, "using cgi-bin/token")
	assert.Equal(t, 1, fake.Calls(wxmptest.APITokenPath))
}

// TestIPWhitelistFailsAtOnce: 40164, from the token endpoint or from a
// call, is exit status 1 with the errcode and the console setting to
// change, after exactly one request: no retry.
func TestIPWhitelistFailsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		path string
		args []string
	}{
		{"token endpoint, token", wxmptest.APIStableTokenPath, []string{"token"}},
		{"token endpoint, send", wxmptest.APIStableTokenPath, []string{"send", "-to", wxmptest.DefaultOpenID, "text", "hi"}},
		{"send", wxmptest.APICustomSendPath, []string{"send", "-to", wxmptest.DefaultOpenID, "text", "hi"}},
		{"menu get", wxmptest.APIMenuGetPath, []string{"menu", "get"}},
		{"userinfo", wxmptest.APIUserInfoPath, []string{"userinfo", wxmptest.DefaultOpenID}},
		{"qrcode", wxmptest.APIQRCodeCreatePath, []string{"qrcode", "-scene", "7"}},
		{"jssdk", wxmptest.APITicketPath, []string{"jssdk", "-url", "https://example.com/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newFake(t)
			fake.SetFaults(wxmptest.APIFault{Path: tt.path, ErrCode: 40164,
				ErrMsg: "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist"})
			out := wxmpAPI(t, fake, nil, "", tt.args...)
			assert.Equal(t, exitFail, out.code)
			assert.Empty(t, out.stdout)
			assert.Contains(t, out.stderr, "WeChat refused: errcode 40164: invalid ip 203.0.113.7")
			assert.Regexp(t, `(?m)^hint: .*IP whitelist.*IP白名单`, out.stderr)
			assert.Equal(t, 1, fake.Calls(tt.path), "no retry")
			assert.Equal(t, 1, fake.TokenRequests())
		})
	}
}

// TestAPISecretNeverPrinted runs every API command with the secret in the
// environment, successfully and not, and finds it nowhere in the output.
// (wxmpAPI checks the fake's secrets too, tokens and tickets included.)
func TestAPISecretNeverPrinted(t *testing.T) {
	t.Parallel()
	const secret = "S3cretThatMustNeverBePrinted0042"
	fake := newFake(t, wxmptest.WithAPICredentials("wx5823bf96d3bd56c7", secret))
	env := map[string]string{envSecret: secret}
	wrong := map[string]string{envSecret: secret + "x"}
	for _, args := range [][]string{
		{"token"}, {"token", "-h"}, {"help", "send"},
		{"send", "-to", wxmptest.DefaultOpenID, "text", "hi"},
		{"menu", "get"}, {"qrcode", "-scene", "9"}, {"userinfo", wxmptest.DefaultOpenID},
		{"jssdk", "-url", "https://example.com/"},
	} {
		for _, e := range []map[string]string{env, wrong} {
			out := wxmpAPI(t, fake, e, "", args...)
			assert.NotContains(t, out.stdout+out.stderr, secret, args)
		}
	}
	out := wxmpAPI(t, fake, wrong, "", "token")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode 40125")
	assert.Contains(t, out.stderr, "hint: ")

	// cgi-bin/token takes the secret in its query: a transport error
	// there, whose text has the URL, must not show it either.
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == wxmptest.APITokenPath {
			panic(http.ErrAbortHandler) // the connection drops: no answer at all
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(broken.Close)
	out = wxmpAPI(t, fake, map[string]string{envSecret: secret, envAPIBase: broken.URL}, "", "token")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "using cgi-bin/token instead")
	assert.Contains(t, out.stderr, "wxmp token: ")
	assert.NotContains(t, out.stdout+out.stderr, secret)
}

func TestAPIHelp(t *testing.T) {
	t.Parallel()
	out := wxmp(t, nil, "help")
	require.Equal(t, exitOK, out.code)
	for _, cmd := range []string{"token", "send", "menu", "media", "qrcode", "userinfo", "jssdk"} {
		assert.Regexp(t, `(?m)^\t`+cmd+` +\S`, out.stdout, "help lists "+cmd)
		for _, args := range [][]string{{"help", cmd}, {cmd, "-h"}} {
			out := wxmp(t, map[string]string{envSecret: "do-not-show-me", envAppID: testAppID}, args...)
			assert.Equal(t, exitOK, out.code, args)
			assert.Contains(t, out.stdout, "Usage: wxmp "+cmd, args)
			assert.Contains(t, out.stdout, "-timeout", args)
			assert.Contains(t, out.stdout, "$WECHAT_SECRET", args)
			assert.Contains(t, out.stdout, "Exit status: 0 on success; 1 when the call fails", args)
			assert.NotContains(t, out.stdout, "do-not-show-me", args)
			assert.NotContains(t, out.stdout, testAppID, args)
			assert.Empty(t, out.stderr, args)
		}
	}
	out = wxmp(t, nil, "send", "-to", "o", "video", "-h")
	assert.Equal(t, exitOK, out.code)
	assert.Contains(t, out.stdout, "-thumb", "a kind's -h lists its flags")
}
