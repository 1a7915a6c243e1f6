package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/api"
	"github.com/wxmp/wxmp/jssdk"
)

// Environment variables of the commands that call WeChat's API.
const (
	envSecret  = "WECHAT_SECRET"   // the AppSecret; envAppID is shared with push
	envAPIBase = "WECHAT_API_BASE" // the API host, for a stand-in
	envMPBase  = "WECHAT_MP_BASE"  // the host of showqrcode
)

// defaultAPITimeout bounds a whole API command (token, call, upload or
// download) unless -timeout says otherwise.
const defaultAPITimeout = 2 * time.Minute

// apiEnvHelp is the paragraph every API command's help ends with.
const apiEnvHelp = `The account comes from the environment: $` + envAppID + ` (the AppID) and
$` + envSecret + ` (the AppSecret, from 设置与开发 → 基本配置), never from a flag, so the
secret stays out of the shell history; wxmp never prints it, nor a whole
access_token. $` + envAPIBase + ` points the command at a stand-in for
api.weixin.qq.com (default ` + api.DefaultBaseURL + `), and $` + envMPBase + `
the showqrcode links (default the stand-in when ` + envAPIBase + ` is set, else
` + api.DefaultMPBaseURL + `). If the host answers cgi-bin/stable_token with 404
or 405, wxmp falls back to cgi-bin/token and says so on standard error.

Exit status: 0 on success; 1 when the call fails, with WeChat's errcode and
what to do about it; 2 for a usage error (a missing variable, a bad flag).`

// apiFlags registers the flags every API command shares.
func (s *subcommand) apiFlags() *time.Duration {
	return s.Duration("timeout", defaultAPITimeout, "how long the whole command may take")
}

// parseInterspersed parses args like parse, but lets flags and arguments
// mix ("download MEDIA_ID -o FILE"); "--" ends the flags. The arguments
// are then in s.rest, in order.
func (s *subcommand) parseInterspersed(args []string) (code int, ok bool) {
	s.rest = nil
	for {
		if code, ok := s.parse(args); !ok {
			return code, false
		}
		rem := s.Args()
		if consumed := len(args) - len(rem); consumed > 0 && args[consumed-1] == "--" {
			s.rest = append(s.rest, rem...)
			return exitOK, true
		}
		if len(rem) == 0 {
			return exitOK, true
		}
		s.rest = append(s.rest, rem[0])
		args = rem[1:]
	}
}

// account is what the API commands call WeChat with, built from the
// environment by (*cli).account.
type account struct {
	appID string
	base  string // the API host, without trailing slash
	// timeout bounds the whole command: see (*account).context.
	timeout time.Duration
	tokens  *tokenSource
	client  *api.Client
}

// account reads the environment and builds the token source and the API
// client. A missing or malformed variable is a usage error, reported on
// s; the message names the variable, never its value.
func (c *cli) account(s *subcommand, timeout time.Duration) (*account, int, bool) {
	if timeout <= 0 {
		return nil, s.usageError("-timeout must be positive"), false
	}
	appID, secret, base := c.getenv(envAppID), c.getenv(envSecret), c.getenv(envAPIBase)
	var missing []string
	if appID == "" {
		missing = append(missing, "$"+envAppID)
	}
	if secret == "" {
		missing = append(missing, "$"+envSecret)
	}
	switch len(missing) {
	case 1:
		return nil, s.usageError("%s is not set: export the account's AppID as $%s and its AppSecret as $%s", missing[0], envAppID, envSecret), false
	case 2:
		return nil, s.usageError("$%s and $%s are not set: export the account's AppID and AppSecret", envAppID, envSecret), false
	}
	if base == "" {
		base = api.DefaultBaseURL
	}
	base = strings.TrimRight(base, "/")
	mpBase := c.getenv(envMPBase)
	if mpBase == "" {
		mpBase = api.DefaultMPBaseURL
		if c.getenv(envAPIBase) != "" {
			mpBase = base // a stand-in serves showqrcode too
		}
	}
	tokens := &tokenSource{}
	stderr := c.stderr
	src, err := accesstoken.New(appID, secret, accesstoken.WithBaseURL(base), accesstoken.WithNow(c.clock()),
		accesstoken.WithLegacyFallback(func(status int) {
			tokens.legacy.Store(true)
			fmt.Fprintf(stderr, "wxmp: the host answered cgi-bin/stable_token with HTTP %d; using cgi-bin/token instead\n", status)
		}))
	if err != nil {
		return nil, s.usageError("$%s must be an absolute http or https URL without query or fragment", envAPIBase), false
	}
	tokens.Source = src
	client, err := api.NewClient(tokens, api.WithBaseURL(base), api.WithMPBaseURL(mpBase))
	if err != nil {
		name := envAPIBase
		if c.getenv(envMPBase) != "" {
			name = envMPBase
		}
		return nil, s.usageError("$%s must be an absolute http or https URL without query or fragment", name), false
	}
	return &account{appID: appID, base: base, timeout: timeout, tokens: tokens, client: client}, exitOK, true
}

// context returns ctx bounded by -timeout.
func (a *account) context(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.timeout)
}

