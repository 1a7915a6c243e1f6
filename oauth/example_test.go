package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wxmp/wxmp/oauth"
)

func ExampleConfig_AuthCodeURL() {
	cfg := oauth.Config{
		AppID:       "wx807d86fb6b3d4fd2",
		RedirectURL: "https://example.com/wechat/callback",
		Scope:       oauth.ScopeUserInfo,
	}
	// In a real handler the state is random (crypto/rand.Text) and kept in
	// an HttpOnly cookie to compare with the callback's ?state=.
	link, err := cfg.AuthCodeURL("a1b2c3")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(link)

	_, err = cfg.AuthCodeURL("not-alphanumeric")
	fmt.Println(errors.Is(err, oauth.ErrInvalidState))
	// Output:
	// https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=https%3A%2F%2Fexample.com%2Fwechat%2Fcallback&response_type=code&scope=snsapi_userinfo&state=a1b2c3#wechat_redirect
	// true
}

func ExampleConfig_QRConnectURL() {
	cfg := oauth.Config{
		AppID:       "wxweb0123456789",
		RedirectURL: "https://www.example.com/login",
	}
	link, err := cfg.QRConnectURL("q9", oauth.LoginLang(oauth.LangEN))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(link)
	// Output:
	// https://open.weixin.qq.com/connect/qrconnect?appid=wxweb0123456789&redirect_uri=https%3A%2F%2Fwww.example.com%2Flogin&response_type=code&scope=snsapi_login&state=q9&lang=en#wechat_redirect
}

// A stand-in for api.weixin.qq.com shows what a callback handler sees:
// the first exchange of a code succeeds, a second one (a page reload) fails
// with errcode 40163.
func ExampleConfig_Exchange() {
	used := false
	wechat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		switch {
		case r.URL.Path == "/sns/oauth2/access_token" && !used:
			used = true
			fmt.Fprint(w, `{"access_token":"AT","expires_in":7200,"refresh_token":"RT","openid":"oUser1","scope":"snsapi_userinfo"}`)
		case r.URL.Path == "/sns/oauth2/access_token":
			fmt.Fprint(w, `{"errcode":40163,"errmsg":"code been used"}`)
		case r.URL.Path == "/sns/userinfo":
			fmt.Fprint(w, `{"openid":"oUser1","nickname":"小明","sex":1,"city":"Shenzhen"}`)
		}
	}))
	defer wechat.Close()

	cfg := oauth.Config{
		AppID:     "wx807d86fb6b3d4fd2",
		AppSecret: "the-app-secret",
		Endpoint:  oauth.Endpoint{APIURL: wechat.URL},
	}
	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, "CODE")
	if err != nil {
		fmt.Println(err)
		return
	}
	user, err := cfg.UserInfo(ctx, tok, oauth.LangEN)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.OpenID, tok.Valid(), user.Nickname, user.Sex, user.City)

	_, err = cfg.Exchange(ctx, "CODE")
	var we *oauth.Error
	if errors.As(err, &we) {
		fmt.Println(we.Code, errors.Is(err, oauth.ErrCodeUsed))
	}
	// Output:
	// oUser1 true 小明 male Shenzhen
	// 40163 true
}
