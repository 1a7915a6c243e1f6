package msgcrypt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxmp/wxmp/internal/query"
	"github.com/wxmp/wxmp/signature"
)

// Query parameters of a push that package signature does not name, as
// WeChat spells them; signature, timestamp and nonce are
// signature.ParamSignature, ParamTimestamp and ParamNonce.
const (
	paramEncryptType  = "encrypt_type"
	paramMsgSignature = "msg_signature"
)

// Values of encrypt_type.
const (
	encryptTypeRaw = "raw"
	encryptTypeAES = "aes"
)

// Mode is how a push arrived: the message encryption mode chosen in the
// console (明文, 兼容 or 安全).
//
// See https://developers.weixin.qq.com/doc/service/en/guide/dev/push/encryption.html
type Mode uint8

const (
	// ModePlain is a push in clear: no encrypt_type, or encrypt_type=raw.
	ModePlain Mode = iota
	// ModeCompatible is encrypt_type=aes with the message both in clear and
	// in <Encrypt> (兼容模式), told by a <MsgType> beside <Encrypt>. Only the
	// encrypted copy is used: the clear fields are covered by no
	// signature, and never read.
	ModeCompatible
	// ModeSafe is encrypt_type=aes with only ToUserName and <Encrypt> in
	// the body (安全模式).
	ModeSafe
)

