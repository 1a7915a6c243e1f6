package api_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestCustomerServiceSend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		m    api.Message
		want string // the body the fake received
	}{
		{"text", api.Text{Content: "Hello <b>World</b> & 你好"},
			`{"touser":"` + userOK + `","msgtype":"text","text":{"content":"Hello <b>World</b> & 你好"}}`},
		{"text pointer", &api.Text{Content: "hi"},
			`{"touser":"` + userOK + `","msgtype":"text","text":{"content":"hi"}}`},
		{"image", api.Image{MediaID: "MEDIA1"},
			`{"touser":"` + userOK + `","msgtype":"image","image":{"media_id":"MEDIA1"}}`},
		{"voice", api.Voice{MediaID: "MEDIA2"},
			`{"touser":"` + userOK + `","msgtype":"voice","voice":{"media_id":"MEDIA2"}}`},
		{"video", api.Video{MediaID: "V", ThumbMediaID: "T", Title: "t", Description: "d"},
			`{"touser":"` + userOK + `","msgtype":"video","video":{"media_id":"V","thumb_media_id":"T","title":"t","description":"d"}}`},
		{"video bare", api.Video{MediaID: "V"},
			`{"touser":"` + userOK + `","msgtype":"video","video":{"media_id":"V"}}`},
		{"music", api.Music{Title: "t", Description: "d", MusicURL: "http://a/m.mp3", HQMusicURL: "http://a/hq.mp3", ThumbMediaID: "T"},
			`{"touser":"` + userOK + `","msgtype":"music","music":{"title":"t","description":"d","musicurl":"http://a/m.mp3","hqmusicurl":"http://a/hq.mp3","thumb_media_id":"T"}}`},
		{"news", api.News{Articles: []api.Article{{Title: "t", Description: "d", URL: "https://a/?x=1&y=2", PicURL: "https://a/p.jpg"}}},
			`{"touser":"` + userOK + `","msgtype":"news","news":{"articles":[{"title":"t","description":"d","url":"https://a/?x=1&y=2","picurl":"https://a/p.jpg"}]}}`},
		{"mpnews", api.MPNews{MediaID: "N"},
			`{"touser":"` + userOK + `","msgtype":"mpnews","mpnews":{"media_id":"N"}}`},
		{"mpnewsarticle", api.MPNewsArticle{ArticleID: "A"},
			`{"touser":"` + userOK + `","msgtype":"mpnewsarticle","mpnewsarticle":{"article_id":"A"}}`},
		{"msgmenu", api.MsgMenu{HeadContent: "Satisfied?", Items: []api.MsgMenuItem{{ID: "101", Content: "Yes"}, {ID: "102", Content: "No"}}, TailContent: "Thanks"},
			`{"touser":"` + userOK + `","msgtype":"msgmenu","msgmenu":{"head_content":"Satisfied?","list":[{"id":"101","content":"Yes"},{"id":"102","content":"No"}],"tail_content":"Thanks"}}`},
		{"miniprogrampage", api.MiniProgramPage{Title: "t", AppID: "wxabc", PagePath: "pages/index", ThumbMediaID: "T"},
			`{"touser":"` + userOK + `","msgtype":"miniprogrampage","miniprogrampage":{"title":"t","appid":"wxabc","pagepath":"pages/index","thumb_media_id":"T"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, f.c.CustomerService.Send(ctx, userOK, tc.m))
			assert.JSONEq(t, tc.want, f.lastBody(t, userOK))
			sent := f.fake.Sent(userOK)
			assert.Equal(t, tc.m.MsgType(), sent[len(sent)-1].Kind)
		})
	}

	require.NoError(t, f.c.CustomerService.SendAs(ctx, "kf2001@gh_abc", userOK, api.Text{Content: "agent"}))
	assert.JSONEq(t, `{"touser":"`+userOK+`","msgtype":"text","text":{"content":"agent"},"customservice":{"kf_account":"kf2001@gh_abc"}}`, f.lastBody(t, userOK))
	sent := f.fake.Sent(userOK)
	assert.Equal(t, "kf2001@gh_abc", sent[len(sent)-1].KFAccount)
}

func TestCustomerServiceRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	hi := api.Text{Content: "hi"}
	require.ErrorIs(t, f.c.CustomerService.Send(ctx, userLate, hi), api.ErrOutsideWindow)
	require.ErrorIs(t, f.c.CustomerService.Send(ctx, userGone, hi), api.ErrNotFollowing)
	require.ErrorIs(t, f.c.CustomerService.Send(ctx, userUnknown, hi), api.ErrInvalidOpenID)
	f.fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 45047, Times: 1})
	require.ErrorIs(t, f.c.CustomerService.Send(ctx, userOK, hi), api.ErrResponseLimit)
	require.NoError(t, f.c.CustomerService.Send(ctx, userOK, hi), "the fault was once")

	// An expired media_id the fake issued.
	id := f.fake.AddMedia("image", "a.png", []byte("\x89PNG\r\n\x1a\n"))
	f.fake.Advance(wxmptest.APIMediaLifetime) // the token has expired too
	before := f.fake.Calls(wxmptest.APICustomSendPath)
	err := f.c.CustomerService.Send(ctx, userOK, api.Image{MediaID: id})
	require.ErrorIs(t, err, api.ErrInvalidMediaID)
	assert.Equal(t, 2, f.fake.Calls(wxmptest.APICustomSendPath)-before, "42001, then one retry with a new token")
}

func TestCustomerServiceInvalid(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		to   string
		m    api.Message
	}{
		{"no user", "", api.Text{Content: "x"}},
		{"blank user", " ", api.Text{Content: "x"}},
		{"nil", wxmptest.DefaultOpenID, nil},
		{"nil pointer", wxmptest.DefaultOpenID, (*api.Text)(nil)},
		{"empty text", wxmptest.DefaultOpenID, api.Text{}},
		{"image", wxmptest.DefaultOpenID, api.Image{}},
		{"voice", wxmptest.DefaultOpenID, api.Voice{}},
		{"video", wxmptest.DefaultOpenID, api.Video{Title: "t"}},
		{"music without URL", wxmptest.DefaultOpenID, api.Music{ThumbMediaID: "T"}},
		{"music without thumb", wxmptest.DefaultOpenID, api.Music{MusicURL: "http://a/"}},
		{"news empty", wxmptest.DefaultOpenID, api.News{}},
		{"news two", wxmptest.DefaultOpenID, api.News{Articles: []api.Article{{Title: "a"}, {Title: "b"}}}},
		{"news untitled", wxmptest.DefaultOpenID, api.News{Articles: []api.Article{{URL: "http://a/"}}}},
		{"mpnews", wxmptest.DefaultOpenID, api.MPNews{}},
		{"mpnewsarticle", wxmptest.DefaultOpenID, api.MPNewsArticle{}},
		{"msgmenu", wxmptest.DefaultOpenID, api.MsgMenu{HeadContent: "h"}},
		{"msgmenu item", wxmptest.DefaultOpenID, api.MsgMenu{Items: []api.MsgMenuItem{{ID: "1"}}}},
		{"miniprogrampage", wxmptest.DefaultOpenID, api.MiniProgramPage{Title: "t", AppID: "wx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, f.c.CustomerService.Send(ctx, tc.to, tc.m), api.ErrInvalidArgument)
		})
	}
	require.ErrorIs(t, f.c.CustomerService.SendAs(ctx, "kf2001", wxmptest.DefaultOpenID, api.Text{Content: "x"}), api.ErrInvalidArgument)
	assert.Zero(t, f.fake.Calls(wxmptest.APICustomSendPath), "nothing was sent")
	tokens, _, _ := f.tokens.counts()
	assert.Zero(t, tokens, "not even a token was asked for")
}

func TestSetTyping(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	require.NoError(t, f.c.CustomerService.SetTyping(ctx, userOK, true))
	assert.JSONEq(t, `{"touser":"`+userOK+`","command":"Typing"}`, f.lastBody(t, userOK))
	require.NoError(t, f.c.CustomerService.SetTyping(ctx, userOK, false))
	assert.JSONEq(t, `{"touser":"`+userOK+`","command":"CancelTyping"}`, f.lastBody(t, userOK))
	require.ErrorIs(t, f.c.CustomerService.SetTyping(ctx, "", true), api.ErrInvalidArgument)
	require.ErrorIs(t, f.c.CustomerService.SetTyping(ctx, userLate, true), api.ErrOutsideWindow)
}

// pushFrom is a text message from openID, to answer with a reply.
func pushFrom(openID string) *message.Text {
	m := &message.Text{Content: "ping"}
	m.ToUserName, m.FromUserName = "gh_0123456789ab", openID
	return m
}

func TestSendReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	in := pushFrom(userOK)
	for _, tc := range []struct {
		name string
		r    reply.Reply
		want string
	}{
		{"text", reply.NewText(in, "late echo: ping"),
			`{"touser":"` + userOK + `","msgtype":"text","text":{"content":"late echo: ping"}}`},
		{"image", reply.NewImage(in, "IMG"),
			`{"touser":"` + userOK + `","msgtype":"image","image":{"media_id":"IMG"}}`},
		{"voice", reply.NewVoice(in, "VOI"),
			`{"touser":"` + userOK + `","msgtype":"voice","voice":{"media_id":"VOI"}}`},
		{"video", reply.NewVideo(in, reply.Video{MediaID: "VID", Title: "t", Description: "d"}),
			`{"touser":"` + userOK + `","msgtype":"video","video":{"media_id":"VID","title":"t","description":"d"}}`},
		{"music", reply.NewMusic(in, reply.Music{Title: "t", MusicURL: "http://a/m.mp3", HQMusicURL: "http://a/h.mp3", ThumbMediaID: "T"}),
			`{"touser":"` + userOK + `","msgtype":"music","music":{"title":"t","musicurl":"http://a/m.mp3","hqmusicurl":"http://a/h.mp3","thumb_media_id":"T"}}`},
		{"news", reply.NewNews(in, reply.Article{Title: "t", Description: "d", PicURL: "http://a/p.jpg", URL: "http://a/"}),
			`{"touser":"` + userOK + `","msgtype":"news","news":{"articles":[{"title":"t","description":"d","url":"http://a/","picurl":"http://a/p.jpg"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, f.c.CustomerService.SendReply(ctx, tc.r))
			assert.JSONEq(t, tc.want, f.lastBody(t, userOK))
		})
	}

	err := f.c.CustomerService.SendReply(ctx, reply.NewTransferCustomerService(in, ""))
	require.ErrorIs(t, err, api.ErrNotConvertible)
	assert.Contains(t, err.Error(), "transfer_customer_service")
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, nil), api.ErrInvalidArgument)
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, (*reply.Text)(nil)), api.ErrInvalidArgument)
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, reply.NewText(nil, "x")), api.ErrInvalidArgument, "no ToUserName")
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, otherReply{}), api.ErrNotConvertible)
	two := reply.NewNews(in, reply.Article{Title: "a"}, reply.Article{Title: "b"})
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, two), api.ErrInvalidArgument)
	require.ErrorIs(t, f.c.CustomerService.SendReply(ctx, reply.NewText(pushFrom(userLate), "x")), api.ErrOutsideWindow)
}

// otherReply is a Reply this package does not know.
type otherReply struct{}

func (otherReply) Marshal() ([]byte, error) { return []byte("<xml/>"), nil }

func TestFromReply(t *testing.T) {
	t.Parallel()
	to, m, err := api.FromReply(reply.NewText(pushFrom(" o1 "), "x"))
	require.NoError(t, err)
	assert.Equal(t, "o1", to)
	assert.Equal(t, api.Text{Content: "x"}, m)
}
