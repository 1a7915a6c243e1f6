package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/wxmp/wxmp/msgcrypt"
)

const decryptSynopsis = `wxmp decrypt [flags] [FILE]

Prints in clear a captured encrypted push or reply, read from FILE or
standard input: the body of a compatible- or safe-mode push (<xml> with
<Encrypt>), an encrypted reply (<Encrypt>, <MsgSignature>, <TimeStamp>,
<Nonce>), or the bare Encrypt text. -aes-key and -appid are required.

With -token, the msg_signature is checked before anything is decrypted: a
reply carries its own; for a push, give the request's query string (or whole
URL) with -query. Without them, the text is decrypted unchecked, and a note
on standard error says so.`

// decryptPlaceholder signs ciphertexts decrypted without a signature
// check: msgcrypt checks a signature before it decrypts, so we make one.
const decryptPlaceholder = "wxmp-decrypt-unchecked"

func (c *cli) decrypt(_ context.Context, args []string) int {
	s := c.newSubcommand("decrypt", decryptSynopsis)
	var sec secrets
	s.tokenFlag(&sec)
	s.cryptoFlags(&sec)
	query := s.String("query", "", "the push's query string or URL, with msg_signature, timestamp and nonce")
	if code, ok := s.parse(args); !ok {
		return code
	}
	sec.fromEnv(c.getenv)
	switch {
	case sec.aesKey == "":
		return s.usageError("-aes-key or $%s is required", envAESKey)
	case sec.appID == "":
		return s.usageError("-appid or $%s is required", envAppID)
	case s.NArg() > 1:
		return s.usageError("at most one FILE, got %d", s.NArg())
	}
	name := "-"
	if s.NArg() == 1 {
		name = s.Arg(0)
	}
	input, err := c.readPayload(name)
	if err != nil {
		fmt.Fprintln(c.stderr, "wxmp decrypt:", err)
		return exitFail
	}

	in, err := parseCaptured(input)
	if err != nil {
		fmt.Fprintln(c.stderr, "wxmp decrypt:", err)
		return exitFail
	}
	if *query != "" {
		raw := *query
		if _, after, ok := strings.Cut(raw, "?"); ok {
			raw = after
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return s.usageError("-query does not parse: %v", err)
		}
		in.MsgSignature, in.TimeStamp, in.Nonce = q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
		if sec.token == "" {
			return s.usageError("-query needs -token or $%s to check the signature", envToken)
		}
	}

	token, sig, ts, nonce := sec.token, in.MsgSignature, in.TimeStamp, in.Nonce
	checked := token != "" && sig != "" && ts != "" && nonce != ""
	if !checked {
		token, ts, nonce = decryptPlaceholder, "0", "0"
		sig = msgcrypt.MsgSignature(token, ts, nonce, in.Encrypt)
	}
	cr, err := msgcrypt.New(token, sec.aesKey, sec.appID)
	if err != nil {
		return s.usageError("%v", err) // never holds the key
	}
	plain, _, err := cr.Decrypt(sig, ts, nonce, in.Encrypt)
	if err != nil {
		fmt.Fprintln(c.stderr, "wxmp decrypt:", err)
		return exitFail
	}
	c.stdout.Write(plain)
	if !bytes.HasSuffix(plain, []byte("\n")) {
		fmt.Fprintln(c.stdout)
	}
	if checked {
		fmt.Fprintln(c.stderr, "msg_signature checked: it matches the token")
	} else {
		fmt.Fprintln(c.stderr, "note: msg_signature not checked (give -token, and -query for a push, to check it)")
	}
	return exitOK
}

// captured is what decrypt reads: the Encrypt text and, for a reply, the
// envelope's signature, timestamp and nonce.
type captured struct {
	Encrypt, MsgSignature, TimeStamp, Nonce string
}

// parseCaptured reads an encrypted push body, an encrypted reply or bare
// Encrypt text. The error never holds the input.
func parseCaptured(input []byte) (captured, error) {
	var in captured
	trimmed := bytes.TrimSpace(input)
	if bytes.HasPrefix(trimmed, []byte("<")) {
		if err := xml.Unmarshal(trimmed, &in); err != nil {
			return captured{}, errors.New("the input is not XML")
		}
	} else {
		in.Encrypt = string(trimmed)
	}
	in.Encrypt = strings.TrimSpace(in.Encrypt)
	in.MsgSignature = strings.TrimSpace(in.MsgSignature)
	in.TimeStamp = strings.TrimSpace(in.TimeStamp)
	in.Nonce = strings.TrimSpace(in.Nonce)
	if in.Encrypt == "" {
		return captured{}, errors.New("no Encrypt text in the input")
	}
	return in, nil
}
