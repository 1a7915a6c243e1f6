package benchmarks

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// The account every SDK is configured with, and the push they all answer.
// The token, EncodingAESKey and AppID are the ones WeChat's documentation
// uses in its examples; nothing here is a secret.
const (
	Token          = "pamtest"
	EncodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	AppID          = "wxb11529c136998cb6"

	// Account is the Official Account's original ID (the push's ToUserName)
	// and OpenID the user who sent it (its FromUserName).
	Account = "gh_3c884a361561"
	OpenID  = "oia2TjjewbmiOUlr6X-1crbLOvLw"

	// Timestamp (Unix seconds) and Nonce are the push's query parameters.
	// The timestamp fits in 32 bits, which silenceper's safe mode requires.
	Timestamp = "1714036504"
	Nonce     = "1514711492"

	// Content is what the user typed; every handler echoes it back.
	Content = "周六几点开门？Open on Saturday?"

	// PushXML is a 309-byte text message laid out the way WeChat sends one
	// (one element a line, CDATA for text), in the shape of wechatpy's
	// test_parse_text_message fixture.
	PushXML = "<xml><ToUserName><![CDATA[" + Account + "]]></ToUserName>\n" +
		"<FromUserName><![CDATA[" + OpenID + "]]></FromUserName>\n" +
		"<CreateTime>" + Timestamp + "</CreateTime>\n" +
		"<MsgType><![CDATA[text]]></MsgType>\n" +
		"<Content><![CDATA[" + Content + "]]></Content>\n" +
		"<MsgId>24537389287403911</MsgId>\n" +
		"</xml>"
)

// Push is one push as WeChat delivers it: a POST to Target, whose query
// carries the signatures, with Body.
type Push struct {
	Target string
	Body   []byte
}

// Serve sends p to h through httptest, the way every benchmark does once per
// iteration: a new request and recorder, then ServeHTTP.
func (p Push) Serve(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, p.Target, bytes.NewReader(p.Body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// PlainPush returns PushXML as a plain-mode push: in clear, with the
// signature, timestamp, nonce and openid query parameters.
func PlainPush() Push {
	q := url.Values{
		"signature": {signature.Compute(Token, Timestamp, Nonce)},
		"timestamp": {Timestamp},
		"nonce":     {Nonce},
		"openid":    {OpenID},
	}
	return Push{Target: "/wechat?" + q.Encode(), Body: []byte(PushXML)}
}

// SafePush returns PushXML as a safe-mode push for AppID, as WeChat sends
// it: the body holds ToUserName and the encrypted message, the query adds
// encrypt_type=aes and msg_signature to the plain mode's parameters.
func SafePush() (Push, error) {
	return safePushFor(AppID)
}

// zeros is the random source of the pushes this package builds, so that
// every run sends the same bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// cdata is text written as a CDATA section, as WeChat writes it.
type cdata struct {
	Text string `xml:",cdata"`
}

// safeBody is the body of a safe-mode push.
type safeBody struct {
	XMLName    xml.Name `xml:"xml"`
	ToUserName cdata
	Encrypt    cdata
}

// safePushFor encrypts PushXML for appID, which tests vary to check that
// every SDK refuses a push meant for another account.
func safePushFor(appID string) (Push, error) {
	c, err := msgcrypt.New(Token, EncodingAESKey, appID, msgcrypt.WithRandom(zeros{}))
	if err != nil {
		return Push{}, fmt.Errorf("benchmarks: build the safe push: %w", err)
	}
	return seal(c, []byte(PushXML))
}

// seal returns the safe-mode push whose plaintext is xmlPush, encrypted by c.
func seal(c *msgcrypt.Crypter, xmlPush []byte) (Push, error) {
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, xmlPush, Timestamp, Nonce)
	if err != nil {
		return Push{}, fmt.Errorf("benchmarks: build the safe push: %w", err)
	}
	body, err := xml.Marshal(safeBody{ToUserName: cdata{Account}, Encrypt: cdata{env.Encrypt}})
	if err != nil {
		return Push{}, fmt.Errorf("benchmarks: build the safe push: %w", err)
	}
	q := url.Values{
		"signature":     {signature.Compute(Token, Timestamp, Nonce)},
		"timestamp":     {Timestamp},
		"nonce":         {Nonce},
		"openid":        {OpenID},
		"encrypt_type":  {"aes"},
		"msg_signature": {env.MsgSignature},
	}
	return Push{Target: "/wechat?" + q.Encode(), Body: body}, nil
}
