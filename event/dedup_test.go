package event_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
)

// keyFields lists, per event name, the fields (Go names; "List[].X" for a
// field of a list's items) that tell two events of one sender in one
// second apart, so DedupKey must change with each. Every event's key also
// covers ToUserName, FromUserName, CreateTime, Event and, where the type
// has one, EventKey, which TestDedupKey checks for all.
func keyFields() map[string][]string {
	return map[string][]string{
		event.NameSubscribe:       {"Ticket"},
		event.NameUnsubscribe:     nil,
		event.NameScan:            {"Ticket"},
		event.NameLocation:        {"Latitude", "Longitude", "Precision"},
		event.NameClick:           nil,
		event.NameView:            {"MenuID"},
		event.NameViewMiniProgram: {"MenuID"},
		event.NameScanCodePush:    {"ScanCodeInfo.ScanType", "ScanCodeInfo.ScanResult"},
		event.NameScanCodeWaitMsg: {"ScanCodeInfo.ScanType", "ScanCodeInfo.ScanResult"},
		event.NamePicSysPhoto:     {"SendPicsInfo.Count", "SendPicsInfo.PicList[].PicMD5Sum"},
		event.NamePicPhotoOrAlbum: {"SendPicsInfo.Count", "SendPicsInfo.PicList[].PicMD5Sum"},
		event.NamePicWeixin:       {"SendPicsInfo.Count", "SendPicsInfo.PicList[].PicMD5Sum"},
		event.NameLocationSelect: {"SendLocationInfo.LocationX", "SendLocationInfo.LocationY", "SendLocationInfo.Scale",
			"SendLocationInfo.Label", "SendLocationInfo.PoiName"},

		event.NameTemplateSendJobFinish: {"MsgID", "Status"},
		event.NameMassSendJobFinish:     {"MsgID", "Status"},
		event.NamePublishJobFinish:      {"PublishEventInfo.PublishID", "PublishEventInfo.PublishStatus"},
		event.NameFreePublishJobFinish:  {"PublishEventInfo.PublishID", "PublishEventInfo.PublishStatus"},

		event.NameSubscribeMsgPopup:  {"List[].TemplateID", "List[].SubscribeStatusString", "List[].PopupScene"},
		event.NameSubscribeMsgChange: {"List[].TemplateID", "List[].SubscribeStatusString"},
		event.NameSubscribeMsgSent:   {"List[].TemplateID", "List[].MsgID", "List[].ErrorCode", "List[].ErrorStatus"},

		event.NameKfCreateSession: {"KfAccount"},
		event.NameKfCloseSession:  {"KfAccount"},
		event.NameKfSwitchSession: {"FromKfAccount", "ToKfAccount"},

		event.NameCardPassCheck:            {"CardID"},
		event.NameCardNotPassCheck:         {"CardID", "RefuseReason"},
		event.NameUserGetCard:              {"CardID", "UserCardCode", "OldUserCardCode", "FriendUserName", "OuterID", "OuterStr"},
		event.NameUserGiftingCard:          {"CardID", "UserCardCode", "FriendUserName", "IsReturnBack"},
		event.NameUserDelCard:              {"CardID", "UserCardCode"},
		event.NameUserConsumeCard:          {"CardID", "UserCardCode", "ConsumeSource", "StaffOpenID", "OuterStr"},
		event.NameUserPayFromPayCell:       {"CardID", "UserCardCode", "TransID"},
		event.NameUserViewCard:             {"CardID", "UserCardCode", "OuterStr"},
		event.NameUserEnterSessionFromCard: {"CardID", "UserCardCode"},
		event.NameUpdateMemberCard:         {"CardID", "UserCardCode", "ModifyBonus", "ModifyBalance"},
		event.NameCardSkuRemind:            {"CardID", "Detail"},
		event.NameCardPayOrder:             {"OrderID", "Status"},
		event.NameSubmitMemberCardUserInfo: {"CardID", "UserCardCode"},
		event.NameGiftCardPayDone:          {"PageID", "OrderID"},
		event.NameGiftCardSendToFriend:     {"PageID", "OrderID", "IsChatRoom", "IsReturnBack"},
		event.NameGiftCardUserAccept:       {"PageID", "OrderID"},

		event.NameQualificationVerifySuccess:    {"ExpiredTime"},
		event.NameQualificationVerifyFail:       {"FailTime", "FailReason"},
		event.NameNamingVerifySuccess:           {"ExpiredTime"},
		event.NameNamingVerifyFail:              {"FailTime", "FailReason"},
		event.NameAnnualRenew:                   {"ExpiredTime"},
		event.NameVerifyExpired:                 {"ExpiredTime"},
		event.NameUserInfoModified:              {"OpenID", "UnionID", "AppID", "PluginID", "OpenPID"},
		event.NameUserAuthorizationRevoke:       {"OpenID", "UnionID", "AppID", "RevokeInfo", "PluginID", "OpenPID"},
		event.NameUserAuthorizationCancellation: {"OpenID", "UnionID", "AppID", "PluginID", "OpenPID"},

		event.NamePoiCheckNotify:              {"UniqID", "PoiID", "Result"},
		event.NameWifiConnected:               {"ConnectTime", "ShopID", "PlaceID", "DeviceNo"},
		event.NameShakearoundUserShake:        {"ChosenBeacon.UUID", "ChosenBeacon.Major", "ChosenBeacon.Minor", "ChosenBeacon.Distance"},
		event.NameMerchantOrder:               {"OrderID", "OrderStatus"},
		event.NameUserScanProduct:             {"KeyStandard", "KeyStr", "ExtInfo", "Scene"},
		event.NameUserScanProductEnterSession: {"KeyStandard", "KeyStr", "ExtInfo"},
		event.NameUserScanProductAsync:        {"KeyStandard", "KeyStr", "ExtInfo", "RegionCode"},
		event.NameUserScanProductVerifyAction: {"KeyStandard", "KeyStr", "Result"},
		event.NameUserAuthorizeInvoice:        {"SuccOrderID", "FailOrderID", "AuthorizeAppID", "AppID"},
		event.NameUpdateInvoiceStatus:         {"CardID", "Code", "Status"},
		event.NameSubmitInvoiceTitle:          {"Title", "Phone", "TaxNo", "Addr", "BankType", "BankNo", "Attach", "TitleType"},
		event.NameWxaMediaCheck:               {"TraceID", "IsRisky", "StatusCode"},
		event.NameWeappAuditSuccess:           {"SuccTime"},
		event.NameWeappAuditFail:              {"FailTime", "Reason"},
		event.NameWeappAuditDelay:             {"DelayTime", "Reason"},
	}
}

