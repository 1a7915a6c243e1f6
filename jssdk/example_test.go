package jssdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/wxmptest"
)

// The example of WeChat's documentation: the signature for a page, with a
// fragment that Sign drops.
func ExampleSign() {
	ticket := "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
	fmt.Println(jssdk.Sign(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"))
	fmt.Println(jssdk.Sign(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value#share"))
	// Output:
	// 0f9de62fce790f9a083d5c99e95740ceb90c27ed
	// 0f9de62fce790f9a083d5c99e95740ceb90c27ed
}

// What a page needs for wx.config, from a Source over an access token
// source, both pointed at wxmptest's API fake. The clock and the random
// source are fixed here so that the output is; leave them out in
// production.
func ExampleSource_Config() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	tokens, err := accesstoken.New(fake.AppID(), fake.AppSecret(), accesstoken.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	js, err := jssdk.New(fake.AppID(), tokens,
		jssdk.WithBaseURL(fake.URL),
		jssdk.WithNow(func() time.Time { return time.Unix(1414587457, 0) }),
		jssdk.WithRandom(bytes.NewReader(bytes.Repeat([]byte("wxmp"), 8))))
	if err != nil {
		log.Fatal(err)
	}

	cfg, err := js.Config(context.Background(), "https://example.com/article?id=7#comments")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Timestamp, cfg.NonceStr, len(cfg.Signature))
	ticket, _ := js.Ticket(context.Background())
	fmt.Println(cfg.Signature == jssdk.Sign(ticket, cfg.NonceStr, cfg.Timestamp, "https://example.com/article?id=7"))

	// As JSON, the page hands it to wx.config as it is.
	enc := json.NewEncoder(os.Stdout)
	cfg.Signature = "…"
	_ = enc.Encode(cfg)
	// Output:
	// 1414587457 56vy56vy56vy56vy 40
	// true
	// {"appId":"wx0123456789abcdef","timestamp":1414587457,"nonceStr":"56vy56vy56vy56vy","signature":"…"}
}
