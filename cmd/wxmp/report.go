package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// maxShown is how much of a body the report prints.
const maxShown = 4096

// serviceError is what WeChat shows the user when a rule is broken.
const serviceError = "该公众号暂时无法提供服务，请稍后再试"

// reportPush prints the push, the answer and the verdict, and returns the
// exit status.
func (c *cli) reportPush(target string, res *wxmptest.Result, err error) int {
	w := c.stdout
	fmt.Fprintf(w, "POST %s (%s mode)\n", target, res.Mode)
	fmt.Fprintf(w, "  query: %s\n", describeQuery(res.Query))
	fmt.Fprintln(w, "push:")
	printBody(w, res.Push)
	if res.Mode != msgcrypt.ModePlain {
		fmt.Fprintln(w, "sent encrypted as:")
		printBody(w, res.Body)
	}
	if err != nil && errors.Is(err, wxmptest.ErrTimeout) {
		fmt.Fprintf(w, "answer: none (%s)\n", plural(res.Attempts, "delivery", "deliveries"))
	} else if res.StatusCode != 0 {
		fmt.Fprintf(w, "answer: HTTP %d %s in %s (delivery %d)\n", res.StatusCode, http.StatusText(res.StatusCode),
			res.Elapsed.Round(time.Microsecond), res.Attempts)
		printBody(w, res.Response)
		if r := res.Reply; r != nil && r.Encrypted {
			fmt.Fprintln(w, "reply in clear:")
			printBody(w, r.XML)
		}
	}
	return c.verdict(err, func() string { return describeReply(res) },
		fmt.Sprintf("WeChat would show the user %q.", serviceError))
}

// verdict prints PASS with what pass says, or FAIL with the error and,
// for a broken rule, consequence: what WeChat would then do. It returns the
// exit status.
func (c *cli) verdict(err error, pass func() string, consequence string) int {
	w := c.stdout
	if err == nil {
		fmt.Fprintln(w, "PASS:", pass())
		return exitOK
	}
	fmt.Fprintln(w, "FAIL:", err)
	var v *wxmptest.Violation
	if errors.As(err, &v) {
		fmt.Fprintln(w, consequence)
	}
	return exitFail
}

// describeReply says in one line what the user would see.
func describeReply(res *wxmptest.Result) string {
	r := res.Reply
	var s string
	switch {
	case r == nil:
		s = "no reply"
	case r.Kind == wxmptest.KindSuccess:
		s = `"success": WeChat shows the user nothing and does not retry`
	case r.Kind == wxmptest.KindEmpty:
		s = "empty body: WeChat shows the user nothing and does not retry"
	default:
		s = fmt.Sprintf("%s reply from %s to %s", r.MsgType, r.FromUserName, r.ToUserName)
		switch r.MsgType {
		case "text":
			s += ": " + strconv.Quote(r.Content)
		case "image", "voice":
			s += ": MediaId " + strconv.Quote(r.MediaID)
		case "video":
			s += ": MediaId " + strconv.Quote(r.MediaID)
			if r.Title != "" {
				s += ", title " + strconv.Quote(r.Title)
			}
		case "music":
			s += ": ThumbMediaId " + strconv.Quote(r.ThumbMediaID)
			if r.Title != "" {
				s += ", title " + strconv.Quote(r.Title)
			}
		case "news":
			titles := make([]string, len(r.Articles))
			for i, a := range r.Articles {
				titles[i] = strconv.Quote(a.Title)
			}
			s += fmt.Sprintf(": %s: %s", plural(len(r.Articles), "article", "articles"), strings.Join(titles, ", "))
		case "transfer_customer_service":
			if r.KfAccount != "" {
				s += ": handed to customer-service agent " + strconv.Quote(r.KfAccount)
			} else {
				s += ": handed to customer service"
			}
		}
		if r.Encrypted {
			s += " (encrypted)"
		}
	}
	if res.Attempts > 1 {
		s += fmt.Sprintf("; answered in time only on delivery %d", res.Attempts)
	}
	return s
}

// describeQuery lists a push's query parameters in a fixed order. The
// signatures are left out: they are derived from the token.
func describeQuery(q url.Values) string {
	var parts, hidden []string
	for _, k := range []string{"timestamp", "nonce", "openid", "echostr", "encrypt_type"} {
		if v := q.Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	for _, k := range []string{"signature", "msg_signature"} {
		if q.Has(k) {
			hidden = append(hidden, k)
		}
	}
	if len(hidden) > 0 {
		parts = append(parts, "("+strings.Join(hidden, ", ")+": SHA-1 with the token, not shown)")
	}
	return strings.Join(parts, " ")
}

// printBody prints b indented, cut at maxShown bytes; a body that is not
// printable UTF-8 text is quoted.
func printBody(w io.Writer, b []byte) {
	if len(b) == 0 {
		fmt.Fprintln(w, "  (empty)")
		return
	}
	shown, rest := b, 0
	if len(b) > maxShown {
		shown, rest = b[:maxShown], len(b)-maxShown
	}
	text := string(shown)
	for i := 0; i < utf8.UTFMax-1 && rest > 0 && !utf8.ValidString(text); i++ {
		text, rest = text[:len(text)-1], rest+1 // a character cut in two
	}
	if !printable(text) {
		// Binary, or escape sequences a terminal would act on.
		text = strconv.Quote(text)
	}
	for line := range strings.Lines(strings.TrimRight(text, "\r\n")) {
		fmt.Fprintln(w, "  "+strings.TrimRight(line, "\r\n"))
	}
	if rest > 0 {
		fmt.Fprintf(w, "  … (%d more bytes)\n", rest)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// printable reports whether s is UTF-8 without control characters other
// than tab, line feed and carriage return.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
