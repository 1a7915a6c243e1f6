package push

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// The account and user of the tests.
const (
	testAccount = "gh_3c884a361561"
	testOpenID  = "oia2TjjewbmiOUlr6X-1crbLOvLw"
)

// textPush is a text message from testOpenID.
func textPush(msgID int64, content string) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName>"+
		"<FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1714036504</CreateTime>"+
		"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId></xml>", testAccount, testOpenID, content, msgID)
}

// eventPush is an event from testOpenID with an EventKey.
func eventPush(name, key string, createTime int64) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName>"+
		"<FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event>"+
		"<EventKey><![CDATA[%s]]></EventKey></xml>", testAccount, testOpenID, createTime, name, key)
}

// echo answers a text message with its content.
func echo(_ context.Context, msg message.Message) (reply.Reply, error) {
	if m, ok := msg.(*message.Text); ok {
		return reply.NewText(m, m.Content), nil
	}
	return nil, nil
}

func mustParse(t testing.TB, push []byte) message.Message {
	t.Helper()
	m, err := message.Parse(push)
	require.NoError(t, err)
	return m
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
