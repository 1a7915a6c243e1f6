package msgcrypt

import (
	"crypto/aes"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/wxmp/wxmp/internal/sha1sort"
	"github.com/wxmp/wxmp/signature"
)

// Layout of the buffer that is encrypted (B.3 of the technical plan):
//
//	random (16 bytes) | msg_len (4 bytes, big-endian) | msg | AppID | PKCS#7 padding to 32
const (
	randomLen = 16
	lengthLen = 4
	headerLen = randomLen + lengthLen
	// padBlock is the PKCS#7 block size WeChat pads to: the key length, 32,
	// not the AES block size.
	padBlock = 32
)

// MsgSignature returns the msg_signature of an encrypted push or reply: the
// SHA-1, as 40 lowercase hex digits, of token, timestamp, nonce and encrypt
// (the base64 text of the Encrypt element, as is) sorted and concatenated.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
func MsgSignature(token, timestamp, nonce, encrypt string) string {
	return sha1sort.Sum(token, timestamp, nonce, encrypt)
}

// Decrypt checks msgSignature against the token, timestamp, nonce and
// encrypt (the text of the push's Encrypt element) in constant time, in
// upper- or lowercase hex, then the timestamp window if WithWindow set one,
// and only then decrypts encrypt. It returns the message (the plaintext XML
// of the push, for message.Parse) and which key decrypted it, to pass to
// Encrypt for the reply.
//
// Errors wrap ErrMissingParams, ErrSignatureMismatch, ErrTimestamp,
// ErrStale, ErrMalformed, ErrBadPadding or ErrAppIDMismatch. With a previous
// key configured, a ciphertext that fails under the current key is tried
// under the previous one; if both fail, the error is the current key's.
//
// Most servers want [Crypter.Open], which reads these from the query and
// body and handles the plain mode too.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
func (c *Crypter) Decrypt(msgSignature, timestamp, nonce, encrypt string) ([]byte, Key, error) {
	return c.decrypt(msgSignature, timestamp, nonce, []byte(encrypt))
}

// errMsgSignature is the error of a msg_signature that does not match,
// built once so that refusing a forged push allocates nothing for it.
var errMsgSignature = fmt.Errorf("%w: msg_signature", ErrSignatureMismatch)

