package event

// Account events: WeChat verification (微信认证) results and reminders, and
// changes to what users have authorised.

// Names of the account events, exactly as WeChat writes them.
const (
	NameQualificationVerifySuccess    = "qualification_verify_success"
	NameQualificationVerifyFail       = "qualification_verify_fail"
	NameNamingVerifySuccess           = "naming_verify_success"
	NameNamingVerifyFail              = "naming_verify_fail"
	NameAnnualRenew                   = "annual_renew"
	NameVerifyExpired                 = "verify_expired"
	NameUserInfoModified              = "user_info_modified"
	NameUserAuthorizationRevoke       = "user_authorization_revoke"
	NameUserAuthorizationCancellation = "user_authorization_cancellation"
)

// QualificationVerifySuccess is sent when the account's qualification
// verification (资质认证) succeeds (Event "qualification_verify_success"),
// which grants the verified account's API permissions. ExpiredTime is when
// the verification expires, in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type QualificationVerifySuccess struct {
	Header
	Event       string `xml:"Event"`
	ExpiredTime int64  `xml:"ExpiredTime"`
}

// QualificationVerifyFail is sent when the qualification verification fails
// (Event "qualification_verify_fail"). FailTime is in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type QualificationVerifyFail struct {
	Header
	Event      string `xml:"Event"`
	FailTime   int64  `xml:"FailTime"`
	FailReason string `xml:"FailReason"`
}

// NamingVerifySuccess is sent when the account's name verification (名称认证)
// succeeds (Event "naming_verify_success"). ExpiredTime is when the
// verification expires, in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type NamingVerifySuccess struct {
	Header
	Event       string `xml:"Event"`
	ExpiredTime int64  `xml:"ExpiredTime"`
}

// NamingVerifyFail is sent when the name verification fails (Event
// "naming_verify_fail"); the account keeps its API permissions but shows no
// verified mark. FailTime is in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type NamingVerifyFail struct {
	Header
	Event      string `xml:"Event"`
	FailTime   int64  `xml:"FailTime"`
	FailReason string `xml:"FailReason"`
}

// AnnualRenew reminds the account that its verification must be renewed
// (年审; Event "annual_renew"). ExpiredTime is when it expires, in Unix
// seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type AnnualRenew struct {
	Header
	Event       string `xml:"Event"`
	ExpiredTime int64  `xml:"ExpiredTime"`
}

// VerifyExpired is sent when the account's verification has expired and its
// verified permissions are withdrawn (Event "verify_expired"). ExpiredTime
// is when it expired, in Unix seconds.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Wechat_Accreditation_Event_Push.html
type VerifyExpired struct {
	Header
	Event       string `xml:"Event"`
	ExpiredTime int64  `xml:"ExpiredTime"`
}

// UserInfoModified is sent when WeChat has cleaned up risky profile data
// (nickname, avatar) of a user who authorised the account in the last 30
// days (Event "user_info_modified"); refresh or drop your copy.
//
// OpenID, UnionID and AppID keep WeChat's spelling here ("OpenID",
// "UnionID", "AppID"). PluginID and OpenPID are set when the change
// concerns a plugin's user.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html
type UserInfoModified struct {
	Header
	Event    string `xml:"Event"`
	OpenID   string `xml:"OpenID"`
	UnionID  string `xml:"UnionID"`
	AppID    string `xml:"AppID"`
	PluginID string `xml:"PluginID"`
	OpenPID  string `xml:"OpenPID"`
}

// UserAuthorizationRevoke is sent when a user withdraws an authorisation
// (Event "user_authorization_revoke"); delete the data it covered.
// RevokeInfo says what was withdrawn, as a code: for an Official Account
// 201 address, 202 invoice titles, 203 cards and offers, 204 microphone,
// 205 nickname and avatar, 206 location, 207 picked photos or videos. Other
// fields as in [UserInfoModified].
//
// See https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html
type UserAuthorizationRevoke struct {
	Header
	Event      string `xml:"Event"`
	OpenID     string `xml:"OpenID"`
	UnionID    string `xml:"UnionID"`
	AppID      string `xml:"AppID"`
	RevokeInfo string `xml:"RevokeInfo"`
	PluginID   string `xml:"PluginID"`
	OpenPID    string `xml:"OpenPID"`
}

// UserAuthorizationCancellation is sent when a user who authorised the
// account has closed their WeChat account (Event
// "user_authorization_cancellation"). WeChat documents the three
// authorisation-change events with one field table, and this one carries
// exactly the fields of [UserInfoModified], so it is defined from that type:
// it has the same fields and is still a type of its own for a type switch.
//
// See https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html
type UserAuthorizationCancellation UserInfoModified
