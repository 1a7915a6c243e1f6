package msgcrypt_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/wxmp/wxmp/msgcrypt"
)

// The official demo's compatible-mode push, as WeChat would POST it.
const demoBody = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>`

func ExampleCrypter_Open() {
	c, err := msgcrypt.New("spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")
	if err != nil {
		fmt.Println(err)
		return
	}
	query, _ := url.ParseQuery("encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa" +
		"&timestamp=1409735669&nonce=1320562132&signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a")
	p, err := c.Open(query, []byte(demoBody))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Mode, p.Key)
	fmt.Println(string(p.Plaintext)) // for message.Parse

	out, _ := p.Seal([]byte("success"))
	fmt.Println(string(out))
	// Output:
	// compatible current
	// <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
	// <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>
	// <CreateTime>1409735668</CreateTime>
	// <MsgType><![CDATA[text]]></MsgType>
	// <Content><![CDATA[abcdteT]]></Content>
	// <MsgId>6054768590064713728</MsgId>
	// </xml>
	// success
}

func ExampleCrypter_Encrypt() {
	// WithRandom fixes the 16 random bytes so the output is reproducible: it
	// is the published vector of testdata/we_whisper_reply.json. Production
	// code leaves the default, crypto/rand.
	c, err := msgcrypt.New("spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2",
		msgcrypt.WithRandom(strings.NewReader("HLFOQjbkfgUh46s8")))
	if err != nil {
		fmt.Println(err)
		return
	}
	reply := `<xml><ToUserName><![CDATA[oia2TjjewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType>  <![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>`
	env, err := c.EncryptEnvelope(msgcrypt.CurrentKey, []byte(reply), "1415979516", "1320562132")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.MsgSignature)
	fmt.Println(env.Encrypt[:32] + "…")
	// Output:
	// 096d8cda45e4678ca23460f6b8cd281b3faf1fc3
	// 3kKZ++U5ocvIF8dAHPct7xvUqEv6vplh…
}

func ExampleNew() {
	_, err := msgcrypt.New("spamtest", "too-short", "wx2c2769f8efd9abc2")
	fmt.Println(errors.Is(err, msgcrypt.ErrInvalidKey))
	fmt.Println(err)
	// Output:
	// true
	// msgcrypt: invalid config: invalid EncodingAESKey: want 43 characters, got 9
}

func ExampleWithPreviousKey() {
	// After changing the EncodingAESKey in the console, keep the old one for
	// pushes still encrypted with it; Push.Seal answers each push with the
	// key it came with.
	c, err := msgcrypt.New("spamtest", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx2c2769f8efd9abc2",
		msgcrypt.WithPreviousKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	query, _ := url.ParseQuery("encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa&timestamp=1409735669&nonce=1320562132")
	p, err := c.Open(query, []byte(demoBody))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Key)
	// Output: previous
}