// decrypt is Decrypt with encrypt as bytes, as Open finds it in the body.
// It neither keeps nor changes encrypt.
func (c *Crypter) decrypt(msgSignature, timestamp, nonce string, encrypt []byte) ([]byte, Key, error) {
	if err := missing(paramMsgSignature, msgSignature, signature.ParamTimestamp, timestamp, signature.ParamNonce, nonce); err != nil {
		return nil, CurrentKey, err
	}
	if len(encrypt) == 0 {
		return nil, CurrentKey, fmt.Errorf("%w: empty Encrypt", ErrMalformed)
	}
	// One buffer serves twice: first to join what msg_signature signs,
	// then to hold the ciphertext, decoded into its start and decrypted in
	// place. The plaintext returned is a slice of it.
	buf := make([]byte, len(c.token)+len(timestamp)+len(nonce)+len(encrypt))
	if !sameHex(msgSignature, sha1sort.SumWith(buf, encrypt, c.token, timestamp, nonce)) {
		return nil, CurrentKey, errMsgSignature
	}
	if err := c.checkTime(timestamp); err != nil {
		return nil, CurrentKey, err
	}
	ciphertext, err := decodeCiphertext(buf, encrypt)
	if err != nil {
		return nil, CurrentKey, err
	}
	clear(buf[len(ciphertext):]) // what is left of the join holds the token
	var firstErr error
	for i := range c.keys {
		if i > 0 { // the key before decrypted the buffer in place
			ciphertext, _ = decodeCiphertext(buf, encrypt)
		}
		msg, err := c.open(&c.keys[i], ciphertext)
		if err == nil {
			return msg, Key(i), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, CurrentKey, firstErr
}

// sameHex reports whether given, 40 hex digits in either case, is want, in
// time that does not depend on how much of it matches.
func sameHex(given string, want [2 * sha1.Size]byte) bool {
	if len(given) != len(want) {
		return false
	}
	var lower [2 * sha1.Size]byte
	for i := range lower {
		c := given[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return subtle.ConstantTimeCompare(want[:], lower[:]) == 1
}

// checkTime applies the timestamp window, if one is set, to timestamp,
// whose signature has matched.
func (c *Crypter) checkTime(timestamp string) error {
	if c.window <= 0 {
		return nil
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	// time.Time.Sub saturates instead of overflowing, so absurd timestamps
	// land far outside any window.
	skew := c.now().Sub(time.Unix(sec, 0))
	if skew > c.window || skew < -c.window {
		return fmt.Errorf("%w (allowed ±%s)", ErrStale, c.window)
	}
	return nil
}

// decodeCiphertext decodes encrypt, standard base64, into the start of buf,
// which has room for it, and checks that it is whole AES blocks.
func decodeCiphertext(buf, encrypt []byte) ([]byte, error) {
	n, err := base64.StdEncoding.Decode(buf, encrypt)
	if err != nil {
		return nil, fmt.Errorf("%w: Encrypt is not base64", ErrMalformed)
	}
	if n == 0 || n%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: length is not a positive multiple of %d", ErrMalformed, aes.BlockSize)
	}
	return buf[:n], nil
}

// open decrypts one ciphertext (a positive multiple of the block size) in
// place with k and checks the layout and the AppID. It returns the message
// part of the buffer.
func (c *Crypter) open(k *aesKey, buf []byte) ([]byte, error) {
	k.decrypt(buf)

	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > padBlock || pad > len(buf) {
		return nil, ErrBadPadding
	}
	var bad byte
	for _, b := range buf[len(buf)-pad:] {
		bad |= b ^ byte(pad)
	}
	if bad != 0 {
		return nil, ErrBadPadding
	}
	buf = buf[:len(buf)-pad]

	if len(buf) < headerLen {
		return nil, fmt.Errorf("%w: decrypted buffer shorter than its header", ErrMalformed)
	}
	n := uint64(binary.BigEndian.Uint32(buf[randomLen:headerLen]))
	if n > uint64(len(buf)-headerLen) {
		return nil, fmt.Errorf("%w: message length field exceeds the buffer", ErrMalformed)
	}
	msg := buf[headerLen : headerLen+int(n)]
	if subtle.ConstantTimeCompare(buf[headerLen+int(n):], []byte(c.appID)) != 1 {
		return nil, ErrAppIDMismatch
	}
	return msg[:len(msg):len(msg)], nil
}

// Encrypt encrypts a reply with key (the Key that Decrypt returned for the
// push being answered) and returns the XML envelope WeChat expects:
//
//	<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce><![CDATA[…]]></Nonce></xml>
//
// timestamp (Unix seconds, decimal) and nonce go into the envelope and its
// MsgSignature; WeChat accepts the push's own or fresh ones. Errors wrap
// ErrMissingParams (empty timestamp or nonce), ErrInvalidKey (key is
// PreviousKey but none is configured), ErrInvalidChar (a timestamp or nonce
// the XML cannot carry, see [Envelope.Marshal]) or the random source's
// error.
//
// [Push.Seal] calls this with the push's key, timestamp and nonce.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
func (c *Crypter) Encrypt(key Key, reply []byte, timestamp, nonce string) ([]byte, error) {
	k, err := c.replyKey(key, timestamp, nonce)
	if err != nil {
		return nil, err
	}
	// Refused before any random bytes are spent; Encrypt and MsgSignature
	// are base64 and hex, which XML always carries.
	if !envelopeSafe(timestamp) {
		return nil, fmt.Errorf("%w: TimeStamp", ErrInvalidChar)
	}
	if !envelopeSafe(nonce) {
		return nil, fmt.Errorf("%w: Nonce", ErrInvalidChar)
	}
	ciphertext, s, err := c.seal(k, reply, len(c.token)+len(timestamp)+len(nonce))
	if err != nil {
		return nil, err
	}
	defer k.release(s)

	// The envelope is written straight into a buffer of its exact length:
	// the ciphertext as base64, then msg_signature computed over that
	// base64 where it lies, joined in the pooled buffer the ciphertext no
	// longer needs.
	encLen := base64.StdEncoding.EncodedLen(len(ciphertext))
	out := make([]byte, 0, envelopeFixed+
		len(cdataStart)+encLen+len(cdataEnd)+
		len(cdataStart)+sha1.Size*2+len(cdataEnd)+
		envelopeTailLen(timestamp, nonce))
	out = append(out, envelopeOpen+cdataStart...)
	out = base64.StdEncoding.AppendEncode(out, ciphertext)
	msgSignature := sha1sort.SumWith(s.buf, out[len(out)-encLen:], c.token, timestamp, nonce)
	out = append(out, cdataEnd+envelopeSignature+cdataStart...)
	out = append(out, msgSignature[:]...)
	out = append(out, cdataEnd...)
	return appendEnvelopeTail(out, timestamp, nonce), nil
}

// EncryptEnvelope is Encrypt returning the envelope's fields instead of its
// XML, for callers that write the envelope themselves (a JSON bridge, a
// framework with its own XML renderer).
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
func (c *Crypter) EncryptEnvelope(key Key, reply []byte, timestamp, nonce string) (*Envelope, error) {
	k, err := c.replyKey(key, timestamp, nonce)
	if err != nil {
		return nil, err
	}
	ciphertext, s, err := c.seal(k, reply, 0)
	if err != nil {
		return nil, err
	}
	encrypt := base64.StdEncoding.EncodeToString(ciphertext)
	k.release(s)
	return &Envelope{
		Encrypt:      encrypt,
		MsgSignature: MsgSignature(c.token, timestamp, nonce, encrypt),
		TimeStamp:    timestamp,
		Nonce:        nonce,
	}, nil
}

// replyKey checks what Encrypt and EncryptEnvelope need besides the reply
// and returns the key to encrypt with.
func (c *Crypter) replyKey(key Key, timestamp, nonce string) (*aesKey, error) {
	if err := missing(signature.ParamTimestamp, timestamp, signature.ParamNonce, nonce); err != nil {
		return nil, err
	}
	if int(key) >= len(c.keys) {
		return nil, fmt.Errorf("%w: no %s key configured", ErrInvalidKey, key)
	}
	return &c.keys[key], nil
}

// seal lays out, pads and encrypts the buffer for msg in a sealer from k's
// pool. With signed > 0 the sealer's buffer also has room for the join of
// the reply's signature: the ciphertext's base64 plus signed bytes (the
// token, timestamp and nonce). It returns the ciphertext, a slice of that
// buffer, and the sealer, which the caller gives back with k.release once
// done with both; nothing of it may outlive the call.
func (c *Crypter) seal(k *aesKey, msg []byte, signed int) ([]byte, *sealer, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return nil, nil, fmt.Errorf("%w: reply longer than 4 GiB", ErrMalformed)
	}
	n := headerLen + len(msg) + len(c.appID)
	pad := padBlock - n%padBlock // 1..32: a full block when n is a multiple
	s := k.sealers.Get().(*sealer)
	room := n + pad
	if signed > 0 {
		room = max(room, base64.StdEncoding.EncodedLen(n+pad)+signed)
	}
	if cap(s.buf) < room {
		s.buf = make([]byte, room)
	}
	buf := s.buf[:n+pad]
	if _, err := io.ReadFull(c.rand, buf[:randomLen]); err != nil {
		k.release(s)
		return nil, nil, fmt.Errorf("msgcrypt: reading random bytes: %w", err)
	}
	binary.BigEndian.PutUint32(buf[randomLen:headerLen], uint32(len(msg)))
	copy(buf[headerLen:], msg)
	copy(buf[headerLen+len(msg):], c.appID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	s.encrypt(k, buf)
	return buf, s, nil
}
