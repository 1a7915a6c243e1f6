package wxmptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/wxmptest"
)

// The API fake stands in for api.weixin.qq.com: an accesstoken.Source and
// an api.Client pointed at it run offline, and the test reads what the
// fake was sent.
func ExampleNewAPIServer() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	tokens, err := accesstoken.New(fake.AppID(), fake.AppSecret(), accesstoken.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	c, err := api.NewClient(tokens, api.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// 40001 once, with the token revoked, as when another instance
	// force-refreshed it: the client fetches a new token and retries.
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 40001, Rotate: true, Times: 1})
	if err := c.CustomerService.Send(ctx, wxmptest.DefaultOpenID, api.Text{Content: "hello"}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("calls:", fake.Calls(wxmptest.APICustomSendPath), "token requests:", fake.TokenRequests())
	for _, r := range fake.Sent(wxmptest.DefaultOpenID) {
		fmt.Println(r.Kind, string(r.Body))
	}

	// 45015 always: the user is outside the 48-hour window.
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APICustomSendPath, ErrCode: 45015})
	err = c.CustomerService.Send(ctx, wxmptest.DefaultOpenID, api.Text{Content: "still there?"})
	fmt.Println(errors.Is(err, api.ErrOutsideWindow))
	// Output:
	// calls: 2 token requests: 2
	// text {"msgtype":"text","text":{"content":"hello"},"touser":"oWxmpTest0000000000000000001"}
	// true
}
