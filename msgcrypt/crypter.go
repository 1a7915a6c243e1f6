package msgcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Errors returned by this package. They are wrapped with more detail; test
// for them with errors.Is. No error ever carries the token, a key, a
// plaintext, a ciphertext or a computed signature.
var (
	// ErrInvalidConfig means New was given settings it cannot use: an empty
	// token or AppID, a malformed key, or an Option given a nil or
	// out-of-range value. The wrapping error names the setting, never its
	// value. ErrEmptyToken, ErrEmptyAppID and ErrInvalidKey wrap it.
	ErrInvalidConfig = errors.New("msgcrypt: invalid config")
	// ErrEmptyToken means New was given an empty token: a configuration
	// error, so it wraps ErrInvalidConfig.
	ErrEmptyToken = fmt.Errorf("%w: empty token", ErrInvalidConfig)
	// ErrEmptyAppID means New was given an empty AppID: a configuration
	// error, so it wraps ErrInvalidConfig.
	ErrEmptyAppID = fmt.Errorf("%w: empty AppID", ErrInvalidConfig)
	// ErrInvalidKey means an EncodingAESKey is not 43 characters that decode
	// (as standard base64 with "=" appended) to 32 bytes, or that a reply asked
	// for a key that is not configured. It wraps ErrInvalidConfig.
	ErrInvalidKey = fmt.Errorf("%w: invalid EncodingAESKey", ErrInvalidConfig)
	// ErrMissingParams means a query parameter the push needs (msg_signature,
	// timestamp, nonce, or signature for a plain push) is empty or absent, or
	// that Encrypt was given an empty timestamp or nonce. The wrapping error
	// names which.
	ErrMissingParams = errors.New("msgcrypt: missing parameter")
	// ErrEncryptType means the encrypt_type query parameter is neither absent,
	// "raw" nor "aes", or appears more than once.
	ErrEncryptType = errors.New("msgcrypt: unknown encrypt_type")
	// ErrNotEncrypted means a plain push reached a Crypter made with
	// WithRequireEncryption.
	ErrNotEncrypted = errors.New("msgcrypt: push is not encrypted")
	// ErrSignatureMismatch means msg_signature (or, for a plain push or when
	// present beside msg_signature, the query signature) does not match.
	ErrSignatureMismatch = errors.New("msgcrypt: signature mismatch")
	// ErrTimestamp means a timestamp window is on ([WithWindow]) and the
	// timestamp of a push whose signature matched is not a decimal number
	// of Unix seconds.
	ErrTimestamp = errors.New("msgcrypt: timestamp is not a number of Unix seconds")
	// ErrStale means a timestamp window is on ([WithWindow]) and the
	// timestamp of a push whose signature matched is further from now than
	// the window allows, in the past or in the future.
	ErrStale = errors.New("msgcrypt: timestamp outside the allowed window")
	// ErrBody means the body of an encrypted push is not an <xml> document
	// with exactly one <Encrypt> child of base64 text, or holds what no push
	// from WeChat holds (see [Crypter.Open]).
	ErrBody = errors.New("msgcrypt: body is not an encrypted push")
	// ErrBodyTooLarge means the body is longer than the limit
	// (DefaultMaxBodyBytes, or WithMaxBodyBytes).
	ErrBodyTooLarge = errors.New("msgcrypt: body too large")
	// ErrMalformed means the Encrypt text is not base64, its length is not a
	// positive multiple of the AES block size, or the decrypted buffer is too
	// short or announces a message longer than itself.
	ErrMalformed = errors.New("msgcrypt: malformed ciphertext")
	// ErrBadPadding means the decrypted buffer does not end in valid PKCS#7
	// padding for a 32-byte block (1 to 32 bytes, each holding the count).
	ErrBadPadding = errors.New("msgcrypt: bad padding")
	// ErrAppIDMismatch means the message decrypted but is addressed to
	// another AppID.
	ErrAppIDMismatch = errors.New("msgcrypt: AppID mismatch")
	// ErrInvalidChar means an envelope field (in practice the timestamp or
	// nonce given to Encrypt) cannot be written as XML that reads back the
	// same: it holds invalid UTF-8, a control character (XML 1.0 forbids
	// most, and reads a carriage return back as a line feed), U+FFFE or
	// U+FFFF. The wrapping error names the field.
	ErrInvalidChar = errors.New("msgcrypt: character not allowed in the XML envelope")
)

// Key says which of the configured EncodingAESKeys a push was decrypted with,
// so that the reply can be encrypted with the same one.
//
// See item 4 of https://admin.wechat.com/wiki/index.php?title=Technical_Solution
type Key uint8

const (
	// CurrentKey is the EncodingAESKey given to New.
	CurrentKey Key = iota
	// PreviousKey is the one given to WithPreviousKey.
	PreviousKey
)

// String returns "current" or "previous".
func (k Key) String() string {
	switch k {
	case CurrentKey:
		return "current"
	case PreviousKey:
		return "previous"
	}
	return fmt.Sprintf("Key(%d)", uint8(k))
}

