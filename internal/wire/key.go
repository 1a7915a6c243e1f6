package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// A dedupe key is a list of fields, each written as its length in bytes in
// decimal, ':' and its bytes ("5:gh_ab3:o_1…"). A reader can always tell
// where one field ends, so two different lists never give the same key,
// whatever the fields hold ("a|b"+"c" and "a"+"b|c" give "3:a|b1:c" and
// "1:a3:b|c"). The first field says what kind of key it is.

// keyBuf is the size of the buffer a Key writes into before it allocates:
// room for the header, an event name, a long EventKey and a few more
// fields. A key that fits (nearly every push) is built in one pass.
const keyBuf = 256

// Key builds a dedupe key in one allocation, the key's string. Write the
// fields in a loop over Next:
//
//	var k wire.Key
//	for k.Next() {
//		k.Str(a)
//		k.Int(n)
//	}
//	return k.String()
//
// The body runs once when the key fits in keyBuf bytes, each number
// formatted once. A longer key (a VIEW event's long URL) is only counted
// past the buffer, and the body runs a second time to write it into a
// string of its exact length. The body must write the same fields each
// time. A Key lives on the caller's stack as long as it is used by pointer
// only and not kept.
type Key struct {
	buf  [keyBuf]byte
	n    int             // the key's length so far: past keyBuf, the bytes are only counted
	pass int             // 0 before Next, 1 the first pass, 2 the second (a long key), 3 done
	sb   strings.Builder // the second pass of a key longer than keyBuf
}

// Next starts the next pass and reports whether there is one.
func (k *Key) Next() bool {
	switch k.pass {
	case 0:
		k.pass = 1
		return true
	case 1:
		if k.n <= keyBuf {
			k.pass = 3
			return false
		}
		k.pass = 2
		k.sb.Grow(k.n)
		return true
	}
	return false
}

// String returns the key.
func (k *Key) String() string {
	if k.pass == 2 {
		return k.sb.String()
	}
	return string(k.buf[:k.n])
}

// keyField writes v as a field in the buffer while it fits, and
// otherwise only counts it. Bytes and Str write the second pass.
func keyField[T string | []byte](k *Key, v T) {
	if k.n+len("18446744073709551615:")+len(v) <= keyBuf { // fits with any length prefix
		b := strconv.AppendInt(k.buf[:k.n], int64(len(v)), 10)
		b = append(b, ':')
		k.n = len(b) + copy(k.buf[len(b):], v)
		return
	}
	var num [20]byte
	l := strconv.AppendInt(num[:0], int64(len(v)), 10)
	n := k.n + len(l) + 1 + len(v)
	if n <= keyBuf {
		k.n += copy(k.buf[k.n:], l)
		k.buf[k.n] = ':'
		k.n++
		copy(k.buf[k.n:], v)
	}
	k.n = n
}

// prefix writes the length prefix of a field of n bytes in the second pass.
func (k *Key) prefix(n int) {
	var num [20]byte
	k.sb.Write(strconv.AppendInt(num[:0], int64(n), 10))
	k.sb.WriteByte(':')
}

// Bytes writes a field.
func (k *Key) Bytes(b []byte) {
	if k.pass == 2 {
		k.prefix(len(b))
		k.sb.Write(b)
		return
	}
	keyField(k, b)
}

// Str writes a field.
func (k *Key) Str(s string) {
	if k.pass == 2 {
		k.prefix(len(s))
		k.sb.WriteString(s)
		return
	}
	keyField(k, s)
}

// Int writes n in decimal as a field.
func (k *Key) Int(n int64) {
	var b [20]byte
	k.Bytes(strconv.AppendInt(b[:0], n, 10))
}

// Float writes f as a field, in the shortest form that reads back as f.
func (k *Key) Float(f float64) {
	var b [32]byte
	k.Bytes(strconv.AppendFloat(b[:0], f, 'g', -1, 64))
}

// Bool writes b as a field, "1" or "0".
func (k *Key) Bool(b bool) {
	if b {
		k.Str("1")
	} else {
		k.Str("0")
	}
}

// Unknown writes the key of a push without a type (message.Unknown and
// event.Unknown): "u", the header, the event name ("" for a message) and a
// hash of the raw XML.
func (k *Key) Unknown(to, from string, createTime int64, msgType, event string, raw []byte) {
	k.Str("u")
	k.Str(to)
	k.Str(from)
	k.Int(createTime)
	k.Str(msgType)
	k.Str(event)
	k.Hash(raw)
}

// hashLen is the length of the field Hash writes: "32:" and 32 hex digits.
const hashLen = len("32:") + 32

// Hash writes as a field the first 128 bits of the SHA-256 of b, in hex:
// enough that two different bodies never share it in practice, and short.
// A pass that only counts does not hash.
func (k *Key) Hash(b []byte) {
	if k.pass != 2 && k.n+hashLen > keyBuf {
		k.n += hashLen
		return
	}
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	k.Bytes(h[:])
}
