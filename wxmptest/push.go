package wxmptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/wxmp/wxmp/internal/wxhttp"
	"github.com/wxmp/wxmp/internal/xmltext"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/signature"
)

// Pusher plays WeChat's side of an Official Account's server URL against
// an http.Handler in process or a URL over HTTP: it sends signed (and, in
// the compatible and safe modes, encrypted) pushes and the verification
// GET, and judges the answers by WeChat's rules. Make one with NewPusher.
// A Pusher is safe for concurrent use.
type Pusher struct {
	config  // the options, completed by NewPusher
	token   string
	crypter *msgcrypt.Crypter // nil in plain mode
}

// NewPusher returns a Pusher for the account whose server URL is
// configured with token (the Token entered in the console beside the URL).
// One of WithHandler and WithURL says where the pushes go; the other options
// have the defaults documented at each.
//
// An empty token, a missing target or an option given a value it cannot use
// returns an error wrapping ErrInvalidConfig; the error names the option
// and never holds the token or the key. A nil Option is skipped.
func NewPusher(token string, opts ...Option) (*Pusher, error) {
	if token == "" {
		return nil, fmt.Errorf("%w: empty token", ErrInvalidConfig)
	}
	c := config{
		timeout: DefaultTimeout,
		retries: DefaultRetries,
		now:     time.Now,
		random:  rand.Reader,
		openID:  DefaultOpenID,
		account: DefaultAccount,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c); err != nil {
			return nil, err
		}
	}
	if c.handler == nil && c.target == nil {
		return nil, fmt.Errorf("%w: no target: give WithHandler or WithURL", ErrInvalidConfig)
	}
	if c.target == nil {
		c.target = &url.URL{Scheme: "http", Host: "localhost", Path: "/"}
	}
	if c.client == nil {
		// A backstop: each delivery has its own deadline of timeout.
		c.client = &http.Client{Timeout: 2 * c.timeout}
	}
	c.client = wxhttp.NoRedirect(c.client) // WeChat follows no redirect

	c.random = &lockedReader{r: c.random} // shared with the Crypter
	p := &Pusher{config: c, token: token}
	if c.mode != msgcrypt.ModePlain {
		var err error
		p.crypter, err = msgcrypt.New(token, c.aesKey, c.appID, msgcrypt.WithRandom(c.random))
		if err != nil {
			return nil, fmt.Errorf("%w: WithEncryption: %w", ErrInvalidConfig, err) // msgcrypt's errors hold no key
		}
	}
	p.aesKey = "" // the Crypter holds the key; the Pusher keeps no copy
	return p, nil
}

// Mode returns the mode the pushes are sent in.
func (p *Pusher) Mode() msgcrypt.Mode { return p.mode }

// Result is what happened to one push (or verification GET).
type Result struct {
	// Mode is how the push was sent.
	Mode msgcrypt.Mode
	// Push is the push's XML in clear (nil for the verification GET).
	Push []byte
	// Query is the URL query of every delivery: signature, timestamp,
	// nonce and openid, plus encrypt_type and msg_signature in the encrypted
	// modes (echostr instead of openid for the verification GET).
	Query url.Values
	// Body is the request body as sent: Push itself in plain mode, the
	// encrypted push otherwise.
	Body []byte
	// Attempts is how many deliveries were made: 1, plus the retries that
	// followed deliveries not answered in time; 0 for a Result of Prepare.
	Attempts int
	// StatusCode and Response are the HTTP status and body of the answered
	// delivery; 0 and nil when none was answered.
	StatusCode int
	Response   []byte
	// Elapsed is how long the answered delivery took, by the wall clock.
	Elapsed time.Duration
	// Reply is the answer as judged; nil when there was none or it was not
	// XML. It is set even when the answer breaks a rule.
	Reply *Reply

	// What Outcome needs: the push's header, the user a late reply goes
	// to, the fake it would reach (WithAPIServer) and how many records
	// the fake held before the push was first delivered.
	head     pushHead
	openID   string
	api      *APIServer
	mark     int
	prepared bool // head and openID are set
	violated bool // the answer broke one of WeChat's rules
}

// Push builds the XML of m (see Build), sends it as WeChat does and judges
// the answer (see PushXML).
func (p *Pusher) Push(ctx context.Context, m message.Message) (*Result, error) {
	res, err := p.Prepare(m)
	if err != nil {
		return nil, err
	}
	return p.Deliver(ctx, res)
}

