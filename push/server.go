package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxmp/wxmp/internal/query"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// Server is the http.Handler of an Official Account's server URL. It
// answers the verification GET and every POST push: it authenticates the
// push before reading anything of it, reads it within the body limit,
// decrypts it when encrypted, parses it with message.Parse, recognizes
// WeChat's retries, calls the [Handler] within the 5-second guard, and
// writes the reply, sealed in the encrypted modes. Make one with
// [NewServer]; it is safe for concurrent use.
//
// Statuses: 200 for every authenticated, well-formed push, whatever the
// handler did; 400 for a malformed request (a missing parameter, a body that
// is not a push), 403 for a forged or refused one (bad signature, wrong
// AppID, a timestamp outside the window, a plain push to an encrypted
// server), 405 for a method other than GET and POST, 413 for a body over
// the limit. A refusal's body is a short reason. Nothing is answered with
// a 5xx.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
type Server struct {
	token       string
	h           Handler
	crypter     *msgcrypt.Crypter
	acceptPlain bool
	sigOpts     []signature.Option
	maxBody     int64

	store          DedupStore
	key            func(message.Message) string
	dedupTTL       time.Duration
	claimTTL       time.Duration
	handlerTimeout time.Duration
	lateTimeout    time.Duration
	late           LateReplySender
	log            *slog.Logger
	hook           func(context.Context, message.Message, error)

	guards sync.Pool
	watch  watchdog
	// xmlType and textType are the Content-Type header values of a reply
	// and of "success", and successLen the Content-Length of "success",
	// shared by every response (each one []string{value} with no spare
	// capacity, so that an Add appends to a copy).
	xmlType, textType, successLen []string
}