// DefaultMaxBodyBytes is the longest push body Open and OpenRequest take
// unless WithMaxBodyBytes says otherwise: 256 KiB. A longer body is refused
// with ErrBodyTooLarge (a net/http server answers it with 413).
//
// WeChat documents no size for pushes. In clear they are a few KiB at most:
// the longest are a user's text message and the job-result events that
// list articles. Encryption makes a body of P bytes in clear about 4P/3 in
// safe mode (base64 of the AES of the 16 random bytes, the length, the
// message and the AppID, padded to 32 bytes, inside a short envelope) and
// 7P/3 in compatible mode, which repeats the message in clear beside
// <Encrypt>. 256 KiB leaves room for a compatible-mode push of 100 KiB in
// clear, many times the longest real one, while a forged request can make
// a server read and hold no more than that.
const DefaultMaxBodyBytes = 256 << 10

// Crypter decrypts encrypted pushes and encrypts replies for one Official
// Account. It is safe for concurrent use.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
type Crypter struct {
	token   string
	appID   string
	keys    []aesKey // keys[CurrentKey], then keys[PreviousKey] if configured
	rand    io.Reader
	maxBody int64
	// encryptedOnly refuses plain pushes (WithRequireEncryption).
	encryptedOnly bool
	// window is the timestamp window (WithWindow), 0 when off; now is the
	// clock it is checked against.
	window time.Duration
	now    func() time.Time
}

// aesKey is one decoded EncodingAESKey with its cipher.
type aesKey struct {
	block cipher.Block
	iv    []byte // the first 16 bytes of the key
	// decrypters holds CBC decrypters for block, so that a push does not
	// pay for a new one (cipher.NewCBCDecrypter copies the key schedule,
	// 512 bytes). A decrypter carries the chaining state of the call using
	// it, so each is taken by one call at a time and its IV reset before
	// use.
	decrypters *sync.Pool
	// sealers holds what encrypting a reply needs besides the key: a CBC
	// encrypter and a buffer, taken by one call at a time.
	sealers *sync.Pool
}

// sealer is a CBC encrypter for one key and a buffer to lay out, encrypt
// and sign a reply in. It is pooled: nothing of it may be reachable from
// what a call returns.
type sealer struct {
	mode cipher.BlockMode
	buf  []byte
}

// maxPooledBuf is the largest sealer buffer kept for the next reply; the
// rare longer reply's buffer is left to the garbage collector.
const maxPooledBuf = 64 << 10

// encrypt encrypts buf, whole AES blocks, in place with AES-256-CBC under
// k, which s's mode belongs to.
func (s *sealer) encrypt(k *aesKey, buf []byte) {
	if m, ok := s.mode.(ivSetter); ok {
		m.SetIV(k.iv)
		s.mode.CryptBlocks(buf, buf)
	} else { // not a reusable mode: make one for this call
		cipher.NewCBCEncrypter(k.block, k.iv).CryptBlocks(buf, buf)
	}
}

// release puts s back into k's pool, without a buffer too large to keep.
func (k *aesKey) release(s *sealer) {
	if cap(s.buf) > maxPooledBuf {
		s.buf = nil
	}
	k.sealers.Put(s)
}

// ivSetter is what a CBC mode of crypto/cipher implements to be reused for
// another message; crypto/tls relies on it in the same way.
type ivSetter interface{ SetIV(iv []byte) }

// decrypt decrypts buf, whole AES blocks, in place with AES-256-CBC.
func (k *aesKey) decrypt(buf []byte) {
	m, _ := k.decrypters.Get().(cipher.BlockMode)
	s, ok := m.(ivSetter)
	if !ok { // not a reusable mode: make one for this call
		cipher.NewCBCDecrypter(k.block, k.iv).CryptBlocks(buf, buf)
		return
	}
	s.SetIV(k.iv)
	m.CryptBlocks(buf, buf)
	k.decrypters.Put(m)
}

// Option configures a Crypter in New. A nil Option is skipped; an Option
// given a nil or out-of-range value makes New return an error wrapping
// ErrInvalidConfig that names the option.
type Option func(*config) error

type config struct {
	previous      string
	hasPrevious   bool
	rand          io.Reader
	maxBody       int64
	encryptedOnly bool
	window        time.Duration
	now           func() time.Time
}

// WithPreviousKey adds the EncodingAESKey in use before the current one. After
// a key change in the console, pushes may still come encrypted with the old
// key for a while: decryption tries the current key first and then this one,
// and the reply goes out under whichever worked. It is checked like the
// current key (ErrInvalidKey, which wraps ErrInvalidConfig).
//
// See item 4 of https://admin.wechat.com/wiki/index.php?title=Technical_Solution
func WithPreviousKey(encodingAESKey string) Option {
	return func(c *config) error {
		c.previous, c.hasPrevious = encodingAESKey, true
		return nil
	}
}

