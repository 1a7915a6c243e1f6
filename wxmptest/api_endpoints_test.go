package wxmptest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/wxmptest"
)

// raw sends a request with the fake's token and returns the status, the
// headers and the body.
func raw(t *testing.T, s *wxmptest.APIServer, method, path string, q url.Values, contentType string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	if _, ok := q["access_token"]; !ok {
		q.Set("access_token", s.Token())
	}
	req, err := http.NewRequest(method, s.URL+path+"?"+q.Encode(), body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header, b
}

// post sends JSON with the fake's token and returns the decoded answer.
func post(t *testing.T, s *wxmptest.APIServer, path, body string) map[string]any {
	t.Helper()
	status, _, b := raw(t, s, http.MethodPost, path, nil, "application/json", strings.NewReader(body))
	require.Equal(t, http.StatusOK, status)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func get(t *testing.T, s *wxmptest.APIServer, path string, q url.Values) map[string]any {
	t.Helper()
	status, _, b := raw(t, s, http.MethodGet, path, q, "", nil)
	require.Equal(t, http.StatusOK, status)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func errcode(m map[string]any) int {
	f, _ := m["errcode"].(float64)
	return int(f)
}

func TestAPICustomSend(t *testing.T) {
	t.Parallel()
	s := newAPI(t, wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: "u1"},
		wxmptest.APIUser{OpenID: "gone", Unsubscribed: true},
		wxmptest.APIUser{OpenID: "late", OutsideWindow: true},
	))
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"text", `{"touser":"u1","msgtype":"text","text":{"content":"hi"}}`, 0},
		{"text as agent", `{"touser":"u1","msgtype":"text","text":{"content":"hi"},"customservice":{"kf_account":"a@kf"}}`, 0},
		{"image", `{"touser":"u1","msgtype":"image","image":{"media_id":"M"}}`, 0},
		{"voice", `{"touser":"u1","msgtype":"voice","voice":{"media_id":"M"}}`, 0},
		{"video", `{"touser":"u1","msgtype":"video","video":{"media_id":"M","thumb_media_id":"T","title":"t","description":"d"}}`, 0},
		{"music", `{"touser":"u1","msgtype":"music","music":{"title":"t","description":"d","musicurl":"http://a/","hqmusicurl":"http://b/","thumb_media_id":"T"}}`, 0},
		{"news", `{"touser":"u1","msgtype":"news","news":{"articles":[{"title":"t","description":"d","url":"http://a/","picurl":"http://b/"}]}}`, 0},
		{"mpnews", `{"touser":"u1","msgtype":"mpnews","mpnews":{"media_id":"M"}}`, 0},
		{"msgmenu", `{"touser":"u1","msgtype":"msgmenu","msgmenu":{"head_content":"h","list":[{"id":"1","content":"yes"}],"tail_content":"t"}}`, 0},
		{"miniprogrampage", `{"touser":"u1","msgtype":"miniprogrampage","miniprogrampage":{"title":"t","appid":"wx1","pagepath":"p","thumb_media_id":"T"}}`, 0},
		{"unknown user", `{"touser":"u2","msgtype":"text","text":{"content":"hi"}}`, 40003},
		{"unsubscribed", `{"touser":"gone","msgtype":"text","text":{"content":"hi"}}`, 43004},
		{"outside window", `{"touser":"late","msgtype":"text","text":{"content":"hi"}}`, 45015},
		{"empty text", `{"touser":"u1","msgtype":"text","text":{"content":""}}`, 44004},
		{"no object", `{"touser":"u1","msgtype":"text"}`, 40008},
		{"other object", `{"touser":"u1","msgtype":"text","text":{"content":"a"},"image":{"media_id":"M"}}`, 40008},
		{"unknown type", `{"touser":"u1","msgtype":"sticker"}`, 40008},
		{"no media", `{"touser":"u1","msgtype":"image","image":{}}`, 40007},
		{"two articles", `{"touser":"u1","msgtype":"news","news":{"articles":[{"title":"a"},{"title":"b"}]}}`, 45008},
		{"no articles", `{"touser":"u1","msgtype":"news","news":{"articles":[]}}`, 44003},
		{"misspelt key", `{"touser":"u1","msgtype":"music","music":{"musicUrl":"x","thumb_media_id":"T"}}`, 47001},
		{"escaped", `{"touser":"u1","msgtype":"text","text":{"content":"\u4f60\u597d"}}`, 40033},
		{"empty menu", `{"touser":"u1","msgtype":"msgmenu","msgmenu":{"list":[]}}`, 40097},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := post(t, s, wxmptest.APICustomSendPath, tc.body)
			assert.Equal(t, tc.code, errcode(m), m["errmsg"])
		})
	}
	sent := s.Sent("u1")
	require.Len(t, sent, 10)
	assert.Equal(t, "text", sent[0].Kind)
	assert.Equal(t, "a@kf", sent[1].KFAccount)
	assert.JSONEq(t, `{"touser":"u1","msgtype":"image","image":{"media_id":"M"}}`, string(sent[2].Body))
	assert.Empty(t, s.Sent("gone"))

	// An expired media_id the fake issued is refused.
	id := s.AddMedia("image", "a.png", pngBytes)
	assert.Zero(t, errcode(post(t, s, wxmptest.APICustomSendPath, `{"touser":"u1","msgtype":"image","image":{"media_id":"`+id+`"}}`)))
	s.Advance(wxmptest.APIMediaLifetime)
	assert.Equal(t, 40007, errcode(post(t, s, wxmptest.APICustomSendPath, `{"touser":"u1","msgtype":"image","image":{"media_id":"`+id+`"}}`)))
}

