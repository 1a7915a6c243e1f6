package benchmarks

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// xmlType is the Content-Type our handlers answer a reply with.
const xmlType = "application/xml; charset=utf-8"

// Wxmp returns wxmp's handler for mode (ModePlain or ModeSafe), the one the
// wxmp rows of the table and of cmd/load measure: a push.Server with its
// default options (dedupe on, in memory; the 4-second guard), given the
// EncodingAESKey and AppID in safe mode, and a push.Mux that answers a text
// message with its echo, as wxmp's README writes a server.
func Wxmp(mode string) (http.Handler, error) {
	return wxmpServer(mode)
}

// wxmpServer is the push.Server of Wxmp.
func wxmpServer(mode string) (http.Handler, error) {
	var opts []push.Option
	switch mode {
	case ModePlain:
	case ModeSafe:
		opts = append(opts, push.WithEncryption(EncodingAESKey, AppID))
	default:
		return nil, fmt.Errorf("benchmarks: unknown mode %q", mode)
	}
	mux := push.NewMux()
	push.Handle(mux, func(_ context.Context, m *message.Text) (reply.Reply, error) {
		return reply.NewText(m, m.Content), nil
	})
	s, err := push.NewServer(Token, mux, opts...)
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %w", err)
	}
	return s, nil
}

// WxmpHandWired returns wxmp's lower-level route for mode, WxmpPlain or
// WxmpSafe: what a user of another router writes, without push.Server's
// dedupe and 5-second guard.
func WxmpHandWired(mode string) (http.Handler, error) {
	switch mode {
	case ModePlain:
		return WxmpPlain(Token), nil
	case ModeSafe:
		c, err := msgcrypt.New(Token, EncodingAESKey, AppID)
		if err != nil {
			return nil, fmt.Errorf("benchmarks: %w", err)
		}
		return WxmpSafe(c), nil
	}
	return nil, fmt.Errorf("benchmarks: unknown mode %q", mode)
}

// WxmpPlain returns the plain-mode handler a user of wxmp writes, as in the
// README: check the query signature, read the body (at most 256 KiB), parse
// it, and echo a text message back as a text reply.
func WxmpPlain(token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := signature.VerifyRequest(token, r); err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 256<<10))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		msg, err := message.Parse(body)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		text, ok := msg.(*message.Text)
		if !ok {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := reply.NewText(text, text.Content).Marshal()
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Header().Set("Content-Type", xmlType)
		w.Write(out)
	})
}

// WxmpSafe returns the handler a user of wxmp writes for the encrypted
// modes, as in msgcrypt's package documentation: open the push (signature,
// msg_signature, decryption, AppID), parse it, and seal the echo.
func WxmpSafe(c *msgcrypt.Crypter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := c.OpenRequest(r)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		msg, err := message.Parse(p.Plaintext)
		if err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		text, ok := msg.(*message.Text)
		if !ok {
			io.WriteString(w, reply.Success)
			return
		}
		out, err := reply.NewText(text, text.Content).Marshal()
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		sealed, err := p.Seal(out)
		if err != nil {
			io.WriteString(w, reply.Success)
			return
		}
		w.Header().Set("Content-Type", xmlType)
		w.Write(sealed)
	})
}
