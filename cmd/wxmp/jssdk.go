package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wxmp/wxmp/jssdk"
)

const jssdkSynopsis = `wxmp jssdk -url URL [-apis NAME,...] [-debug]

Prints the wx.config object a page at URL passes to the JS-SDK: appId,
timestamp, nonceStr and signature, signed with the account's jsapi_ticket
(fetched with the access_token), as Source.Config in package jssdk does.
URL is the page's full address as location.href has it; a #fragment is
dropped, as WeChat does. The page's domain must be among the account's JS
API secure domains (JS接口安全域名). The ticket itself is never printed.

-apis adds jsApiList, -debug adds debug: true, so the output can be pasted
into wx.config({...}) as it is.

` + apiEnvHelp

// wxConfig is what the page passes to wx.config.
type wxConfig struct {
	Debug bool `json:"debug,omitempty"`
	jssdk.Config
	JSAPIList []string `json:"jsApiList,omitempty"`
}

func (c *cli) jssdk(ctx context.Context, args []string) int {
	s := c.newSubcommand("jssdk", jssdkSynopsis)
	timeout := s.apiFlags()
	pageURL := s.String("url", "", "the page's full URL, as location.href has it (required)")
	apis := s.String("apis", "", "comma-separated JS API names for jsApiList, such as updateAppMessageShareData,chooseImage")
	debug := s.Bool("debug", false, "add debug: true (the page then alerts every call's result)")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	switch {
	case len(s.rest) > 0:
		return s.usageError("unexpected arguments: %q", s.rest)
	case *pageURL == "":
		return s.usageError("-url is required")
	}
	out := wxConfig{Debug: *debug}
	for name := range strings.SplitSeq(*apis, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out.JSAPIList = append(out.JSAPIList, name)
		}
	}

	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	js, err := acct.jssdk(c)
	if err != nil {
		fmt.Fprintln(c.stderr, "wxmp jssdk:", err)
		return exitFail
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	cfg, err := js.Config(ctx, *pageURL)
	if errors.Is(err, jssdk.ErrInvalidURL) {
		return s.usageError("-url must be an absolute http or https URL, such as the page's location.href")
	}
	if err != nil {
		return c.fail("jssdk", err)
	}
	out.Config = cfg
	return c.printJSON("jssdk", out)
}
