// Package api calls WeChat's Official Account API (api.weixin.qq.com) on
// behalf of one account: customer-service messages, template messages, the
// custom menu, temporary media, parametric QR codes, user info and the
// callback IP list.
//
// A [Client] takes its access tokens from a [TokenSource], normally an
// *accesstoken.Source, which caches one token for every caller:
//
//	tokens, err := accesstoken.New(os.Getenv("WECHAT_APPID"), os.Getenv("WECHAT_SECRET"))
//	if err != nil {
//		return err
//	}
//	c, err := api.NewClient(tokens)
//	if err != nil {
//		return err
//	}
//	err = c.CustomerService.Send(ctx, openID, api.Text{Content: "Your order has shipped."})
//	if errors.Is(err, api.ErrOutsideWindow) {
//		// The user has not written for 48 hours: a template message may still reach them.
//		_, err = c.Template.Send(ctx, &api.TemplateMessage{ToUser: openID, TemplateID: shippedTemplateID})
//	}
//	return err
//
// # Services by area
//
// The methods are grouped by area in fields of the Client (c.Menu.Create,
// c.Media.Upload, c.QRCode.CreateTemporary…), the way go-github groups
// client.Repositories and client.Issues, rather than in one package per
// area as chanxuehong/wechat does. One Client then holds the one transport,
// token source and set of options, so an application configures it once
// and hands one value around; the areas still read as nouns at the call
// site; and an area added later is a field, not a new package for users to
// find and configure. The services are views of the Client (pointers into
// it), cost nothing, and are safe for concurrent use.
//
// # What every call does
//
// Each call gets a token, sends it in the access_token query parameter
// and, when WeChat answers 40001, 40014 or 42001 (the token is stale,
// invalid or expired, which happens when another process fetched a new one),
// calls [TokenSource.Invalidate] with that token (compare-and-swap: a
// token already replaced is not thrown away), gets a new one and retries
// exactly once. No other code is retried: 40164 (this server's IP is not
// in the account's IP whitelist), 89503 (a risky IP awaiting the
// administrator), 45009 (daily quota) and 40243 (AppSecret frozen) fail at
// once, as do -1 (busy) and everything else. Arguments WeChat documents as
// refused (menu sizes, media sizes and formats, scene ranges, message
// fields) are checked before the call and wrap [ErrInvalidArgument].
//
// WeChat's refusals come with HTTP 200 and {"errcode":…,"errmsg":…}; they
// are an *[Error] whose text ends with a plain-language hint ([Error.Hint])
// and which errors.Is matches against [ErrOutsideWindow] (45015),
// [ErrResponseLimit] (45047), [ErrIPNotWhitelisted] (40164), [ErrInvalidToken]
// (40001 after the retry) and the other sentinels. Errors from the
// TokenSource are returned wrapped, as they are.
//
// The transport never follows a redirect (a 3xx is a *[StatusError]), reads
// at most [WithMaxBodyBytes] of an answer, and never lets the access_token
// into an error: net/http's errors carry the URL, and the token in it is
// replaced with REDACTED.
//
// # Late replies
//
// [CustomerService.SendReply] sends a passive reply built with package
// reply (text, image, voice, video, music, news) as a customer-service
// message to the reply's ToUserName: the sender a push server uses for an
// answer that missed WeChat's 5 seconds.
//
// # Testing
//
// wxmptest.NewAPIServer is a fake of these endpoints, with WeChat's shapes
// and errcodes; point a Client at it with [WithBaseURL].
//
// The API's reference is at https://developers.weixin.qq.com/doc/service/api/
package api
