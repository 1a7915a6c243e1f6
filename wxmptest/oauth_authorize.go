package wxmptest

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wxmp/wxmp/oauth"
)

// oauthAuthorizeParamCount is the number of documented authorize
// parameters; see oauthParamIndex.
const oauthAuthorizeParamCount = 5

// oauthAuthorizeRequest is a syntactically valid authorize request.
type oauthAuthorizeRequest struct {
	appID, redirectURI, scope, state string
	redirect                         *url.URL // redirectURI, parsed
}

// oauthPageError is what the authorize page shows instead of redirecting:
// WeChat's code for the problem (0 where it has none) and a description.
type oauthPageError struct {
	code int
	msg  string
}

// parseOAuthAuthorize checks the query string of an authorize request the
// way WeChat does, before it looks at which app asks: every documented
// parameter at most once and in the documented order, appid, redirect_uri
// and scope present, response_type=code, redirect_uri an absolute http(s)
// URL and state, if any, 1–128 bytes of a-z A-Z 0-9. It never panics.
func parseOAuthAuthorize(rawQuery string) (oauthAuthorizeRequest, *oauthPageError) {
	var values [oauthAuthorizeParamCount]string
	var seen [oauthAuthorizeParamCount]bool
	last := -1
	outOfOrder := false
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return oauthAuthorizeRequest{}, &oauthPageError{msg: "malformed query string"}
		}
		i := oauthParamIndex(key)
		if i < 0 {
			continue
		}
		if seen[i] {
			return oauthAuthorizeRequest{}, &oauthPageError{msg: "parameter " + key + " given twice"}
		}
		seen[i], values[i] = true, value
		if i < last {
			outOfOrder = true
		}
		last = i
	}
	req := oauthAuthorizeRequest{appID: values[0], redirectURI: values[1], scope: values[3], state: values[4]}
	switch {
	case req.appID == "":
		return req, &oauthPageError{10012, "appid为空 (appid is empty)"}
	case req.redirectURI == "":
		return req, &oauthPageError{10011, "redirect_uri为空 (redirect_uri is empty)"}
	case req.scope == "":
		return req, &oauthPageError{10010, "scope为空 (scope is empty)"}
	case outOfOrder:
		return req, &oauthPageError{msg: "parameters out of the documented order: appid, redirect_uri, response_type, scope, state"}
	case values[2] != "code":
		return req, &oauthPageError{msg: "response_type must be code"}
	case seen[4] && req.state == "":
		return req, &oauthPageError{10013, "state为空 (state is given but empty)"}
	case seen[4] && !isOAuthState(req.state):
		return req, &oauthPageError{msg: "state must be 1 to " + strconv.Itoa(oauth.MaxStateLen) + " bytes of a-z, A-Z, 0-9"}
	}
	u, err := url.Parse(req.redirectURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return req, &oauthPageError{10003, "redirect_uri参数错误 (redirect_uri is not an absolute http(s) URL)"}
	}
	req.redirect = u
	return req, nil
}

// oauthParamIndex returns the place of key among the parameters of an
// authorize link, in the order WeChat requires them ("微信会对授权链接做正则强
// 匹配校验，如果链接的参数顺序不对，授权页面将无法正常访问"), or -1 for any other
// parameter (forcePopup, forceSnapShot, lang, connect_redirect…), which may
// come anywhere.
func oauthParamIndex(key string) int {
	switch key {
	case "appid":
		return 0
	case "redirect_uri":
		return 1
	case "response_type":
		return 2
	case "scope":
		return 3
	case "state":
		return 4
	}
	return -1
}

// isOAuthState reports whether s is 1–128 bytes of a-z A-Z 0-9.
func isOAuthState(s string) bool {
	if s == "" || len(s) > oauth.MaxStateLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// checkAuthorize checks what depends on the fake's configuration: the
// AppID, the scope allowed on path and the redirect_uri's domain.
func (s *OAuthServer) checkAuthorize(path string, req oauthAuthorizeRequest) *oauthPageError {
	if req.appID != s.appID {
		return &oauthPageError{oauth.CodeInvalidAppID, "invalid appid"}
	}
	scope := oauth.Scope(req.scope)
	if path == OAuthQRConnectPath && scope != oauth.ScopeLogin ||
		path == OAuthAuthorizePath && scope != oauth.ScopeBase && scope != oauth.ScopeUserInfo {
		return &oauthPageError{10005, "此公众号并没有这些scope的权限 (scope not allowed on this page)"}
	}
	if len(s.domains) > 0 {
		host := strings.ToLower(req.redirect.Hostname())
		for _, d := range s.domains {
			if host == d {
				return nil
			}
		}
		return &oauthPageError{10003, "redirect_uri域名与后台配置不一致 (redirect_uri is not in a web authorization domain)"}
	}
	return nil
}

// serveAuthorize plays the consent page of /connect/oauth2/authorize and
// /connect/qrconnect.
func (s *OAuthServer) serveAuthorize(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.begin(w, r, path) {
			return
		}
		req, perr := parseOAuthAuthorize(r.URL.RawQuery)
		if perr == nil {
			perr = s.checkAuthorize(path, req)
		}
		if perr != nil {
			writeOAuthPage(w, http.StatusBadRequest, "授权失败 Authorization failed", perr)
			return
		}
		scope := oauth.Scope(req.scope)
		s.mu.Lock()
		consent := s.consent
		if scope == oauth.ScopeBase {
			consent = OAuthConsentAllow // silent authorization: nothing to refuse
		}
		var code string
		if consent == OAuthConsentAllow {
			code = s.issueCodeLocked(scope)
		}
		s.mu.Unlock()

		if consent == OAuthConsentRefuseNoRedirect {
			writeOAuthPage(w, http.StatusOK, "已拒绝授权 Authorization refused",
				&oauthPageError{msg: "the user refused; WeChat stays on this page"})
			return
		}
		var extra []string
		if code != "" {
			extra = append(extra, "code="+url.QueryEscape(code))
		}
		if req.state != "" {
			extra = append(extra, "state="+req.state) // a-z A-Z 0-9 only
		}
		u := req.redirect
		if len(extra) > 0 {
			if u.RawQuery != "" {
				u.RawQuery += "&"
			}
			u.RawQuery += strings.Join(extra, "&")
		}
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
}

// writeOAuthPage writes the small HTML page the authorize endpoints show
// instead of redirecting.
func writeOAuthPage(w http.ResponseWriter, status int, title string, e *oauthPageError) {
	detail := e.msg
	if e.code != 0 {
		detail = "errcode " + strconv.Itoa(e.code) + ": " + e.msg
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!doctype html>\n<meta charset=\"utf-8\">\n<title>wxmptest: " + html.EscapeString(title) +
		"</title>\n<h1>" + html.EscapeString(title) + "</h1>\n<p>" + html.EscapeString(detail) +
		"</p>\n<p>(fake WeChat, package github.com/wxmp/wxmp/wxmptest)</p>\n"))
}
