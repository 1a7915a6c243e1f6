package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wxmp/wxmp/oauth"
)

const (
	// defaultDatabase is the SQLite file used when DATABASE_URL is unset,
	// in the working directory.
	defaultDatabase = "bind.db"
	maxVerifySize   = 1 << 10
)

// config is the application's configuration, read by loadConfig.
type config struct {
	AppID     string
	Secret    string
	PublicURL string // without trailing slash
	Addr      string
	// OpenBase and APIBase are WECHAT_OPEN_BASE and WECHAT_API_BASE:
	// where the authorize page and the API are; empty means WeChat's.
	OpenBase string
	APIBase  string
	// DatabaseURL is a SQLite path or a postgres:// URL.
	DatabaseURL string
	// TemplateID, when set, makes the test notification a template
	// message with that template; otherwise it is a customer-service text.
	TemplateID string
	// VerifyName and VerifyContent are the MP_verify file; empty name
	// means none is served.
	VerifyName    string
	VerifyContent []byte
	// Fake is true in fake mode: none of WECHAT_APPID, WECHAT_SECRET,
	// WECHAT_OPEN_BASE and WECHAT_API_BASE is set. PublicURL may then be
	// empty until run knows the port.
	Fake bool

	// Set by code, not by the environment.
	fake       *fakeWeChat      // fake mode: the stand-in served under fakePrefix
	now        func() time.Time // clock; nil means time.Now
	bcryptCost int              // 0 means bcrypt.DefaultCost; tests lower it
	httpClient *http.Client     // for WeChat; nil means each package's default
}

// loadConfig reads the environment described in the package comment. Its
// errors name variables, never their values.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		AppID:       getenv("WECHAT_APPID"),
		Secret:      getenv("WECHAT_SECRET"),
		PublicURL:   strings.TrimRight(getenv("PUBLIC_URL"), "/"),
		Addr:        getenv("ADDR"),
		OpenBase:    strings.TrimRight(getenv("WECHAT_OPEN_BASE"), "/"),
		APIBase:     strings.TrimRight(getenv("WECHAT_API_BASE"), "/"),
		DatabaseURL: getenv("DATABASE_URL"),
		TemplateID:  getenv("WECHAT_TEMPLATE_ID"),
	}
	// Fake mode only when no WeChat variable at all is set, so that a
	// deployment that lost one of them fails instead of faking sign-in.
	c.Fake = c.AppID == "" && c.Secret == "" && c.OpenBase == "" && c.APIBase == ""
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"WECHAT_APPID", c.AppID}, {"WECHAT_SECRET", c.Secret}, {"PUBLIC_URL", c.PublicURL},
	} {
		if v.value == "" && !c.Fake {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variable(s): %s "+
			"(or set none of WECHAT_APPID, WECHAT_SECRET, WECHAT_OPEN_BASE, WECHAT_API_BASE to run against a fake WeChat)",
			strings.Join(missing, ", "))
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = defaultDatabase
	}
	for _, v := range []struct{ name, value string }{
		{"PUBLIC_URL", c.PublicURL}, {"WECHAT_OPEN_BASE", c.OpenBase}, {"WECHAT_API_BASE", c.APIBase},
	} {
		if !isBaseURL(v.value) {
			return config{}, fmt.Errorf("%s must be an absolute http(s) URL without query or fragment", v.name)
		}
	}
	if strings.ContainsAny(c.TemplateID, " \t\r\n") {
		return config{}, errors.New("WECHAT_TEMPLATE_ID must not contain white space")
	}
	// Building a URL once checks, at start rather than on the first
	// visitor, that the oauth package accepts the configuration. (In fake
	// mode without PUBLIC_URL, run checks it once it has the port.)
	if c.PublicURL != "" && !c.Fake {
		if _, err := c.oauthConfig(oauth.ScopeUserInfo, bindCallbackPath).AuthCodeURL("startup"); err != nil {
			return config{}, err
		}
	}

	file, name, content := getenv("MP_VERIFY_FILE"), getenv("MP_VERIFY_NAME"), getenv("MP_VERIFY_CONTENT")
	switch {
	case file != "" && (name != "" || content != ""):
		return config{}, errors.New("set MP_VERIFY_FILE or MP_VERIFY_NAME and MP_VERIFY_CONTENT, not both")
	case file != "":
		b, err := readLimited(file, maxVerifySize)
		if err != nil {
			return config{}, fmt.Errorf("MP_VERIFY_FILE: %w", err)
		}
		c.VerifyName, c.VerifyContent = filepath.Base(file), b
	case name != "" || content != "":
		if name == "" || content == "" {
			return config{}, errors.New("MP_VERIFY_NAME and MP_VERIFY_CONTENT must be set together")
		}
		if len(content) > maxVerifySize {
			return config{}, fmt.Errorf("MP_VERIFY_CONTENT: longer than %d bytes", maxVerifySize)
		}
		c.VerifyName, c.VerifyContent = name, []byte(content)
	}
	if c.VerifyName != "" && !isVerifyName(c.VerifyName) {
		return config{}, errors.New("the MP_verify file name must look like MP_verify_<letters and digits>.txt")
	}
	return c, nil
}

// oauthConfig is the web-authorization client for one scope, whose
// callback is PUBLIC_URL + callbackPath.
func (c config) oauthConfig(scope oauth.Scope, callbackPath string) oauth.Config {
	return oauth.Config{
		AppID:       c.AppID,
		AppSecret:   c.Secret,
		RedirectURL: c.PublicURL + callbackPath,
		Scope:       scope,
		HTTPClient:  c.httpClient,
		Endpoint:    oauth.Endpoint{AuthURL: c.OpenBase, APIURL: c.APIBase},
	}
}

// openOrigin is the origin of the authorize page, which the bind and
// sign-in forms redirect to (Content-Security-Policy form-action).
func (c config) openOrigin() string {
	base := c.OpenBase
	if base == "" {
		base = oauth.DefaultAuthURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// isBaseURL reports whether s is empty or an absolute http(s) URL without
// user info, query or fragment.
func isBaseURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && !strings.ContainsAny(s, "?#")
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	return b, nil
}

// isVerifyName reports whether name is MP_verify_[A-Za-z0-9]+.txt.
func isVerifyName(name string) bool {
	mid, ok := strings.CutPrefix(name, "MP_verify_")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".txt")
	if !ok || mid == "" {
		return false
	}
	for _, r := range mid {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
