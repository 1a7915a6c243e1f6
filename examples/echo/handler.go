package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wxmp/wxmp/event"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// maxBody is the largest push the handler reads: msgcrypt's default, sized
// to real pushes in every mode (see its doc). A longer body gets 413.
const maxBody = msgcrypt.DefaultMaxBodyBytes

// handler serves WeChat's GET verification and POST pushes on one path.
type handler struct {
	token string
	// sigOpts are the options of the plain signature check: the timestamp
	// window, if any.
	sigOpts []signature.Option
	// crypter opens compatible- and safe-mode pushes, and plain ones too
	// when WECHAT_ACCEPT_PLAIN is on, and seals replies; nil when no
	// EncodingAESKey is configured, and then only plain pushes are
	// accepted.
	crypter *msgcrypt.Crypter
	log     *slog.Logger
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.verify(w, r)
	case http.MethodPost:
		h.push(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers the server verification GET: echostr back, verbatim and
// as plain text, when the signature is valid.
func (h *handler) verify(w http.ResponseWriter, r *http.Request) {
	if status, reason := h.checkSignature(r.URL.Query()); status != http.StatusOK {
		h.log.Warn("verification refused", "status", status, "reason", reason)
		http.Error(w, reason, status)
		return
	}
	h.log.Info("verification passed")
	signature.WriteEcho(w, r)
}

// push answers one message or event push with a passive reply.
func (h *handler) push(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, status, reason := h.open(w, r)
	if status != http.StatusOK {
		h.log.Warn("push refused", "status", status, "reason", reason)
		http.Error(w, reason, status)
		return
	}
	msg, err := message.Parse(p.Plaintext)
	if err != nil {
		h.log.Warn("push refused", "status", http.StatusBadRequest, "mode", p.Mode.String(), "reason", err.Error())
		http.Error(w, "bad push: "+err.Error(), http.StatusBadRequest)
		return
	}

	out, kind := []byte(reply.Success), "success"
	if rep := answer(msg); rep != nil {
		b, err := rep.Marshal()
		if err == nil {
			b, err = p.Seal(b)
		}
		if err != nil {
			// The push was fine; our reply could not be built (for example
			// content WeChat cannot carry). "success" is the safe answer.
			h.log.Warn("reply not built; answering success", "reason", err.Error())
		} else {
			out, kind = b, "xml"
		}
	}
	if kind == "xml" {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Write(out)
	h.log.Info("push",
		"mode", p.Mode.String(),
		"msg_type", msg.Head().MsgType,
		"value", fmt.Sprintf("%T", msg),
		"reply", kind,
		"duration", time.Since(start).String())
}

// open authenticates a push and returns it with its plaintext, or the
// status to refuse it with and a short reason.
func (h *handler) open(w http.ResponseWriter, r *http.Request) (p *msgcrypt.Push, status int, reason string) {
	q := r.URL.Query()
	if h.crypter == nil {
		// Plain mode only: check the signature before reading the body.
		if status, reason := h.checkSignature(q); status != http.StatusOK {
			return nil, status, reason
		}
		if q.Get("encrypt_type") == "aes" {
			return nil, http.StatusBadRequest, "encrypted push, but no EncodingAESKey is configured"
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", maxBody)
		}
		return nil, http.StatusBadRequest, "cannot read body"
	}
	if h.crypter == nil {
		return &msgcrypt.Push{Plaintext: body}, http.StatusOK, ""
	}
	p, err = h.crypter.Open(q, body)
	switch {
	case err == nil:
		return p, http.StatusOK, ""
	case errors.Is(err, msgcrypt.ErrSignatureMismatch), errors.Is(err, msgcrypt.ErrAppIDMismatch):
		return nil, http.StatusForbidden, "invalid signature or AppID"
	case errors.Is(err, msgcrypt.ErrStale), errors.Is(err, msgcrypt.ErrTimestamp):
		return nil, http.StatusForbidden, "timestamp outside the allowed window"
	case errors.Is(err, msgcrypt.ErrBodyTooLarge):
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", maxBody)
	case errors.Is(err, msgcrypt.ErrNotEncrypted):
		return nil, http.StatusForbidden, "plain push refused: this server expects encrypted pushes"
	case errors.Is(err, msgcrypt.ErrMissingParams):
		return nil, http.StatusBadRequest, "missing signature, msg_signature, timestamp or nonce"
	default:
		// Unknown encrypt_type, no <Encrypt>, bad base64, bad padding: the
		// messages name the problem and never carry a key or plaintext.
		return nil, http.StatusBadRequest, err.Error()
	}
}

// checkSignature checks the query's signature, timestamp and nonce against
// the token. It returns 200 when they match, else the status to answer with
// and a short reason (which never includes the token or a signature).
func (h *handler) checkSignature(q url.Values) (status int, reason string) {
	err := signature.VerifyQuery(h.token, q, h.sigOpts...)
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, signature.ErrMissingParams):
		return http.StatusBadRequest, "missing signature, timestamp or nonce"
	case errors.Is(err, signature.ErrStale), errors.Is(err, signature.ErrTimestamp):
		return http.StatusForbidden, "timestamp outside the allowed window"
	default:
		return http.StatusForbidden, "invalid signature"
	}
}

// answer decides the passive reply to msg; nil means "success".
func answer(msg message.Message) reply.Reply {
	switch m := msg.(type) {
	case *message.Text:
		if strings.TrimSpace(m.Content) == "" {
			return reply.NewText(m, "(empty text received)")
		}
		return reply.NewText(m, m.Content)
	case *event.Subscribe:
		return reply.NewText(m, "Welcome! Send me any message and I will echo it back.")
	case *event.Unsubscribe:
		return nil
	case *event.Click:
		return reply.NewText(m, "menu click received: "+m.EventKey)
	case *event.Scan:
		return reply.NewText(m, "QR code scanned: scene "+m.EventKey)
	case *message.Image:
		return reply.NewText(m, "image received: "+m.PicURL)
	case *message.Voice:
		text := "voice received: format " + m.Format
		if m.Recognition != "" {
			text += ", recognised as: " + m.Recognition
		}
		return reply.NewText(m, text)
	case *message.Video:
		return reply.NewText(m, "video received: "+m.MediaID)
	case *message.ShortVideo:
		return reply.NewText(m, "short video received: "+m.MediaID)
	case *message.Location:
		return reply.NewText(m, fmt.Sprintf("location received: %s (%.6f, %.6f)", m.Label, m.LocationX, m.LocationY))
	case *message.Link:
		return reply.NewText(m, fmt.Sprintf("link received: %s %s", m.Title, m.URL))
	case *message.File:
		return reply.NewText(m, fmt.Sprintf("file received: %s (%d bytes)", m.Title, m.FileTotalLen))
	}
	// Unknown message types, and the other events (job results, card and
	// account notices…), which no user is waiting on.
	return nil
}