// PushXML sends push, the XML of a message or event in clear, to the
// target as WeChat does, and judges the answer by WeChat's rules. push is
// sent as it is, so it can also be a push WeChat would never send.
//
// The request is a POST with the query WeChat adds: signature, timestamp
// (Unix seconds, from the clock) and nonce, signed with the token, and
// openid (the push's FromUserName, or the Pusher's OpenID when it has
// none). In the compatible mode the body is push with an <Encrypt> element
// added; in the safe mode it is only ToUserName and Encrypt; both add
// encrypt_type=aes and msg_signature to the query.
//
// Each delivery has the timeout (5 s by default) to be answered, the body
// read to its end, by the wall clock, in process and over HTTP alike: an
// answer that comes in later is late and never judged, even when it wins a
// race with the deadline (a timer firing late on a loaded machine, or an
// HTTP client that does not stop at the request's context). A delivery not
// answered in time is dropped and the same request, byte for byte, goes
// again, up to the retries (3 by default): at most four deliveries in all
// by default, WeChat's "a maximum of three retries" read as three
// deliveries after the first. Nothing is waited between them, so that,
// as with WeChat, a retry starts a timeout (5 s) after the delivery before
// it, while the server may still be working on that one.
//
// The first answered delivery is judged: the HTTP status must be 200, and
// the body is judged by Check. The Result is returned in every case but a
// build error; the error is nil when WeChat would show the reply (or, for
// "success" and an empty body, nothing), else a *Violation wrapping the
// broken rule (ErrTimeout, ErrNoAnswer, ErrStatus, or one of Check's), or
// ErrTooLarge, or ctx's error when ctx ends first.
//
// A nil error does not mean the user got a reply: "success" answered on a
// retry, after the handler's reply was lost with the first delivery, is
// valid and shows nothing. Result.Outcome says what the user got.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
func (p *Pusher) PushXML(ctx context.Context, push []byte) (*Result, error) {
	res, err := p.PrepareXML(push)
	if err != nil {
		return nil, err
	}
	return p.Deliver(ctx, res)
}

// Prepare builds the XML of m (see Build) and signs it, and encrypts it in
// the compatible and safe modes, as Push does, without sending it: the
// Result holds Push, Query and Body, and no delivery (Attempts is 0). Give
// it to Deliver, once or more, one after the other or from several
// goroutines at once, to deliver that one push as often as a test needs.
func (p *Pusher) Prepare(m message.Message) (*Result, error) {
	body, err := p.Build(m)
	if err != nil {
		return nil, err
	}
	return p.PrepareXML(body)
}

// PrepareXML is Prepare for push, the XML of a message or event in clear,
// sent as it is (see PushXML).
func (p *Pusher) PrepareXML(push []byte) (*Result, error) {
	head := readPushHead(push) // once: seal addresses the push, check the reply
	query, body, err := p.seal(push, head)
	if err != nil {
		return nil, err
	}
	res := &Result{Mode: p.mode, Push: push, Query: query, Body: body, head: head, openID: query.Get("openid"), prepared: true}
	if p.api != nil {
		res.api, res.mark = p.api, p.api.recordCount()
	}
	return res, nil
}

// Deliver sends the push of res again, byte for byte (the same query, with
// its timestamp, nonce and signatures, and the same body), as WeChat's
// retries do, and judges the answer as PushXML does, retries after
// deliveries not answered in time included. res is a Result of Prepare,
// Push or PushXML from this Pusher, or from one with the same token, mode
// and key; it is not changed, and the new Result shares its Push, Query
// and Body. Deliver may be called from several goroutines at once with one
// res, as when WeChat's retry reaches a server (or another instance behind
// the same URL) while the first delivery is still being answered.
//
// The new Result's Outcome looks for a late reply from the time res was
// prepared, so every delivery of one push reports the same late reply.
func (p *Pusher) Deliver(ctx context.Context, res *Result) (*Result, error) {
	if res == nil || res.Push == nil || res.Query == nil {
		return nil, errors.New("wxmptest: Deliver needs the Result of Prepare, Push or PushXML")
	}
	if res.Mode != p.mode {
		return nil, fmt.Errorf("wxmptest: Deliver: the push was sealed in the %v mode, this Pusher is in the %v mode", res.Mode, p.mode)
	}
	out := &Result{Mode: res.Mode, Push: res.Push, Query: res.Query, Body: res.Body,
		head: res.head, openID: res.openID, api: res.api, mark: res.mark, prepared: true}
	if !res.prepared { // a Result put together by hand
		out.head, out.openID = readPushHead(res.Push), res.Query.Get("openid")
	}
	if out.api == nil && p.api != nil {
		out.api, out.mark = p.api, p.api.recordCount()
	}
	err := p.deliverAll(ctx, out)
	var v *Violation
	out.violated = errors.As(err, &v)
	return out, err
}