// withField returns a new value of e's type with the given header and
// Event, and the field at path (see keyFields) set to the i-th of two
// sample values.
func withField(t *testing.T, e event.Event, h event.Header, name, path string, i int) event.Event {
	t.Helper()
	v := reflect.New(reflect.TypeOf(e).Elem())
	v.Elem().FieldByName("Header").Set(reflect.ValueOf(h))
	v.Elem().FieldByName("Event").SetString(name)
	if path != "" {
		setPath(t, v.Elem(), strings.Split(path, "."), i)
	}
	return v.Interface().(event.Event)
}

func setPath(t *testing.T, v reflect.Value, path []string, i int) {
	t.Helper()
	name, list := strings.CutSuffix(path[0], "[]")
	f := v.FieldByName(name)
	require.True(t, f.IsValid(), "no field %s in %v", name, v.Type())
	if list {
		f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		f = f.Index(0)
	}
	if len(path) > 1 {
		setPath(t, f, path[1:], i)
		return
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString([]string{"a", "b"}[i])
	case reflect.Int, reflect.Int64:
		f.SetInt(int64(i + 1))
	case reflect.Float64:
		f.SetFloat(0.5 + float64(i))
	case reflect.Bool:
		// A boolean has one value other than the zero one.
		f.SetBool(true)
	default:
		t.Fatalf("%s: cannot set a %v", name, f.Kind())
	}
}

