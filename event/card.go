package event

// Card and offer (卡券) events, including member cards and gift cards.
// CardID is the card's card_id; UserCardCode (wire name "UserCardCode") is
// the code of the user's copy of it.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html

// Names of the card events, exactly as WeChat writes them.
const (
	NameCardPassCheck            = "card_pass_check"
	NameCardNotPassCheck         = "card_not_pass_check"
	NameUserGetCard              = "user_get_card"
	NameUserGiftingCard          = "user_gifting_card"
	NameUserDelCard              = "user_del_card"
	NameUserConsumeCard          = "user_consume_card"
	NameUserPayFromPayCell       = "user_pay_from_pay_cell"
	NameUserViewCard             = "user_view_card"
	NameUserEnterSessionFromCard = "user_enter_session_from_card"
	NameUpdateMemberCard         = "update_member_card"
	NameCardSkuRemind            = "card_sku_remind"
	NameCardPayOrder             = "card_pay_order"
	NameSubmitMemberCardUserInfo = "submit_membercard_user_info"
	NameGiftCardPayDone          = "giftcard_pay_done"
	NameGiftCardSendToFriend     = "giftcard_send_to_friend"
	NameGiftCardUserAccept       = "giftcard_user_accept"
)

// CardPassCheck is sent when a card passes review (Event
// "card_pass_check").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type CardPassCheck struct {
	Header
	Event  string `xml:"Event"`
	CardID string `xml:"CardId"`
}

// CardNotPassCheck is sent when a card fails review (Event
// "card_not_pass_check"), with the reason.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type CardNotPassCheck struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	RefuseReason string `xml:"RefuseReason"`
}

// UserGetCard is sent when a user adds a card to their card pack (Event
// "user_get_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserGetCard struct {
	Header
	Event  string `xml:"Event"`
	CardID string `xml:"CardId"`
	// IsGiveByFriend is 1 when a friend gave the card, 0 otherwise.
	IsGiveByFriend int `xml:"IsGiveByFriend"`
	// FriendUserName is the giver's OpenID when IsGiveByFriend is 1.
	FriendUserName string `xml:"FriendUserName"`
	UserCardCode   string `xml:"UserCardCode"`
	// OldUserCardCode is the code the giver held, for a given card.
	OldUserCardCode string `xml:"OldUserCardCode"`
	// OuterID (wire name "OuterId") is the scene value of the link or QR
	// code the card was taken from.
	OuterID int64 `xml:"OuterId"`
	// OuterStr is the developer's own channel string from that link.
	OuterStr string `xml:"OuterStr"`
	// IsRestoreMemberCard is 1 when a deleted member card was restored.
	IsRestoreMemberCard int `xml:"IsRestoreMemberCard"`
	// IsRecommendByFriend is 1 when the card was taken from a friend's
	// recommendation.
	IsRecommendByFriend int `xml:"IsRecommendByFriend"`
	// SourceScene names where the card was taken (such as
	// "SOURCE_SCENE_USER_ACCEPT_GIFTCARD"), when WeChat sends it.
	SourceScene string `xml:"SourceScene"`
	// UnionID (wire name "UnionId") is the user's UnionID, when the account
	// is bound to an Open Platform account.
	UnionID string `xml:"UnionId"`
}

// UserGiftingCard is sent when a user gives a card to a friend (Event
// "user_gifting_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserGiftingCard struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
	// IsReturnBack is 1 when the gift came back to the giver unclaimed.
	IsReturnBack int `xml:"IsReturnBack"`
	// FriendUserName is the receiver's OpenID.
	FriendUserName string `xml:"FriendUserName"`
	// IsChatRoom is 1 when the card was given in a group chat.
	IsChatRoom int `xml:"IsChatRoom"`
}

// UserDelCard is sent when a user deletes a card (Event "user_del_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserDelCard struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
}

// UserConsumeCard is sent when a card is redeemed (核销; Event
// "user_consume_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserConsumeCard struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
	// ConsumeSource is how the card was redeemed: "FROM_API",
	// "FROM_MP", "FROM_MOBILE_HELPER", ….
	ConsumeSource string `xml:"ConsumeSource"`
	// LocationName is the store's name, for self-service redemption.
	LocationName string `xml:"LocationName"`
	// LocationID (wire name "LocationId") is the store's ID, when sent.
	LocationID string `xml:"LocationId"`
	// StaffOpenID (wire name "StaffOpenId") is the OpenID of the staff
	// member who redeemed it with the merchant helper.
	StaffOpenID string `xml:"StaffOpenId"`
	// VerifyCode and RemarkAmount are what the user typed in during
	// self-service redemption.
	VerifyCode   string `xml:"VerifyCode"`
	RemarkAmount string `xml:"RemarkAmount"`
	// OuterStr is the developer's own string passed at redemption.
	OuterStr string `xml:"OuterStr"`
}

