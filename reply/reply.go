package reply

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/wxmp/wxmp/internal/xmltext"
	"github.com/wxmp/wxmp/message"
)

// Reply is a passive reply that can be written as the HTTP response body to
// a push. Marshal returns the plaintext XML document (root <xml>); in safe
// mode the caller encrypts it before writing it. Every reply type of this
// package implements Reply with a pointer receiver.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Reply interface {
	Marshal() ([]byte, error)
}

// Success is the body that tells WeChat a push was handled and no reply
// follows: WeChat shows the user nothing and does not retry. WeChat
// recommends it when an answer cannot be ready within the 5 s limit; send the
// answer later through the customer-service message API. A 0-byte body has
// the same effect (0 bytes, not an XML reply with an empty Content, which the
// user would see as an error).
//
// Write Success as it is, unencrypted, in safe mode too: it is not XML and
// has nothing to encrypt.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
const Success = "success"

// MaxArticles is the most articles a news reply may carry (see [News]).
const MaxArticles = 8

// Wire values of MsgType in replies.
const (
	typeText     = "text"
	typeImage    = "image"
	typeVoice    = "voice"
	typeVideo    = "video"
	typeMusic    = "music"
	typeNews     = "news"
	typeTransfer = "transfer_customer_service"
)

// Errors returned by Marshal, wrapped with the name of the offending field;
// test them with errors.Is. The constructors never fail: every problem
// surfaces here, from Marshal. No error ever contains the reply's text.
var (
	// ErrMissingField: a required field is empty (for IDs: empty or only
	// white space). Replies built from a nil message have no ToUserName and
	// fail with this error.
	ErrMissingField = errors.New("reply: required field is empty")
	// ErrArticleCount: a news reply has no articles or more than
	// MaxArticles.
	ErrArticleCount = errors.New("reply: news must have 1 to 8 articles")
	// ErrInvalidChar: a field holds invalid UTF-8 or a character XML 1.0
	// cannot carry (control characters other than tab, LF and CR, such as
	// \x00 or \x1b, and U+FFFE, U+FFFF). Such a reply would not be
	// well-formed XML, and WeChat would show the user "该公众号暂时无法提供服务".
	ErrInvalidChar = errors.New("reply: character not allowed in XML")
)

// timeNow is the clock that stamps CreateTime; tests replace it.
var timeNow = time.Now

// Header is what every reply starts with. The builders fill it from the
// inbound push: ToUserName is the user's OpenID (the push's FromUserName),
// FromUserName the Official Account's original ID (the push's ToUserName),
// both with surrounding white space removed, and CreateTime the current time
// in Unix seconds. A caller may change any of them before Marshal.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Header struct {
	ToUserName   string
	FromUserName string
	// CreateTime is in Unix seconds.
	CreateTime int64
}

// addressTo returns the header of a reply to in. A nil in (or a nil pointer
// in the interface) gives a header with only CreateTime set, which Marshal
// rejects with ErrMissingField.
func addressTo(in message.Message) Header {
	h := Header{CreateTime: timeNow().Unix()}
	if in == nil {
		return h
	}
	if v := reflect.ValueOf(in); v.Kind() == reflect.Pointer && v.IsNil() {
		return h
	}
	if head := in.Head(); head != nil {
		h.ToUserName = strings.TrimSpace(head.FromUserName)
		h.FromUserName = strings.TrimSpace(head.ToUserName)
	}
	return h
}

// check returns the first problem of a reply: its header's addresses
// first, then fields (see [checkItem]). It takes the header's fields as
// values, not as a slice to append to, so that checking a reply allocates
// nothing.
func (h *Header) check(fields ...field) error {
	if err := checkItem(-1,
		field{name: "ToUserName", value: h.ToUserName, rule: requiredID},
		field{name: "FromUserName", value: h.FromUserName, rule: requiredID},
	); err != nil {
		return err
	}
	return checkItem(-1, fields...)
}

// rule says whether a field may be empty.
type rule int

const (
	optional     rule = iota
	requiredText      // must not be ""
	requiredID        // must not be empty or only white space
)

// field is one string of a reply, named as on the wire, for check.
type field struct {
	name  string
	value string
	rule  rule
}

// checkItem returns the first problem among the fields of news article i
// (from 0), or of the reply itself when i is negative: a required one that
// is empty (ErrMissingField) or one that XML cannot carry (ErrInvalidChar).
// The name is only built for an error, which keeps the common path free of
// allocations.
func checkItem(i int, fields ...field) error {
	for _, f := range fields {
		switch {
		case f.rule == requiredText && f.value == "",
			f.rule == requiredID && strings.TrimSpace(f.value) == "":
			return fmt.Errorf("%w: %s", ErrMissingField, itemName(i, f.name))
		}
		if at := xmltext.InvalidCharAt(f.value); at >= 0 {
			return fmt.Errorf("%w: %s at byte %d", ErrInvalidChar, itemName(i, f.name), at)
		}
	}
	return nil
}

func itemName(i int, name string) string {
	if i < 0 {
		return name
	}
	return fmt.Sprintf("Articles[%d].%s", i, name)
}