// WithRandom sets where the 16 random bytes that start every encrypted
// reply come from; the default is crypto/rand.Reader. It exists for tests
// that need reproducible ciphertexts; production code should not use it. A
// nil reader is an error (ErrInvalidConfig).
func WithRandom(r io.Reader) Option {
	return func(c *config) error {
		if r == nil {
			return fmt.Errorf("%w: WithRandom: nil reader", ErrInvalidConfig)
		}
		c.rand = r
		return nil
	}
}

// WithMaxBodyBytes sets the longest body Open and OpenRequest take
// (DefaultMaxBodyBytes unless set); a longer body is refused with
// ErrBodyTooLarge. n must be positive (else ErrInvalidConfig).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMaxBodyBytes: limit must be positive", ErrInvalidConfig)
		}
		c.maxBody = n
		return nil
	}
}

// WithRequireEncryption makes Open refuse plain pushes (no encrypt_type, or
// "raw") with ErrNotEncrypted. Use it once the account is in safe mode: the
// plain signature covers the token, timestamp and nonce but not the body, so
// whoever has seen one signed query could otherwise drop encrypt_type and
// send any body in clear. Without it, which is the default so that a server
// can be switched from plain to safe mode without refusing a push, plain
// pushes are accepted on their query signature.
func WithRequireEncryption() Option {
	return func(c *config) error {
		c.encryptedOnly = true
		return nil
	}
}

// WithWindow turns on a timestamp check: the push's timestamp (Unix
// seconds) must be within d of the current time, in either direction, or
// Open, OpenRequest and Decrypt refuse it with ErrStale (ErrTimestamp when
// it is not a number). The check runs only once the signature matches, so a
// forged request learns nothing about the clock. By default there is no
// window: WeChat does not ask for one. d must be positive (else
// ErrInvalidConfig): leave the option out to keep the check off.
//
// This is not replay protection. A push captured inside the window opens
// again until the window passes; to refuse duplicates, remember each push's
// nonce (or its message's MsgId) for at least the window's length.
func WithWindow(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithWindow: window must be positive", ErrInvalidConfig)
		}
		c.window = d
		return nil
	}
}

// WithNow sets the clock WithWindow compares against; the default is
// time.Now. It is meant for tests. A nil func is an error
// (ErrInvalidConfig).
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil clock", ErrInvalidConfig)
		}
		c.now = now
		return nil
	}
}

// New returns a Crypter for the account with this token (the one set in the
// console next to the server URL), EncodingAESKey and AppID.
//
// The EncodingAESKey must be 43 characters which, with "=" appended, decode as
// standard base64 to the 32-byte AES key; anything else returns an error
// wrapping ErrInvalidKey. An empty token or AppID returns ErrEmptyToken or
// ErrEmptyAppID: the check fails closed rather than accepting everything.
// Every configuration error, options' included, wraps ErrInvalidConfig.
//
// See https://developers.weixin.qq.com/doc/oplatform/en/Third-party_Platforms/Message_Encryption/Technical_Plan.html
func New(token, encodingAESKey, appID string, opts ...Option) (*Crypter, error) {
	if token == "" {
		return nil, ErrEmptyToken
	}
	if appID == "" {
		return nil, ErrEmptyAppID
	}
	cfg := config{rand: rand.Reader, maxBody: DefaultMaxBodyBytes, now: time.Now}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	current, err := decodeKey(encodingAESKey, "")
	if err != nil {
		return nil, err
	}
	c := &Crypter{
		token: token, appID: appID, keys: []aesKey{current},
		rand: cfg.rand, maxBody: cfg.maxBody, encryptedOnly: cfg.encryptedOnly,
		window: cfg.window, now: cfg.now,
	}
	if cfg.hasPrevious {
		previous, err := decodeKey(cfg.previous, "WithPreviousKey: ")
		if err != nil {
			return nil, err
		}
		c.keys = append(c.keys, previous)
	}
	return c, nil
}

// encodingKeyLen is the length of an EncodingAESKey.
const encodingKeyLen = 43

// decodeKey turns an EncodingAESKey into the AES-256 key it stands for.
// which prefixes the detail of an error. The key's text never goes into the
// error.
func decodeKey(encodingAESKey, which string) (aesKey, error) {
	if len(encodingAESKey) != encodingKeyLen {
		return aesKey{}, fmt.Errorf("%w: %swant %d characters, got %d", ErrInvalidKey, which, encodingKeyLen, len(encodingAESKey))
	}
	// Not base64.StdEncoding.Strict(): the spare low bits of the last
	// character need not be zero, and are not in the official sample key.
	raw, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(raw) != 32 {
		return aesKey{}, fmt.Errorf("%w: %snot base64 for a 32-byte key", ErrInvalidKey, which)
	}
	block, err := aes.NewCipher(raw)
	if err != nil { // unreachable with 32 bytes
		return aesKey{}, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	iv := raw[:aes.BlockSize]
	return aesKey{
		block: block, iv: iv,
		decrypters: &sync.Pool{New: func() any { return cipher.NewCBCDecrypter(block, iv) }},
		sealers:    &sync.Pool{New: func() any { return &sealer{mode: cipher.NewCBCEncrypter(block, iv)} }},
	}, nil
}
