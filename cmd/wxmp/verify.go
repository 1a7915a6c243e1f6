package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wxmp/wxmp/wxmptest"
)

const verifySynopsis = `wxmp verify -url URL [flags]

Plays the GET WeChat sends when the server URL is saved in the console:
signature, timestamp and nonce signed with the token, and a random echostr.
It passes when the server answers 200 with the echostr as the whole body;
otherwise the exit status is 1 and WeChat would refuse to save the URL.`

func (c *cli) verify(ctx context.Context, args []string) int {
	s := c.newSubcommand("verify", verifySynopsis)
	var sec secrets
	var tf targetFlags
	s.targetFlags(&tf)
	s.tokenFlag(&sec)
	if code, ok := s.parse(args); !ok {
		return code
	}
	sec.fromEnv(c.getenv)
	switch {
	case tf.url == "":
		return s.usageError("-url is required")
	case sec.token == "":
		return s.usageError("-token or $%s is required", envToken)
	case s.NArg() > 0:
		return s.usageError("unexpected arguments: %q", s.Args())
	}
	p, err := wxmptest.NewPusher(sec.token, wxmptest.WithURL(tf.url), wxmptest.WithTimeout(tf.timeout))
	if err != nil {
		return s.usageError("%v", err)
	}
	res, err := p.Verify(ctx)
	if res == nil {
		fmt.Fprintln(c.stderr, "wxmp verify:", err)
		return exitFail
	}
	w := c.stdout
	fmt.Fprintf(w, "GET %s\n", tf.url)
	fmt.Fprintf(w, "  query: %s\n", describeQuery(res.Query))
	if res.StatusCode != 0 {
		fmt.Fprintf(w, "answer: HTTP %d %s in %s\n", res.StatusCode, http.StatusText(res.StatusCode), res.Elapsed.Round(time.Microsecond))
		printBody(w, res.Response)
	} else {
		fmt.Fprintln(w, "answer: none")
	}
	return c.verdict(err, func() string {
		return "the body is the echostr: WeChat would save this server URL"
	}, "WeChat would refuse to save this server URL in the console.")
}
