package benchmarks

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wxmp/wxmp/msgcrypt"
)

// ErrBadReply means a handler's answer to the push is not one WeChat would
// accept as the echo: not 200, not XML, not a text reply addressed back to
// the user with the push's Content, or, in safe mode, an envelope whose
// msg_signature or AppID does not check out.
var ErrBadReply = errors.New("benchmarks: reply is not the echo WeChat expects")

// envelope is the body of an encrypted reply.
type envelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// textReply is a passive text reply, read by encoding/xml rather than by
// package reply, so that any SDK's reply is judged the same way.
type textReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

// CheckEcho checks that w holds a 200 answer WeChat would show the user as
// a text reply saying Content. When encrypted, the body must be an envelope
// whose msg_signature verifies with Token and whose Encrypt decrypts, with
// EncodingAESKey, to a message for AppID; the check decrypts it with
// msgcrypt. Errors wrap ErrBadReply.
func CheckEcho(w *httptest.ResponseRecorder, encrypted bool) error {
	return CheckAnswer(w.Code, w.Body.Bytes(), encrypted)
}

// CheckAnswer is CheckEcho for an answer of HTTP status status with body
// body, however it came.
func CheckAnswer(status int, body []byte, encrypted bool) error {
	if status != http.StatusOK {
		return fmt.Errorf("%w: HTTP status %d", ErrBadReply, status)
	}
	if encrypted {
		var env envelope
		if err := xml.Unmarshal(body, &env); err != nil {
			return fmt.Errorf("%w: envelope is not XML: %v", ErrBadReply, err)
		}
		c, err := msgcrypt.New(Token, EncodingAESKey, AppID)
		if err != nil {
			return err
		}
		plain, _, err := c.Decrypt(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt)
		if err != nil {
			return fmt.Errorf("%w: envelope: %v", ErrBadReply, err)
		}
		body = plain
	}
	var r textReply
	if err := xml.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("%w: reply is not XML: %v", ErrBadReply, err)
	}
	switch {
	case r.MsgType != "text":
		return fmt.Errorf("%w: MsgType %q, want text", ErrBadReply, r.MsgType)
	case r.ToUserName != OpenID || r.FromUserName != Account:
		return fmt.Errorf("%w: addressed from %q to %q, want from %q to %q",
			ErrBadReply, r.FromUserName, r.ToUserName, Account, OpenID)
	case r.CreateTime <= 0:
		return fmt.Errorf("%w: CreateTime %d", ErrBadReply, r.CreateTime)
	case r.Content != Content:
		return fmt.Errorf("%w: Content %q, want %q", ErrBadReply, r.Content, Content)
	}
	return nil
}
