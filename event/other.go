package event

// Events of WeChat's older or narrower products: stores, Wi-Fi, Shake
// Nearby, WeChat Scan (product pages), invoices, the first WeChat Shop, and
// pushes a third-party platform receives for the Mini Programs it manages.

// Names of the other events, exactly as WeChat writes them.
const (
	NamePoiCheckNotify              = "poi_check_notify"
	NameWifiConnected               = "WifiConnected"
	NameShakearoundUserShake        = "ShakearoundUserShake"
	NameMerchantOrder               = "merchant_order"
	NameUserScanProduct             = "user_scan_product"
	NameUserScanProductEnterSession = "user_scan_product_enter_session"
	NameUserScanProductAsync        = "user_scan_product_async"
	NameUserScanProductVerifyAction = "user_scan_product_verify_action"
	NameUserAuthorizeInvoice        = "user_authorize_invoice"
	NameUpdateInvoiceStatus         = "update_invoice_status"
	NameSubmitInvoiceTitle          = "submit_invoice_title"
	NameWxaMediaCheck               = "wxa_media_check"
	NameWeappAuditSuccess           = "weapp_audit_success"
	NameWeappAuditFail              = "weapp_audit_fail"
	NameWeappAuditDelay             = "weapp_audit_delay"
)

// PoiCheckNotify reports the review of a store (门店; Event
// "poi_check_notify"). UniqID (wire name "UniqId") is the sid the merchant
// gave when creating the store, PoiID (wire name "PoiId") the store's
// poi_id, Result "succ" or "fail" and Msg the reason. Store management has
// since moved to store Mini Programs.
//
// See https://developers.weixin.qq.com/doc/subscription/en/guide/product/WeChat_Store.html
type PoiCheckNotify struct {
	Header
	Event  string `xml:"Event"`
	UniqID string `xml:"UniqId"`
	PoiID  string `xml:"PoiId"`
	Result string `xml:"Result"`
	Msg    string `xml:"Msg"`
}

// WifiConnected is sent when a user connects to a store's Wi-Fi through
// WeChat (Event "WifiConnected"; some SDKs lowercase it, which Parse
// accepts).
//
// ConnectTime is when the user connected, in Unix seconds. ExpireTime and
// VendorID (wire name "VendorId") are reserved, fixed values. ShopID (wire
// name "ShopId") is the store's shop_id; older pushes name it PlaceID
// (wire name "PlaceId"). DeviceNo is the access point's wireless MAC
// address (its BSSID).
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/WiFi_via_WeChat/Sending_messages_after_connection.html
type WifiConnected struct {
	Header
	Event       string `xml:"Event"`
	ConnectTime int64  `xml:"ConnectTime"`
	ExpireTime  int64  `xml:"ExpireTime"`
	VendorID    string `xml:"VendorId"`
	ShopID      string `xml:"ShopId"`
	PlaceID     string `xml:"PlaceId"`
	DeviceNo    string `xml:"DeviceNo"`
}

// Beacon is one iBeacon device seen during a shake.
type Beacon struct {
	// UUID (wire name "Uuid"), Major and Minor identify the device. Major
	// and Minor are numbers in practice but are kept as sent, since the
	// official sample shows placeholders there.
	UUID  string `xml:"Uuid"`
	Major string `xml:"Major"`
	Minor string `xml:"Minor"`
	// Distance from the user's phone, in metres.
	Distance float64 `xml:"Distance"`
}

// ShakearoundUserShake is sent when a user shakes under the Nearby
// (周边) tab of Shake (Event "ShakearoundUserShake"). ChosenBeacon is the
// device whose page was shown; AroundBeacons lists up to five of the
// account's devices nearby.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Shake_Nearby/Shake_Event_Notifications.html
type ShakearoundUserShake struct {
	Header
	Event         string   `xml:"Event"`
	ChosenBeacon  Beacon   `xml:"ChosenBeacon"`
	AroundBeacons []Beacon `xml:"AroundBeacons>AroundBeacon"`
}

