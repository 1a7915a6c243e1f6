package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wxmp/wxmp/wxmptest"
)

// Environment variables that stand in for the secret flags.
const (
	envToken  = "WECHAT_TOKEN"
	envAESKey = "WECHAT_AES_KEY"
	envAppID  = "WECHAT_APPID"
)

// subcommand is a FlagSet with its one-line synopsis, for usage messages.
type subcommand struct {
	*flag.FlagSet
	synopsis string
	c        *cli
	rest     []string // the arguments, after parseInterspersed
}

// newSubcommand returns an empty FlagSet for the command name. Errors and
// help are printed by parse, not by the flag package.
func (c *cli) newSubcommand(name, synopsis string) *subcommand {
	fs := flag.NewFlagSet("wxmp "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &subcommand{FlagSet: fs, synopsis: synopsis, c: c}
}

// parse parses args. It returns ok when the command should go on; else the
// exit status: 0 after printing help for -h, 2 after a usage error.
func (s *subcommand) parse(args []string) (code int, ok bool) {
	err := s.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		s.printUsage(s.c.stdout)
		return exitOK, false
	}
	return s.usageError("%v", err), false
}

// usageError reports a usage error with the command's usage and returns
// the exit status for it.
func (s *subcommand) usageError(format string, args ...any) int {
	fmt.Fprintf(s.c.stderr, "%s: %s\n\n", s.Name(), fmt.Sprintf(format, args...))
	s.printUsage(s.c.stderr)
	return exitUsage
}

func (s *subcommand) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", s.synopsis)
	s.SetOutput(w)
	s.PrintDefaults()
	s.SetOutput(io.Discard)
}

// secrets are the account's token, EncodingAESKey and AppID, from flags or
// else the environment. Their flags have no default, so that -h never shows
// a value taken from the environment.
type secrets struct {
	token, aesKey, appID string
}

// tokenFlag registers -token.
func (s *subcommand) tokenFlag(sec *secrets) {
	s.StringVar(&sec.token, "token", "", "the Token set in the console beside the server URL (default $"+envToken+")")
}

// cryptoFlags registers -aes-key and -appid.
func (s *subcommand) cryptoFlags(sec *secrets) {
	s.StringVar(&sec.aesKey, "aes-key", "", "the 43-character EncodingAESKey, for the compatible and safe modes (default $"+envAESKey+")")
	s.StringVar(&sec.appID, "appid", "", "the account's AppID, for the compatible and safe modes (default $"+envAppID+")")
}

// fromEnv fills the secrets the flags left empty from the environment.
func (sec *secrets) fromEnv(getenv func(string) string) {
	if sec.token == "" {
		sec.token = getenv(envToken)
	}
	if sec.aesKey == "" {
		sec.aesKey = getenv(envAESKey)
	}
	if sec.appID == "" {
		sec.appID = getenv(envAppID)
	}
}

// targetFlags are the flags push and verify share.
type targetFlags struct {
	url     string
	timeout time.Duration
}

func (s *subcommand) targetFlags(t *targetFlags) {
	s.StringVar(&t.url, "url", "", "the server URL, such as http://localhost:8080/wechat (required)")
	s.DurationVar(&t.timeout, "timeout", wxmptest.DefaultTimeout, "how long WeChat waits for each answer")
}
