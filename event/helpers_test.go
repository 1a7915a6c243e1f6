package event_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
)

// parseAs parses a testdata payload and asserts its type.
func parseAs[T event.Event](t *testing.T, file string) T {
	t.Helper()
	got, err := event.Parse(readFixture(t, file))
	require.NoError(t, err)
	e, ok := got.(T)
	require.True(t, ok, "Parse(%s) returned %T", file, got)
	return e
}

func TestSubscribeQRScene(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		wantScene string
		wantQR    bool
	}{
		{"wechatpy_subscribe_qrscene.xml", "123123", true},
		{"easywechat_subscribe_qrscene.xml", "123123", true},
		{"wechatpy_subscribe.xml", "", false},
		// A follow from a WeChat Scan product page has an EventKey but is
		// not a QR-code follow.
		{"wechatpy_subscribe_scan_product.xml", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			e := parseAs[*event.Subscribe](t, tt.file)
			scene, ok := e.QRScene()
			assert.Equal(t, tt.wantScene, scene)
			assert.Equal(t, tt.wantQR, ok)
		})
	}

	t.Run("string scene and white space", func(t *testing.T) {
		t.Parallel()
		e := &event.Subscribe{EventKey: " qrscene_promo_2024 "}
		scene, ok := e.QRScene()
		assert.True(t, ok)
		assert.Equal(t, "promo_2024", scene)
	})
}

// TestScanQRScene checks that Scan.QRScene has Subscribe.QRScene's shape,
// so that callers treat both alike: the scene value, and whether there is
// one.
func TestScanQRScene(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e         *event.Scan
		wantScene string
		wantOK    bool
	}{
		{parseAs[*event.Scan](t, "wechatpy_scan.xml"), "SCENE_VALUE", true},
		{&event.Scan{EventKey: "qrscene_42"}, "42", true},
		{&event.Scan{EventKey: " 7 "}, "7", true},
		{&event.Scan{}, "", false},
		{&event.Scan{EventKey: " "}, "", false},
	}
	for _, tt := range tests {
		scene, ok := tt.e.QRScene()
		assert.Equal(t, tt.wantScene, scene, "%q", tt.e.EventKey)
		assert.Equal(t, tt.wantOK, ok, "%q", tt.e.EventKey)
	}
	// One signature for both.
	var _ interface{ QRScene() (string, bool) } = (*event.Subscribe)(nil)
	var _ interface{ QRScene() (string, bool) } = (*event.Scan)(nil)
}

func TestCreateTime(t *testing.T) {
	t.Parallel()
	e := parseAs[*event.MassSendJobFinish](t, "wechatpy_masssendjobfinish_copyright.xml")
	assert.True(t, e.Time().Equal(time.Date(2016, 12, 6, 8, 37, 39, 0, time.UTC)), "got %v", e.Time())
}

func TestTemplateSendJobFinishSucceeded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want bool
	}{
		{"wechatpy_templatesendjobfinish.xml", true},
		{"doc_templatesendjobfinish_system_failed.xml", false},
		{"doc_templatesendjobfinish_user_block.xml", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, parseAs[*event.TemplateSendJobFinish](t, tt.file).Succeeded())
		})
	}
}

func TestMassSendJobFinishStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    string
		succeeded bool
		code      event.MassSendErr
		hasCode   bool
	}{
		{"send success", true, 0, false},
		{" Send Success ", true, 0, false},
		{"send fail", false, 0, false},
		{"err(30003)", false, 30003, true},
		{"err(20013)", false, event.MassSendErrCopyright, true},
		{"ERR( 10001 )", false, event.MassSendErrAds, true},
		{"err()", false, 0, false},
		{"err(abc)", false, 0, false},
		{"err(1", false, 0, false},
		{"", false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			t.Parallel()
			e := &event.MassSendJobFinish{Status: tt.status}
			assert.Equal(t, tt.succeeded, e.Succeeded())
			code, ok := e.ErrCode()
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.hasCode, ok)
		})
	}

	t.Run("captured err(30003)", func(t *testing.T) {
		t.Parallel()
		e := parseAs[*event.MassSendJobFinish](t, "wechatpy_masssendjobfinish_copyright.xml")
		code, ok := e.ErrCode()
		require.True(t, ok)
		assert.Equal(t, event.MassSendErr(30003), code)
		assert.False(t, e.Succeeded())
		assert.Equal(t, "err(30003)", code.String())
	})
	t.Run("documented send success", func(t *testing.T) {
		t.Parallel()
		e := parseAs[*event.MassSendJobFinish](t, "doc_masssendjobfinish_success.xml")
		assert.True(t, e.Succeeded())
		_, ok := e.ErrCode()
		assert.False(t, ok)
	})
}

