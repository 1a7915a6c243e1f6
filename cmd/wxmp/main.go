// Command wxmp plays WeChat's side of an Official Account's server URL from a
// terminal, so that a server can be tried on a laptop without a public
// domain or WeChat's test account.
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
// The token, the EncodingAESKey and the AppID can come from the environment
// instead of flags (WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID), which keeps
// them out of the shell history; wxmp never prints the token or the key.
//
// Exit status: 0 when the server passes, 1 when it breaks a rule or a
// command fails, 2 for a usage error.
//
// Try it against the echo example:
//
//	go run ./examples/echo &
//	go run ./cmd/wxmp push -url http://localhost:8080/wechat -token wxmp-echo text hello
//	go run ./cmd/wxmp push -url http://localhost:8080/wechat -token wxmp-echo file cmd/wxmp/testdata/text.xml
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