// NewServer returns a Server for the account whose server settings in the
// console hold token, answering pushes with h (a [*Mux], a [HandlerFunc]
// or any [Handler]). Without options it takes plain pushes only, with the
// defaults of [DefaultHandlerTimeout], [DefaultLateTimeout],
// [DefaultDedupTTL], [DefaultMaxBodyBytes] and a [MemoryStore] for dedupe.
//
// Every configuration error is found here, not on the first push: an
// empty token, a nil h, a malformed EncodingAESKey or an empty AppID,
// options that are nil, out of range or contradict one another. The
// error wraps [ErrInvalidConfig] and names the setting, never its value.
func NewServer(token string, h Handler, opts ...Option) (*Server, error) {
	if token == "" {
		return nil, invalid("empty token")
	}
	if isNilHandler(h) {
		return nil, invalid("nil Handler")
	}
	c := config{
		dedupTTL:       DefaultDedupTTL,
		handlerTimeout: DefaultHandlerTimeout,
		lateTimeout:    DefaultLateTimeout,
		maxBody:        DefaultMaxBodyBytes,
		now:            time.Now,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	switch {
	case c.encryption && c.crypter != nil:
		return nil, invalid("WithEncryption and WithCrypter together")
	case c.prevKey != "" && !c.encryption:
		return nil, invalid("WithPreviousKey needs WithEncryption (give a Crypter its previous key with msgcrypt.WithPreviousKey)")
	case c.acceptPlain && !c.encryption && c.crypter == nil:
		return nil, invalid("WithAcceptPlain needs WithEncryption or WithCrypter")
	case c.noDedup && c.dedupSet:
		return nil, invalid("WithoutDedup with WithDedup, WithDedupKey or WithDedupTTL")
	}
	s := &Server{
		token:          token,
		h:              h,
		crypter:        c.crypter,
		acceptPlain:    c.acceptPlain,
		maxBody:        c.maxBody,
		store:          c.store,
		key:            c.key,
		dedupTTL:       c.dedupTTL,
		claimTTL:       2 * c.handlerTimeout,
		handlerTimeout: c.handlerTimeout,
		lateTimeout:    c.lateTimeout,
		late:           c.late,
		log:            c.log,
		hook:           c.hook,
		xmlType:        []string{"application/xml; charset=utf-8"},
		textType:       []string{"text/plain; charset=utf-8"},
		successLen:     []string{strconv.Itoa(len(reply.Success))},
	}
	s.guards.New = s.newGuard
	if s.log == nil {
		s.log = slog.Default()
	}
	if c.window > 0 {
		s.sigOpts = []signature.Option{signature.WithWindow(c.window), signature.WithNow(c.now)}
	}
	if c.encryption {
		mopts := []msgcrypt.Option{msgcrypt.WithRequireEncryption(), msgcrypt.WithMaxBodyBytes(c.maxBody), msgcrypt.WithNow(c.now)}
		if c.window > 0 {
			mopts = append(mopts, msgcrypt.WithWindow(c.window))
		}
		if c.prevKey != "" {
			mopts = append(mopts, msgcrypt.WithPreviousKey(c.prevKey))
		}
		cr, err := msgcrypt.New(token, c.aesKey, c.appID, mopts...)
		if err != nil {
			return nil, fmt.Errorf("%w: WithEncryption: %w", ErrInvalidConfig, err)
		}
		s.crypter = cr
	}
	if s.store == nil && !c.noDedup {
		store, err := NewMemoryStore(WithMemoryNow(c.now))
		if err != nil {
			return nil, err
		}
		s.store = store
	}
	return s, nil
}

// ServeHTTP answers the verification GET (the echostr, as text/plain, once
// the signature verifies) and a POST push (the reply, or "success").
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		s.servePush(w, r)
	case http.MethodGet:
		s.serveVerify(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// serveVerify answers the GET WeChat sends when the server URL is saved.
func (s *Server) serveVerify(w http.ResponseWriter, r *http.Request) {
	if err := signature.VerifyRequest(s.token, r, s.sigOpts...); err != nil {
		status, reason := signatureStatus(err)
		s.refuse(w, r, status, reason, err)
		return
	}
	signature.WriteEcho(w, r)
}

// opened is an authenticated push.
type opened struct {
	plaintext []byte
	// sealer seals the reply of an encrypted push; nil for a plain one.
	sealer *msgcrypt.Push
}

// servePush answers one POST push.
func (s *Server) servePush(w http.ResponseWriter, r *http.Request) {
	p, status, reason, err := s.open(r)
	if status != http.StatusOK {
		s.refuse(w, r, status, reason, err)
		return
	}
	msg, err := message.Parse(p.plaintext)
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, "bad push: "+err.Error(), err)
		return
	}
	out, written := s.answer(w, r, msg)
	if written {
		return
	}
	if len(out) > 0 && p.sealer != nil {
		sealed, err := p.sealer.Seal(out)
		if err != nil {
			s.fail(r.Context(), msg, fmt.Errorf("push: sealing the reply: %w", err), false)
			sealed = nil
		}
		out = sealed
	}
	if len(out) == 0 {
		w.Header()["Content-Type"] = s.textType
		io.WriteString(w, reply.Success)
		return
	}
	w.Header()["Content-Type"] = s.xmlType
	w.Write(out)
}

// Names of the query parameters open reads.
const (
	paramEncryptType = "encrypt_type"
)

// open authenticates the push and reads its plaintext. It returns the
// status to refuse it with (200 when it is fine), a short reason and the
// error behind it.
func (s *Server) open(r *http.Request) (p opened, status int, reason string, err error) {
	if r.URL == nil {
		return p, http.StatusBadRequest, "no URL", nil
	}
	ps := [...]query.Param{{Name: paramEncryptType}, {Name: signature.ParamSignature}, {Name: signature.ParamTimestamp}, {Name: signature.ParamNonce}}
	query.Scan(r.URL.RawQuery, ps[:])
	if ps[0].Count > 1 {
		return p, http.StatusBadRequest, "encrypt_type given more than once", nil
	}
	switch ps[0].Value {
	case "", "raw":
		if s.crypter != nil && !s.acceptPlain {
			return p, http.StatusForbidden, "plain push refused: this server takes encrypted pushes", nil
		}
		if err := signature.Verify(s.token, ps[2].Value, ps[3].Value, ps[1].Value, s.sigOpts...); err != nil {
			status, reason := signatureStatus(err)
			return p, status, reason, err
		}
		body, err := readBody(r.Body, r.ContentLength, s.maxBody)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return p, http.StatusRequestEntityTooLarge, "body too large", err
			}
			return p, http.StatusBadRequest, "cannot read the body", err
		}
		return opened{plaintext: body}, http.StatusOK, "", nil
	case "aes":
		if s.crypter == nil {
			return p, http.StatusBadRequest, "encrypted push, but this server has no EncodingAESKey", nil
		}
		mp, err := s.crypter.OpenRequest(r)
		if err != nil {
			status, reason := crypterStatus(err)
			return p, status, reason, err
		}
		return opened{plaintext: mp.Plaintext, sealer: mp}, http.StatusOK, "", nil
	}
	return p, http.StatusBadRequest, "unknown encrypt_type", nil
}