func TestAPITyping(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	assert.Zero(t, errcode(post(t, s, wxmptest.APICustomTypingPath, `{"touser":"`+wxmptest.DefaultOpenID+`","command":"Typing"}`)))
	assert.Equal(t, 45072, errcode(post(t, s, wxmptest.APICustomTypingPath, `{"touser":"`+wxmptest.DefaultOpenID+`","command":"typing"}`)))
	sent := s.Sent(wxmptest.DefaultOpenID)
	require.Len(t, sent, 1)
	assert.Equal(t, "Typing", sent[0].Kind)
	assert.Equal(t, wxmptest.APICustomTypingPath, sent[0].Path)
}

func TestAPITemplate(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	tid := wxmptest.DefaultAPITemplates()[0].TemplateID
	body := `{"touser":"` + wxmptest.DefaultOpenID + `","template_id":"` + tid + `","url":"https://a.example/","client_msg_id":"c1","data":{"keyword1":{"value":"1","color":"#173177"}}}`
	m := post(t, s, wxmptest.APITemplateSendPath, body)
	require.Zero(t, errcode(m), m["errmsg"])
	assert.Equal(t, "ok", m["errmsg"])
	// The msgid has 19 digits: decode it as an int64, not a float.
	_, _, b := raw(t, s, http.MethodPost, wxmptest.APITemplateSendPath, nil, "application/json", strings.NewReader(body))
	var v struct{ MsgID int64 }
	require.NoError(t, json.Unmarshal(b, &v))
	sent := s.Sent(wxmptest.DefaultOpenID)
	require.Len(t, sent, 1, "the repeated client_msg_id is not sent again")
	assert.Equal(t, sent[0].MsgID, v.MsgID)
	assert.Greater(t, v.MsgID, int64(1e18))

	assert.Equal(t, 40037, errcode(post(t, s, wxmptest.APITemplateSendPath, `{"touser":"`+wxmptest.DefaultOpenID+`","template_id":"nope","data":{}}`)))
	assert.Equal(t, 47001, errcode(post(t, s, wxmptest.APITemplateSendPath, `{"touser":"`+wxmptest.DefaultOpenID+`","template_id":"`+tid+`"}`)))
	assert.Equal(t, 40003, errcode(post(t, s, wxmptest.APITemplateSendPath, `{"touser":"x","template_id":"`+tid+`","data":{}}`)))

	l := get(t, s, wxmptest.APITemplateListPath, nil)
	list, _ := l["template_list"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, tid, list[0].(map[string]any)["template_id"])
}

