package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/wxmp/wxmp/oauth"
	"github.com/wxmp/wxmp/wxmptest"
)

// Fake mode serves a stand-in for WeChat from this process, under
// fakePrefix on the application's own address, with WeChat's paths: the
// authorize page (/connect/, open.weixin.qq.com's) and the /sns/ API from
// package wxmptest's OAuthServer, the /cgi-bin/ API from its APIServer,
// whose page of what it was sent is at fakePrefix+"/", and the fake
// user's avatar.
const (
	fakePrefix     = "/fake-wechat"
	fakeAvatarPath = fakePrefix + "/avatar.svg"
)

// fakeWeChat is the in-process stand-in for WeChat.
type fakeWeChat struct {
	oauth *wxmptest.OAuthServer
	api   *wxmptest.APIServer
	// pageURL is where the browser sees what the API fake was sent.
	pageURL string
}

// fakeUser is who consents on the fake's authorize page: wxmptest's
// default user (a follower the API fake knows) with an avatar served by
// this process.
func fakeUser(publicURL string) wxmptest.OAuthUser {
	u := wxmptest.DefaultOAuthUser()
	u.HeadImgURL = publicURL + fakeAvatarPath
	return u
}

// withFakeWeChat completes a fake-mode configuration once the server
// listens on addr: PUBLIC_URL defaults to http://localhost:PORT, the
// browser reaches the fake under PUBLIC_URL/fake-wechat, and the server's
// own calls go to it over loopback (addr) so they do not depend on how
// PUBLIC_URL is routed.
func (c config) withFakeWeChat(addr net.Addr) (config, error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return config{}, fmt.Errorf("fake mode: listening address: %w", err)
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + net.JoinHostPort(localName(host), port)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return config{}, errors.New("PUBLIC_URL must be an absolute http(s) URL without query or fragment")
	}
	c.AppID, c.Secret = wxmptest.DefaultOAuthAppID, wxmptest.DefaultOAuthAppSecret
	o := wxmptest.NewUnstartedOAuthServer(wxmptest.OAuthConfig{
		AppID:     c.AppID,
		AppSecret: c.Secret,
		User:      fakeUser(c.PublicURL),
		// Like the real 网页授权域名: the fake redirects only to PUBLIC_URL's host.
		Domains: []string{u.Hostname()},
	})
	templates := wxmptest.DefaultAPITemplates()
	if c.TemplateID != "" && c.TemplateID != templates[0].TemplateID {
		t := templates[0]
		t.TemplateID = c.TemplateID
		templates = append(templates, t)
	}
	a, err := wxmptest.NewUnstartedAPIServer(
		wxmptest.WithAPICredentials(c.AppID, c.Secret),
		wxmptest.WithAPITemplates(templates...),
	)
	if err != nil {
		return config{}, fmt.Errorf("fake mode: %w", err)
	}
	a.AddUser(wxmptest.APIUser{OpenID: fakeUser(c.PublicURL).OpenID, UnionID: fakeUser(c.PublicURL).UnionID})
	loopback := "http://" + addr.String() // Go dials an unspecified address locally
	c.OpenBase = c.PublicURL + fakePrefix
	c.APIBase = loopback + fakePrefix
	c.fake = &fakeWeChat{oauth: o, api: a, pageURL: c.PublicURL + fakePrefix + "/"}
	if _, err := c.oauthConfig(oauth.ScopeUserInfo, bindCallbackPath).AuthCodeURL("startup"); err != nil {
		return config{}, err
	}
	return c, nil
}

// localName is the host name a browser on this machine uses for a
// listening host: localhost for an unspecified address.
func localName(host string) string {
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "localhost"
	}
	return host
}

// mount serves the fake on mux.
func (f *fakeWeChat) mount(mux *http.ServeMux) {
	o := http.StripPrefix(fakePrefix, f.oauth.Handler())
	a := http.StripPrefix(fakePrefix, f.api.Handler())
	mux.Handle(fakePrefix+"/connect/", o)
	mux.Handle(fakePrefix+"/sns/", o)
	mux.Handle(fakePrefix+"/cgi-bin/", a)
	mux.Handle("GET "+fakePrefix+"/{$}", a)
	mux.HandleFunc("GET "+fakeAvatarPath, serveFakeAvatar)
}

// fakeAvatar is the fake user's avatar: a green square with a face.
const fakeAvatar = `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132" viewBox="0 0 132 132">
<rect width="132" height="132" rx="12" fill="#07c160"/>
<circle cx="46" cy="52" r="9" fill="#fff"/><circle cx="86" cy="52" r="9" fill="#fff"/>
<path d="M38 84 Q66 110 94 84" stroke="#fff" stroke-width="8" fill="none" stroke-linecap="round"/>
</svg>
`

func serveFakeAvatar(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte(fakeAvatar))
}
