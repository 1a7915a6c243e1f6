package event_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(tb, err)
	return b
}

// hdr builds the header every event push carries.
func hdr(to, from string, createTime int64) event.Header {
	return event.Header{ToUserName: to, FromUserName: from, CreateTime: createTime, MsgType: "event"}
}

const (
	gh   = "gh_abc123"
	user = "oUser123"
)

// TestParseFixtures parses every payload in testdata (captured ones and
// ones written from the documentation) and compares the whole result.
func TestParseFixtures(t *testing.T) {
	t.Parallel()
	massCopyright := event.CopyrightCheckResult{
		Count: 2,
		ResultList: []event.CopyrightItem{
			{ArticleIdx: 1, UserDeclareState: 0, AuditState: 2, OriginalArticleURL: "Url_1", OriginalArticleType: 1, CanReprint: 1, NeedReplaceContent: 1, NeedShowReprintSource: 1},
			{ArticleIdx: 2, UserDeclareState: 0, AuditState: 2, OriginalArticleURL: "Url_2", OriginalArticleType: 1, CanReprint: 1, NeedReplaceContent: 1, NeedShowReprintSource: 1},
		},
		CheckState: 2,
	}
	popupList := []event.SubscribeMsgPopupItem{
		{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "accept", PopupScene: 2},
		{TemplateID: "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI", SubscribeStatusString: "reject", PopupScene: 2},
	}
	sentList := []event.SubscribeMsgSentItem{
		{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", MsgID: 1700827132819554304, ErrorCode: 0, ErrorStatus: "success"},
	}
	const (
		card     = "pbLatjtZ7v1BG_ZnTjbW85GYc_E8"
		code     = "018255396048"
		page     = "OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU="
		order    = "Z2y2rY74ksZX1ceuGA"
		ghAuth   = "gh_870882ca4b1"
		fromAuth = "owAqB1v0ahK_Xlc7GshIDdf2yf7E"
		openID   = "owAqB1nqaOYYWl0Ng484G2z5NIwU"
		appID    = "wx13974bf780d3dc89"
		ghScan   = "gh_4e47c9c9ecad"
		fromScan = "okkeXs1nI-xU4ql8-5BXkv1f0gDo"
		ghWeapp  = "gh_fb9688c2a4b2"
		fromWa   = "od1P50M-fNQI5Gcq-trm4a7apsU8"
		menuUser = "oMgHVjngRipVsoxg6TuX3vz6glDg"
		menuGh   = "gh_e136c6e50636"
	)
	tests := []struct {
		file string
		want event.Event
	}{
		// D.1 core events.
		{"wechatpy_subscribe.xml", &event.Subscribe{Header: hdr("toUser", "FromUser", 123456789), Event: "subscribe"}},
		{"wechatpy_subscribe_qrscene.xml", &event.Subscribe{
			Header: hdr("toUser", "FromUser", 123456789), Event: "subscribe", EventKey: "qrscene_123123", Ticket: "TICKET",
		}},
		{"easywechat_subscribe_qrscene.xml", &event.Subscribe{
			Header: hdr("toUser", "fromUser", 123456789), Event: "subscribe", EventKey: "qrscene_123123", Ticket: "TICKET",
		}},
		{"wechatpy_subscribe_scan_product.xml", &event.Subscribe{
			Header: hdr("gh_fbe8a958756e", "otAzGjrS4AYCmeJM1GhEOcHXXTAo", 1433259128),
			Event:  "subscribe", EventKey: "scanbarcode|keystandard|keystr",
		}},
		{"doc_unsubscribe.xml", &event.Unsubscribe{Header: hdr(gh, user, 1700000001), Event: "unsubscribe"}},
		{"wechatpy_scan.xml", &event.Scan{
			Header: hdr("toUser", "FromUser", 123456789), Event: "SCAN", EventKey: "SCENE_VALUE", Ticket: "TICKET",
		}},
		{"wechatpy_location_event.xml", &event.Location{
			Header: hdr("toUser", "fromUser", 123456789), Event: "LOCATION",
			Latitude: 23.137466, Longitude: 113.352425, Precision: 119.385040,
		}},
		{"doc_location_cdata_spaces.xml", &event.Location{
			Header: hdr(gh, user, 1700000004), Event: "LOCATION",
			Latitude: 23.137466, Longitude: 113.352425, Precision: 119.385040,
		}},
		{"wechatpy_click.xml", &event.Click{Header: hdr("toUser", "FromUser", 123456789), Event: "CLICK", EventKey: "EVENTKEY"}},
		{"doc_click_bom_crlf.xml", &event.Click{Header: hdr(gh, user, 1700000034), Event: "CLICK", EventKey: "V1001_TODAY_MUSIC"}},
		{"wechatpy_view.xml", &event.View{Header: hdr("toUser", "FromUser", 123456789), Event: "VIEW", EventKey: "www.qq.com"}},
		{"doc_view_menuid.xml", &event.View{
			Header: hdr(gh, user, 1700000002), Event: "VIEW", EventKey: "https://example.com/page?a=1&b=2", MenuID: "208379533",
		}},
		{"senparc_view_miniprogram.xml", &event.ViewMiniProgram{
			Header: hdr("toUser", "FromUser", 123456789), Event: "view_miniprogram", EventKey: "pages/index/index", MenuID: "MENUID",
		}},
		{"wechatpy_scancode_push.xml", &event.ScanCodePush{
			Header: hdr(menuGh, menuUser, 1408090502), Event: "scancode_push", EventKey: "6",
			ScanCodeInfo: event.ScanCodeInfo{ScanType: "qrcode", ScanResult: "1"},
		}},
		{"wechatpy_scancode_waitmsg.xml", &event.ScanCodeWaitMsg{
			Header: hdr(menuGh, menuUser, 1408090606), Event: "scancode_waitmsg", EventKey: "6",
			ScanCodeInfo: event.ScanCodeInfo{ScanType: "qrcode", ScanResult: "2"},
		}},
		{"wechatpy_pic_sysphoto.xml", &event.PicSysPhoto{
			Header: hdr(menuGh, menuUser, 1408090651), Event: "pic_sysphoto", EventKey: "6",
			SendPicsInfo: event.SendPicsInfo{Count: 1, PicList: []event.PicItem{{PicMD5Sum: "1b5f7c23b5bf75682a53e7b6d163e185"}}},
		}},
		{"doc_pic_photo_or_album.xml", &event.PicPhotoOrAlbum{
			Header: hdr(gh, user, 1700000003), Event: "pic_photo_or_album", EventKey: "rselfmenu_1_1",
			SendPicsInfo: event.SendPicsInfo{Count: 2, PicList: []event.PicItem{
				{PicMD5Sum: "1b5f7c23b5bf75682a53e7b6d163e185"},
				{PicMD5Sum: "5a75aaca956d97be686719218f275c6b"},
			}},
		}},
		{"wechatpy_pic_weixin.xml", &event.PicWeixin{
			Header: hdr(menuGh, menuUser, 1408090816), Event: "pic_weixin", EventKey: "6",
			SendPicsInfo: event.SendPicsInfo{Count: 1, PicList: []event.PicItem{{PicMD5Sum: "5a75aaca956d97be686719218f275c6b"}}},
		}},
		{"wechatpy_location_select.xml", &event.LocationSelect{
			Header: hdr(menuGh, menuUser, 1408091189), Event: "location_select", EventKey: "6",
			SendLocationInfo: event.SendLocationInfo{LocationX: 23, LocationY: 113, Scale: 15, Label: "广州市海珠区客村艺苑路 106号"},
		}},

		// D.2 job results.
		{"wechatpy_templatesendjobfinish.xml", &event.TemplateSendJobFinish{
			Header: hdr("touser", "fromuser", 1395658920), Event: "TEMPLATESENDJOBFINISH", MsgID: 200163836, Status: "success",
		}},
		{"doc_templatesendjobfinish_system_failed.xml", &event.TemplateSendJobFinish{
			Header: hdr(gh, user, 1700000007), Event: "TEMPLATESENDJOBFINISH", MsgID: 200163840, Status: "failed: system failed",
		}},
		{"doc_templatesendjobfinish_user_block.xml", &event.TemplateSendJobFinish{
			Header: hdr(gh, user, 1700000008), Event: "TEMPLATESENDJOBFINISH", MsgID: 200163841, Status: "failed:user block",
		}},
		{"wechatpy_masssendjobfinish_copyright.xml", &event.MassSendJobFinish{
			Header: hdr("gh_4d00ed8d6399", "oV5CrjpxgaGXNHIQigzNlgLTnwic", 1481013459), Event: "MASSSENDJOBFINISH",
			MsgID: 1000001625, Status: "err(30003)",
			CopyrightCheckResult: massCopyright,
			ArticleURLResult: event.ArticleURLResult{
				Count: 1, ResultList: []event.ArticleURLItem{{ArticleIdx: 1, ArticleURL: "Url"}},
			},
		}},
		{"wxjava_testFromXml_MASSSENDJOBFINISH.xml", &event.MassSendJobFinish{
			Header: hdr("gh_4d00ed8d6399", "oV5CrjpxgaGXNHIQigzNlgLTnwic", 1481013459), Event: "MASSSENDJOBFINISH",
			MsgID: 1000001625, Status: "err(30003)",
			CopyrightCheckResult: massCopyright,
		}},
		{"doc_masssendjobfinish_success.xml", &event.MassSendJobFinish{
			Header: hdr(gh, user, 1700000005), Event: "MASSSENDJOBFINISH",
			MsgID: 3147483652, Status: "send success", TotalCount: 100, FilterCount: 80, SentCount: 75, ErrorCount: 5,
			CopyrightCheckResult: event.CopyrightCheckResult{CheckState: 1},
			ArticleURLResult: event.ArticleURLResult{Count: 2, ResultList: []event.ArticleURLItem{
				{ArticleIdx: 1, ArticleURL: "https://mp.weixin.qq.com/s/first"},
				{ArticleIdx: 2, ArticleURL: "https://mp.weixin.qq.com/s/second"},
			}},
		}},
		{"doc_masssendjobfinish_fail.xml", &event.MassSendJobFinish{
			Header: hdr(gh, user, 1700000006), Event: "MASSSENDJOBFINISH",
			MsgID: 1000001626, Status: "send fail", TotalCount: 10, FilterCount: 10, ErrorCount: 10,
		}},
		{"doc_publishjobfinish_success.xml", &event.PublishJobFinish{
			Header: hdr("gh_4d00ed8d6399", "mphelper", 1700000009), Event: "PUBLISHJOBFINISH",
			PublishEventInfo: event.PublishEventInfo{
				PublishID: "2247503051", PublishStatus: event.PublishSucceeded,
				ArticleID: "b5O8OUgHUsT8qjPd9YSmbRT_KlyLJIRNx8N8j2JZQ3g",
				ArticleDetail: event.ArticleDetail{Count: 2, Items: []event.ArticleDetailItem{
					{Idx: 1, ArticleURL: "https://mp.weixin.qq.com/s/article1"},
					{Idx: 2, ArticleURL: "https://mp.weixin.qq.com/s/article2"},
				}},
			},
		}},
		// The official page's example names the event FREEPUBLISHJOBFINISH.
		{"doc_freepublishjobfinish.xml", &event.PublishJobFinish{
			Header: hdr("gh_4d00ed8d6399", "oV5CrjpxgaGXNHIQigzNlgLTnwic", 1481013459), Event: "FREEPUBLISHJOBFINISH",
			PublishEventInfo: event.PublishEventInfo{
				PublishID: "2247503051", PublishStatus: event.PublishSucceeded,
				ArticleID: "b5O8OUgHUsT8qjPd9YSmbRT_KlyLJIRNx8N8j2JZQ3g",
				ArticleDetail: event.ArticleDetail{Count: 1, Items: []event.ArticleDetailItem{
					{Idx: 1, ArticleURL: "ARTICLE_URL"},
				}},
			},
		}},
		{"doc_publishjobfinish_fail.xml", &event.PublishJobFinish{
			Header: hdr("gh_4d00ed8d6399", "mphelper", 1700000010), Event: "PUBLISHJOBFINISH",
			PublishEventInfo: event.PublishEventInfo{
				PublishID: "2247503052", PublishStatus: event.PublishOriginalFailed, FailIdx: []int{1, 3},
			},
		}},

		// D.3 subscription notifications.
		{"wechatpy_subscribe_msg_popup_event.xml", &event.SubscribeMsgPopup{
			Header: hdr("gh_123456789abc", "otFpruAK8D-E6EfStSYonYSBZ8_4", 1610969440), Event: "subscribe_msg_popup_event",
			List: popupList,
		}},
		{"wxjava_testSubMsgPopupFromXml.xml", &event.SubscribeMsgPopup{
			Header: hdr("gh_123456789abc", "otFpruAK8D-E6EfStSYonYSBZ8_4", 1610969440), Event: "subscribe_msg_popup_event",
			List: popupList,
		}},
		{"wxjava_testSubMsgChangeFromXml.xml", &event.SubscribeMsgChange{
			Header: hdr("gh_123456789abc", "otFpruAK8D-E6EfStSYonYSBZ8_4", 1610969440), Event: "subscribe_msg_change_event",
			List: []event.SubscribeMsgChangeItem{
				{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "reject"},
			},
		}},
		{"wechatpy_subscribe_msg_sent_event.xml", &event.SubscribeMsgSent{
			Header: hdr("gh_123456789abc", "otFpruAK8D-E6EfStSYonYSBZ8_4", 1610969468), Event: "subscribe_msg_sent_event",
			List: sentList,
		}},
		{"wxjava_testSubMsgSentFromXml.xml", &event.SubscribeMsgSent{
			Header: hdr("gh_123456789abc", "otFpruAK8D-E6EfStSYonYSBZ8_4", 1610969440), Event: "subscribe_msg_sent_event",
			List: sentList,
		}},

		// D.4 customer-service sessions.
		{"doc_kf_create_session.xml", &event.KfCreateSession{Header: hdr(gh, user, 1700000011), Event: "kf_create_session", KfAccount: "test1@test"}},
		{"doc_kf_close_session.xml", &event.KfCloseSession{Header: hdr(gh, user, 1700000012), Event: "kf_close_session", KfAccount: "test2@test"}},
		{"wechatpy_kf_switch_session.xml", &event.KfSwitchSession{
			Header: hdr("touser", "fromuser", 1399197672), Event: "kf_switch_session",
			FromKfAccount: "test1@test", ToKfAccount: "test2@test",
		}},

		// D.5 cards and offers.
		{"doc_card_pass_check.xml", &event.CardPassCheck{Header: hdr(gh, user, 1700000013), Event: "card_pass_check", CardID: "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"}},
		{"doc_card_not_pass_check.xml", &event.CardNotPassCheck{
			Header: hdr(gh, user, 1700000014), Event: "card_not_pass_check",
			CardID: "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", RefuseReason: "logo is not clear",
		}},
		{"doc_user_get_card.xml", &event.UserGetCard{
			Header: hdr(gh, user, 1700000015), Event: "user_get_card",
			CardID: "pZI8Fjwsy5fVPRBeD78J4RmqVvBc", IsGiveByFriend: 1, FriendUserName: "oFriend456",
			UserCardCode: "226009850808", OldUserCardCode: "226009850807", OuterID: 12, OuterStr: "12b",
			IsRestoreMemberCard: 0, IsRecommendByFriend: 1, SourceScene: "SOURCE_SCENE_USER_ACCEPT_GIFTCARD",
			UnionID: "oGMNcv3WuDNBtcH1-6qOL08gPF-U",
		}},
		{"doc_user_gifting_card.xml", &event.UserGiftingCard{
			Header: hdr(gh, user, 1700000016), Event: "user_gifting_card",
			CardID: "pbLatjhU-3pik3d4PsbVzvBxZvJc", UserCardCode: "297466945104",
			IsReturnBack: 0, FriendUserName: "obLatjlNerkb62HtSdQUx66C4NTU", IsChatRoom: 1,
		}},
		{"doc_user_del_card.xml", &event.UserDelCard{
			Header: hdr(gh, user, 1700000017), Event: "user_del_card",
			CardID: "pbLatjhU-3pik3d4PsbVzvBxZvJc", UserCardCode: "297466945104",
		}},
		{"doc_user_consume_card.xml", &event.UserConsumeCard{
			Header: hdr(gh, user, 1700000018), Event: "user_consume_card",
			CardID: "pZI8Fj8y-E8hpvho2d1ZvpGwQBvA", UserCardCode: "452998530302", ConsumeSource: "FROM_MOBILE_HELPER",
			LocationName: "Store One ", LocationID: "291710000", StaffOpenID: "oStaff789",
			VerifyCode: "1234", RemarkAmount: "12.5", OuterStr: "xxxxx",
		}},
		{"doc_user_pay_from_pay_cell.xml", &event.UserPayFromPayCell{
			Header: hdr(gh, user, 1700000019), Event: "user_pay_from_pay_cell",
			CardID: "po2VNuCuRo-8sxxxxxxxxxxx", UserCardCode: "38050000000", TransID: "10022403432015000000000",
			LocationID: "291710000", Fee: 10000, OriginalFee: 12000,
		}},
		{"doc_user_view_card.xml", &event.UserViewCard{
			Header: hdr(gh, user, 1700000020), Event: "user_view_card", CardID: card, UserCardCode: code, OuterStr: "12b",
		}},
		{"doc_user_enter_session_from_card.xml", &event.UserEnterSessionFromCard{
			Header: hdr(gh, user, 1700000021), Event: "user_enter_session_from_card", CardID: card, UserCardCode: code,
		}},
		{"doc_update_member_card.xml", &event.UpdateMemberCard{
			Header: hdr(gh, user, 1700000022), Event: "update_member_card", CardID: card, UserCardCode: code,
			ModifyBonus: 3, ModifyBalance: -200,
		}},
		{"doc_card_sku_remind.xml", &event.CardSkuRemind{
			Header: hdr(gh, user, 1700000023), Event: "card_sku_remind",
			CardID: "pA5Qfv7-Q4YvmzAd7Uc7ZVw9cHQ0", Detail: "the card's quantity is equal to 0",
		}},
		{"doc_card_pay_order.xml", &event.CardPayOrder{
			Header: hdr(gh, user, 1700000024), Event: "card_pay_order",
			OrderID: "404091456", Status: "ORDER_STATUS_FINANCE_SUCC", CreateOrderTime: 1472629812, PayFinishTime: 1472629900,
			Desc: "desc", FreeCoinCount: 200, PayCoinCount: 100, RefundFreeCoinCount: 0, RefundPayCoinCount: 10,
			OrderType: "ORDER_TYPE_SYS_ADD", Memo: "开通账户奖励", ReceiptInfo: "receipt",
		}},
		{"doc_submit_membercard_user_info.xml", &event.SubmitMemberCardUserInfo{
			Header: hdr(gh, user, 1700000025), Event: "submit_membercard_user_info", CardID: card, UserCardCode: code,
		}},
		{"doc_giftcard_pay_done.xml", &event.GiftCardPayDone{
			Header: hdr(gh, user, 1700000026), Event: "giftcard_pay_done", PageID: page, OrderID: order,
		}},
		{"doc_giftcard_send_to_friend.xml", &event.GiftCardSendToFriend{
			Header: hdr(gh, user, 1700000027), Event: "giftcard_send_to_friend", PageID: page, OrderID: order,
			IsChatRoom: true, IsReturnBack: false,
		}},
		{"doc_giftcard_user_accept.xml", &event.GiftCardUserAccept{
			Header: hdr(gh, user, 1700000028), Event: "giftcard_user_accept", PageID: page, OrderID: order, IsChatRoom: true,
		}},

		// D.6 account events.
		{"doc_qualification_verify_success.xml", &event.QualificationVerifySuccess{
			Header: hdr(gh, "FromUser", 1442401156), Event: "qualification_verify_success", ExpiredTime: 1442401156,
		}},
		{"doc_qualification_verify_fail.xml", &event.QualificationVerifyFail{
			Header: hdr(gh, "FromUser", 1442401122), Event: "qualification_verify_fail", FailTime: 1442401122, FailReason: "by time",
		}},
		{"doc_naming_verify_success.xml", &event.NamingVerifySuccess{
			Header: hdr(gh, "FromUser", 1442401093), Event: "naming_verify_success", ExpiredTime: 1442401093,
		}},
		{"doc_naming_verify_fail.xml", &event.NamingVerifyFail{
			Header: hdr(gh, "FromUser", 1442401061), Event: "naming_verify_fail", FailTime: 1442401061, FailReason: "by time",
		}},
		{"doc_annual_renew.xml", &event.AnnualRenew{
			Header: hdr(gh, "FromUser", 1442401004), Event: "annual_renew", ExpiredTime: 1442401004,
		}},
		{"doc_verify_expired.xml", &event.VerifyExpired{
			Header: hdr(gh, "FromUser", 1442400900), Event: "verify_expired", ExpiredTime: 1442400900,
		}},
		{"doc_user_info_modified.xml", &event.UserInfoModified{
			Header: hdr(ghAuth, fromAuth, 1626857200), Event: "user_info_modified",
			OpenID: openID, UnionID: "oGMNcv3WuDNBtcH1-6qOL08gPF-U", AppID: appID,
		}},
		{"doc_user_authorization_revoke.xml", &event.UserAuthorizationRevoke{
			Header: hdr(ghAuth, fromAuth, 1626857200), Event: "user_authorization_revoke",
			OpenID: openID, AppID: appID, RevokeInfo: "201", PluginID: appID, OpenPID: "G7esq5NVzP76HIHoB95t4CVBP6to",
		}},
		{"doc_user_authorization_cancellation.xml", &event.UserAuthorizationCancellation{
			Header: hdr(ghAuth, fromAuth, 1626857300), Event: "user_authorization_cancellation", OpenID: openID, AppID: appID,
		}},

		// D.6 other events.
		{"doc_poi_check_notify.xml", &event.PoiCheckNotify{
			Header: hdr(gh, user, 1700000029), Event: "poi_check_notify",
			UniqID: "123adb", PoiID: "123123", Result: "fail", Msg: "reason text",
		}},
		{"wechatpy_wificonnected.xml", &event.WifiConnected{
			Header: hdr("toUser", "FromUser", 123456789), Event: "WifiConnected",
			VendorID: "3001224419", PlaceID: "1234", DeviceNo: "00:1f:7a:ad:5c:a8",
		}},
		{"doc_wificonnected_official.xml", &event.WifiConnected{
			Header: hdr("toUser", "FromUser", 123456789), Event: "WifiConnected",
			VendorID: "![CDATA[3001224419]]", ShopID: "![CDATA[PlaceId]]", DeviceNo: "![CDATA[DeviceNo]]",
		}},
		{"wechatpy_shakearoundusershake.xml", &event.ShakearoundUserShake{
			Header: hdr("toUser", "fromUser", 1433332012), Event: "ShakearoundUserShake",
			ChosenBeacon: event.Beacon{UUID: "uuid", Major: "major", Minor: "minor", Distance: 0.057},
			AroundBeacons: []event.Beacon{
				{UUID: "uuid", Major: "major", Minor: "minor", Distance: 166.816},
				{UUID: "uuid", Major: "major", Minor: "minor", Distance: 15.013},
			},
		}},
		{"doc_merchant_order.xml", &event.MerchantOrder{
			Header: hdr(gh, user, 1700000030), Event: "merchant_order",
			OrderID: "test_order_id", OrderStatus: 2, ProductID: "test_product_id", SkuInfo: "10001:1000012;10002:100021",
		}},
		{"doc_user_scan_product.xml", &event.UserScanProduct{
			Header: hdr(ghScan, fromScan, 1438250110), Event: "user_scan_product",
			KeyStandard: "ean13", KeyStr: "6901481811083", Country: "中国", Province: "广东", City: "揭阳",
			Sex: 1, Scene: 2, ExtInfo: "123",
		}},
		{"doc_user_scan_product_enter_session.xml", &event.UserScanProductEnterSession{
			Header: hdr(ghScan, fromScan, 1438250111), Event: "user_scan_product_enter_session",
			KeyStandard: "ean13", KeyStr: "6901481811083", ExtInfo: "123",
		}},
		{"doc_user_scan_product_async.xml", &event.UserScanProductAsync{
			Header: hdr(ghScan, fromScan, 1438250112), Event: "user_scan_product_async",
			KeyStandard: "ean13", KeyStr: "6901481811083", ExtInfo: "123", RegionCode: "440105",
		}},
		{"doc_user_scan_product_verify_action.xml", &event.UserScanProductVerifyAction{
			Header: hdr("gh_404e58ec528e", "od_ikt8qi21-hVTtYgm8xSfTLH5w", 1450429257), Event: "user_scan_product_verify_action",
			KeyStandard: "ean13", KeyStr: "6901481811083", Result: "verify_not_pass", ReasonMsg: "picture unclear",
		}},
		{"wechatpy_user_authorize_invoice.xml", &event.UserAuthorizeInvoice{
			Header: hdr("gh_fc0a06a20993", "oZI8Fj040-be6rlDohc6gkoPOQTQ", 1475134700), Event: "user_authorize_invoice",
			SuccOrderID: "1202933957956", AppID: "wx1234567887654321",
		}},
		{"doc_user_authorize_invoice.xml", &event.UserAuthorizeInvoice{
			Header: hdr("gh_fc0a06a20993", "oZI8Fj040-be6rlDohc6gkoPOQTQ", 1475134700), Event: "user_authorize_invoice",
			SuccOrderID: "1202933957956", AuthorizeAppID: "wx1234567887654321", Source: "web",
		}},
		{"doc_update_invoice_status.xml", &event.UpdateInvoiceStatus{
			Header: hdr(gh, user, 1700000031), Event: "update_invoice_status",
			Status: "INVOICE_REIMBURSE_INIT", CardID: "pjZ8Yt1XGILfi-FUsewpnnolGgZk", Code: "030102817111",
		}},
		{"doc_submit_invoice_title.xml", &event.SubmitInvoiceTitle{
			Header: hdr(gh, user, 1700000032), Event: "submit_invoice_title",
			Title: "Example Co., Ltd.", Phone: "020-12345678", TaxNo: "91440101MA5ABCDE12", Addr: "1 Example Road",
			BankType: "Example Bank", BankNo: "6222000011112222", Attach: "note", TitleType: "InvoiceUserTitleBusinessType",
		}},
		{"doc_wxa_media_check.xml", &event.WxaMediaCheck{
			Header: hdr("gh_38cc49f9733b", "oH1fu0FdHqpToe2T6gBj0WyB8iS1", 1552465698), Event: "wxa_media_check",
			IsRisky: 1, ExtraInfoJSON: `{"k":"v"}`, AppID: "wx8f16a5e5a8b7ff1e", TraceID: "5c8769e0-0a2c8d8d-2b0df7d0", StatusCode: 0,
		}},
		{"doc_weapp_audit_success.xml", &event.WeappAuditSuccess{
			Header: hdr(ghWeapp, fromWa, 1488856741), Event: "weapp_audit_success", SuccTime: 1488856741,
		}},
		{"doc_weapp_audit_fail.xml", &event.WeappAuditFail{
			Header: hdr(ghWeapp, fromWa, 1488856591), Event: "weapp_audit_fail",
			Reason: "1:账号信息不符合规范:<br>(1):包含色情因素<br>", FailTime: 1488856591, ScreenShot: "xxx|yyy|zzz",
		}},
		{"doc_weapp_audit_delay.xml", &event.WeappAuditDelay{
			Header: hdr(ghWeapp, fromWa, 1488856800), Event: "weapp_audit_delay", Reason: "review takes longer", DelayTime: 1488856800,
		}},
	}
	seen := make(map[string]bool)
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := event.Parse(readFixture(t, tt.file))
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}

	// Every event payload in testdata must be in the table above, so that
	// adding a fixture without asserting it fails.
	t.Run("every fixture is asserted", func(t *testing.T) {
		t.Parallel()
		files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
		require.NoError(t, err)
		notEvents := map[string]bool{"wxjava_testFromXml.xml": true, "doc_unknown_event.xml": true}
		for _, f := range files {
			name := filepath.Base(f)
			if !seen[name] && !notEvents[name] {
				t.Errorf("testdata/%s is not asserted by TestParseFixtures", name)
			}
		}
	})
}
