package message_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
)

// TestOddFieldKeepsThePush checks the policy for a field WeChat fills in
// an unexpected way: the header and MsgId stay strict, while any other
// field keeps the push. MsgDataId, Idx and bizmsgmenuid, which the
// documentation gives no number type (its sample shows "xxxx"), are
// strings; another field that does not decode turns the push into an
// *Unknown that names it.
func TestOddFieldKeepsThePush(t *testing.T) {
	t.Parallel()
	const head = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_2</FromUserName><CreateTime>1700000000</CreateTime>"
	h := func(msgType string) message.Header { return hdr("gh_1", "o_2", 1700000000, msgType) }

	// The official sample of a text message, as the documentation shows it.
	doc := []byte(head + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content>" +
		"<MsgId>1234567890123456</MsgId><MsgDataId>xxxx</MsgDataId><Idx>xxxx</Idx></xml>")
	got, err := message.Parse(doc)
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(&message.Text{
		Header: h("text"), Content: "this is a test", MsgID: 1234567890123456, MsgDataID: "xxxx", Idx: "xxxx",
	}, got))

	menu := []byte(head + "<MsgType>text</MsgType><Content>yes</Content><MsgId>1</MsgId><bizmsgmenuid>opt-a</bizmsgmenuid></xml>")
	got, err = message.Parse(menu)
	require.NoError(t, err)
	assert.Equal(t, "opt-a", got.(*message.Text).BizMsgMenuID)

	kept := map[string]struct {
		body   string
		fields []string
	}{
		"latitude": {head + "<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>7</MsgId></xml>",
			[]string{"Location_X"}},
		"two fields, one twice": {head + "<MsgType>location</MsgType><Scale>x</Scale><Location_X>1e999</Location_X><Scale>y</Scale><MsgId>7</MsgId></xml>",
			[]string{"Scale", "Location_X"}},
		"file size": {head + "<MsgType>FILE</MsgType><FileTotalLen>12 KB</FileTotalLen><MsgId>7</MsgId></xml>",
			[]string{"FileTotalLen"}},
		"through encoding/xml": {head + "<!-- c --><MsgType>file</MsgType><FileTotalLen>-</FileTotalLen></xml>",
			[]string{"FileTotalLen"}},
	}
	for name, tt := range kept {
		got, err := message.Parse([]byte(tt.body))
		require.NoError(t, err, name)
		u, ok := got.(*message.Unknown)
		require.True(t, ok, "%s: %T", name, got)
		assert.Equal(t, tt.fields, u.InvalidFields, name)
		assert.Equal(t, tt.body, string(u.Raw), name)
		assert.Equal(t, "gh_1", u.ToUserName, name)
		assert.NotEmpty(t, u.MsgType, name)
	}

	strict := map[string]string{
		"CreateTime":               "<xml><CreateTime>soon</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X></xml>",
		"MsgId":                    head + "<MsgType>text</MsgType><MsgId>twelve</MsgId></xml>",
		"MsgId after an odd field": head + "<MsgType>location</MsgType><Location_X>north</Location_X><MsgId>x</MsgId></xml>",
		"MsgId of a file":          head + "<MsgType>file</MsgType><MsgId>99999999999999999999</MsgId><FileTotalLen>x</FileTotalLen></xml>",
		"not XML after the field":  head + "<MsgType>location</MsgType><Location_X>north</Location_X><a></xml>",
	}
	for name, body := range strict {
		got, err := message.Parse([]byte(body))
		assert.Error(t, err, name)
		assert.Nil(t, got, name)
	}
	_, err = message.Parse([]byte(strict["MsgId"]))
	assert.ErrorIs(t, err, message.ErrInvalidNumber)
	_, err = message.Parse([]byte(strict["not XML after the field"]))
	assert.ErrorIs(t, err, message.ErrNotXML)
	_, err = message.Parse(bytes.Replace(doc, []byte("1234567890123456"), []byte("1234567890123456x"), 1))
	assert.ErrorIs(t, err, message.ErrInvalidNumber)
}
