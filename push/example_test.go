package push_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// A Server with a Mux that echoes text messages, and one push sent to it
// as WeChat would in the plain mode.
func Example() {
	mux := push.NewMux()
	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, m.Content), nil
	})
	srv, err := push.NewServer("my-token", mux)
	if err != nil {
		log.Fatal(err)
	}

	// WeChat's side: a signed POST of a text message.
	q := url.Values{
		"signature": {signature.Compute("my-token", "1714036504", "1514711492")},
		"timestamp": {"1714036504"},
		"nonce":     {"1514711492"},
	}
	body := `<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName>
<FromUserName><![CDATA[oia2TjjewbmiOUlr6X-1crbLOvLw]]></FromUserName>
<CreateTime>1714036504</CreateTime><MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[hello]]></Content><MsgId>24537389287403911</MsgId></xml>`
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body)))

	var got struct{ ToUserName, MsgType, Content string }
	if err := xml.Unmarshal(w.Body.Bytes(), &got); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(got.ToUserName, got.MsgType, got.Content)
	// Output:
	// 200 application/xml; charset=utf-8
	// oia2TjjewbmiOUlr6X-1crbLOvLw text hello
}

// Handle registers a function per type; the fallback takes every other
// push, including types the SDK does not know.
func ExampleHandle() {
	mux := push.NewMux()
	push.Handle(mux, func(ctx context.Context, e *event.Subscribe) (reply.Reply, error) {
		if scene, ok := e.QRScene(); ok {
			return reply.NewText(e, "Welcome, from QR code "+scene), nil
		}
		return reply.NewText(e, "Welcome!"), nil
	})
	push.Handle(mux, func(ctx context.Context, e *event.Click) (reply.Reply, error) {
		return reply.NewText(e, "You chose "+e.EventKey), nil
	})
	mux.HandleFallback(push.HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		return nil, nil // "success": nothing to say
	}))

	msg, err := message.Parse([]byte(`<xml><ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName>
<CreateTime>1714036504</CreateTime><MsgType>event</MsgType><Event>CLICK</Event><EventKey>V1001_TODAY_MUSIC</EventKey></xml>`))
	if err != nil {
		log.Fatal(err)
	}
	r, err := mux.ServePush(context.Background(), msg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.(*reply.Text).Content)
	// Output: You chose V1001_TODAY_MUSIC
}

// customerService stands for the customer-service service of package api
// (*api.CustomerService), which sends a reply as a customer-service
// message.
type customerService struct{}

func (customerService) SendReply(ctx context.Context, r reply.Reply) error { return nil }

// A handler that may take longer than the 4 s deadline: the server
// answers "success" at the deadline, and the reply, when it comes, goes
// out through the customer-service API.
func ExampleLateContext() {
	slowAnswer := func(ctx context.Context, question string) (string, error) {
		select {
		case <-time.After(10 * time.Second): // a slow service
			return "42", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	mux := push.NewMux()
	push.Handle(mux, func(ctx context.Context, m *message.Text) (reply.Reply, error) {
		lctx, cancel := push.LateContext(ctx) // outlives the 4 s deadline
		defer cancel()
		answer, err := slowAnswer(lctx, m.Content)
		if err != nil {
			return nil, err
		}
		return reply.NewText(m, answer), nil
	})
	srv, err := push.NewServer("my-token", mux,
		push.WithLateReplies(customerService{}),
		push.WithLateTimeout(time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	routes := http.NewServeMux()
	routes.Handle("/wechat", srv)
	// http.ListenAndServe(":8080", routes)
}
