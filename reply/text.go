package reply

import "github.com/wxmp/wxmp/message"

// Text is a text reply (MsgType "text"). Content may hold newlines, which
// WeChat shows as line breaks; it is required: to send nothing, write
// [Success] instead.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
type Text struct {
	Header
	Content string
}

// NewText returns a text reply to in saying content, addressed and stamped
// as described at [Header]. It never fails; problems (a nil in, empty
// content, characters XML cannot carry) are reported by Marshal.
func NewText(in message.Message, content string) *Text {
	return &Text{Header: addressTo(in), Content: content}
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName, FromUserName or Content) or ErrInvalidChar.
func (r *Text) Marshal() ([]byte, error) {
	if err := r.check(field{name: "Content", value: r.Content, rule: requiredText}); err != nil {
		return nil, err
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

func (r *Text) size() int {
	return r.Header.size(typeText) + elemLen("Content", r.Content) + len("</xml>")
}

func (r *Text) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeText)
	b = appendElem(b, "Content", r.Content)
	return append(b, "</xml>"...)
}
