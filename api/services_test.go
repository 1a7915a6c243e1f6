package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

func TestTemplateSend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	tid := wxmptest.DefaultAPITemplates()[0].TemplateID
	m := &api.TemplateMessage{
		ToUser:      userOK,
		TemplateID:  tid,
		URL:         "https://shop.example/orders/1?a=1&b=2",
		MiniProgram: &api.MiniProgram{AppID: "wxmini", PagePath: "index?foo=bar"},
		ClientMsgID: "order-1",
		Data: map[string]api.TemplateValue{
			"keyword1": {Value: "巧克力"},
			"keyword2": {Value: "39.8元", Color: "#173177"},
		},
	}
	id, err := f.c.Template.Send(ctx, m)
	require.NoError(t, err)
	sent := f.fake.Sent(userOK)
	require.Len(t, sent, 1)
	assert.Equal(t, sent[0].MsgID, id, "the 19-digit msgid survives as an int64")
	assert.Greater(t, id, int64(1e18))
	assert.JSONEq(t, `{"touser":"`+userOK+`","template_id":"`+tid+`","url":"https://shop.example/orders/1?a=1&b=2",
		"miniprogram":{"appid":"wxmini","pagepath":"index?foo=bar"},"client_msg_id":"order-1",
		"data":{"keyword1":{"value":"巧克力"},"keyword2":{"value":"39.8元","color":"#173177"}}}`, string(sent[0].Body))

	// The bare minimum: nil Data goes as {}.
	_, err = f.c.Template.Send(ctx, &api.TemplateMessage{ToUser: userOK, TemplateID: tid})
	require.NoError(t, err)
	assert.JSONEq(t, `{"touser":"`+userOK+`","template_id":"`+tid+`","data":{}}`, f.lastBody(t, userOK))

	_, err = f.c.Template.Send(ctx, &api.TemplateMessage{ToUser: userOK, TemplateID: "nope"})
	require.ErrorIs(t, err, api.ErrInvalidTemplateID)
	_, err = f.c.Template.Send(ctx, &api.TemplateMessage{ToUser: userGone, TemplateID: tid})
	require.ErrorIs(t, err, api.ErrNotFollowing)
	for _, bad := range []*api.TemplateMessage{nil, {TemplateID: tid}, {ToUser: userOK},
		{ToUser: userOK, TemplateID: tid, MiniProgram: &api.MiniProgram{PagePath: "p"}}} {
		_, err = f.c.Template.Send(ctx, bad)
		require.ErrorIs(t, err, api.ErrInvalidArgument)
	}
}

func TestTemplateList(t *testing.T) {
	t.Parallel()
	tpl := wxmptest.APITemplate{TemplateID: "T1", Title: "领取奖金提醒", PrimaryIndustry: "IT科技", DeputyIndustry: "互联网|电子商务",
		Content: "{{result.DATA}}\n\n领奖金额:{{withdrawMoney.DATA}}", Example: "您已提交领奖申请"}
	f := newFixture(t, wxmptest.WithAPITemplates(tpl))
	got, err := f.c.Template.List(context.Background())
	require.NoError(t, err)
	want := []api.Template{{TemplateID: "T1", Title: "领取奖金提醒", PrimaryIndustry: "IT科技", DeputyIndustry: "互联网|电子商务",
		Content: "{{result.DATA}}\n\n领奖金额:{{withdrawMoney.DATA}}", Example: "您已提交领奖申请"}}
	assert.Empty(t, cmp.Diff(want, got))

	f = newFixture(t, wxmptest.WithAPITemplates())
	got, err = f.c.Template.List(context.Background())
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.NotNil(t, got)
}