// jssdk returns a ticket source for the account.
func (a *account) jssdk(c *cli) (*jssdk.Source, error) {
	return jssdk.New(a.appID, a.tokens, jssdk.WithBaseURL(a.base), jssdk.WithNow(c.clock()))
}

// clock returns the time source: c.now, or time.Now.
func (c *cli) clock() func() time.Time {
	if c.now != nil {
		return c.now
	}
	return time.Now
}

// tokenSource hands out the account's access_token for one run of wxmp:
// from cgi-bin/stable_token, or from cgi-bin/token once the host has
// answered stable_token with 404 or 405 (a stand-in that lacks it;
// accesstoken.WithLegacyFallback). The embedded Source implements
// api.TokenSource and jssdk.TokenSource.
type tokenSource struct {
	*accesstoken.Source
	legacy atomic.Bool // set by the fallback
}

// legacyInUse reports whether the fallback to cgi-bin/token happened.
func (t *tokenSource) legacyInUse() bool { return t.legacy.Load() }

// errcodeList is WeChat's page of errcodes, for the codes no hint covers.
const errcodeList = "https://developers.weixin.qq.com/doc/oplatform/en/Return_codes/Return_code_descriptions_new.html"

// moreHint explains errcodes the commands meet that packages api,
// accesstoken and jssdk leave without a hint: mostly arguments WeChat
// refused that wxmp does not check itself.
func moreHint(code int) string {
	switch code {
	case 40004:
		return "the media type is not image, voice, video or thumb"
	case 40005:
		return "the file is not of a format WeChat accepts for this media type"
	case 40006:
		return "the file is empty or too large for its media type"
	case 40008:
		return "WeChat does not know this message type, or it lacks its fields"
	case 40033:
		return "the request holds characters WeChat refuses (\\uXXXX escapes)"
	case 40037:
		return "the template_id is not among the account's templates"
	case 40052:
		return "the QR code action is not QR_SCENE, QR_STR_SCENE, QR_LIMIT_SCENE or QR_LIMIT_STR_SCENE"
	case 40053:
		return "the QR code scene is out of range: 1 to 4294967295 (1 to 100000 for a permanent code), or a string of 1 to 64 characters"
	case 40097:
		return "WeChat refused an argument: check the flags against the command's help"
	case 41001:
		return "the access_token is missing: the host does not see the query string"
	case 44004:
		return "the text is empty"
	case 45001:
		return "the file is larger than WeChat allows for its media type"
	case 45008:
		return "a customer-service news message carries exactly one article"
	case 45072:
		return "the typing command is neither Typing nor CancelTyping"
	case 45080:
		return "the typing indicator works only within 30 seconds of an exchange with the user"
	case 45081:
		return "the typing indicator is already shown: it lasts 15 seconds"
	case 46003:
		return "no menu was created through the API (a menu made in the console's editor is not returned): create one with wxmp menu create"
	case 47001:
		return "WeChat could not read the request body: check the JSON and its field names"
	}
	return ""
}

// remoteError is a refusal from WeChat, whichever package reported it.
type remoteError struct {
	code int
	msg  string
	hint string
}

// asRemote finds WeChat's errcode in err: an *api.Error, a
// *jssdk.Error or an *accesstoken.Error (a token refused before the call).
func asRemote(err error) (remoteError, bool) {
	var ae *api.Error
	if errors.As(err, &ae) {
		return remoteError{ae.Code, ae.Msg, ae.Hint()}, true
	}
	var je *jssdk.Error
	if errors.As(err, &je) {
		return remoteError{je.Code, je.Msg, je.Hint()}, true
	}
	var te *accesstoken.Error
	if errors.As(err, &te) {
		return remoteError{te.Code, te.Msg, te.Hint()}, true
	}
	return remoteError{}, false
}

// fail reports a failed call on standard error and returns exitFail:
// WeChat's errcode and errmsg and, on a line of its own, the hint, for a
// refusal; the error itself otherwise. None of the packages puts the
// secret or a token into an error.
func (c *cli) fail(name string, err error) int {
	if r, ok := asRemote(err); ok {
		fmt.Fprintf(c.stderr, "wxmp %s: WeChat refused: errcode %d: %s\n", name, r.code, r.msg)
		hint := r.hint
		if hint == "" {
			hint = moreHint(r.code)
		}
		if hint == "" {
			hint = "look errcode " + strconv.Itoa(r.code) + " up in WeChat's list: " + errcodeList
		}
		fmt.Fprintf(c.stderr, "hint: %s\n", hint)
		return exitFail
	}
	fmt.Fprintf(c.stderr, "wxmp %s: %v\n", name, err)
	var ts *accesstoken.StatusError
	var as *api.StatusError
	var js *jssdk.StatusError
	switch {
	case errors.As(err, &ts), errors.As(err, &as), errors.As(err, &js):
		fmt.Fprintf(c.stderr, "hint: the host answered with an HTTP error, not WeChat's JSON: check $%s\n", envAPIBase)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(c.stderr, "hint: no answer within -timeout")
	}
	return exitFail
}