func signatureStatus(err error) (int, string) {
	switch {
	case errors.Is(err, signature.ErrMismatch):
		return http.StatusForbidden, "invalid signature"
	case errors.Is(err, signature.ErrStale):
		return http.StatusForbidden, "timestamp outside the allowed window"
	case errors.Is(err, signature.ErrMissingParams):
		return http.StatusBadRequest, "missing signature, timestamp or nonce"
	case errors.Is(err, signature.ErrTimestamp):
		return http.StatusBadRequest, "timestamp is not a number"
	}
	return http.StatusForbidden, "invalid signature"
}

func crypterStatus(err error) (int, string) {
	switch {
	case errors.Is(err, msgcrypt.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, "body too large"
	case errors.Is(err, msgcrypt.ErrSignatureMismatch):
		return http.StatusForbidden, "invalid signature"
	case errors.Is(err, msgcrypt.ErrAppIDMismatch):
		return http.StatusForbidden, "push for another AppID"
	case errors.Is(err, msgcrypt.ErrStale):
		return http.StatusForbidden, "timestamp outside the allowed window"
	case errors.Is(err, msgcrypt.ErrNotEncrypted):
		return http.StatusForbidden, "plain push refused: this server takes encrypted pushes"
	case errors.Is(err, msgcrypt.ErrMissingParams):
		return http.StatusBadRequest, "missing msg_signature, timestamp or nonce"
	}
	// Malformed body or ciphertext, bad padding, unreadable body: the
	// messages are short and never carry a key, a plaintext or a signature.
	return http.StatusBadRequest, err.Error()
}

// refuse answers a request that is not an authenticated, well-formed push.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, reason string, err error) {
	if s.log.Enabled(r.Context(), slog.LevelWarn) {
		attrs := []slog.Attr{slog.String("method", r.Method), slog.Int("status", status), slog.String("reason", reason)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "push: request refused", attrs...)
	}
	http.Error(w, reason, status)
}

// answer returns the plaintext reply to msg, empty for "success": the
// handler's, or, for a retry, the first delivery's. written reports that
// the guard has already answered "success" on w (the handler missed its
// deadline); the caller then writes nothing.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, msg message.Message) (out []byte, written bool) {
	if s.store == nil {
		out, _, written = s.run(w, r, msg, "")
		return out, written
	}
	key := s.dedupKey(msg)
	if key == "" {
		out, _, written = s.run(w, r, msg, "")
		return out, written
	}
	ctx := r.Context()
	cl, err := s.store.Claim(ctx, key, s.claimTTL)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "push: dedupe store failed; running the handler without dedupe",
			append(msgAttrs(msg), slog.String("error", err.Error()))...)
		out, _, written = s.run(w, r, msg, "")
		return out, written
	}
	switch cl.Status {
	case Finished:
		return cl.Reply, false
	case InFlight:
		wctx, cancel := context.WithTimeout(ctx, s.handlerTimeout)
		out, err := s.store.Wait(wctx, key)
		cancel()
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelInfo, "push: retry answered success: the first delivery's reply is not ready",
				append(msgAttrs(msg), slog.String("error", err.Error()))...)
			return nil, false
		}
		return out, false
	}
	out, c, written := s.run(w, r, msg, key)
	if written {
		// The guard answered "success" and finished the key with an
		// empty reply at the deadline, so that retries answer "success";
		// the late reply went through the LateReplySender.
		return nil, true
	}
	if err := s.store.Finish(c.parent, key, out, s.dedupTTL); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "push: dedupe store failed to keep the reply",
			append(msgAttrs(msg), slog.String("error", err.Error()))...)
	}
	return out, false
}

