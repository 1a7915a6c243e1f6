package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxmp/wxmp/api"
)

// defaultQRExpiry is how long a temporary code lives unless -expire says
// otherwise.
const defaultQRExpiry = 24 * time.Hour

const qrcodeSynopsis = `wxmp qrcode -scene SCENE [-str] [-expire DURATION | -permanent]

Creates a parametric QR code (带参数二维码), as c.QRCode in package api does,
and prints its ticket, the URL it encodes and the showqrcode link to its
image. Scanning it pushes subscribe (for a user who does not follow the
account yet) with EventKey qrscene_SCENE, or SCAN with EventKey SCENE.

A SCENE of digits is a numeric scene (QR_SCENE; QR_LIMIT_SCENE with
-permanent: 1 to 100000), anything else a string scene of 1 to 64
characters (QR_STR_SCENE, QR_LIMIT_STR_SCENE); -str makes digits a string
scene too. A temporary code lives -expire, up to 30 days: a duration such as
90m or 720h, a number of days such as 7d, or seconds. An account has at most
100,000 permanent codes.

` + apiEnvHelp

func (c *cli) qrcode(ctx context.Context, args []string) int {
	s := c.newSubcommand("qrcode", qrcodeSynopsis)
	timeout := s.apiFlags()
	sceneFlag := s.String("scene", "", "the scene the code carries: digits for a number, else a string (required)")
	asString := s.Bool("str", false, "send a scene of digits as a string scene")
	permanent := s.Bool("permanent", false, "create a code that never expires")
	expireFlag := s.String("expire", "", "how long a temporary code lives: 90m, 720h, 7d or seconds, up to 30 days (default 24h)")
	if code, ok := s.parseInterspersed(args); !ok {
		return code
	}
	switch {
	case len(s.rest) > 0:
		return s.usageError("unexpected arguments: %q", s.rest)
	case *sceneFlag == "":
		return s.usageError("-scene is required")
	case *permanent && *expireFlag != "":
		return s.usageError("-expire applies to temporary codes, not with -permanent")
	}
	scene := api.Scene{Str: *sceneFlag}
	if !*asString && isDigits(*sceneFlag) {
		id, err := strconv.ParseUint(*sceneFlag, 10, 32)
		if err != nil {
			return s.usageError("-scene: a numeric scene is at most 4294967295 (100000 for -permanent); add -str for a string scene")
		}
		scene = api.Scene{ID: uint32(id)}
	}
	expiry := defaultQRExpiry
	if *expireFlag != "" {
		var err error
		if expiry, err = parseExpiry(*expireFlag); err != nil {
			return s.usageError("-expire: %v", err)
		}
	}

	acct, code, ok := c.account(s, *timeout)
	if !ok {
		return code
	}
	ctx, cancel := acct.context(ctx)
	defer cancel()
	var qr *api.QRCode
	var err error
	if *permanent {
		qr, err = acct.client.QRCode.CreatePermanent(ctx, scene)
	} else {
		qr, err = acct.client.QRCode.CreateTemporary(ctx, scene, expiry)
	}
	if errors.Is(err, api.ErrInvalidArgument) {
		return s.usageError("%v", err)
	}
	if err != nil {
		return c.fail("qrcode", err)
	}
	w := c.stdout
	fmt.Fprintf(w, "ticket:     %s\n", qr.Ticket)
	fmt.Fprintf(w, "url:        %s\n", qr.URL)
	fmt.Fprintf(w, "showqrcode: %s\n", acct.client.QRCode.ShowURL(qr.Ticket))
	if qr.ExpiresIn > 0 {
		fmt.Fprintf(w, "expires:    %s (in %s)\n", c.clock()().Add(qr.ExpiresIn).Format(time.RFC3339), qr.ExpiresIn)
	} else {
		fmt.Fprintln(w, "expires:    never (permanent)")
	}
	key := *sceneFlag
	kind := "string"
	if scene.Str == "" {
		kind = "numeric"
	}
	fmt.Fprintf(w, "scene:      %s %s: a follow through it pushes subscribe with EventKey qrscene_%s, a follower's scan SCAN with EventKey %s\n",
		kind, strconv.Quote(key), key, key)
	return exitOK
}

// parseExpiry reads -expire: a Go duration ("90m", "720h"), whole days
// ("7d") or seconds ("3600").
func parseExpiry(s string) (time.Duration, error) {
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > int64(api.MaxQRCodeExpiry/time.Second) {
			return 0, fmt.Errorf("%q: at most %d seconds (30 days)", s, int64(api.MaxQRCodeExpiry/time.Second))
		}
		return time.Duration(n) * time.Second, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok && isDigits(days) {
		n, err := strconv.Atoi(days)
		if err != nil || n > 30 {
			return 0, fmt.Errorf("%q: at most 30 days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 90m, 720h, 7d or 3600", s)
	}
	return d, nil
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