// deliverAll delivers res's push until a delivery is answered in time or
// the retries are spent, and judges the answer into res.
func (p *Pusher) deliverAll(ctx context.Context, res *Result) error {
	for res.Attempts < 1+p.retries {
		res.Attempts++
		ans, err := p.deliver(ctx, http.MethodPost, res.Query, res.Body)
		if errors.Is(err, errDeadline) {
			continue
		}
		if err != nil {
			return err
		}
		res.StatusCode, res.Response, res.Elapsed = ans.status, ans.body, ans.elapsed
		if ans.status != http.StatusOK {
			return violate(ErrStatus, "HTTP %d %s", ans.status, http.StatusText(ans.status))
		}
		res.Reply, err = p.check(res.head, ans.body)
		return err
	}
	deliveries := "deliveries"
	if res.Attempts == 1 {
		deliveries = "delivery"
	}
	return violate(ErrTimeout, "%d %s, none answered within %v", res.Attempts, deliveries, p.timeout)
}

// signedQuery returns what WeChat puts in the query of every request: a
// timestamp from the clock, a random nonce, and their signature with the
// token.
func (p *Pusher) signedQuery() (url.Values, error) {
	ts := strconv.FormatInt(p.now().Unix(), 10)
	nonce, err := p.decimal(4)
	if err != nil {
		return nil, err
	}
	return url.Values{
		signature.ParamSignature: {signature.Compute(p.token, ts, nonce)},
		signature.ParamTimestamp: {ts},
		signature.ParamNonce:     {nonce},
	}, nil
}

// seal returns the query and body of push, whose header is head, in the
// Pusher's mode.
func (p *Pusher) seal(push []byte, head pushHead) (url.Values, []byte, error) {
	q, err := p.signedQuery()
	if err != nil {
		return nil, nil, err
	}
	openID := head.FromUserName
	if openID == "" {
		openID = p.openID
	}
	q.Set("openid", openID)
	if p.crypter == nil {
		return q, push, nil
	}
	env, err := p.crypter.EncryptEnvelope(msgcrypt.CurrentKey, push, q.Get(signature.ParamTimestamp), q.Get(signature.ParamNonce))
	if err != nil {
		return nil, nil, fmt.Errorf("wxmptest: encrypting the push: %w", err)
	}
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", env.MsgSignature)
	var body []byte
	if p.mode == msgcrypt.ModeSafe {
		to := head.ToUserName
		if to == "" {
			to = p.account
		}
		body, err = xml.Marshal(safeBody{ToUserName: xmltext.Wrap(to), Encrypt: xmltext.Wrap(env.Encrypt)})
	} else {
		body, err = addEncrypt(push, env.Encrypt)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("wxmptest: writing the encrypted push: %w", err)
	}
	return q, body, nil
}

// safeBody is a push in the safe mode: the account's ID and the ciphertext.
type safeBody struct {
	XMLName    xml.Name     `xml:"xml"`
	ToUserName xmltext.Text `xml:"ToUserName"`
	Encrypt    xmltext.Text `xml:"Encrypt"`
}

// addEncrypt returns push with an <Encrypt> element holding encrypt added
// before its closing </xml> tag, as in a compatible-mode push (or at the
// end, when push has no closing tag). The element is written by
// encoding/xml; encrypt is base64, which needs no escaping anyway.
func addEncrypt(push []byte, encrypt string) ([]byte, error) {
	var elem bytes.Buffer
	enc := xml.NewEncoder(&elem)
	if err := enc.EncodeElement(xmltext.Wrap(encrypt), xml.StartElement{Name: xml.Name{Local: "Encrypt"}}); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	at := bytes.LastIndex(push, []byte("</xml>"))
	if at < 0 {
		at = len(push)
	}
	out := make([]byte, 0, len(push)+elem.Len())
	out = append(out, push[:at]...)
	out = append(out, elem.Bytes()...)
	return append(out, push[at:]...), nil
}

