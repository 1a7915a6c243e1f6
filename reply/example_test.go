package reply_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

const push = `<xml>
<ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>
<FromUserName><![CDATA[oUser]]></FromUserName>
<CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[hello]]></Content>
<MsgId>1234567890123456</MsgId>
</xml>`

func ExampleNewText() {
	in, err := message.Parse([]byte(push))
	if err != nil {
		panic(err)
	}
	r := reply.NewText(in, "You said: "+in.(*message.Text).Content)
	r.CreateTime = 1348831865 // normally the current time; fixed for the example
	out, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// <xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]></FromUserName><CreateTime>1348831865</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[You said: hello]]></Content></xml>
}

func ExampleNewNews() {
	in, err := message.Parse([]byte(push))
	if err != nil {
		panic(err)
	}
	// A reply to a user's message shows only one article.
	r := reply.NewNews(in, reply.Article{
		Title:       "Getting started",
		Description: "Five minutes to your first order",
		PicURL:      "https://example.com/cover.jpg",
		URL:         "https://example.com/start",
	})
	r.CreateTime = 1348831865
	out, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	// Problems, such as no articles, surface from Marshal.
	_, err = reply.NewNews(in).Marshal()
	fmt.Println(errors.Is(err, reply.ErrArticleCount), err)
	// Output:
	// <xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]></FromUserName><CreateTime>1348831865</CreateTime><MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[Getting started]]></Title><Description><![CDATA[Five minutes to your first order]]></Description><PicUrl><![CDATA[https://example.com/cover.jpg]]></PicUrl><Url><![CDATA[https://example.com/start]]></Url></item></Articles></xml>
	// true reply: news must have 1 to 8 articles: got 0
}

func ExampleNewVideo() {
	in, err := message.Parse([]byte(push))
	if err != nil {
		panic(err)
	}
	r := reply.NewVideo(in, reply.Video{
		MediaID: "uploaded-video-media-id", // from the media (素材) APIs
		Title:   "How to order",            // optional, like Description
	})
	r.CreateTime = 1348831865
	out, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))

	_, err = reply.NewVideo(in, reply.Video{Title: "no media"}).Marshal()
	fmt.Println(errors.Is(err, reply.ErrMissingField), err)
	// Output:
	// <xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]></FromUserName><CreateTime>1348831865</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[uploaded-video-media-id]]></MediaId><Title><![CDATA[How to order]]></Title></Video></xml>
	// true reply: required field is empty: Video.MediaId
}

func ExampleNewTransferCustomerService() {
	in, err := message.Parse([]byte(push))
	if err != nil {
		panic(err)
	}
	r := reply.NewTransferCustomerService(in, "agent1@wx_account")
	r.CreateTime = 1348831865
	out, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// <xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]></FromUserName><CreateTime>1348831865</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[agent1@wx_account]]></KfAccount></TransInfo></xml>
}

// A handler that answers images with the same image and everything else
// with Success, which tells WeChat not to expect a reply (signature checks
// left out).
func Example() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		if err != nil {
			http.Error(w, "read error", http.StatusBadRequest)
			return
		}
		in, err := message.Parse(body)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		var r reply.Reply
		if img, ok := in.(*message.Image); ok {
			r = reply.NewImage(in, img.MediaID)
		}
		if r == nil {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := r.Marshal()
		if err != nil {
			io.WriteString(w, reply.Success) // better silence than an error for the user
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Write(out)
	})

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/wechat", strings.NewReader(push)))
	fmt.Println(rec.Body.String())
	// Output:
	// success
}
