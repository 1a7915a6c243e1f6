package event_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/event"
)

// TestOddFieldKeepsThePush checks the policy for a field WeChat fills in
// an unexpected way: the header and the MsgID of a job result stay strict,
// while any other field that does not decode turns the push into an
// *Unknown that names it, so that the push is not lost.
func TestOddFieldKeepsThePush(t *testing.T) {
	t.Parallel()
	const head = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>"
	kept := map[string]struct {
		body   string
		fields []string
	}{
		"latitude": {head + "<Event>LOCATION</Event><Latitude>north</Latitude></xml>", []string{"Latitude"}},
		"count": {head + "<Event>MASSSENDJOBFINISH</Event><MsgID>1</MsgID><TotalCount>n/a</TotalCount></xml>",
			[]string{"TotalCount"}},
		"nested": {head + "<Event>MASSSENDJOBFINISH</Event><CopyrightCheckResult><ResultList><item><ArticleIdx>first</ArticleIdx></item></ResultList></CopyrightCheckResult></xml>",
			[]string{"CopyrightCheckResult>ResultList>item>ArticleIdx"}},
		"picture count": {head + "<Event>pic_weixin</Event><SendPicsInfo><Count>2.0</Count></SendPicsInfo></xml>",
			[]string{"SendPicsInfo>Count"}},
		"boolean": {head + "<Event>giftcard_user_accept</Event><IsChatRoom>maybe</IsChatRoom></xml>",
			[]string{"IsChatRoom"}},
		"list item": {head + "<Event>subscribe_msg_sent_event</Event><SubscribeMsgSentEvent><List><MsgID>x</MsgID></List></SubscribeMsgSentEvent></xml>",
			[]string{"SubscribeMsgSentEvent>List>MsgID"}},
		"publish status": {head + "<Event>PUBLISHJOBFINISH</Event><PublishEventInfo><publish_status>ok</publish_status><fail_idx>1</fail_idx><fail_idx>two</fail_idx></PublishEventInfo></xml>",
			[]string{"PublishEventInfo>publish_status", "PublishEventInfo>fail_idx"}},
	}
	for name, tt := range kept {
		got, err := event.Parse([]byte(tt.body))
		require.NoError(t, err, name)
		u, ok := got.(*event.Unknown)
		require.True(t, ok, "%s: %T", name, got)
		assert.Equal(t, tt.fields, u.InvalidFields, name)
		assert.Equal(t, tt.body, string(u.Raw), name)
		assert.NotEmpty(t, u.Event, name)
	}
	for name, body := range map[string]string{
		"CreateTime":      "<xml><CreateTime>x</CreateTime><MsgType>event</MsgType><Event>LOCATION</Event></xml>",
		"template MsgID":  head + "<Event>TEMPLATESENDJOBFINISH</Event><MsgID>99999999999999999999</MsgID></xml>",
		"mass send MsgID": head + "<Event>MASSSENDJOBFINISH</Event><TotalCount>x</TotalCount><MsgID>x</MsgID></xml>",
	} {
		got, err := event.Parse([]byte(body))
		assert.ErrorIs(t, err, event.ErrInvalidNumber, name)
		assert.Nil(t, got, name)
	}
}
