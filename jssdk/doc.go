// Package jssdk signs web pages for the WeChat JS-SDK: it gets and caches
// the account's jsapi_ticket, and computes the signature wx.config checks.
//
// A page opened inside WeChat that wants the JS-SDK calls
// wx.config({appId, timestamp, nonceStr, signature, jsApiList}); the server
// computes those four values from the ticket and the page's own URL.
// [Source.Config] does it in one call, with a ticket source built on an
// access token source:
//
//	tokens, err := accesstoken.New(appID, appSecret)
//	if err != nil {
//		return err
//	}
//	js, err := jssdk.New(appID, tokens)
//	if err != nil {
//		return err
//	}
//	// … in the handler of a JSON endpoint the page calls with its location.href:
//	mux.HandleFunc("GET /jssdk-config", func(w http.ResponseWriter, r *http.Request) {
//		cfg, err := js.Config(r.Context(), r.FormValue("url"))
//		if err != nil {
//			http.Error(w, "cannot sign this page", http.StatusBadRequest)
//			return
//		}
//		w.Header().Set("Content-Type", "application/json")
//		json.NewEncoder(w).Encode(cfg) // {"appId","timestamp","nonceStr","signature"}
//	})
//
// [Sign] is the pure function underneath, for a ticket that comes from
// elsewhere. It drops the #fragment of the URL itself, the most reported
// cause of "invalid signature": WeChat signs location.href without it.
// Both examples of WeChat's documentation are among its tests.
//
// The ticket is cached like the access token, by the same machinery: it is
// refreshed [DefaultExpiryDelta] before it expires, concurrent callers share
// one getticket request, and with [WithStore] several processes share one
// ticket through a [Store] of the same shape as accesstoken.Store. When
// getticket refuses the access token (40001, 40014, 42001), the Source
// reports it to the [TokenSource] (Invalidate, a compare-and-swap), takes a
// new one and retries once. Neither the ticket nor the token appears in an
// error or in the fmt output of a [Source].
//
// The page's domain must be listed under JS接口安全域名 (JS API secure
// domains) in the console, which asks for the MP_verify file that
// oauth serves. The official page is
// https://developers.weixin.qq.com/doc/offiaccount/en/OA_Web_Apps/JS-SDK.html
package jssdk