// String returns "plain", "compatible" or "safe".
func (m Mode) String() string {
	switch m {
	case ModePlain:
		return "plain"
	case ModeCompatible:
		return "compatible"
	case ModeSafe:
		return "safe"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Push is one authenticated push, opened by [Crypter.Open] or
// [Crypter.OpenRequest].
//
// See https://developers.weixin.qq.com/doc/service/en/guide/dev/push/encryption.html
type Push struct {
	// Plaintext is the push's XML in clear, ready for message.Parse: the
	// body itself in plain mode, the decrypted <Encrypt> otherwise.
	Plaintext []byte
	// Mode is how the push arrived.
	Mode Mode
	// Key is the key that decrypted the push (CurrentKey in plain mode).
	Key Key
	// Timestamp and Nonce are the push's query parameters, which Seal signs
	// the reply with.
	Timestamp, Nonce string

	c *Crypter
}

// Encrypted reports whether the push came encrypted, in which case Seal
// encrypts the reply.
func (p *Push) Encrypted() bool { return p.Mode != ModePlain }

// Seal returns the body to answer the push with. A plain push gets reply
// unchanged. An encrypted one (compatible or safe mode) gets reply encrypted
// with the push's key and wrapped in the envelope, signed with the push's
// timestamp and nonce (see [Crypter.Encrypt]), except for an empty reply and
// the exact bytes "success": both tell WeChat there is no answer, and go out
// as they are.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Message_Management/Passive_user_reply_message.html
func (p *Push) Seal(reply []byte) ([]byte, error) {
	if !p.Encrypted() || len(reply) == 0 || bytes.Equal(reply, []byte("success")) {
		return reply, nil
	}
	if p.c == nil {
		return nil, fmt.Errorf("%w: push was not opened by a Crypter", ErrInvalidKey)
	}
	return p.c.Encrypt(p.Key, reply, p.Timestamp, p.Nonce)
}

// Open authenticates one push from its URL query and body and returns its
// plaintext, following the query's encrypt_type:
//
//   - absent or "raw" (plain mode): the query's signature, timestamp and
//     nonce must verify (package signature); the body is returned as is.
//     That signature does not cover the body: in safe mode, make the
//     Crypter WithRequireEncryption so such pushes are refused
//     (ErrNotEncrypted) instead.
//   - "aes" (compatible and safe modes): msg_signature, timestamp and nonce
//     are required, and msg_signature must sign the body's <Encrypt>. A
//     missing msg_signature is an error, never a fall-back to the plain
//     check. WeChat also sends the plain signature: when present it must
//     verify too, when absent it is not required (msg_signature covers the
//     same token, timestamp and nonce, and the ciphertext). Then <Encrypt>
//     is decrypted as [Crypter.Decrypt] does.
//   - anything else, or encrypt_type given twice: ErrEncryptType.
//
// Nothing parses an encrypted push's body before its msg_signature is
// checked. A bounded scan, which allocates nothing, finds the <Encrypt>
// child of the root <xml>; it refuses with ErrBody a body that nests
// elements more than 16 deep, holds more than 1024 tags, attributes and
// CDATA sections, has a comment, processing instruction or DOCTYPE, has
// attributes on <xml> or <Encrypt>, has no <Encrypt> or two, or writes
// its Encrypt with a carriage return or an entity. Real pushes are far
// inside these bounds, so a forged one is refused in microseconds whatever
// its body. The clear fields the compatible mode sends beside <Encrypt>
// are covered by no signature and never read: only their structure is
// scanned, and the mode is told by a <MsgType> among them.
//
// A body longer than the limit (DefaultMaxBodyBytes, or WithMaxBodyBytes)
// is refused with ErrBodyTooLarge before anything else. With WithWindow, a
// push whose signature matches but whose timestamp is out of the window is
// refused with ErrStale (ErrTimestamp when it is not a number).
//
// Errors wrap ErrBodyTooLarge, ErrMissingParams, ErrEncryptType,
// ErrNotEncrypted, ErrSignatureMismatch, ErrTimestamp, ErrStale, ErrBody,
// ErrMalformed, ErrBadPadding or ErrAppIDMismatch; for a plain push, a
// signature error also wraps the matching error of package signature.
//
// Reading the body is the caller's job: bound it (http.MaxBytesReader, or
// io.LimitReader plus a length check), for example to DefaultMaxBodyBytes.
// [Crypter.OpenRequest] does this for net/http.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func (c *Crypter) Open(query url.Values, body []byte) (*Push, error) {
	return c.openPush(valuesQuery(query), body)
}

// pushQuery is what Open reads from a push's query: the first value of each
// parameter, as url.Values.Get gives it, and how many times encrypt_type is
// given.
type pushQuery struct {
	encryptType  string
	encryptTypes int
	signature    string
	timestamp    string
	nonce        string
	msgSignature string
}

func valuesQuery(q url.Values) pushQuery {
	return pushQuery{
		encryptType:  q.Get(paramEncryptType),
		encryptTypes: len(q[paramEncryptType]),
		signature:    q.Get(signature.ParamSignature),
		timestamp:    q.Get(signature.ParamTimestamp),
		nonce:        q.Get(signature.ParamNonce),
		msgSignature: q.Get(paramMsgSignature),
	}
}

// rawQuery reads a pushQuery straight from a URL's RawQuery, with the
// meaning valuesQuery(r.URL.Query()) gives it, but without building
// url.Values.
func rawQuery(raw string) pushQuery {
	ps := [...]query.Param{
		{Name: paramEncryptType}, {Name: signature.ParamSignature}, {Name: signature.ParamTimestamp},
		{Name: signature.ParamNonce}, {Name: paramMsgSignature},
	}
	query.Scan(raw, ps[:])
	return pushQuery{
		encryptType:  ps[0].Value,
		encryptTypes: ps[0].Count,
		signature:    ps[1].Value,
		timestamp:    ps[2].Value,
		nonce:        ps[3].Value,
		msgSignature: ps[4].Value,
	}
}

func (c *Crypter) openPush(q pushQuery, body []byte) (*Push, error) {
	if int64(len(body)) > c.maxBody {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, c.maxBody)
	}
	if q.encryptTypes > 1 {
		return nil, fmt.Errorf("%w: encrypt_type given %d times", ErrEncryptType, q.encryptTypes)
	}
	switch q.encryptType {
	case "", encryptTypeRaw:
		return c.openPlain(q, body)
	case encryptTypeAES:
		return c.openAES(q, body)
	}
	return nil, ErrEncryptType
}

func (c *Crypter) openPlain(q pushQuery, body []byte) (*Push, error) {
	if c.encryptedOnly {
		return nil, ErrNotEncrypted
	}
	if err := signature.Verify(c.token, q.timestamp, q.nonce, q.signature); err != nil {
		return nil, signatureError(err)
	}
	if err := c.checkTime(q.timestamp); err != nil {
		return nil, err
	}
	return &Push{Plaintext: body, Mode: ModePlain, Timestamp: q.timestamp, Nonce: q.nonce, c: c}, nil
}

