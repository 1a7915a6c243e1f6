// Package accesstoken gets, caches and shares an Official Account's basic
// access token (基础 access_token), the credential every cgi-bin API call
// carries as ?access_token=.
//
// Create one [Source] per AppID and share it; ask it for a token before
// each call, and tell it when WeChat refused one:
//
//	src, err := accesstoken.New(os.Getenv("WECHAT_APPID"), os.Getenv("WECHAT_SECRET"))
//	if err != nil {
//		return err // ErrInvalidConfig: an empty AppID or AppSecret
//	}
//	tok, err := src.Token(ctx)
//	if errors.Is(err, accesstoken.ErrIPNotWhitelisted) {
//		return fmt.Errorf("add this server to the IP whitelist: %w", err)
//	}
//	// … call an API with tok; if it answers 40001, 40014 or 42001:
//	if err := src.Invalidate(ctx, tok); err != nil {
//		return err // only a Store's error
//	}
//	tok, err = src.Token(ctx) // forgot tok only if it was still cached; retry the call once
//
// Package api does that dance for every call; a Source is what its
// NewClient takes.
//
// What a Source does, and why:
//
//   - It fetches from cgi-bin/stable_token in normal mode (POST JSON,
//     force_refresh=false), which returns the same token to every caller
//     while it is valid: several processes cannot invalidate each other's
//     tokens, the failure behind most "40001 storms". [WithLegacyToken]
//     switches to cgi-bin/token; [WithLegacyFallback] switches once the
//     host answers stable_token with 404 or 405, for stand-ins that lack it.
//   - It caches the token and refreshes it [DefaultExpiryDelta] (3 minutes)
//     before it expires, inside the 5 minutes in which stable_token hands out
//     the next one ([WithExpiryDelta] says more). A refresh that fails while
//     the old token is still valid is not an error: the old token is used and
//     the refresh tried again later.
//   - Callers that find no fresh token at the same moment share one request:
//     50 goroutines on a cold cache make one. The warm path takes tens of
//     nanoseconds and allocates nothing.
//   - [Source.Invalidate] is a compare-and-swap on the token that failed, so
//     a burst of calls that failed with one token causes one new fetch.
//     [Source.ForceRefresh] (force_refresh=true, 20 a day) happens only when
//     called. The Source never retries a fetch by itself; the caller retries
//     its API call once after Invalidate.
//   - With [WithStore], Sources in several processes share one token through
//     a [Store] of two methods the application implements (Redis, SQL), and
//     fetch it one at a time if the Store is also a [Locker];
//     without one, the token lives in memory.
//   - WeChat's refusals are an *[Error] with the code and a plain-language
//     [Error.Hint]; errors.Is matches [ErrIPNotWhitelisted] (40164),
//     [ErrRiskyIP] (89503), [ErrQuotaExceeded] (45009), [ErrSecretFrozen]
//     (40243), [ErrInvalidAppID] (40013) and [ErrInvalidSecret] (40001,
//     40125). A status outside 2xx is a *[StatusError]; redirects are never
//     followed.
//   - The AppSecret and the token never appear in an error, and printing a
//     [Token] or a [Source] with fmt masks them.
//
// [WithBaseURL] points a Source at a stand-in such as wxmptest.NewAPIServer,
// and [WithNow] sets its clock.
//
// The official pages are
// https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
// and https://developers.weixin.qq.com/doc/service/en/api/base/api_getaccesstoken.html
package accesstoken