func TestAPIMenu(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	assert.Equal(t, 46003, errcode(get(t, s, wxmptest.APIMenuGetPath, nil)))
	menu := `{"button":[{"type":"click","name":"今日歌曲","key":"V1001"},{"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"http://www.soso.com/"},{"type":"miniprogram","name":"wxa","url":"http://mp.weixin.qq.com","appid":"wx286b93c14bbf93aa","pagepath":"pages/lunar/index"}]}]}`
	require.Zero(t, errcode(post(t, s, wxmptest.APIMenuCreatePath, menu)))
	got := get(t, s, wxmptest.APIMenuGetPath, nil)
	b, _ := json.Marshal(got["menu"].(map[string]any)["button"])
	assert.JSONEq(t, `[{"type":"click","name":"今日歌曲","key":"V1001","sub_button":[]},{"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"http://www.soso.com/","sub_button":[]},{"type":"miniprogram","name":"wxa","url":"http://mp.weixin.qq.com","appid":"wx286b93c14bbf93aa","pagepath":"pages/lunar/index","sub_button":[]}]}]`, string(b))
	assert.NotNil(t, s.Menu())

	long := strings.Repeat("x", 17)
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"no buttons", `{"button":[]}`, 40016},
		{"four buttons", `{"button":[{"type":"click","name":"a","key":"k"},{"type":"click","name":"a","key":"k"},{"type":"click","name":"a","key":"k"},{"type":"click","name":"a","key":"k"}]}`, 40016},
		{"bad type", `{"button":[{"type":"tap","name":"a","key":"k"}]}`, 40017},
		{"long name", `{"button":[{"type":"click","name":"` + long + `","key":"k"}]}`, 40018},
		{"no key", `{"button":[{"type":"click","name":"a"}]}`, 40019},
		{"no url", `{"button":[{"type":"view","name":"a"}]}`, 40020},
		{"six subs", `{"button":[{"name":"m","sub_button":[` + strings.Repeat(`{"type":"click","name":"a","key":"k"},`, 5) + `{"type":"click","name":"a","key":"k"}]}]}`, 40023},
		{"bad sub type", `{"button":[{"name":"m","sub_button":[{"type":"tap","name":"a","key":"k"}]}]}`, 40024},
		{"no action", `{"button":[{"name":"m"}]}`, 65308},
		{"escaped", `{"button":[{"type":"click","name":"\u4eca","key":"k"}]}`, 40033},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.code, errcode(post(t, s, wxmptest.APIMenuCreatePath, tc.body)))
		})
	}
	assert.Zero(t, errcode(get(t, s, wxmptest.APIMenuDeletePath, nil)))
	assert.Equal(t, 46003, errcode(get(t, s, wxmptest.APIMenuGetPath, nil)))
	assert.Nil(t, s.Menu())
}

var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	mp4Bytes  = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00")
	amrBytes  = []byte("#!AMR\n\x3c\x00")
)

// upload posts data as the multipart file part named field.
func upload(t *testing.T, s *wxmptest.APIServer, typ, field string, data []byte) map[string]any {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, err := mw.CreateFormFile(field, "file.bin")
	require.NoError(t, err)
	_, _ = w.Write(data)
	require.NoError(t, mw.Close())
	status, _, body := raw(t, s, http.MethodPost, wxmptest.APIMediaUploadPath, url.Values{"type": {typ}}, mw.FormDataContentType(), &b)
	require.Equal(t, http.StatusOK, status)
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	return m
}

