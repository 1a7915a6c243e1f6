package event

import (
	"strings"

	"github.com/wxmp/wxmp/internal/wire"
)

// Subscription-notification (订阅通知) events. Each carries one <List>
// element per template, repeated; the Go field List holds them all. Note the
// wire names "TemplateId" and, in the sent event, "MsgID".

// Names of the subscription-notification events, exactly as WeChat writes
// them.
const (
	NameSubscribeMsgPopup  = "subscribe_msg_popup_event"
	NameSubscribeMsgChange = "subscribe_msg_change_event"
	NameSubscribeMsgSent   = "subscribe_msg_sent_event"
)

// Values of SubscribeStatusString.
const (
	SubscribeStatusAccept = "accept"
	SubscribeStatusReject = "reject"
)

// Values of [SubscribeMsgPopupItem].PopupScene.
const (
	PopupSceneWebPage = 1 // the dialog was opened from an H5 page
	PopupSceneArticle = 2 // the dialog was opened from an article (图文)
)

// SubscribeMsgPopup is sent when a user answers the subscription dialog
// (Event "subscribe_msg_popup_event"), with one item per template shown.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/product/subscription_messages/push.html
type SubscribeMsgPopup struct {
	Header
	Event string                  `xml:"Event"`
	List  []SubscribeMsgPopupItem `xml:"SubscribeMsgPopupEvent>List"`
}

// SubscribeMsgPopupItem is the user's answer for one template.
type SubscribeMsgPopupItem struct {
	// TemplateID (wire name "TemplateId").
	TemplateID string `xml:"TemplateId"`
	// SubscribeStatusString is "accept" or "reject".
	SubscribeStatusString string `xml:"SubscribeStatusString"`
	// PopupScene is where the dialog was opened: PopupSceneWebPage or
	// PopupSceneArticle.
	PopupScene int `xml:"PopupScene"`
}

// Accepted reports whether the user accepted the template.
func (i SubscribeMsgPopupItem) Accepted() bool {
	return wire.EqualFold(strings.TrimSpace(i.SubscribeStatusString), SubscribeStatusAccept)
}

// SubscribeMsgChange is sent when a user changes their subscription
// settings for the account (Event "subscribe_msg_change_event"). Only
// rejections (notifications turned off) are pushed.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/product/subscription_messages/push.html
type SubscribeMsgChange struct {
	Header
	Event string                   `xml:"Event"`
	List  []SubscribeMsgChangeItem `xml:"SubscribeMsgChangeEvent>List"`
}

// SubscribeMsgChangeItem is the new setting for one template.
type SubscribeMsgChangeItem struct {
	// TemplateID (wire name "TemplateId").
	TemplateID string `xml:"TemplateId"`
	// SubscribeStatusString is "reject" in practice.
	SubscribeStatusString string `xml:"SubscribeStatusString"`
}

// SubscribeMsgSent reports the delivery of subscription notifications
// (Event "subscribe_msg_sent_event").
//
// See https://developers.weixin.qq.com/doc/service/en/guide/product/subscription_messages/push.html
type SubscribeMsgSent struct {
	Header
	Event string                 `xml:"Event"`
	List  []SubscribeMsgSentItem `xml:"SubscribeMsgSentEvent>List"`
}

// SubscribeMsgSentItem is the delivery result of one notification.
type SubscribeMsgSentItem struct {
	// TemplateID (wire name "TemplateId").
	TemplateID string `xml:"TemplateId"`
	// MsgID (wire name "MsgID") is the msgid the send API returned.
	MsgID int64 `xml:"MsgID"`
	// ErrorCode is 0 on success.
	ErrorCode int `xml:"ErrorCode"`
	// ErrorStatus describes the result, "success" on success.
	ErrorStatus string `xml:"ErrorStatus"`
}
