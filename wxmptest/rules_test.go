package wxmptest_test

import (
	"encoding/xml"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// textPush is the push the judge tests answer: from the user oUser to the
// account gh_acct.
const textPush = `<xml><ToUserName><![CDATA[gh_acct]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>` +
	`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>`

const eventPush = `<xml><ToUserName>gh_acct</ToUserName><FromUserName>oUser</FromUserName>` +
	`<CreateTime>1700000000</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`

func checker(t *testing.T, mode msgcrypt.Mode) *wxmptest.Pusher {
	t.Helper()
	return newTestPusher(t, http.NotFoundHandler(), mode)
}

// head is the start of a well-addressed reply.
const head = `<ToUserName>oUser</ToUserName><FromUserName>gh_acct</FromUserName><CreateTime>1700000001</CreateTime>`

// TestCheckPlainBodies judges reply bodies to a plain push, good and bad,
// including replies written by hand as other libraries write them.
func TestCheckPlainBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		push string // "" means textPush
		body string
		rule error // nil: passes
		kind wxmptest.Kind
	}{
		{"success", "", "success", nil, wxmptest.KindSuccess},
		{"success with a newline", "", "success\n", nil, wxmptest.KindSuccess},
		{"empty", "", "", nil, wxmptest.KindEmpty},
		{"only white space", "", " \r\n", nil, wxmptest.KindEmpty},
		{"text", "", "<xml>" + head + "<MsgType>text</MsgType><Content>hi</Content></xml>", nil, wxmptest.KindXML},
		{"text in CDATA, pretty-printed, with a declaration and BOM", "",
			"\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>\n  <ToUserName><![CDATA[oUser]]></ToUserName>\n  <FromUserName><![CDATA[gh_acct]]></FromUserName>\n" +
				"  <CreateTime>1700000001</CreateTime>\n  <MsgType><![CDATA[text]]></MsgType>\n  <Content><![CDATA[hi]]></Content>\n</xml>\n", nil, wxmptest.KindXML},
		{"image", "", "<xml>" + head + "<MsgType>image</MsgType><Image><MediaId>m</MediaId></Image></xml>", nil, wxmptest.KindXML},
		{"voice", "", "<xml>" + head + "<MsgType>voice</MsgType><Voice><MediaId>m</MediaId></Voice></xml>", nil, wxmptest.KindXML},
		{"video without title", "", "<xml>" + head + "<MsgType>video</MsgType><Video><MediaId>m</MediaId></Video></xml>", nil, wxmptest.KindXML},
		{"music with only a thumb", "", "<xml>" + head + "<MsgType>music</MsgType><Music><ThumbMediaId>t</ThumbMediaId></Music></xml>", nil, wxmptest.KindXML},
		{"one article to a text", "", "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>1</ArticleCount><Articles><item><Title>a</Title></item></Articles></xml>", nil, wxmptest.KindXML},
		{"eight articles to an event", eventPush, "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>8</ArticleCount><Articles>" + strings.Repeat("<item><Title>a</Title></item>", 8) + "</Articles></xml>", nil, wxmptest.KindXML},
		{"transfer to customer service", "", "<xml>" + head + "<MsgType>transfer_customer_service</MsgType></xml>", nil, wxmptest.KindXML},
		{"a comment after the root", "", "<xml>" + head + "<MsgType>text</MsgType><Content>hi</Content></xml><!-- done -->", nil, wxmptest.KindXML},

		{"JSON", "", `{"MsgType":"text"}`, wxmptest.ErrNotXML, 0},
		{"JSON array", "", `[1]`, wxmptest.ErrNotXML, 0},
		{"HTML error page", "", "<html><body>502 Bad Gateway</body></html>", wxmptest.ErrNotXML, 0},
		{"plain text", "", "ok", wxmptest.ErrNotXML, 0},
		{"Success capitalised", "", "Success", wxmptest.ErrNotXML, 0},
		{"quoted success", "", `"success"`, wxmptest.ErrNotXML, 0},
		{"truncated", "", "<xml>" + head + "<MsgType>text</MsgType><Content>h", wxmptest.ErrNotXML, 0},
		{"text after the root", "", "<xml>" + head + "<MsgType>text</MsgType><Content>hi</Content></xml>success", wxmptest.ErrNotXML, 0},
		{"two roots", "", "<xml></xml><xml></xml>", wxmptest.ErrNotXML, 0},
		{"mismatched tags", "", "<xml><Content>hi</Contents></xml>", wxmptest.ErrNotXML, 0},
		{"GBK declared", "", `<?xml version="1.0" encoding="GBK"?><xml></xml>`, wxmptest.ErrNotXML, 0},
		{"no MsgType", "", "<xml>" + head + "<Content>hi</Content></xml>", wxmptest.ErrMsgType, wxmptest.KindXML},
		{"MsgType of a push", "", "<xml>" + head + "<MsgType>event</MsgType></xml>", wxmptest.ErrMsgType, wxmptest.KindXML},
		{"MsgType upper case", "", "<xml>" + head + "<MsgType>TEXT</MsgType><Content>hi</Content></xml>", wxmptest.ErrMsgType, wxmptest.KindXML},
		{"not swapped", "", "<xml><ToUserName>gh_acct</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>", wxmptest.ErrNotSwapped, wxmptest.KindXML},
		{"wrong FromUserName", "", "<xml><ToUserName>oUser</ToUserName><FromUserName>gh_other</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>", wxmptest.ErrNotSwapped, wxmptest.KindXML},
		{"no ToUserName", "", "<xml><FromUserName>gh_acct</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"no CreateTime", "", "<xml><ToUserName>oUser</ToUserName><FromUserName>gh_acct</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"CreateTime a date", "", "<xml><ToUserName>oUser</ToUserName><FromUserName>gh_acct</FromUserName><CreateTime>2024-01-01</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"text without Content", "", "<xml>" + head + "<MsgType>text</MsgType></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"image with MediaId outside Image", "", "<xml>" + head + "<MsgType>image</MsgType><MediaId>m</MediaId></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"voice with an Image", "", "<xml>" + head + "<MsgType>voice</MsgType><Image><MediaId>m</MediaId></Image></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"video without MediaId", "", "<xml>" + head + "<MsgType>video</MsgType><Video><Title>t</Title></Video></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"music without thumb", "", "<xml>" + head + "<MsgType>music</MsgType><Music><MusicUrl>u</MusicUrl></Music></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"news without ArticleCount", "", "<xml>" + head + "<MsgType>news</MsgType><Articles><item><Title>a</Title></item></Articles></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"news article without Title", "", "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>1</ArticleCount><Articles><item><Url>u</Url></item></Articles></xml>", wxmptest.ErrMissingField, wxmptest.KindXML},
		{"two articles to a text", "", "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>2</ArticleCount><Articles><item><Title>a</Title></item><item><Title>b</Title></item></Articles></xml>", wxmptest.ErrArticleCount, wxmptest.KindXML},
		{"nine articles to an event", eventPush, "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>9</ArticleCount><Articles>" + strings.Repeat("<item><Title>a</Title></item>", 9) + "</Articles></xml>", wxmptest.ErrArticleCount, wxmptest.KindXML},
		{"no articles", "", "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>0</ArticleCount></xml>", wxmptest.ErrArticleCount, wxmptest.KindXML},
		{"ArticleCount lies", eventPush, "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>3</ArticleCount><Articles><item><Title>a</Title></item></Articles></xml>", wxmptest.ErrArticleCount, wxmptest.KindXML},
		{"ArticleCount not a number", "", "<xml>" + head + "<MsgType>news</MsgType><ArticleCount>one</ArticleCount><Articles><item><Title>a</Title></item></Articles></xml>", wxmptest.ErrArticleCount, wxmptest.KindXML},
	}
	p := checker(t, msgcrypt.ModePlain)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			push := tt.push
			if push == "" {
				push = textPush
			}
			r, err := p.Check([]byte(push), []byte(tt.body))
			if tt.rule == nil {
				require.NoError(t, err)
				require.NotNil(t, r)
				assert.Equal(t, tt.kind, r.Kind)
				return
			}
			require.ErrorIs(t, err, tt.rule)
			var v *wxmptest.Violation
			require.ErrorAs(t, err, &v)
			assert.NotEmpty(t, v.Detail, "the error says what broke the rule")
			if tt.kind == 0 {
				assert.Nil(t, r)
			} else {
				require.NotNil(t, r)
				assert.Equal(t, tt.kind, r.Kind)
			}
		})
	}
}