func (s *Server) dedupKey(msg message.Message) string {
	if s.key != nil {
		return s.key(msg)
	}
	return msg.DedupKey()
}

// run calls the handler for msg on the request's goroutine, under the
// guard: queued in the server's watchdog, which, if the handler has not
// returned by its deadline (or within microseconds after it), answers
// "success" on w (and finishes key, when not empty, with an empty reply)
// while the handler goes on. A state the handler's return and the
// watchdog race for with a compare-and-swap decides which of the two
// answers; the other never touches w.
//
// When the handler returned in time, run returns its marshalled reply
// (empty for "success": no reply or a failure), the call and written
// false: the caller writes the answer. Otherwise the guard has written
// "success", run hands the handler's result to the late path once the
// handler returns, and returns written true.
func (s *Server) run(w http.ResponseWriter, r *http.Request, msg message.Message, key string) (out []byte, c *call, written bool) {
	now := time.Now()
	c = &call{
		parent:   context.WithoutCancel(r.Context()),
		deadline: now.Add(s.handlerTimeout),
		late:     now.Add(s.handlerTimeout + s.lateTimeout),
		msg:      msg,
	}
	g := s.guards.Get().(*guard)
	g.s, g.w, g.c, g.key = s, w, c, key
	g.state.Store(guardRunning)
	s.watch.add(g, c.deadline)
	rep, out, fault := s.invoke(c)
	if g.state.CompareAndSwap(guardRunning, guardAnswered) {
		// Out of the watchdog's queue, the guard can serve another push.
		s.watch.remove(g)
		c.cancel(context.Canceled)
		g.clear()
		s.guards.Put(g)
		if fault != nil {
			s.fail(c.parent, msg, fault, false)
		}
		return out, c, false
	}
	<-g.fired // the deadline's answer is written and done with g
	g.clear()
	s.guards.Put(g)
	s.sendLate(c, rep, fault)
	return nil, c, true
}

// guardRunning, guardAnswered and guardFired are the states of a guard:
// the handler runs; it returned in time and the delivery answers; the
// deadline came first and the watchdog answered "success".
const (
	guardRunning int32 = iota
	guardAnswered
	guardFired
)

// guard is the handler deadline of one run, queued in the server's
// watchdog, which answers "success" when the handler has not returned by
// then. Guards are pooled; a guard goes back to the pool only when the
// watchdog no longer refers to it.
type guard struct {
	state atomic.Int32
	// fired gets a value when the deadline's answer is written.
	fired chan struct{}

	// deadline, prev, next and queued belong to the watchdog, under its
	// lock.
	deadline   time.Time
	prev, next *guard
	queued     bool

	s   *Server
	w   http.ResponseWriter
	c   *call
	key string
}

func (s *Server) newGuard() any {
	return &guard{fired: make(chan struct{}, 1)}
}

func (g *guard) clear() { g.s, g.w, g.c, g.key = nil, nil, nil, "" }

// answer answers "success" at the handler deadline, once the watchdog
// has moved the state from running to fired.
func (g *guard) answer() {
	s, c := g.s, g.c
	c.cancel(context.DeadlineExceeded)
	// A complete answer (with its length) flushed now, so that WeChat
	// has it before its 5 s, though the handler holds the request.
	h := g.w.Header()
	h["Content-Type"] = s.textType
	h["Content-Length"] = s.successLen
	g.w.WriteHeader(http.StatusOK)
	io.WriteString(g.w, reply.Success)
	http.NewResponseController(g.w).Flush() // an error: nothing more to do
	if s.log.Enabled(c.parent, slog.LevelWarn) {
		s.log.LogAttrs(c.parent, slog.LevelWarn, "push: handler deadline passed; answered success",
			append(msgAttrs(c.msg), slog.Duration("timeout", s.handlerTimeout))...)
	}
	if g.key != "" {
		// Retries answer "success" from now on; the late reply, if any,
		// goes through the LateReplySender.
		if err := s.store.Finish(c.parent, g.key, nil, s.dedupTTL); err != nil {
			s.log.LogAttrs(c.parent, slog.LevelWarn, "push: dedupe store failed to keep the reply",
				append(msgAttrs(c.msg), slog.String("error", err.Error()))...)
		}
	}
	g.fired <- struct{}{}
}

