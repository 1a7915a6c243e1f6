// Command wxmp is a terminal companion for an Official Account's developer.
// It plays WeChat's side of the account's server URL, so that a server can
// be tried on a laptop without a public domain or WeChat's test account,
// and it calls WeChat's API on the account's behalf.
//
// Usage:
//
//	wxmp push -url URL [-token TOKEN] [-aes-key KEY -appid APPID] text CONTENT
//	wxmp push -url URL ... event NAME [EVENTKEY]
//	wxmp push -url URL ... file PAYLOAD.xml
//	wxmp verify -url URL [-token TOKEN]
//	wxmp sign [-token TOKEN] [-timestamp TS] [-nonce NONCE] [-encrypt ENCRYPT]
//	wxmp decrypt [-aes-key KEY] [-appid APPID] [-token TOKEN -query QUERY] [FILE]
//	wxmp oauth-server [-addr ADDR]
//
//	wxmp token [-force-refresh]
//	wxmp send -to OPENID [-kf ACCOUNT] KIND ARGUMENTS
//	wxmp menu get | create -f FILE | delete
//	wxmp media upload TYPE FILE | download MEDIA_ID -o FILE
//	wxmp qrcode -scene SCENE [-str] [-expire DURATION | -permanent]
//	wxmp userinfo [-lang LANG] [-json] OPENID...
//	wxmp jssdk -url URL [-apis NAME,...] [-debug]
//
//	wxmp help [COMMAND]
//
// push sends a message or event as WeChat does (signed; encrypted in safe
// mode when -aes-key and -appid are given) and judges the reply by WeChat's
// rules: it prints the push and the reply, and exits with status 1, naming
// the broken rule, when WeChat would show the user "该公众号暂时无法提供服务".
// verify plays the GET that WeChat sends when the URL is saved. sign prints
// the signature of a timestamp and nonce (and msg_signature of a
// ciphertext); decrypt prints a captured encrypted push or reply in clear.
// oauth-server runs a fake of WeChat's OAuth hosts.
//
// The second group calls WeChat's API through packages accesstoken, api and
// jssdk: token fetches the access_token and shows it masked with its
// expiry; send sends a customer-service message (text, image, voice, video,
// music, news, mpnews, mpnewsarticle, msgmenu, miniprogrampage) or the
// typing indicator; menu reads, replaces or deletes the custom menu; media
// uploads and downloads temporary media; qrcode creates a parametric QR code
// and prints its showqrcode link; userinfo describes users; jssdk prints the
// wx.config object for a page URL.
//
// The token, the EncodingAESKey and the AppID can come from the environment
// instead of flags (WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID), which keeps
// them out of the shell history. The API commands take the account only from
// the environment: WECHAT_APPID and WECHAT_SECRET (the AppSecret), with
// WECHAT_API_BASE for a stand-in of api.weixin.qq.com (such as
// wxmptest.NewAPIServer, or examples/oauth in fake mode). wxmp never prints
// the token, the key, the AppSecret or a whole access_token.
//
// Exit status: 0 when the server passes or the call succeeds; 1 when a
// server breaks a rule or a command fails (for a refusal from WeChat, the
// errcode and a plain-language hint are printed); 2 for a usage error (a bad
// flag, a missing variable).
//
// Try it against the echo example:
//
//	go run ./examples/echo &
//	go run ./cmd/wxmp push -url http://localhost:8080/wechat -token wxmp-echo text hello
//	go run ./cmd/wxmp push -url http://localhost:8080/wechat -token wxmp-echo file cmd/wxmp/testdata/text.xml
//
// and the API commands against the fake of WeChat's API that examples/oauth
// serves in fake mode, with wxmptest's published fake AppID, AppSecret and
// user; its page at http://localhost:8080/fake-wechat-api/ then shows what was
// sent:
//
//	go run ./examples/oauth &
//	export WECHAT_API_BASE=http://localhost:8080/fake-wechat-api
//	export WECHAT_APPID=wx0123456789abcdef WECHAT_SECRET=wxmptestfakeappsecret0123456789a
//	go run ./cmd/wxmp token
//	go run ./cmd/wxmp send -to oWXMPTEST_fakeuser_000000001 text hello
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args (without the program name) and returns
// the exit status. The environment is read through os.Getenv and "-" as a
// file is os.Stdin.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{getenv: os.Getenv, stdin: os.Stdin, stdout: stdout, stderr: stderr}
	return c.run(ctx, args)
}

// cli is one run of the command: where it reads the environment and
// standard input and writes its output.
type cli struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time // the clock of the API commands; nil means time.Now
}

// command is a subcommand: its name, one line of help, and what runs it.
type command struct {
	name    string
	summary string
	run     func(c *cli, ctx context.Context, args []string) int
}

// firstAPICommand is the first of the commands that call WeChat's API,
// which help lists under a heading of their own.
const firstAPICommand = "token"

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{"push", "send a message or event as WeChat does and judge the reply", (*cli).push},
		{"verify", "play the GET WeChat sends when the server URL is saved", (*cli).verify},
		{"sign", "compute the signature (and msg_signature) WeChat would send", (*cli).sign},
		{"decrypt", "print a captured encrypted push or reply in clear", (*cli).decrypt},
		{"oauth-server", "run a fake of WeChat's OAuth hosts", (*cli).oauthServer},
		{"token", "fetch the access_token and show it masked, with its expiry", (*cli).token},
		{"send", "send a customer-service message to a user", (*cli).send},
		{"menu", "get, create or delete the custom menu", (*cli).menu},
		{"media", "upload or download a temporary media file", (*cli).media},
		{"qrcode", "create a parametric QR code and print its link", (*cli).qrcode},
		{"userinfo", "print what WeChat says about users", (*cli).userinfo},
		{"jssdk", "print the wx.config object for a page URL", (*cli).jssdk},
	}
}

func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			return c.run(ctx, []string{args[1], "-h"})
		}
		c.usage(c.stdout)
		return exitOK
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return cmd.run(c, ctx, args[1:])
		}
	}
	fmt.Fprintf(c.stderr, "wxmp: unknown command %q\n\n", args[0])
	c.usage(c.stderr)
	return exitUsage
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, "wxmp plays WeChat's side of an Official Account's server URL, and calls WeChat's API for the account.\n\n"+
		"Usage:\n\n\twxmp COMMAND [flags] [arguments]\n\nCommands:\n\n")
	for i, cmd := range commands() {
		if cmd.name == firstAPICommand && i > 0 {
			fmt.Fprint(w, "\n  Calling WeChat's API (account from WECHAT_APPID and WECHAT_SECRET, host from WECHAT_API_BASE):\n\n")
		}
		fmt.Fprintf(w, "\t%-13s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nRun \"wxmp help COMMAND\" or \"wxmp COMMAND -h\" for a command's flags.\n"+
		"The token, EncodingAESKey and AppID may come from WECHAT_TOKEN, WECHAT_AES_KEY and WECHAT_APPID.\n"+
		"Exit status: 0 on success, 1 on failure (with WeChat's errcode and a hint), 2 for a usage error.\n")
}