// TestCheckDetails checks that the detail names what a developer must fix.
func TestCheckDetails(t *testing.T) {
	t.Parallel()
	p := checker(t, msgcrypt.ModePlain)
	for body, want := range map[string]string{
		`{"a":1}`:            "JSON",
		"<xml><Content>hi":   "cut short",
		"<root></root>":      "root element is not <xml>",
		"<xml><a></b></xml>": "syntax error on line 1",
		`<?xml version="1.0" encoding="GBK"?><xml></xml>`: "encoding other than UTF-8",
		"<xml>" + head + "<MsgType>Text</MsgType></xml>":  "(lower case)",
		"SUCCESS":                 "wrong case",
		"<xml>" + head + "</xml>": "no MsgType",
		"<xml>" + head + "<MsgType>news</MsgType><ArticleCount>2</ArticleCount><Articles><item><Title>a</Title></item><item><Title>b</Title></item></Articles></xml>": `answer to a "text" message`,
		"<xml><ToUserName>gh_acct</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>":          "not swapped",
	} {
		_, err := p.Check([]byte(textPush), []byte(body))
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
}

// TestCheckDecodesReply checks the decoded fields of each reply type.
func TestCheckDecodesReply(t *testing.T) {
	t.Parallel()
	p := checker(t, msgcrypt.ModePlain)
	in, err := message.Parse([]byte(eventPush))
	require.NoError(t, err)
	tests := []struct {
		rep  reply.Reply
		want wxmptest.Reply
	}{
		{reply.NewText(in, "a\nb & ]]>"), wxmptest.Reply{MsgType: "text", Content: "a\nb & ]]>"}},
		{reply.NewVideo(in, reply.Video{MediaID: "v", Title: "T", Description: "D"}), wxmptest.Reply{MsgType: "video", MediaID: "v", Title: "T", Description: "D"}},
		{reply.NewMusic(in, reply.Music{Title: "T", Description: "D", MusicURL: "u", HQMusicURL: "hq", ThumbMediaID: "th"}),
			wxmptest.Reply{MsgType: "music", Title: "T", Description: "D", MusicURL: "u", HQMusicURL: "hq", ThumbMediaID: "th"}},
		{reply.NewTransferCustomerService(in, "kf1@wx"), wxmptest.Reply{MsgType: "transfer_customer_service", KfAccount: "kf1@wx"}},
		{reply.NewNews(in, reply.Article{Title: "T", Description: "D", PicURL: "p", URL: "u"}),
			wxmptest.Reply{MsgType: "news", Articles: []reply.Article{{Title: "T", Description: "D", PicURL: "p", URL: "u"}}}},
	}
	for _, tt := range tests {
		b, err := tt.rep.Marshal()
		require.NoError(t, err)
		got, err := p.Check([]byte(eventPush), b)
		require.NoError(t, err, string(b))
		tt.want.Kind, tt.want.XML = wxmptest.KindXML, b
		tt.want.ToUserName, tt.want.FromUserName = "oUser", "gh_acct"
		tt.want.CreateTime = got.CreateTime
		assert.NotZero(t, got.CreateTime)
		assert.Equal(t, &tt.want, got)
	}
}

// TestCheckEncryptedBodies judges replies to an encrypted push.
func TestCheckEncryptedBodies(t *testing.T) {
	t.Parallel()
	good := "<xml>" + head + "<MsgType>text</MsgType><Content>hi</Content></xml>"
	seal := func(t *testing.T, token, appID, body string) string {
		c, err := msgcrypt.New(token, pushAESKey, appID)
		require.NoError(t, err)
		out, err := c.Encrypt(msgcrypt.CurrentKey, []byte(body), "1700000002", "77")
		require.NoError(t, err)
		return string(out)
	}
	envelope := func(encrypt, sig, ts, nonce string) string {
		b, err := xml.Marshal(struct {
			XMLName      xml.Name `xml:"xml"`
			Encrypt      string   `xml:"Encrypt,omitempty"`
			MsgSignature string   `xml:"MsgSignature,omitempty"`
			TimeStamp    string   `xml:"TimeStamp,omitempty"`
			Nonce        string   `xml:"Nonce,omitempty"`
		}{Encrypt: encrypt, MsgSignature: sig, TimeStamp: ts, Nonce: nonce})
		require.NoError(t, err)
		return string(b)
	}
	var env struct{ Encrypt, MsgSignature, TimeStamp, Nonce string }
	require.NoError(t, xml.Unmarshal([]byte(seal(t, pushToken, pushAppID, good)), &env))

	tests := []struct {
		name string
		body string
		rule error
	}{
		{"good envelope", seal(t, pushToken, pushAppID, good), nil},
		{"success stays plain", "success", nil},
		{"empty stays plain", "", nil},
		{"envelope written by hand, with a request-style timestamp", envelope(env.Encrypt, env.MsgSignature, env.TimeStamp, env.Nonce), nil},
		{"reply in clear", good, wxmptest.ErrNotEncrypted},
		{"JSON", `{"Encrypt":"x"}`, wxmptest.ErrNotXML},
		{"success encrypted", seal(t, pushToken, pushAppID, "success"), wxmptest.ErrNotXML},
		{"JSON encrypted", seal(t, pushToken, pushAppID, `{"MsgType":"text"}`), wxmptest.ErrNotXML},
		{"bad reply inside", seal(t, pushToken, pushAppID, strings.Replace(good, ">oUser<", ">oOther<", 1)), wxmptest.ErrNotSwapped},
		{"envelope inside an envelope", seal(t, pushToken, pushAppID, seal(t, pushToken, pushAppID, good)), wxmptest.ErrMsgType},
		{"other AppID", seal(t, pushToken, otherAppID, good), wxmptest.ErrBadEnvelope},
		{"other token", seal(t, "other-token", pushAppID, good), wxmptest.ErrBadEnvelope},
		{"no MsgSignature", envelope(env.Encrypt, "", env.TimeStamp, env.Nonce), wxmptest.ErrBadEnvelope},
		{"no TimeStamp", envelope(env.Encrypt, env.MsgSignature, "", env.Nonce), wxmptest.ErrBadEnvelope},
		{"no Nonce", envelope(env.Encrypt, env.MsgSignature, env.TimeStamp, ""), wxmptest.ErrBadEnvelope},
		{"TimeStamp not a number", envelope(env.Encrypt, env.MsgSignature, "soon", env.Nonce), wxmptest.ErrBadEnvelope},
		{"TimeStamp changed", envelope(env.Encrypt, env.MsgSignature, "1700000003", env.Nonce), wxmptest.ErrBadEnvelope},
		{"Encrypt tampered", envelope("AAAA"+env.Encrypt[4:], env.MsgSignature, env.TimeStamp, env.Nonce), wxmptest.ErrBadEnvelope},
		{"Encrypt not base64, signed", func() string {
			enc := "not base64!"
			return envelope(enc, sha1Sorted(pushToken, "1", "2", enc), "1", "2")
		}(), wxmptest.ErrBadEnvelope},
		{"wrong element case", strings.ReplaceAll(envelope(env.Encrypt, env.MsgSignature, env.TimeStamp, env.Nonce), "TimeStamp", "Timestamp"), wxmptest.ErrBadEnvelope},
	}
	for _, mode := range []msgcrypt.Mode{msgcrypt.ModeCompatible, msgcrypt.ModeSafe} {
		p := checker(t, mode)
		for _, tt := range tests {
			t.Run(mode.String()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				r, err := p.Check([]byte(textPush), []byte(tt.body))
				if tt.rule == nil {
					require.NoError(t, err)
					if r.Kind == wxmptest.KindXML {
						assert.True(t, r.Encrypted)
						assert.Equal(t, good, string(r.XML), "XML is the reply in clear")
						assert.Equal(t, "hi", r.Content)
					}
					return
				}
				require.ErrorIs(t, err, tt.rule)
				for _, secret := range []string{pushToken, pushAESKey, "<Content>hi"} {
					assert.NotContains(t, err.Error(), secret)
				}
			})
		}
	}
}

