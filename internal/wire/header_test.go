package wire

// Header is the shape of event.Header, which this package cannot import,
// for the test types.
type Header struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
}