// MerchantOrder is sent when a user pays for an order in the first WeChat
// Shop (微信小店; Event "merchant_order"). OrderID (wire name "OrderId"),
// ProductID (wire name "ProductId") and SkuInfo identify what was bought;
// OrderStatus is the order's state code. That shop and its documentation
// have been retired and its page is no longer online; the fields are the
// ones the major SDKs type. The general event rules are at
// https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Receiving_event_pushes.html
type MerchantOrder struct {
	Header
	Event       string `xml:"Event"`
	OrderID     string `xml:"OrderId"`
	OrderStatus int    `xml:"OrderStatus"`
	ProductID   string `xml:"ProductId"`
	SkuInfo     string `xml:"SkuInfo"`
}

// UserScanProduct is sent when a user opens a product page of WeChat Scan
// (扫一扫; Event "user_scan_product").
//
// KeyStandard is the coding standard ("ean13", …) and KeyStr the code.
// Country, Province and City are those set in the user's profile. Sex is 1
// male, 2 female, 0 unknown. Scene is 1 when the page was opened by
// scanning, 2 from elsewhere (a chat, favourites, Moments). ExtInfo is the
// extinfo the merchant put in the product's QR code.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/WeChat_Scan/Scan_QR_Code_Events_Push.html
type UserScanProduct struct {
	Header
	Event       string `xml:"Event"`
	KeyStandard string `xml:"KeyStandard"`
	KeyStr      string `xml:"KeyStr"`
	Country     string `xml:"Country"`
	Province    string `xml:"Province"`
	City        string `xml:"City"`
	Sex         int    `xml:"Sex"`
	Scene       int    `xml:"Scene"`
	ExtInfo     string `xml:"ExtInfo"`
}

// UserScanProductEnterSession is sent when a user enters the account's
// chat from a product page (Event "user_scan_product_enter_session").
// Fields as in [UserScanProduct]. (A follow from a product page arrives as
// a [Subscribe] whose EventKey is "scanbarcode|KeyStandard|KeyStr".)
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/WeChat_Scan/Scan_QR_Code_Events_Push.html
type UserScanProductEnterSession struct {
	Header
	Event       string `xml:"Event"`
	KeyStandard string `xml:"KeyStandard"`
	KeyStr      string `xml:"KeyStr"`
	ExtInfo     string `xml:"ExtInfo"`
}

// UserScanProductAsync delivers, after a [UserScanProduct], where the user
// was when they opened the product page (Event "user_scan_product_async").
// RegionCode is the administrative division code of the place.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/WeChat_Scan/Scan_QR_Code_Events_Push.html
type UserScanProductAsync struct {
	Header
	Event       string `xml:"Event"`
	KeyStandard string `xml:"KeyStandard"`
	KeyStr      string `xml:"KeyStr"`
	ExtInfo     string `xml:"ExtInfo"`
	RegionCode  string `xml:"RegionCode"`
}

// UserScanProductVerifyAction reports the review of a product submitted to
// WeChat Scan (Event "user_scan_product_verify_action"). Result is
// "verify_ok" or "verify_not_pass", with ReasonMsg saying why.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/WeChat_Scan/Scan_QR_Code_Events_Push.html
type UserScanProductVerifyAction struct {
	Header
	Event       string `xml:"Event"`
	KeyStandard string `xml:"KeyStandard"`
	KeyStr      string `xml:"KeyStr"`
	Result      string `xml:"Result"`
	ReasonMsg   string `xml:"ReasonMsg"`
}

// UserAuthorizeInvoice is sent when a user authorises (or fails to
// authorise) the merchant to issue an electronic invoice into their card
// pack (Event "user_authorize_invoice").
//
// See https://developers.weixin.qq.com/doc/offiaccount/WeChat_Invoice/E_Invoice/Vendor_API_List.html
// (section 6, 收取授权完成事件推送)
type UserAuthorizeInvoice struct {
	Header
	Event string `xml:"Event"`
	// SuccOrderID (wire name "SuccOrderId") is the order number when the
	// authorisation succeeded and FailOrderID (wire name "FailOrderId")
	// when it failed; one of the two is set.
	SuccOrderID string `xml:"SuccOrderId"`
	FailOrderID string `xml:"FailOrderId"`
	// AuthorizeAppID (wire name "AuthorizeAppId") is the AppID the
	// authorisation page's link was requested with.
	AuthorizeAppID string `xml:"AuthorizeAppId"`
	// Source is where the invoice was requested: "web" (an Official
	// Account page), "app", "wxa" (a Mini Program) or "wap" (a mobile web
	// page).
	Source string `xml:"Source"`
	// AppID (wire name "AppId") is not in the official table, but older
	// samples (wechatpy's) carry it in place of AuthorizeAppId.
	AppID string `xml:"AppId"`
}

