package wxmptest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

// The whole web authorization flow against the fake: the browser's trip
// through the consent page, then the server's calls.
func ExampleNewOAuthServer() {
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{
		User: wxmptest.OAuthUser{OpenID: "oExampleUser", Nickname: "小明", Sex: oauth.SexMale, City: "深圳"},
	})
	defer s.Close()
	cfg := s.ClientConfig("https://app.example.com/callback", oauth.ScopeUserInfo)

	// The browser opens the authorize link; WeChat redirects it back.
	link, _ := cfg.AuthCodeURL("xyz123")
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println(resp.StatusCode, back.Host+back.Path, "state:", back.Query().Get("state"))

	// The callback handler trades the code and reads the profile.
	ctx := context.Background()
	code := back.Query().Get("code")
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		fmt.Println(err)
		return
	}
	user, err := cfg.UserInfo(ctx, tok, oauth.LangZhCN)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.OpenID, user.Nickname, user.Sex, user.City, tok.Scope)

	// A reload of the callback replays the code.
	_, err = cfg.Exchange(ctx, code)
	fmt.Println("reused code:", errors.Is(err, oauth.ErrCodeUsed))
	// Output:
	// 302 app.example.com/callback state: xyz123
	// oExampleUser 小明 male 深圳 snsapi_userinfo
	// reused code: true
}

// Expiry with a fixed clock: a code dies after 5 minutes, an access token
// after 7200 seconds.
func ExampleOAuthServer_Advance() {
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{Now: func() time.Time { return start }})
	defer s.Close()
	cfg := s.ClientConfig("https://app.example.com/callback", oauth.ScopeBase)
	ctx := context.Background()

	stale := s.IssueCode(oauth.ScopeBase)
	s.Advance(wxmptest.OAuthCodeLifetime)
	_, err := cfg.Exchange(ctx, stale)
	fmt.Println("code after 5 minutes:", err)

	tok, _ := cfg.Exchange(ctx, s.IssueCode(oauth.ScopeBase))
	s.Advance(wxmptest.OAuthAccessTokenLifetime)
	err = cfg.Validate(ctx, tok)
	fmt.Println("token after 7200 s expired:", errors.Is(err, oauth.ErrExpired))

	// Output:
	// code after 5 minutes: oauth: errcode 40029: invalid code, rid: wxmptest-1
	// token after 7200 s expired: true
}

// Testing how a client copes with WeChat failing.
func ExampleOAuthServer_SetFaults() {
	s := wxmptest.NewOAuthServer(wxmptest.OAuthConfig{})
	defer s.Close()
	cfg := s.ClientConfig("https://app.example.com/callback", oauth.ScopeUserInfo)

	s.SetFaults(wxmptest.OAuthFault{Path: wxmptest.OAuthAccessTokenPath, Status: http.StatusBadGateway})
	_, err := cfg.Exchange(context.Background(), s.IssueCode(oauth.ScopeUserInfo))
	fmt.Println(err)
	// Output:
	// oauth: unexpected HTTP status 502 Bad Gateway
}