// answer is one answered delivery.
type answer struct {
	status  int
	body    []byte
	elapsed time.Duration
}

// deliver makes one request with the query and body and waits at most the
// timeout for the whole answer. It returns errDeadline when the time is up,
// ctx's error when ctx ends, a *Violation of ErrNoAnswer when there is no
// HTTP answer, or ErrTooLarge.
func (p *Pusher) deliver(ctx context.Context, method string, query url.Values, body []byte) (answer, error) {
	if err := ctx.Err(); err != nil {
		return answer{}, err
	}
	dctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	u := *p.target
	q := u.Query()
	for k, v := range query {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(dctx, method, u.String(), rd)
	if err != nil {
		return answer{}, fmt.Errorf("%w: WithURL: cannot make a request to the URL", ErrInvalidConfig)
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/xml")
	}
	req.Header.Set("User-Agent", "wxmptest (WeChat push simulator)")

	start := time.Now()
	var ans answer
	if p.handler != nil {
		ans, err = p.serveInProcess(dctx, req)
	} else {
		ans, err = p.roundTrip(req)
	}
	ans.elapsed = time.Since(start)
	if dctx.Err() != nil || ans.elapsed > p.timeout {
		// The delivery had ended, or its time was up by the wall clock,
		// when the answer (or the failure) came in: it is late on every
		// path, as it would be for WeChat, even when the deadline's timer
		// fired late or the answer won a race with it.
		if err := ctx.Err(); err != nil {
			return answer{}, err
		}
		return answer{}, errDeadline
	}
	if err != nil {
		return answer{}, err
	}
	if len(ans.body) > MaxReplyBytes {
		return answer{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxReplyBytes)
	}
	return ans, nil
}

// serveInProcess runs the handler on req in its own goroutine and waits for
// it to return, for it to flush a complete answer (see inProcessWriter), or
// for the deadline (the end of dctx). A handler still running at the
// deadline, or after its complete answer, is left to finish on its own,
// with req's context cancelled. deliver judges whether the answer came in
// time.
func (p *Pusher) serveInProcess(dctx context.Context, req *http.Request) (answer, error) {
	req.RequestURI = req.URL.RequestURI()
	req.RemoteAddr = "192.0.2.1:54321" // TEST-NET-1: where WeChat's request "comes from"
	w := newInProcessWriter()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		p.handler.ServeHTTP(w, req)
	}()
	select {
	case v := <-done:
		if v != nil && !w.isComplete() {
			if v == http.ErrAbortHandler {
				return answer{}, violate(ErrNoAnswer, "the handler aborted the response")
			}
			return answer{}, violate(ErrNoAnswer, "the handler panicked; net/http would close the connection")
		}
		return w.answer(), nil
	case <-w.complete:
		return w.answer(), nil
	case <-dctx.Done():
		return answer{}, errDeadline
	}
}

// roundTrip sends req over HTTP and reads the whole answer, up to one byte
// past MaxReplyBytes.
func (p *Pusher) roundTrip(req *http.Request) (answer, error) {
	resp, err := p.client.Do(req)
	if err != nil {
		return answer{}, transportError(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		return answer{}, transportError(err)
	}
	return answer{status: resp.StatusCode, body: b}, nil
}

// transportError classifies a failed round trip that deliver has not
// already found late: the client's own timeout, or no answer. The URL
// (which holds the signature) is left out of the message.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errDeadline
		}
		err = ue.Err
	}
	return violate(ErrNoAnswer, "%v", err)
}

// decimal returns a random decimal string of n random bytes (at most 8),
// the shape of WeChat's nonce and echostr values.
func (p *Pusher) decimal(n int) (string, error) {
	v, err := p.randomUint(n)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(v, 10), nil
}

// randomUint reads n (at most 8) random bytes as a big-endian number.
func (p *Pusher) randomUint(n int) (uint64, error) {
	var b [8]byte
	if _, err := io.ReadFull(p.random, b[8-n:]); err != nil {
		return 0, fmt.Errorf("wxmptest: reading the random source: %w", err)
	}
	return binary.BigEndian.Uint64(b[:]), nil
}

// lockedReader serialises reads from a random source shared by the Pusher
// and its Crypter, which may be used from several goroutines.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(b)
}
