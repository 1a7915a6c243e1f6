package main

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

// TestRunFakeModeServesTheAPIFake starts the program in fake mode, follows
// the banner's link to the API fake's page, calls the fake through
// packages accesstoken and api at the address the banner gives, and finds
// the message on the page.
func TestRunFakeModeServesTheAPIFake(t *testing.T) {
	t.Parallel()
	app := startRun(t, map[string]string{"ADDR": "127.0.0.1:0"})
	base := "http://" + app.addr
	browser := &http.Client{Timeout: 30 * time.Second}

	home := get(t, browser, base+"/")
	require.Equal(t, http.StatusOK, home.status)
	link := regexp.MustCompile(`<a href="([^"]*)" id="fake-wechat-api">`).FindStringSubmatch(home.body)
	require.NotNil(t, link, "the banner links to the API fake's page:\n%s", home.body)
	assert.Equal(t, "/fake-wechat-api/", link[1])
	apiBase := base + "/fake-wechat-api"
	user := wxmptest.DefaultOAuthUser().OpenID
	command := html.UnescapeString(regexp.MustCompile(`(?s)<code>(.*?)</code>`).FindStringSubmatch(home.body)[1])
	assert.Equal(t, "WECHAT_API_BASE="+apiBase+" WECHAT_APPID="+wxmptest.DefaultAPIAppID+
		" WECHAT_SECRET="+wxmptest.DefaultAPIAppSecret+"\ngo run ./cmd/wxmp send -to "+user+" text hello", command,
		"the banner says how to point cmd/wxmp at the fake")

	page := get(t, browser, base+link[1])
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "a fake of WeChat's API")
	assert.Contains(t, page.body, "Nothing sent yet")

	// The fake user who signs in is a follower of the API fake, which
	// takes the published fake credentials.
	ctx := context.Background()
	tokens, err := accesstoken.New(wxmptest.DefaultAPIAppID, wxmptest.DefaultAPIAppSecret, accesstoken.WithBaseURL(apiBase))
	require.NoError(t, err)
	client, err := api.NewClient(tokens, api.WithBaseURL(apiBase))
	require.NoError(t, err)
	require.NoError(t, client.CustomerService.Send(ctx, user, api.Text{Content: "hello <from> the test"}))
	info, err := client.User.Info(ctx, user, "")
	require.NoError(t, err)
	assert.True(t, info.Subscribed)

	// A video's video_url points back at this server's prefix.
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0}, 64)...)
	up, err := client.Media.Upload(ctx, api.MediaVideo, "clip.mp4", bytes.NewReader(mp4))
	require.NoError(t, err)
	d, err := client.Media.Download(ctx, up.MediaID, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(d.VideoURL, apiBase+"/"), d.VideoURL)
	video, err := browser.Get(d.VideoURL)
	require.NoError(t, err)
	video.Body.Close()
	assert.Equal(t, http.StatusOK, video.StatusCode)

	page = get(t, browser, base+link[1])
	assert.Contains(t, page.body, user)
	assert.Contains(t, page.body, "hello &lt;from&gt; the test")

	token, err := tokens.Token(ctx)
	require.NoError(t, err)
	out := app.stop(t)
	assert.Contains(t, out, `"fake_api":"`+apiBase+`"`)
	assert.Contains(t, out, `"path":"/fake-wechat-api/cgi-bin/message/custom/send"`)
	assert.NotContains(t, out, token, "the access_token (in the query) was logged")
	assert.NotContains(t, out, wxmptest.DefaultAPIAppSecret)
}
