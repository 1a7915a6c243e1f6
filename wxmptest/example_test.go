package wxmptest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
	"github.com/wxmp/wxmp/wxmptest"
)

// echoHandler is the handler under test in the examples: it answers the
// verification GET, opens a push in any mode, echoes text back and answers
// "success" to anything else.
func echoHandler(token, aesKey, appID string) http.Handler {
	c, err := msgcrypt.New(token, aesKey, appID)
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if signature.VerifyRequest(token, r) != nil {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			io.WriteString(w, r.URL.Query().Get("echostr"))
			return
		}
		p, err := c.OpenRequest(r)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		in, err := message.Parse(p.Plaintext)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		text, ok := in.(*message.Text)
		if !ok {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := reply.NewText(text, "you said: "+text.Content).Marshal()
		if err == nil {
			out, err = p.Seal(out)
		}
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Write(out)
	})
}

func ExamplePusher_Push() {
	const (
		token  = "my-token"
		aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
		appID  = "wx5823bf96d3bd56c7"
	)
	p, err := wxmptest.NewPusher(token,
		wxmptest.WithHandler(echoHandler(token, aesKey, appID)),
		wxmptest.WithEncryption(msgcrypt.ModeSafe, aesKey, appID))
	if err != nil {
		panic(err)
	}
	res, err := p.Push(context.Background(), &message.Text{Content: "hello"})
	if err != nil {
		fmt.Println("WeChat would show an error:", err)
		return
	}
	fmt.Println(res.Reply.MsgType, res.Reply.Encrypted, res.Reply.Content)

	res, err = p.Push(context.Background(), &event.Subscribe{Event: event.NameSubscribe})
	fmt.Println(res.Reply.Kind, err)
	// Output:
	// text true you said: hello
	// success <nil>
}

func ExamplePusher_Push_violation() {
	// A handler that forgets to swap ToUserName and FromUserName.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in, _ := message.Parse(body)
		rep := reply.NewText(in, "hi")
		rep.ToUserName, rep.FromUserName = rep.FromUserName, rep.ToUserName
		out, _ := rep.Marshal()
		w.Write(out)
	})
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(h))
	if err != nil {
		panic(err)
	}
	_, err = p.Push(context.Background(), &message.Text{Content: "hello"})
	fmt.Println(errors.Is(err, wxmptest.ErrNotSwapped))
	fmt.Println(err)
	// Output:
	// true
	// wxmptest: reply ToUserName/FromUserName are not the push's swapped: ToUserName and FromUserName are the push's own, not swapped
}

func ExamplePusher_Push_timeout() {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // still busy when the Pusher gives up
		io.WriteString(w, "success")
	})
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(slow),
		wxmptest.WithTimeout(20*time.Millisecond)) // WeChat waits 5 s
	if err != nil {
		panic(err)
	}
	res, err := p.Push(context.Background(), &message.Text{Content: "hello"})
	fmt.Println(res.Attempts, "deliveries")
	fmt.Println(err)
	// Output:
	// 4 deliveries
	// wxmptest: no answer in time: 4 deliveries, none answered within 20ms
}

func ExamplePusher_Verify() {
	h := echoHandler("my-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx5823bf96d3bd56c7")
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(h))
	if err != nil {
		panic(err)
	}
	res, err := p.Verify(context.Background())
	fmt.Println(err, string(res.Response) == res.Query.Get("echostr"))

	// A server configured with another token refuses WeChat's GET.
	p, err = wxmptest.NewPusher("the-console-token", wxmptest.WithHandler(h))
	if err != nil {
		panic(err)
	}
	_, err = p.Verify(context.Background())
	fmt.Println(err)
	// Output:
	// <nil> true
	// wxmptest: HTTP status is not 200: HTTP 403 Forbidden
}

func ExamplePusher_Check() {
	p, err := wxmptest.NewPusher("my-token", wxmptest.WithHandler(http.NotFoundHandler()))
	if err != nil {
		panic(err)
	}
	push := []byte(`<xml><ToUserName>gh_acct</ToUserName><FromUserName>oUser</FromUserName>` +
		`<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml>`)
	_, err = p.Check(push, []byte(`{"msgtype":"text","text":{"content":"hi"}}`))
	fmt.Println(err)
	// Output:
	// wxmptest: reply is not success, empty or an <xml> document: the body looks like JSON; WeChat reads only XML
}