func sampleMenu() []api.Button {
	return []api.Button{
		{Type: api.ButtonClick, Name: "今日歌曲", Key: "V1001_TODAY_MUSIC"},
		{Name: "菜单", SubButtons: []api.Button{
			{Type: api.ButtonView, Name: "搜索", URL: "http://www.soso.com/"},
			{Type: api.ButtonMiniProgram, Name: "wxa", URL: "http://mp.weixin.qq.com", AppID: "wx286b93c14bbf93aa", PagePath: "pages/lunar/index"},
			{Type: api.ButtonScanCodePush, Name: "扫码", Key: "rselfmenu_0_1"},
			{Type: api.ButtonLocationSelect, Name: "发送位置", Key: "rselfmenu_2_0"},
			{Type: api.ButtonMediaID, Name: "图片", MediaID: "MEDIA_ID1"},
		}},
		{Name: "更多", SubButtons: []api.Button{
			{Type: api.ButtonArticleID, Name: "文章", ArticleID: "ARTICLE_ID1"},
			{Type: api.ButtonPicPhotoOrAlbum, Name: "拍照或者相册发图", Key: "rselfmenu_1_1"},
		}},
	}
}

func TestMenu(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.c.Menu.Get(ctx)
	require.ErrorIs(t, err, api.ErrMenuNotFound)

	require.NoError(t, f.c.Menu.Create(ctx, sampleMenu()))
	var created struct {
		Button json.RawMessage `json:"button"`
	}
	require.NoError(t, json.Unmarshal(f.fake.Menu(), &created))
	assert.JSONEq(t, `[{"type":"click","name":"今日歌曲","key":"V1001_TODAY_MUSIC","sub_button":[]},
		{"name":"菜单","sub_button":[
			{"type":"view","name":"搜索","url":"http://www.soso.com/","sub_button":[]},
			{"type":"miniprogram","name":"wxa","url":"http://mp.weixin.qq.com","appid":"wx286b93c14bbf93aa","pagepath":"pages/lunar/index","sub_button":[]},
			{"type":"scancode_push","name":"扫码","key":"rselfmenu_0_1","sub_button":[]},
			{"type":"location_select","name":"发送位置","key":"rselfmenu_2_0","sub_button":[]},
			{"type":"media_id","name":"图片","media_id":"MEDIA_ID1","sub_button":[]}]},
		{"name":"更多","sub_button":[
			{"type":"article_id","name":"文章","article_id":"ARTICLE_ID1","sub_button":[]},
			{"type":"pic_photo_or_album","name":"拍照或者相册发图","key":"rselfmenu_1_1","sub_button":[]}]}]`, string(created.Button))

	got, err := f.c.Menu.Get(ctx)
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(sampleMenu(), got.Buttons), "what Get returns is what Create took")
	assert.NotZero(t, got.MenuID)
	require.NoError(t, f.c.Menu.Create(ctx, got.Buttons), "and can be given back")

	require.NoError(t, f.c.Menu.Delete(ctx))
	_, err = f.c.Menu.Get(ctx)
	require.ErrorIs(t, err, api.ErrMenuNotFound)
}

