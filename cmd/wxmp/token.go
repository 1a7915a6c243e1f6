package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

const tokenSynopsis = `wxmp token [-force-refresh] [flags]

Fetches the account's access_token (基础 access_token) from
cgi-bin/stable_token, as package accesstoken does, and prints it masked (its
length and the start of its SHA-256, which tell two tokens apart without
showing either) with its expiry. It checks the AppID, the AppSecret and this
machine's place in the IP whitelist in one call.

-force-refresh asks WeChat for a new token at once (force_refresh=true): the
previous one stops working for every server of the account. WeChat allows it
20 times a day; use it when a token may have leaked.

` + apiEnvHelp

func (c *cli) token(ctx context.Context, args []string) int {
	s := c.newSubcommand("token", tokenSynopsis)
	timeout := s.apiFlags()
	force := s.Bool("force-refresh", false, "have WeChat issue a new token now, ending the current one (20 a day)")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	if len(s.rest) > 0 {
		return s.usageError("unexpected arguments: %q", s.rest)
	}
	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	get := acct.tokens.Current
	if *force {
		get = acct.tokens.ForceRefresh
	}
	tok, err := get(ctx)
	if err != nil {
		return c.fail("token", err)
	}
	endpoint := "cgi-bin/stable_token"
	if acct.tokens.legacyInUse() {
		endpoint = "cgi-bin/token"
	}
	w := c.stdout
	fmt.Fprintf(w, "access_token: %s\n", maskToken(tok.AccessToken))
	fmt.Fprintf(w, "expires:      %s (in %s)\n", tok.Expiry.Format(time.RFC3339), tok.Expiry.Sub(c.clock()()).Round(time.Second))
	fmt.Fprintf(w, "appid:        %s\n", acct.appID)
	fmt.Fprintf(w, "from:         %s/%s\n", acct.base, endpoint)
	return exitOK
}

// maskToken describes a token without showing any of it: its length and
// the first 8 hex digits of its SHA-256, as package accesstoken prints a
// Token, so the two can be compared.
func maskToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return fmt.Sprintf("<redacted %d bytes sha256:%s>", len(tok), hex.EncodeToString(sum[:4]))
}