func TestAPIMedia(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s := newAPI(t, wxmptest.WithAPINow(clock.Now))

	m := upload(t, s, "image", "media", pngBytes)
	require.Zero(t, errcode(m), m["errmsg"])
	assert.Equal(t, "image", m["type"])
	assert.Equal(t, float64(1_700_000_000), m["created_at"])
	id := m["media_id"].(string)
	status, h, body := raw(t, s, http.MethodGet, wxmptest.APIMediaGetPath, url.Values{"media_id": {id}}, "", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, pngBytes, body)
	assert.Equal(t, "image/png", h.Get("Content-Type"))
	assert.Equal(t, `attachment; filename=file.bin`, h.Get("Content-Disposition"))

	th := upload(t, s, "thumb", "media", jpegBytes)
	assert.NotEmpty(t, th["thumb_media_id"], "a thumb's id comes as thumb_media_id")
	assert.Nil(t, th["media_id"])

	v := upload(t, s, "video", "media", mp4Bytes)
	require.Zero(t, errcode(v))
	g := get(t, s, wxmptest.APIMediaGetPath, url.Values{"media_id": {v["media_id"].(string)}})
	vu, _ := g["video_url"].(string)
	require.NotEmpty(t, vu)
	res, err := s.Client().Get(vu)
	require.NoError(t, err)
	vb, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, mp4Bytes, vb)

	assert.Zero(t, errcode(upload(t, s, "voice", "media", amrBytes)))
	assert.Equal(t, 40004, errcode(upload(t, s, "file", "media", pngBytes)))
	assert.Equal(t, 41005, errcode(upload(t, s, "image", "file", pngBytes)))
	assert.Equal(t, 40005, errcode(upload(t, s, "thumb", "media", pngBytes)))
	assert.Equal(t, 40005, errcode(upload(t, s, "voice", "media", pngBytes)))
	assert.Equal(t, 40006, errcode(upload(t, s, "image", "media", nil)))
	assert.Equal(t, 45001, errcode(upload(t, s, "thumb", "media", append(append([]byte{}, jpegBytes...), make([]byte, 64<<10)...))))

	assert.Equal(t, 41006, errcode(get(t, s, wxmptest.APIMediaGetPath, nil)))
	assert.Equal(t, 40007, errcode(get(t, s, wxmptest.APIMediaGetPath, url.Values{"media_id": {"nope"}})))
	s.Advance(wxmptest.APIMediaLifetime)
	assert.Equal(t, 40007, errcode(get(t, s, wxmptest.APIMediaGetPath, url.Values{"media_id": {id}})), "expired after 3 days")
	got, ok := s.Media(id)
	require.True(t, ok)
	assert.Equal(t, "image", got.Type)
}

func TestAPIQRCode(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	for _, tc := range []struct {
		name, body string
		code       int
		expire     float64
	}{
		{"temporary", `{"expire_seconds":604800,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":123}}}`, 0, 604800},
		{"temporary default", `{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"test"}}}`, 0, 60},
		{"permanent", `{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100000}}}`, 0, 0},
		{"permanent string", `{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"` + strings.Repeat("码", 64) + `"}}}`, 0, 0},
		{"bad action", `{"action_name":"QR_X","action_info":{"scene":{"scene_id":1}}}`, 40052, 0},
		{"zero scene", `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":0}}}`, 40053, 0},
		{"permanent over", `{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100001}}}`, 40053, 0},
		{"long string", `{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"` + strings.Repeat("a", 65) + `"}}}`, 40053, 0},
		{"expire over", `{"expire_seconds":2592001,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}`, 40097, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := post(t, s, wxmptest.APIQRCodeCreatePath, tc.body)
			require.Equal(t, tc.code, errcode(m), m["errmsg"])
			if tc.code != 0 {
				return
			}
			assert.NotEmpty(t, m["ticket"])
			assert.True(t, strings.HasPrefix(m["url"].(string), "http://weixin.qq.com/q/"))
			if tc.expire == 0 {
				assert.NotContains(t, m, "expire_seconds")
			} else {
				assert.Equal(t, tc.expire, m["expire_seconds"])
			}
		})
	}
	codes := s.QRCodes()
	require.Len(t, codes, 4)
	assert.Equal(t, int64(123), codes[0].SceneID)
	assert.Contains(t, codes[0].Ticket, "+")

	show := func(ticket string) (int, string) {
		res, err := s.Client().Get(s.URL + wxmptest.APIShowQRCodePath + "?ticket=" + url.QueryEscape(ticket))
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, http.DetectContentType(b)
	}
	status, ct := show(codes[0].Ticket)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "image/jpeg", ct)
	status, _ = show("nope")
	assert.Equal(t, http.StatusNotFound, status)
	res, err := s.Client().Get(s.URL + wxmptest.APIShowQRCodePath + "?ticket=" + codes[0].Ticket)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "an unescaped ticket loses its '+'")
	s.Advance(61 * time.Second)
	status, _ = show(codes[1].Ticket)
	assert.Equal(t, http.StatusNotFound, status, "expired")
	status, _ = show(codes[2].Ticket)
	assert.Equal(t, http.StatusOK, status, "permanent")
}

