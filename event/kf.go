package event

// Customer-service (客服) session events. A KfAccount is the full account
// name, "prefix@the account's WeChat ID".

// Names of the customer-service session events, exactly as WeChat writes
// them.
const (
	NameKfCreateSession = "kf_create_session"
	NameKfCloseSession  = "kf_close_session"
	NameKfSwitchSession = "kf_switch_session"
)

// KfCreateSession is sent when a customer-service agent takes on a session
// with the user (Event "kf_create_session").
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Customer_Service/Session_control.html
type KfCreateSession struct {
	Header
	Event     string `xml:"Event"`
	KfAccount string `xml:"KfAccount"`
}

// KfCloseSession is sent when a customer-service agent closes the session
// with the user (Event "kf_close_session").
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Customer_Service/Session_control.html
type KfCloseSession struct {
	Header
	Event     string `xml:"Event"`
	KfAccount string `xml:"KfAccount"`
}

// KfSwitchSession is sent when the user's session passes from one
// customer-service agent to another (Event "kf_switch_session").
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Customer_Service/Session_control.html
type KfSwitchSession struct {
	Header
	Event         string `xml:"Event"`
	FromKfAccount string `xml:"FromKfAccount"`
	ToKfAccount   string `xml:"ToKfAccount"`
}
