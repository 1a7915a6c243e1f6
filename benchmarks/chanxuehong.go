package benchmarks

import (
	"net/http"

	"github.com/chanxuehong/wechat/mp/core"
	"github.com/chanxuehong/wechat/mp/message/callback/request"
	"github.com/chanxuehong/wechat/mp/message/callback/response"
)

// Chanxuehong returns github.com/chanxuehong/wechat's core.Server wired as
// its mp/README.md shows: a core.ServeMux with a handler for text messages
// that answers with response.NewText, in clear (RawResponse) or encrypted
// (AESResponse). The Server is given the original ID and the AppID, as that
// README recommends for one account, so it checks ToUserName and, in safe
// mode, the AppID. Errors (a bad signature…) are answered 403 instead of
// only logged, so that tests can see a refusal; no error happens in the
// benchmarks.
func Chanxuehong(encrypted bool) http.Handler {
	mux := core.NewServeMux()
	mux.MsgHandleFunc(request.MsgTypeText, func(ctx *core.Context) {
		msg := request.GetText(ctx.MixedMsg)
		resp := response.NewText(msg.FromUserName, msg.ToUserName, msg.CreateTime, msg.Content)
		if encrypted {
			ctx.AESResponse(resp, 0, "", nil) // the push's timestamp, nonce and random
			return
		}
		ctx.RawResponse(resp)
	})
	refuse := core.ErrorHandlerFunc(func(w http.ResponseWriter, _ *http.Request, _ error) {
		http.Error(w, "forbidden", http.StatusForbidden)
	})
	srv := core.NewServer(Account, AppID, Token, EncodingAESKey, mux, refuse)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r, nil)
	})
}
