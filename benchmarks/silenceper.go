package benchmarks

import (
	"net/http"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Silenceper returns github.com/silenceper/wechat/v2's official-account
// server wired as its README shows: an OfficialAccount with a memory cache,
// and per request GetServer, SetMessageHandler returning a text reply,
// Serve and Send. The server picks plain or safe mode from the request's
// encrypt_type, so one handler serves both.
//
// The OfficialAccount comes from officialaccount.NewOfficialAccount, which
// is what the README's wechat.NewWechat().GetOfficialAccount(cfg) calls:
// importing the root package wechat would run its init, which sets logrus's
// global level to Debug with output to stdout, and every push would then
// print three debug lines. A production service turns that off; so does
// this harness, by not importing it. The AppSecret is never used: answering
// a push needs no access token, so no network I/O happens.
func Silenceper() http.Handler {
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID:          AppID,
		AppSecret:      "unused-by-passive-replies",
		Token:          Token,
		EncodingAESKey: EncodingAESKey,
		Cache:          cache.NewMemory(),
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(msg *message.MixMessage) *message.Reply {
			if msg.MsgType != message.MsgTypeText {
				return nil
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(msg.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if err := srv.Send(); err != nil {
			http.Error(w, "cannot reply", http.StatusInternalServerError)
		}
	})
}
