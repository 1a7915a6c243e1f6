package message_test

import (
	"fmt"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
)

func ExampleParse() {
	body := []byte(`<xml>
<ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
<FromUserName><![CDATA[oUser-OpenID]]></FromUserName>
<CreateTime>1700000000</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[你好]]></Content>
<MsgId>24000000000000001</MsgId>
</xml>`)

	msg, err := message.Parse(body)
	if err != nil {
		fmt.Println("bad push:", err)
		return
	}
	switch m := msg.(type) {
	case *message.Text:
		fmt.Printf("%s says %q (MsgId %d)\n", m.FromUserName, m.Content, m.MsgID)
	case *event.Subscribe:
		fmt.Println(m.FromUserName, "followed")
	case *message.Unknown:
		fmt.Println("new message type:", m.MsgType)
	}
	// Output: oUser-OpenID says "你好" (MsgId 24000000000000001)
}

func ExampleParse_error() {
	_, err := message.Parse([]byte(`<xml><MsgType>text</MsgType><MsgId>twelve</MsgId></xml>`))
	fmt.Println(err)
	// Output: message: a number field is not a number: invalid syntax
}