// openAES opens a compatible- or safe-mode push. The body is covered by no
// signature until msg_signature is checked, so nothing parses it before:
// scanBody only finds <Encrypt>, within fixed bounds and without
// allocating, and decrypt checks msg_signature over it before anything is
// decoded. The clear fields of the compatible mode are never read.
func (c *Crypter) openAES(q pushQuery, body []byte) (*Push, error) {
	if err := missing(paramMsgSignature, q.msgSignature, signature.ParamTimestamp, q.timestamp, signature.ParamNonce, q.nonce); err != nil {
		return nil, err
	}
	if q.signature != "" {
		if err := signature.Verify(c.token, q.timestamp, q.nonce, q.signature); err != nil {
			return nil, signatureError(err)
		}
	}
	outer, err := scanBody(body)
	if err != nil {
		return nil, err
	}
	plaintext, key, err := c.decrypt(q.msgSignature, q.timestamp, q.nonce, outer.encrypt)
	if err != nil {
		return nil, err
	}
	mode := ModeSafe
	if outer.msgType {
		mode = ModeCompatible
	}
	return &Push{Plaintext: plaintext, Mode: mode, Key: key, Timestamp: q.timestamp, Nonce: q.nonce, c: c}, nil
}

// OpenRequest is Open for net/http: it reads at most the body limit
// (DefaultMaxBodyBytes, or WithMaxBodyBytes) from r.Body and opens the push
// with r's URL query. A longer body is ErrBodyTooLarge, which a server
// answers with 413 Request Entity Too Large. The caller still owns r.Body
// and closes it as usual. It is meant for the POST of a push; the GET that
// checks the server URL is answered with signature.VerifyRequest and then
// signature.WriteEcho.
//
// The result is Open(r.URL.Query(), body), but OpenRequest reads the few
// parameters it needs straight from r.URL.RawQuery, and the body into one
// buffer when r.ContentLength announces its size.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Access_Overview.html
func (c *Crypter) OpenRequest(r *http.Request) (*Push, error) {
	if r == nil || r.URL == nil {
		return nil, fmt.Errorf("%w: no request URL", ErrMissingParams)
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = readBody(r.Body, r.ContentLength, c.maxBody); err != nil {
			return nil, err
		}
	}
	return c.openPush(rawQuery(r.URL.RawQuery), body)
}

// firstRead caps the buffer readBody makes from the announced length alone,
// so that a client announcing a large body and sending little cannot make
// every request allocate up to the limit. Real pushes are a few KiB.
const firstRead = 64 << 10

// readBody reads r to the end, but no more than limit bytes: a longer body
// is ErrBodyTooLarge. size is the length the request announces (-1 when
// unknown). A body of known size within firstRead is read into one buffer
// with one spare byte, which shows that the body ends where announced
// without growing the buffer; otherwise the buffer grows as io.ReadAll's
// does.
func readBody(r io.Reader, size, limit int64) ([]byte, error) {
	// Read up to limit+1 bytes: the extra byte is how a longer body shows.
	most := limit
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
			buf = append(buf, 0)[:len(buf)] // let append pick the next size
		}
		end := cap(buf)
		if int64(end) > most {
			end = int(most)
		}
		m, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("msgcrypt: reading the body: %w", err)
		}
	}
	if int64(len(buf)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return buf, nil
}

// signatureError maps an error of package signature onto this package's
// sentinels, keeping the original in the chain.
func signatureError(err error) error {
	switch {
	case errors.Is(err, signature.ErrMissingParams):
		return fmt.Errorf("%w: %w", ErrMissingParams, err)
	case errors.Is(err, signature.ErrMismatch):
		return fmt.Errorf("%w: %w", ErrSignatureMismatch, err)
	}
	return err
}

// missing returns an ErrMissingParams naming the empty values among
// name/value pairs, or nil.
func missing(pairs ...string) error {
	var names []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			names = append(names, pairs[i])
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrMissingParams, strings.Join(names, ", "))
}