// UpdateInvoiceStatus is sent when the reimbursement status of an invoice
// in a user's card pack changes (Event "update_invoice_status"). Status is
// the new status (such as "INVOICE_REIMBURSE_INIT"), CardID (wire name
// "CardId") and Code identify the invoice.
//
// See https://mp.weixin.qq.com/wiki?id=mp1497082828_r1cI2
type UpdateInvoiceStatus struct {
	Header
	Event  string `xml:"Event"`
	Status string `xml:"Status"`
	CardID string `xml:"CardId"`
	Code   string `xml:"Code"`
}

// SubmitInvoiceTitle is sent when a user submits an invoice title
// (抬头) to the merchant (Event "submit_invoice_title"). Its wire names are
// lowercase. TitleType is "InvoiceUserTitlePersonType" for a person or
// "InvoiceUserTitleBusinessType" for a company.
//
// See https://mp.weixin.qq.com/wiki?id=mp1496554912_vfWU0
type SubmitInvoiceTitle struct {
	Header
	Event     string `xml:"Event"`
	Title     string `xml:"title"`
	Phone     string `xml:"phone"`
	TaxNo     string `xml:"tax_no"`
	Addr      string `xml:"addr"`
	BankType  string `xml:"bank_type"`
	BankNo    string `xml:"bank_no"`
	Attach    string `xml:"attach"`
	TitleType string `xml:"title_type"`
}

// WxaMediaCheck delivers the result of an asynchronous image or audio
// check requested through mediaCheckAsync (Event "wxa_media_check"). Its
// wire names are lowercase.
//
// IsRisky (wire name "isrisky") is 1 when the media is risky.
// ExtraInfoJSON (wire name "extra_info_json") is extra information as a
// JSON string, AppID (wire name "appid") the Mini Program's AppID, TraceID
// (wire name "trace_id") the trace_id the request returned and StatusCode
// (wire name "status_code") 0 when the check ran normally.
//
// See https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html
type WxaMediaCheck struct {
	Header
	Event         string `xml:"Event"`
	IsRisky       int    `xml:"isrisky"`
	ExtraInfoJSON string `xml:"extra_info_json"`
	AppID         string `xml:"appid"`
	TraceID       string `xml:"trace_id"`
	StatusCode    int    `xml:"status_code"`
}

// WeappAuditSuccess tells a third-party platform that a Mini Program
// version it submitted passed review (Event "weapp_audit_success").
// SuccTime is in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/submit_audit.html
type WeappAuditSuccess struct {
	Header
	Event    string `xml:"Event"`
	SuccTime int64  `xml:"SuccTime"`
}

// WeappAuditFail tells a third-party platform that a Mini Program version
// failed review (Event "weapp_audit_fail"). Reason says why, FailTime is in
// Unix seconds and ScreenShot lists the media IDs of screenshots, joined
// by "|".
//
// See https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/submit_audit.html
type WeappAuditFail struct {
	Header
	Event      string `xml:"Event"`
	Reason     string `xml:"Reason"`
	FailTime   int64  `xml:"FailTime"`
	ScreenShot string `xml:"ScreenShot"`
}

// WeappAuditDelay tells a third-party platform that the review of a Mini
// Program version is delayed (Event "weapp_audit_delay"). Reason says why;
// DelayTime is in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/submit_audit.html
type WeappAuditDelay struct {
	Header
	Event     string `xml:"Event"`
	Reason    string `xml:"Reason"`
	DelayTime int64  `xml:"DelayTime"`
}
