package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

func TestSendCommand(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	image := fake.AddMedia("image", "a.png", pngFile)
	voice := fake.AddMedia("voice", "a.amr", amrFile)
	video := fake.AddMedia("video", "a.mp4", mp4File)
	thumb := fake.AddMedia("thumb", "a.jpg", jpegFile)
	to := wxmptest.DefaultOpenID
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		kind  string
		want  string // the message's JSON object, as sent
	}{
		{"text", "", []string{"text", "hello", "-5", "world"}, "text", `{"content":"hello -5 world"}`},
		{"text from standard input", "line one\nline two <a href=\"https://example.com\">link</a>\n", []string{"text", "-"}, "text",
			`{"content":"line one\nline two <a href=\"https://example.com\">link</a>"}`},
		{"image", "", []string{"image", image}, "image", `{"media_id":"` + image + `"}`},
		{"voice", "", []string{"voice", voice}, "voice", `{"media_id":"` + voice + `"}`},
		{"video", "", []string{"video", "-title", "Demo", video, "-thumb", thumb}, "video",
			`{"media_id":"` + video + `","thumb_media_id":"` + thumb + `","title":"Demo"}`},
		{"music", "", []string{"music", "-thumb", thumb, "-title", "Song", "-hq", "https://example.com/hq.mp3", "https://example.com/a.mp3"}, "music",
			`{"title":"Song","musicurl":"https://example.com/a.mp3","hqmusicurl":"https://example.com/hq.mp3","thumb_media_id":"` + thumb + `"}`},
		{"news", "", []string{"news", "-description", "Read me", "-picurl", "https://example.com/p.jpg", "Title", "https://example.com/?a=1&b=2"}, "news",
			`{"articles":[{"title":"Title","description":"Read me","url":"https://example.com/?a=1&b=2","picurl":"https://example.com/p.jpg"}]}`},
		{"mpnews", "", []string{"mpnews", "MATERIAL_ID"}, "mpnews", `{"media_id":"MATERIAL_ID"}`},
		{"mpnewsarticle", "", []string{"mpnewsarticle", "ARTICLE_ID"}, "mpnewsarticle", `{"article_id":"ARTICLE_ID"}`},
		{"msgmenu", "", []string{"msgmenu", "-head", "Rate us", "101=Good", "102=Bad = awful", "-tail", "Thanks"}, "msgmenu",
			`{"head_content":"Rate us","list":[{"id":"101","content":"Good"},{"id":"102","content":"Bad = awful"}],"tail_content":"Thanks"}`},
		{"miniprogrampage", "", []string{"miniprogrampage", "-appid", "wxa0000000000000001", "-pagepath", "pages/index?x=1", "-thumb", thumb, "Open"}, "miniprogrampage",
			`{"title":"Open","appid":"wxa0000000000000001","pagepath":"pages/index?x=1","thumb_media_id":"` + thumb + `"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Sent(to))
			out := wxmpAPI(t, fake, nil, tt.stdin, append([]string{"send", "-to", to}, tt.args...)...)
			require.Equal(t, exitOK, out.code, out.stderr)
			assert.Equal(t, "sent "+tt.kind+" to "+to+"\n", out.stdout)
			sent := fake.Sent(to)
			require.Len(t, sent, before+1)
			rec := sent[len(sent)-1]
			assert.Equal(t, tt.kind, rec.Kind)
			assert.Empty(t, rec.KFAccount)
			var body map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(rec.Body, &body))
			assert.JSONEq(t, tt.want, string(body[tt.kind]))
		})
	}

	t.Run("as an agent", func(t *testing.T) {
		out := wxmpAPI(t, fake, nil, "", "send", "-to", to, "-kf", "anna@wxmptest", "text", "hi")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Equal(t, "sent text to "+to+" as anna@wxmptest\n", out.stdout)
		sent := fake.Sent(to)
		assert.Equal(t, "anna@wxmptest", sent[len(sent)-1].KFAccount)
	})
	t.Run("typing", func(t *testing.T) {
		out := wxmpAPI(t, fake, nil, "", "send", "-to", to, "typing", "on")
		require.Equal(t, exitOK, out.code, out.stderr)
		assert.Equal(t, "typing shown to "+to+"\n", out.stdout)
		out = wxmpAPI(t, fake, nil, "", "send", "-to", to, "typing", "off")
		require.Equal(t, exitOK, out.code, out.stderr)
		sent := fake.Sent(to)
		require.GreaterOrEqual(t, len(sent), 2)
		assert.Equal(t, []string{"Typing", "CancelTyping"}, []string{sent[len(sent)-2].Kind, sent[len(sent)-1].Kind})
	})
	assert.Equal(t, fake.Calls(wxmptest.APICustomSendPath)+fake.Calls(wxmptest.APICustomTypingPath), fake.TokenRequests(),
		"each run fetches one token for its one call")
}

func TestSendRefused(t *testing.T) {
	t.Parallel()
	fake := newFake(t, wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: "oQuiet", OutsideWindow: true},
		wxmptest.APIUser{OpenID: "oGone", Unsubscribed: true},
	))
	for _, tt := range []struct {
		to, code, hint string
	}{
		{"oQuiet", "errcode 45015", "hint: the user has not interacted with the account recently enough"},
		{"oGone", "errcode 43004", "hint: the user does not follow the account"},
		{"oNobody", "errcode 40003", "hint: the OpenID is not a user of this account"},
	} {
		out := wxmpAPI(t, fake, nil, "", "send", "-to", tt.to, "text", "hi")
		assert.Equal(t, exitFail, out.code, tt.to)
		assert.Contains(t, out.stderr, tt.code, tt.to)
		assert.Contains(t, out.stderr, tt.hint, tt.to)
	}
	assert.Equal(t, 3, fake.Calls(wxmptest.APICustomSendPath), "none retried")

	fake.SetFaults(wxmptest.APIFault{ErrCode: -1})
	out := wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode -1")
	assert.Contains(t, out.stderr, "hint: ")
	assert.Equal(t, 4, fake.Calls(wxmptest.APICustomSendPath), "-1 is not retried either")

	// A code no package explains still gets a hint: where to look it up.
	fake.SetFaults(wxmptest.APIFault{ErrCode: 61451, ErrMsg: "invalid parameter"})
	out = wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "wxmp send: WeChat refused: errcode 61451: invalid parameter")
	assert.Contains(t, out.stderr, "hint: look errcode 61451 up in WeChat's list: https://developers.weixin.qq.com/")

	fake.SetFaults(wxmptest.APIFault{Status: http.StatusBadGateway, Body: "<html>502</html>"})
	out = wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "502")
	assert.Contains(t, out.stderr, "hint: the host answered with an HTTP error")
}

// TestStaleTokenRetriedOnce: a 40001 with a rotated token (another
// instance force-refreshed) costs one new token and one retry, which
// succeeds.
func TestStaleTokenRetriedOnce(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 40001, Rotate: true, Times: 1})
	out := wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Equal(t, 2, fake.TokenRequests())
	assert.Equal(t, 2, fake.Calls(wxmptest.APICustomSendPath))
	assert.Len(t, fake.Sent(wxmptest.DefaultOpenID), 1)

	// Refused again after the retry: exit 1, and no third attempt.
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 40001, Rotate: true})
	out = wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	assert.Equal(t, exitFail, out.code)
	assert.Contains(t, out.stderr, "errcode 40001")
	assert.Contains(t, out.stderr, "hint: the access_token was refused again")
	assert.Equal(t, 4, fake.Calls(wxmptest.APICustomSendPath))
}

// TestSendUsageErrors: bad flags and arguments of send are usage errors
// that make no request.
func TestSendUsageErrors(t *testing.T) {
	t.Parallel()
	checkUsageErrors(t, []usageCase{
		{neither, []string{"send", "-to", "o", "text", "hi"}, "$WECHAT_APPID and $WECHAT_SECRET are not set"},
		{nil, []string{"send", "text", "hi"}, "-to OPENID is required"},
		{nil, []string{"send", "-to", "o"}, "say what to send"},
		{nil, []string{"send", "-to", "o", "text"}, "text needs CONTENT"},
		{nil, []string{"send", "-to", "o", "sticker", "x"}, `unknown KIND "sticker"`},
		{nil, []string{"send", "-to", "o", "image"}, "image takes 1 argument, got 0"},
		{nil, []string{"send", "-to", "o", "news", "Title"}, "news takes 2 arguments, got 1"},
		{nil, []string{"send", "-to", "o", "video", "-size", "9", "M"}, "flag provided but not defined: -size"},
		{nil, []string{"send", "-to", "o", "music", "https://example.com/a.mp3"}, "ThumbMediaID is empty"},
		{nil, []string{"send", "-to", "o", "msgmenu", "no-equals"}, `msgmenu lines are ID=CONTENT, not "no-equals"`},
		{nil, []string{"send", "-to", "o", "msgmenu"}, "msgmenu needs at least one argument"},
		{nil, []string{"send", "-to", "o", "typing", "maybe"}, `typing takes on or off, not "maybe"`},
		{nil, []string{"send", "-to", "o", "-kf", "anna@x", "typing", "on"}, "-kf does not apply to typing"},
		{nil, []string{"send", "-to", "o", "-kf", "anna", "text", "hi"}, "kfAccount must be account@wechat_id"},
	})
}

// TestSendFallsBackToLegacy: the token from cgi-bin/token, when the host
// has no stable_token, serves the call.
func TestSendFallsBackToLegacy(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, Status: http.StatusMethodNotAllowed})
	out := wxmpAPI(t, fake, nil, "", "send", "-to", wxmptest.DefaultOpenID, "text", "hi")
	require.Equal(t, exitOK, out.code, out.stderr)
	assert.Contains(t, out.stderr, "HTTP 405; using cgi-bin/token instead")
	assert.Equal(t, 1, fake.Calls(wxmptest.APITokenPath))
	assert.Len(t, fake.Sent(wxmptest.DefaultOpenID), 1)
}