// invoke calls the handler and marshals its reply, turning a panic into a
// *PanicError. rep is nil and out empty for "no reply".
func (s *Server) invoke(c *call) (rep reply.Reply, out []byte, fault error) {
	defer func() {
		if v := recover(); v != nil {
			rep, out, fault = nil, nil, &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	rep, err := s.h.ServePush(c, c.msg)
	if err != nil {
		return nil, nil, err
	}
	if isNilReply(rep) {
		return nil, nil, nil
	}
	out, err = rep.Marshal()
	if err != nil {
		return nil, nil, fmt.Errorf("push: the handler's reply does not marshal: %w", err)
	}
	if len(out) == 0 {
		return nil, nil, nil
	}
	return rep, out, nil
}

// isNilReply reports whether r is nil or a nil pointer in an interface,
// as a handler that returns a *reply.Text variable it never set does.
func isNilReply(r reply.Reply) bool {
	if r == nil {
		return true
	}
	v := reflect.ValueOf(r)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// sendLate deals with the result of a handler that returned after its
// deadline, when the delivery had answered "success".
func (s *Server) sendLate(c *call, rep reply.Reply, fault error) {
	switch {
	case fault != nil:
		s.fail(c.parent, c.msg, fault, true)
		return
	case rep == nil:
		return
	case !time.Now().Before(c.late):
		s.fail(c.parent, c.msg, fmt.Errorf("%w: the handler returned after the late timeout (%v)", ErrLateReplyDropped, s.lateTimeout), true)
		return
	case s.late == nil:
		s.fail(c.parent, c.msg, fmt.Errorf("%w: no LateReplySender is configured", ErrLateReplyDropped), true)
		return
	}
	ctx, cancel := context.WithTimeout(c.parent, lateSendTimeout)
	defer cancel()
	if err := s.callSender(ctx, rep); err != nil {
		s.fail(c.parent, c.msg, fmt.Errorf("%w: %w", ErrLateReply, err), true)
		return
	}
	if s.log.Enabled(c.parent, slog.LevelInfo) {
		s.log.LogAttrs(c.parent, slog.LevelInfo, "push: late reply sent", msgAttrs(c.msg)...)
	}
}

func (s *Server) callSender(ctx context.Context, rep reply.Reply) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return s.late.SendReply(ctx, rep)
}

// fail logs an error of an authenticated push and calls the error hook.
func (s *Server) fail(ctx context.Context, msg message.Message, err error, late bool) {
	attrs := append(msgAttrs(msg), slog.String("error", err.Error()))
	if late {
		attrs = append(attrs, slog.Bool("late", true))
	}
	var pe *PanicError
	if errors.As(err, &pe) {
		attrs = append(attrs, slog.String("stack", string(pe.Stack)))
	}
	s.log.LogAttrs(ctx, slog.LevelError, "push: answered success after an error", attrs...)
	if s.hook == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "push: the error hook panicked", msgAttrs(msg)...)
		}
	}()
	s.hook(ctx, msg, err)
}

// errTooLarge is what readBody returns for a body over the limit.
var errTooLarge = errors.New("push: body too large")

// firstRead caps the buffer readBody sizes from the announced length
// alone, so that a request announcing a large body and sending a little
// cannot make every request allocate up to the limit.
const firstRead = 64 << 10

// readBody reads r to its end, but no more than limit bytes (a longer body
// is errTooLarge). size is the length the request announces, -1 when
// unknown. A body of announced size is read into one buffer with a spare
// byte, which tells the end came where announced.
func readBody(r io.Reader, size, limit int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	if size > limit {
		return nil, errTooLarge
	}
	most := limit // read up to limit+1 bytes: the extra one shows a longer body
	if most < math.MaxInt64 {
		most++
	}
	n := int64(512)
	if size >= 0 && size < firstRead {
		n = size + 1
	}
	buf := make([]byte, 0, min(n, most))
	for int64(len(buf)) < most {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := int64(cap(buf))
		if end > most {
			end = most
		}
		m, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > limit {
		return nil, errTooLarge
	}
	return buf, nil
}