func TestAPIUserInfo(t *testing.T) {
	t.Parallel()
	s := newAPI(t, wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: "u1", UnionID: "un1", TagIDs: []int{128, 2}, QRScene: 98765, SubscribeTime: 1382694957},
		wxmptest.APIUser{OpenID: "gone", Unsubscribed: true},
	))
	m := get(t, s, wxmptest.APIUserInfoPath, url.Values{"openid": {"u1"}, "lang": {"en"}})
	b, _ := json.Marshal(m)
	assert.JSONEq(t, `{"subscribe":1,"openid":"u1","nickname":"","sex":0,"language":"zh_CN","city":"","province":"","country":"","headimgurl":"","subscribe_time":1382694957,"unionid":"un1","remark":"","groupid":0,"tagid_list":[128,2],"subscribe_scene":"ADD_SCENE_QR_CODE","qr_scene":98765,"qr_scene_str":""}`, string(b))
	m = get(t, s, wxmptest.APIUserInfoPath, url.Values{"openid": {"gone"}})
	b, _ = json.Marshal(m)
	assert.JSONEq(t, `{"subscribe":0,"openid":"gone"}`, string(b))
	assert.Equal(t, 40003, errcode(get(t, s, wxmptest.APIUserInfoPath, url.Values{"openid": {"x"}})))
	assert.Equal(t, 41009, errcode(get(t, s, wxmptest.APIUserInfoPath, nil)))
	assert.Equal(t, 40097, errcode(get(t, s, wxmptest.APIUserInfoPath, url.Values{"openid": {"u1"}, "lang": {"fr"}})))

	m = post(t, s, wxmptest.APIUserInfoBatchGetPath, `{"user_list":[{"openid":"gone"},{"openid":"u1","lang":"zh_CN"}]}`)
	list, _ := m["user_info_list"].([]any)
	require.Len(t, list, 2)
	assert.Equal(t, "gone", list[0].(map[string]any)["openid"])
	assert.Equal(t, 40097, errcode(post(t, s, wxmptest.APIUserInfoBatchGetPath, `{"user_list":[]}`)))
	many := strings.TrimSuffix(strings.Repeat(`{"openid":"u1"},`, 101), ",")
	assert.Equal(t, 40097, errcode(post(t, s, wxmptest.APIUserInfoBatchGetPath, `{"user_list":[`+many+`]}`)))
}

func TestAPICallbackIP(t *testing.T) {
	t.Parallel()
	s := newAPI(t, wxmptest.WithAPICallbackIPs("101.226.103.0/25", "127.0.0.1"))
	b, _ := json.Marshal(get(t, s, wxmptest.APICallbackIPPath, nil))
	assert.JSONEq(t, `{"ip_list":["101.226.103.0/25","127.0.0.1"]}`, string(b))
}

func TestAPITokenChecks(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	for _, path := range []string{wxmptest.APICallbackIPPath, wxmptest.APIMenuGetPath, wxmptest.APIUserInfoPath, wxmptest.APITemplateListPath} {
		assert.Equal(t, 41001, errcode(get(t, s, path, url.Values{"access_token": {""}})), path)
		assert.Equal(t, 40001, errcode(get(t, s, path, url.Values{"access_token": {"FAKEAPITOKENX"}})), path)
	}
	old := s.Token()
	s.Advance(wxmptest.APITokenLifetime)
	assert.Equal(t, 42001, errcode(get(t, s, wxmptest.APICallbackIPPath, url.Values{"access_token": {old}})))
	// A POST endpoint called with GET, and the reverse.
	assert.Equal(t, 43002, errcode(get(t, s, wxmptest.APICustomSendPath, nil)))
	assert.Equal(t, 43001, errcode(post(t, s, wxmptest.APICallbackIPPath, `{}`)))
}

func TestAPIPage(t *testing.T) {
	t.Parallel()
	s := newAPI(t)
	post(t, s, wxmptest.APICustomSendPath, `{"touser":"`+wxmptest.DefaultOpenID+`","msgtype":"text","text":{"content":"<script>alert(1)</script>"}}`)
	status, h, b := raw(t, s, http.MethodGet, "/", nil, "", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
	assert.Contains(t, string(b), wxmptest.DefaultOpenID)
	assert.Contains(t, string(b), "&lt;script&gt;")
	assert.NotContains(t, string(b), "<script>")
	for _, secret := range s.Secrets() {
		assert.NotContains(t, string(b), secret)
	}
}