// TestCheckAcceptsWhatReplyBuilds runs every captured push through
// package reply and the judge: what this module builds, WeChat accepts.
func TestCheckAcceptsWhatReplyBuilds(t *testing.T) {
	t.Parallel()
	p := checker(t, msgcrypt.ModePlain)
	files, err := filepath.Glob(filepath.Join("testdata", "pushes", "*.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		push, err := os.ReadFile(f)
		require.NoError(t, err)
		in, err := message.Parse(push)
		require.NoError(t, err, f)
		b, err := reply.NewText(in, "ok").Marshal()
		require.NoError(t, err, f)
		_, err = p.Check(push, b)
		assert.NoError(t, err, f)
	}
}

func TestViolation(t *testing.T) {
	t.Parallel()
	v := &wxmptest.Violation{Rule: wxmptest.ErrStatus, Detail: "HTTP 500"}
	assert.Equal(t, "wxmptest: HTTP status is not 200: HTTP 500", v.Error())
	assert.True(t, errors.Is(v, wxmptest.ErrStatus))
	assert.Equal(t, wxmptest.ErrStatus.Error(), (&wxmptest.Violation{Rule: wxmptest.ErrStatus}).Error())
	assert.Equal(t, "success", wxmptest.KindSuccess.String())
	assert.Equal(t, "empty", wxmptest.KindEmpty.String())
	assert.Equal(t, "xml", wxmptest.KindXML.String())
	assert.Equal(t, "Kind(0)", wxmptest.Kind(0).String())
}
