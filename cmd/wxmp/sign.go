package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

const signSynopsis = `wxmp sign [flags]

Prints the signature WeChat puts in the query of every request to the server
URL: the SHA-1 of the token, timestamp and nonce, sorted and joined. With
-encrypt it also prints msg_signature, the signature of an encrypted push or
reply, which covers the Encrypt text too. The last line is the query string,
ready for curl.`

func (c *cli) sign(_ context.Context, args []string) int {
	s := c.newSubcommand("sign", signSynopsis)
	var sec secrets
	s.tokenFlag(&sec)
	timestamp := s.String("timestamp", "", "the timestamp, in Unix seconds (default now)")
	nonce := s.String("nonce", "", "the nonce (default a random number)")
	encrypt := s.String("encrypt", "", "the Encrypt text of an encrypted push or reply, to compute msg_signature")
	if code, ok := s.parse(args); !ok {
		return code
	}
	sec.fromEnv(c.getenv)
	if sec.token == "" {
		return s.usageError("-token or $%s is required", envToken)
	}
	if s.NArg() > 0 {
		return s.usageError("unexpected arguments: %q", s.Args())
	}
	if *timestamp == "" {
		*timestamp = strconv.FormatInt(time.Now().Unix(), 10)
	}
	if *nonce == "" {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			fmt.Fprintln(c.stderr, "wxmp sign:", err)
			return exitFail
		}
		*nonce = strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[:])), 10)
	}
	sig := signature.Compute(sec.token, *timestamp, *nonce)
	q := url.Values{"signature": {sig}, "timestamp": {*timestamp}, "nonce": {*nonce}}
	w := c.stdout
	fmt.Fprintln(w, "signature="+sig)
	fmt.Fprintln(w, "timestamp="+*timestamp)
	fmt.Fprintln(w, "nonce="+*nonce)
	if *encrypt != "" {
		msgSig := msgcrypt.MsgSignature(sec.token, *timestamp, *nonce, *encrypt)
		fmt.Fprintln(w, "msg_signature="+msgSig)
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", msgSig)
	}
	fmt.Fprintln(w, q.Encode())
	return exitOK
}