// UserPayFromPayCell is sent when a user pays with the card's pay button
// (买单; Event "user_pay_from_pay_cell").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserPayFromPayCell struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
	// TransID (wire name "TransId") is the WeChat Pay transaction number.
	TransID string `xml:"TransId"`
	// LocationID (wire name "LocationId") is the store's ID.
	LocationID string `xml:"LocationId"`
	// Fee is the amount paid and OriginalFee the amount due, in fen
	// (1/100 yuan).
	Fee         int64 `xml:"Fee"`
	OriginalFee int64 `xml:"OriginalFee"`
}

// UserViewCard is sent when a user opens a member card (Event
// "user_view_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserViewCard struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
	OuterStr     string `xml:"OuterStr"`
}

// UserEnterSessionFromCard is sent when a user enters the account's chat
// from a card (Event "user_enter_session_from_card").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UserEnterSessionFromCard struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
}

// UpdateMemberCard is sent when a member card's points or balance change
// (Event "update_member_card"). ModifyBonus and ModifyBalance are the
// changes, negative for a decrease.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type UpdateMemberCard struct {
	Header
	Event         string `xml:"Event"`
	CardID        string `xml:"CardId"`
	UserCardCode  string `xml:"UserCardCode"`
	ModifyBonus   int64  `xml:"ModifyBonus"`
	ModifyBalance int64  `xml:"ModifyBalance"`
}

// CardSkuRemind is sent when a card's stock runs low (Event
// "card_sku_remind"). Detail describes the stock level.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type CardSkuRemind struct {
	Header
	Event  string `xml:"Event"`
	CardID string `xml:"CardId"`
	Detail string `xml:"Detail"`
}

// CardPayOrder reports a change to an order of card coins (券点; Event
// "card_pay_order").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type CardPayOrder struct {
	Header
	Event string `xml:"Event"`
	// OrderID (wire name "OrderId").
	OrderID string `xml:"OrderId"`
	// Status is the order's state, such as "ORDER_STATUS_WAITING" or
	// "ORDER_STATUS_FINANCE_SUCC".
	Status string `xml:"Status"`
	// CreateOrderTime and PayFinishTime are Unix seconds (0 when unpaid).
	CreateOrderTime int64  `xml:"CreateOrderTime"`
	PayFinishTime   int64  `xml:"PayFinishTime"`
	Desc            string `xml:"Desc"`
	// The coin counts: free and paid coins, and refunds of each.
	FreeCoinCount       int64 `xml:"FreeCoinCount"`
	PayCoinCount        int64 `xml:"PayCoinCount"`
	RefundFreeCoinCount int64 `xml:"RefundFreeCoinCount"`
	RefundPayCoinCount  int64 `xml:"RefundPayCoinCount"`
	// OrderType is the kind of order, such as "ORDER_TYPE_SYS_ADD".
	OrderType   string `xml:"OrderType"`
	Memo        string `xml:"Memo"`
	ReceiptInfo string `xml:"ReceiptInfo"`
}

// SubmitMemberCardUserInfo is sent when a user submits the activation form
// of a member card (Event "submit_membercard_user_info").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html
type SubmitMemberCardUserInfo struct {
	Header
	Event        string `xml:"Event"`
	CardID       string `xml:"CardId"`
	UserCardCode string `xml:"UserCardCode"`
}

// GiftCardPayDone is sent when a user has paid for a gift card (Event
// "giftcard_pay_done"). PageID (wire name "PageId") is the gift card
// gallery page and OrderID (wire name "OrderId") the order.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/gift_card.html
type GiftCardPayDone struct {
	Header
	Event   string `xml:"Event"`
	PageID  string `xml:"PageId"`
	OrderID string `xml:"OrderId"`
}

// GiftCardSendToFriend is sent when a user gives a bought gift card to a
// friend (Event "giftcard_send_to_friend"). IsChatRoom is whether it was
// given in a group chat, IsReturnBack whether it came back unclaimed; both
// arrive as "true"/"false" (or 1/0).
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/gift_card.html
type GiftCardSendToFriend struct {
	Header
	Event        string `xml:"Event"`
	PageID       string `xml:"PageId"`
	OrderID      string `xml:"OrderId"`
	IsChatRoom   bool   `xml:"IsChatRoom"`
	IsReturnBack bool   `xml:"IsReturnBack"`
}

// GiftCardUserAccept is sent when a friend accepts a gift card (Event
// "giftcard_user_accept"). IsChatRoom is as in [GiftCardSendToFriend].
//
// See https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/gift_card.html
type GiftCardUserAccept struct {
	Header
	Event      string `xml:"Event"`
	PageID     string `xml:"PageId"`
	OrderID    string `xml:"OrderId"`
	IsChatRoom bool   `xml:"IsChatRoom"`
}