func TestValidateMenu(t *testing.T) {
	t.Parallel()
	click := func(name string) api.Button { return api.Button{Type: api.ButtonClick, Name: name, Key: "k"} }
	subs := func(n int) []api.Button {
		var bs []api.Button
		for range n {
			bs = append(bs, click("s"))
		}
		return bs
	}
	for _, tc := range []struct {
		name    string
		buttons []api.Button
		ok      bool
		in      string // in the error
	}{
		{"sample", sampleMenu(), true, ""},
		{"three buttons", []api.Button{click("a"), click("b"), click("c")}, true, ""},
		{"none", nil, false, "1 to 3"},
		{"four", []api.Button{click("a"), click("b"), click("c"), click("d")}, false, "1 to 3"},
		{"name 16 bytes", []api.Button{click("一二三四五x")}, true, ""},
		{"name 17 bytes", []api.Button{click("一二三四五xy")}, false, "Buttons[0].Name must be 1 to 16 bytes, not 17"},
		{"empty name", []api.Button{click("")}, false, "Buttons[0].Name"},
		{"five subs", []api.Button{{Name: "m", SubButtons: subs(5)}}, true, ""},
		{"six subs", []api.Button{{Name: "m", SubButtons: subs(6)}}, false, "6 SubButtons"},
		{"sub name 60 bytes", []api.Button{{Name: "m", SubButtons: []api.Button{click(strings.Repeat("字", 20))}}}, true, ""},
		{"sub name 61 bytes", []api.Button{{Name: "m", SubButtons: []api.Button{click(strings.Repeat("字", 20) + "x")}}}, false, "Buttons[0].SubButtons[0].Name"},
		{"type and subs", []api.Button{{Type: api.ButtonClick, Name: "m", Key: "k", SubButtons: subs(1)}}, false, "both"},
		{"no action", []api.Button{{Name: "m"}}, false, "neither"},
		{"sub without type", []api.Button{{Name: "m", SubButtons: []api.Button{{Name: "s"}}}}, false, "no Type"},
		{"nested", []api.Button{{Name: "m", SubButtons: []api.Button{{Name: "s", Type: api.ButtonClick, Key: "k", SubButtons: subs(1)}}}}, false, "cannot have"},
		{"unknown type", []api.Button{{Type: "tap", Name: "a", Key: "k"}}, false, "not a button type"},
		{"no key", []api.Button{{Type: api.ButtonClick, Name: "a"}}, false, "Key"},
		{"key 128", []api.Button{{Type: api.ButtonClick, Name: "a", Key: strings.Repeat("k", 128)}}, true, ""},
		{"key 129", []api.Button{{Type: api.ButtonClick, Name: "a", Key: strings.Repeat("k", 129)}}, false, "Key must be 1 to 128"},
		{"no url", []api.Button{{Type: api.ButtonView, Name: "a"}}, false, "URL"},
		{"url 1025", []api.Button{{Type: api.ButtonView, Name: "a", URL: "http://a/" + strings.Repeat("x", 1016)}}, false, "URL must be 1 to 1024"},
		{"miniprogram no appid", []api.Button{{Type: api.ButtonMiniProgram, Name: "a", URL: "http://a/", PagePath: "p"}}, false, "AppID"},
		{"miniprogram no url", []api.Button{{Type: api.ButtonMiniProgram, Name: "a", AppID: "wx", PagePath: "p"}}, false, "URL"},
		{"miniprogram no page", []api.Button{{Type: api.ButtonMiniProgram, Name: "a", AppID: "wx", URL: "http://a/"}}, false, "PagePath"},
		{"media_id", []api.Button{{Type: api.ButtonViewLimited, Name: "a"}}, false, "MediaID"},
		{"article_id", []api.Button{{Type: api.ButtonArticleViewLimited, Name: "a"}}, false, "ArticleID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := api.ValidateMenu(tc.buttons)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, api.ErrInvalidArgument)
			assert.Contains(t, err.Error(), tc.in)
		})
	}
	f := newFixture(t)
	require.ErrorIs(t, f.c.Menu.Create(context.Background(), nil), api.ErrInvalidArgument)
	assert.Zero(t, f.fake.Calls(wxmptest.APIMenuCreatePath), "checked before the call")
}

func TestQRCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	tmp, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{ID: 123}, 7*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 7*24*time.Hour, tmp.ExpiresIn)
	assert.True(t, strings.HasPrefix(tmp.URL, "http://weixin.qq.com/q/"))
	tmpStr, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{Str: "promo-2024"}, 90*time.Second+500*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, 90*time.Second, tmpStr.ExpiresIn, "a fraction of a second is dropped")
	perm, err := f.c.QRCode.CreatePermanent(ctx, api.Scene{ID: api.MaxPermanentSceneID})
	require.NoError(t, err)
	assert.Zero(t, perm.ExpiresIn)
	permStr, err := f.c.QRCode.CreatePermanent(ctx, api.Scene{Str: strings.Repeat("码", api.MaxSceneStrLen)})
	require.NoError(t, err)

	codes := f.fake.QRCodes()
	require.Len(t, codes, 4)
	assert.Equal(t, []string{"QR_SCENE", "QR_STR_SCENE", "QR_LIMIT_SCENE", "QR_LIMIT_STR_SCENE"},
		[]string{codes[0].ActionName, codes[1].ActionName, codes[2].ActionName, codes[3].ActionName})
	assert.Equal(t, int64(123), codes[0].SceneID)
	assert.Equal(t, "promo-2024", codes[1].SceneStr)
	assert.Equal(t, int64(api.MaxPermanentSceneID), codes[2].SceneID)
	assert.Equal(t, tmp.Ticket, codes[0].Ticket)
	assert.Equal(t, permStr.Ticket, codes[3].Ticket)

	// The image: the ticket (with '+', '/', '=') must be escaped.
	res, err := f.fake.Client().Get(f.c.QRCode.ShowURL(perm.Ticket))
	require.NoError(t, err)
	img, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "image/jpeg", http.DetectContentType(img))
	assert.Equal(t, f.fake.URL+"/cgi-bin/showqrcode?ticket=", strings.Split(f.c.QRCode.ShowURL(perm.Ticket), "?")[0]+"?ticket=")
	assert.NotContains(t, strings.TrimPrefix(f.c.QRCode.ShowURL(perm.Ticket), f.fake.URL), "+")

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"no scene", func() error { _, err := f.c.QRCode.CreatePermanent(ctx, api.Scene{}); return err }},
		{"both", func() error { _, err := f.c.QRCode.CreatePermanent(ctx, api.Scene{ID: 1, Str: "a"}); return err }},
		{"permanent id", func() error {
			_, err := f.c.QRCode.CreatePermanent(ctx, api.Scene{ID: api.MaxPermanentSceneID + 1})
			return err
		}},
		{"long str", func() error {
			_, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{Str: strings.Repeat("a", 65)}, time.Minute)
			return err
		}},
		{"bad utf-8", func() error {
			_, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{Str: "\xff"}, time.Minute)
			return err
		}},
		{"expiry 0", func() error { _, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{ID: 1}, 0); return err }},
		{"expiry over", func() error {
			_, err := f.c.QRCode.CreateTemporary(ctx, api.Scene{ID: 1}, api.MaxQRCodeExpiry+time.Second)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.call(), api.ErrInvalidArgument)
		})
	}
	_, err = f.c.QRCode.CreateTemporary(ctx, api.Scene{ID: 1}, api.MaxQRCodeExpiry)
	require.NoError(t, err, "30 days is allowed")
	assert.Equal(t, 5, f.fake.Calls(wxmptest.APIQRCodeCreatePath))
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testUsers())
	ctx := context.Background()
	u, err := f.c.User.Info(ctx, userOK, api.LangEn)
	require.NoError(t, err)
	want := api.UserInfo{Subscribed: true, OpenID: userOK, UnionID: "oUNION1", Language: "zh_CN", SubscribeTime: 1382694957,
		Remark: "vip", TagIDs: []int64{2, 128}, SubscribeScene: "ADD_SCENE_QR_CODE", QRScene: 98765}
	assert.Empty(t, cmp.Diff(&want, u))

	gone, err := f.c.User.Info(ctx, userGone, "")
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(&api.UserInfo{OpenID: userGone}, gone))

	_, err = f.c.User.Info(ctx, userUnknown, "")
	require.ErrorIs(t, err, api.ErrInvalidOpenID)
	_, err = f.c.User.Info(ctx, "", "")
	require.ErrorIs(t, err, api.ErrInvalidArgument)
	_, err = f.c.User.Info(ctx, userOK, "fr")
	require.ErrorIs(t, err, api.ErrInvalidArgument)

	list, err := f.c.User.BatchInfo(ctx, []string{userGone, userOK}, api.LangZhCN)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, userGone, list[0].OpenID)
	assert.False(t, list[0].Subscribed)
	assert.Empty(t, cmp.Diff(want, list[1]))

	many := make([]string, api.MaxBatchUsers)
	for i := range many {
		many[i] = userOK
	}
	list, err = f.c.User.BatchInfo(ctx, many, "")
	require.NoError(t, err)
	assert.Len(t, list, api.MaxBatchUsers)
	for _, bad := range [][]string{nil, append(many, userOK), {userOK, ""}} {
		_, err = f.c.User.BatchInfo(ctx, bad, "")
		require.ErrorIs(t, err, api.ErrInvalidArgument)
	}
	_, err = f.c.User.BatchInfo(ctx, []string{userOK, userUnknown}, "")
	require.ErrorIs(t, err, api.ErrInvalidOpenID)
	assert.Equal(t, 3, f.fake.Calls(wxmptest.APIUserInfoBatchGetPath))
}

func TestCallbackIPs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, wxmptest.WithAPICallbackIPs("101.226.103.0/25", "127.0.0.1"))
	ips, err := f.c.Callback.IPs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"101.226.103.0/25", "127.0.0.1"}, ips)
}
