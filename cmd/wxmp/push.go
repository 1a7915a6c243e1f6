package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/wxmptest"
)

// maxPayload is the most push reads of a PAYLOAD.xml file: 1 MiB, as much
// as a server using msgcrypt accepts.
const maxPayload = msgcrypt.DefaultMaxBodyBytes

const pushSynopsis = `wxmp push -url URL [flags] text CONTENT...
       wxmp push -url URL [flags] event NAME [EVENTKEY]
       wxmp push -url URL [flags] file PAYLOAD.xml   (- reads standard input)

Sends one push as WeChat does: signed with the token (signature, timestamp,
nonce, openid); in the compatible or safe mode (given -aes-key and -appid)
also encrypted, with encrypt_type=aes and msg_signature. A push not answered
within -timeout is sent again, up to -retries times. The reply is judged by
WeChat's rules; the exit status is 1, with the broken rule named, when WeChat
would show the user "该公众号暂时无法提供服务".

text and event pushes come from -openid to -to, stamped now; NAME is the event
name as WeChat spells it (subscribe, unsubscribe, SCAN, CLICK, VIEW, ...), and
EVENTKEY is sent for events that carry one. A file is sent as it is; the
repository has an example text push in cmd/wxmp/testdata/text.xml.`

func (c *cli) push(ctx context.Context, args []string) int {
	s := c.newSubcommand("push", pushSynopsis)
	var sec secrets
	var tf targetFlags
	s.targetFlags(&tf)
	s.tokenFlag(&sec)
	s.cryptoFlags(&sec)
	modeName := s.String("mode", "", "plain, compatible or safe (default safe when an EncodingAESKey is given, else plain)")
	retries := s.Int("retries", wxmptest.DefaultRetries, "how many times a push not answered in time is sent again")
	openID := s.String("openid", wxmptest.DefaultOpenID, "the user a text or event push comes from (FromUserName)")
	account := s.String("to", wxmptest.DefaultAccount, "the account's original ID a text or event push goes to (ToUserName)")
	if code, ok := s.parse(args); !ok {
		return code
	}
	sec.fromEnv(c.getenv)
	if tf.url == "" {
		return s.usageError("-url is required")
	}
	if sec.token == "" {
		return s.usageError("-token or $%s is required", envToken)
	}
	mode, err := pickMode(*modeName, sec)
	if err != nil {
		return s.usageError("%v", err)
	}
	opts := []wxmptest.Option{
		wxmptest.WithURL(tf.url),
		wxmptest.WithTimeout(tf.timeout),
		wxmptest.WithRetries(*retries),
		wxmptest.WithOpenID(*openID),
		wxmptest.WithAccount(*account),
		wxmptest.WithEncryption(mode, sec.aesKey, sec.appID),
	}
	p, err := wxmptest.NewPusher(sec.token, opts...)
	if err != nil {
		return s.usageError("%v", err) // never holds the token or key
	}

	pos := s.Args()
	if len(pos) == 0 {
		return s.usageError("say what to push: text CONTENT, event NAME [EVENTKEY] or file PAYLOAD.xml")
	}
	var res *wxmptest.Result
	switch kind := pos[0]; {
	case kind == "text" && len(pos) >= 2:
		res, err = p.Push(ctx, &message.Text{Content: strings.Join(pos[1:], " ")})
	case kind == "event" && (len(pos) == 2 || len(pos) == 3):
		key := ""
		if len(pos) == 3 {
			key = pos[2]
		}
		var ev event.Event
		if ev, err = eventValue(pos[1], key); err != nil {
			return s.usageError("%v", err)
		}
		res, err = p.Push(ctx, ev)
	case kind == "file" && len(pos) == 2:
		body, rerr := c.readPayload(pos[1])
		if rerr != nil {
			fmt.Fprintln(c.stderr, "wxmp push:", rerr)
			return exitFail
		}
		res, err = p.PushXML(ctx, body)
	default:
		return s.usageError("want text CONTENT, event NAME [EVENTKEY] or file PAYLOAD.xml, got %q with %d argument(s)", kind, len(pos)-1)
	}
	if res == nil {
		fmt.Fprintln(c.stderr, "wxmp push:", err)
		return exitFail
	}
	return c.reportPush(tf.url, res, err)
}

// pickMode chooses the mode from -mode and the secrets given.
func pickMode(name string, sec secrets) (msgcrypt.Mode, error) {
	var mode msgcrypt.Mode
	switch name {
	case "":
		// The key decides: an AppID alone (WECHAT_APPID is set for the
		// API commands too) does not make a push encrypted.
		if sec.aesKey == "" {
			return msgcrypt.ModePlain, nil
		}
		mode = msgcrypt.ModeSafe
	case "plain":
		return msgcrypt.ModePlain, nil
	case "compatible", "compat":
		mode = msgcrypt.ModeCompatible
	case "safe":
		mode = msgcrypt.ModeSafe
	default:
		return 0, fmt.Errorf("-mode must be plain, compatible or safe, not %q", name)
	}
	if sec.aesKey == "" || sec.appID == "" {
		return 0, fmt.Errorf("the %s mode needs both -aes-key (or $%s) and -appid (or $%s)", mode, envAESKey, envAppID)
	}
	return mode, nil
}

// eventValue returns the typed event WeChat pushes for name, with key as
// its EventKey when the type has one.
func eventValue(name, key string) (event.Event, error) {
	if name == "" {
		return nil, errors.New("the event name is empty")
	}
	b, err := xml.Marshal(struct {
		XMLName  xml.Name `xml:"xml"`
		MsgType  string   `xml:"MsgType"`
		Event    string   `xml:"Event"`
		EventKey string   `xml:"EventKey,omitempty"`
	}{MsgType: message.TypeEvent, Event: name, EventKey: key})
	if err != nil {
		return nil, err
	}
	ev, err := event.Parse(b)
	if err != nil {
		return nil, err
	}
	if u, ok := ev.(*event.Unknown); ok {
		u.Raw = nil // build it from the header and name, like the known ones
	}
	return ev, nil
}

// readPayload reads a push file, or standard input for "-", up to
// maxPayload bytes.
func (c *cli) readPayload(name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = c.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPayload {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxPayload)
	}
	return b, nil
}
