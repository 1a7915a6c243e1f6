package api_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// shippedTemplateID is a template of the account, for the package
// comment's snippet.
const shippedTemplateID = "wxmptest_order_shipped_0000000000000000000001"

// notifyShipped is the package comment's snippet, compiled. It calls the
// real WeChat; Example runs the same calls against the fake.
func notifyShipped(ctx context.Context, openID string) error {
	tokens, err := accesstoken.New(os.Getenv("WECHAT_APPID"), os.Getenv("WECHAT_SECRET"))
	if err != nil {
		return err
	}
	c, err := api.NewClient(tokens)
	if err != nil {
		return err
	}
	err = c.CustomerService.Send(ctx, openID, api.Text{Content: "Your order has shipped."})
	if errors.Is(err, api.ErrOutsideWindow) {
		// The user has not written for 48 hours: a template message may still reach them.
		_, err = c.Template.Send(ctx, &api.TemplateMessage{ToUser: openID, TemplateID: shippedTemplateID})
	}
	return err
}

// A client on an accesstoken.Source, both pointed at the API fake of
// package wxmptest, the way a test points them at a stand-in for
// api.weixin.qq.com.
func Example() {
	fake, err := wxmptest.NewAPIServer(wxmptest.WithAPIUsers(
		wxmptest.APIUser{OpenID: "oUSER_active"},
		wxmptest.APIUser{OpenID: "oUSER_quiet", OutsideWindow: true},
	))
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

	for _, openID := range []string{"oUSER_active", "oUSER_quiet"} {
		err = c.CustomerService.Send(ctx, openID, api.Text{Content: "Your order has shipped."})
		if errors.Is(err, api.ErrOutsideWindow) {
			fmt.Println(openID, "is outside the window: sending a template message")
			_, err = c.Template.Send(ctx, &api.TemplateMessage{ToUser: openID, TemplateID: shippedTemplateID})
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	for _, openID := range []string{"oUSER_active", "oUSER_quiet"} {
		sent := fake.Sent(openID)
		fmt.Println(openID, "got", sent[0].Kind)
	}
	fmt.Println("token requests:", fake.TokenRequests())
	// Output:
	// oUSER_quiet is outside the window: sending a template message
	// oUSER_active got text
	// oUSER_quiet got template
	// token requests: 1
}

// The late-reply sender of a push server: a reply built for the passive
// answer, sent as a customer-service message once the 5 seconds are over.
func ExampleCustomerService_SendReply() {
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

	in := pushFrom(wxmptest.DefaultOpenID) // the push that took too long
	r := reply.NewText(in, "Here is your answer, a little late.")
	if err := c.CustomerService.SendReply(context.Background(), r); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(fake.Sent(wxmptest.DefaultOpenID)[0].Body))

	err = c.CustomerService.SendReply(context.Background(), reply.NewTransferCustomerService(in, ""))
	fmt.Println(errors.Is(err, api.ErrNotConvertible))
	// Output:
	// {"msgtype":"text","text":{"content":"Here is your answer, a little late."},"touser":"oWxmpTest0000000000000000001"}
	// true
}

// Menus are checked against WeChat's limits before they are sent.
func ExampleValidateMenu() {
	err := api.ValidateMenu([]api.Button{
		{Type: api.ButtonClick, Name: "Today's song", Key: "V1001_TODAY_MUSIC"},
		{Name: "More", SubButtons: []api.Button{
			{Type: api.ButtonView, Name: "Search", URL: "https://www.example.com/"},
		}},
	})
	fmt.Println(err)
	err = api.ValidateMenu([]api.Button{{Type: api.ButtonClick, Name: strings.Repeat("菜", 6), Key: "k"}})
	fmt.Println(err)
	// Output:
	// <nil>
	// api: invalid argument: Buttons[0].Name must be 1 to 16 bytes, not 18
}

// The image of a QR code is at a URL with the ticket escaped.
func ExampleQRCodeService_ShowURL() {
	c, err := api.NewClient(staticSource("TOKEN_static_0001"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.QRCode.ShowURL("gQH47joAAAAAAAAAASxodHRwOi8v+/=="))
	// Output:
	// https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH47joAAAAAAAAAASxodHRwOi8v%2B%2F%3D%3D
}