func TestMassSendErrString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "advertising", event.MassSendErrAds.String())
	assert.Equal(t, "copyright infringement", event.MassSendErrCopyright.String())
	assert.Equal(t, "mutual promotion", event.MassSendErrPromotion.String())
	assert.Equal(t, "err(12345)", event.MassSendErr(12345).String())
}

func TestPublishStatus(t *testing.T) {
	t.Parallel()
	ok := parseAs[*event.PublishJobFinish](t, "doc_publishjobfinish_success.xml")
	assert.True(t, ok.Succeeded())
	assert.Equal(t, "published", ok.PublishEventInfo.PublishStatus.String())

	failed := parseAs[*event.PublishJobFinish](t, "doc_publishjobfinish_fail.xml")
	assert.False(t, failed.Succeeded())
	assert.Equal(t, event.PublishOriginalFailed, failed.PublishEventInfo.PublishStatus)
	assert.Equal(t, "originality declaration failed", failed.PublishEventInfo.PublishStatus.String())

	want := map[event.PublishStatus]int{
		event.PublishSucceeded: 0, event.PublishPublishing: 1, event.PublishOriginalFailed: 2, event.PublishFailed: 3,
		event.PublishAuditFailed: 4, event.PublishDeletedByUser: 5, event.PublishBannedBySystem: 6,
	}
	seen := make(map[string]bool)
	for s, n := range want {
		assert.Equal(t, n, int(s))
		assert.NotContains(t, s.String(), "publish_status", "documented value %d has no meaning", n)
		assert.False(t, seen[s.String()], "two statuses read %q", s.String())
		seen[s.String()] = true
	}
	assert.Equal(t, "publish_status 9", event.PublishStatus(9).String())
}

func TestSubscribeMsgPopupAccepted(t *testing.T) {
	t.Parallel()
	e := parseAs[*event.SubscribeMsgPopup](t, "wechatpy_subscribe_msg_popup_event.xml")
	require.Len(t, e.List, 2)
	assert.True(t, e.List[0].Accepted())
	assert.False(t, e.List[1].Accepted())
	assert.Equal(t, event.PopupSceneArticle, e.List[0].PopupScene)
}

func TestParseUnknownKeepsRaw(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "doc_unknown_event.xml")
	got, err := event.Parse(body)
	require.NoError(t, err)
	want := &event.Unknown{
		Header: hdr(gh, user, 1700000033),
		Event:  "brand_new_event",
		Raw:    bytes.TrimSpace(body),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	// Raw is a copy: changing the input afterwards does not change it.
	body[0] = 'X'
	assert.Equal(t, byte('<'), got.(*event.Unknown).Raw[0])
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want error
	}{
		{"empty", "", event.ErrEmptyBody},
		{"white space", " \n\t", event.ErrEmptyBody},
		{"not XML", "subscribe", event.ErrNotXML},
		{"truncated", "<xml><MsgType>event</MsgType><Event>subscribe", event.ErrNotXML},
		{"wrong root", "<root><MsgType>event</MsgType><Event>subscribe</Event></root>", event.ErrRootElement},
		{"no MsgType", "<xml><Event>subscribe</Event></xml>", event.ErrNoMsgType},
		{"not an event", "<xml><MsgType>text</MsgType><Event>subscribe</Event></xml>", event.ErrNotEvent},
		{"no Event", "<xml><MsgType>event</MsgType></xml>", event.ErrNoEvent},
		{"empty Event", "<xml><MsgType>event</MsgType><Event> </Event></xml>", event.ErrNoEvent},
		{"bad MsgID", "<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><MsgID>north</MsgID></xml>", event.ErrInvalidNumber},
		{"bad CreateTime", "<xml><CreateTime>soon</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>", event.ErrInvalidNumber},
		{"MsgID overflow", "<xml><MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>99999999999999999999</MsgID></xml>", event.ErrInvalidNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := event.Parse([]byte(tt.body))
			assert.Nil(t, got)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.want), "got %v, want %v", err, tt.want)
		})
	}

	t.Run("captured text message", func(t *testing.T) {
		t.Parallel()
		// A text message that also carries event fields is not an event.
		got, err := event.Parse(readFixture(t, "wxjava_testFromXml.xml"))
		assert.Nil(t, got)
		assert.ErrorIs(t, err, event.ErrNotEvent)
	})
}

func TestParseNumbersAreLenient(t *testing.T) {
	t.Parallel()
	// Empty numeric elements are zero; CDATA and surrounding white space
	// are accepted.
	body := `<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event>
<MsgID><![CDATA[ 1000001625 ]]></MsgID><Status>send fail</Status>
<TotalCount></TotalCount><SentCount>
 7 </SentCount></xml>`
	got, err := event.Parse([]byte(body))
	require.NoError(t, err)
	want := &event.MassSendJobFinish{
		Header: event.Header{MsgType: "event"}, Event: "MASSSENDJOBFINISH",
		MsgID: 1000001625, Status: "send fail", SentCount: 7,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}