// TestDedupKey checks DedupKey and EventName on every event type: the
// same push gives the same key, and the header, the event name, EventKey
// and each of the type's distinguishing fields change it.
func TestDedupKey(t *testing.T) {
	t.Parallel()
	fields := keyFields()
	table := nameTable()
	require.Len(t, fields, len(table))
	h := event.Header{ToUserName: "gh_1", FromUserName: "o_1", CreateTime: 1700000000, MsgType: "event"}
	for name, proto := range table {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			paths, ok := fields[name]
			require.True(t, ok, "keyFields lacks %s", name)
			base := withField(t, proto, h, name, "", 0)
			key := base.DedupKey()
			assert.Equal(t, name, base.EventName())
			assert.Equal(t, key, withField(t, proto, h, name, "", 0).DedupKey(), "the same event")

			// The key of the same push, parsed twice from two buffers.
			body := minimalPush(t, name)
			first, err := event.Parse(body)
			require.NoError(t, err)
			second, err := event.Parse(append([]byte(nil), body...))
			require.NoError(t, err)
			assert.Equal(t, first.DedupKey(), second.DedupKey())
			assert.Equal(t, name, first.EventName())

			keys := map[string]string{key: "base"}
			differ := func(what string, e event.Event) {
				t.Helper()
				k := e.DedupKey()
				if other, dup := keys[k]; dup {
					t.Errorf("%s gives the key of %s: %q", what, other, k)
				}
				keys[k] = what
			}
			for _, hh := range []event.Header{
				{ToUserName: "gh_2", FromUserName: h.FromUserName, CreateTime: h.CreateTime, MsgType: h.MsgType},
				{ToUserName: h.ToUserName, FromUserName: "o_2", CreateTime: h.CreateTime, MsgType: h.MsgType},
				{ToUserName: h.ToUserName, FromUserName: h.FromUserName, CreateTime: h.CreateTime + 1, MsgType: h.MsgType},
			} {
				differ("header "+hh.ToUserName+hh.FromUserName, withField(t, proto, hh, name, "", 0))
			}
			differ("another name", withField(t, proto, h, swapCase(name), "", 0))
			if _, ok := reflect.TypeOf(proto).Elem().FieldByName("EventKey"); ok {
				paths = append(paths, "EventKey")
			}
			for _, p := range paths {
				a, b := withField(t, proto, h, name, p, 0), withField(t, proto, h, name, p, 1)
				differ(p+" a", a)
				if !reflect.DeepEqual(a, b) {
					differ(p+" b", b)
				}
			}
		})
	}
}

// TestDedupKeyFieldBoundaries checks that no two different events get one
// key by moving text from one field to the next.
func TestDedupKeyFieldBoundaries(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a|b|c", "1:2:3", "3:abc", "a\x00b", "0:", "::", "10:0123456789"} {
		keys := make(map[string]string)
		for i := 0; i <= len(s); i++ {
			for _, e := range []event.Event{
				&event.Scan{Header: event.Header{ToUserName: s[:i], FromUserName: s[i:]}, Event: "SCAN"},
				&event.Scan{Event: "SCAN", EventKey: s[:i], Ticket: s[i:]},
				&event.KfSwitchSession{Event: "kf_switch_session", FromKfAccount: s[:i], ToKfAccount: s[i:]},
				&event.Click{Event: s[:i], EventKey: s[i:]},
			} {
				k := e.DedupKey()
				what := reflect.TypeOf(e).String() + " split at " + string(rune('0'+i))
				if other, dup := keys[k]; dup {
					t.Errorf("%q: %s and %s share the key %q", s, what, other, k)
				}
				keys[k] = what
			}
		}
	}
}

// TestUnknownDedupKey checks the key of an event without a type: the
// header, the name and a hash of the raw XML.
func TestUnknownDedupKey(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "doc_unknown_event.xml")
	e, err := event.Parse(body)
	require.NoError(t, err)
	u := e.(*event.Unknown)
	assert.Equal(t, u.Event, u.EventName())
	again, err := event.Parse(append([]byte(nil), body...))
	require.NoError(t, err)
	assert.Equal(t, u.DedupKey(), again.DedupKey())
	changed := *u
	changed.Raw = append([]byte(nil), u.Raw...)
	changed.Raw[len(changed.Raw)-8] ^= 1
	assert.NotEqual(t, u.DedupKey(), changed.DedupKey(), "a change in the raw XML")
	assert.NotContains(t, u.DedupKey(), string(u.Raw[len(u.Raw)/2:]), "the raw XML is hashed, not copied")
}
