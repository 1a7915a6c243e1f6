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

// Key builds a dedupe key in one allocation. Write the fields in a loop
// over Next, which runs the body twice, first to size the key and then to
// fill it; the body must write the same fields both times:
//
//	var k wire.Key
//	for k.Next() {
//		k.Str(a)
//		k.Int(n)
//	}
//	return k.String()
type Key struct {
	sb   strings.Builder
	pass int
	n    int // bytes needed, counted in the first pass
}

// Next starts the next pass and reports whether there is one.
func (k *Key) Next() bool {
	switch k.pass {
	case 0:
		k.pass = 1
		return true
	case 1:
		k.pass = 2
		k.sb.Grow(k.n)
		return true
	}
	return false
}

// String returns the key.
func (k *Key) String() string { return k.sb.String() }

func (k *Key) measuring() bool { return k.pass == 1 }

// Bytes writes a field.
func (k *Key) Bytes(b []byte) {
	var num [20]byte
	l := strconv.AppendInt(num[:0], int64(len(b)), 10)
	if k.measuring() {
		k.n += len(l) + 1 + len(b)
		return
	}
	k.sb.Write(l)
	k.sb.WriteByte(':')
	k.sb.Write(b)
}

// Str writes a field.
func (k *Key) Str(s string) {
	var num [20]byte
	l := strconv.AppendInt(num[:0], int64(len(s)), 10)
	if k.measuring() {
		k.n += len(l) + 1 + len(s)
		return
	}
	k.sb.Write(l)
	k.sb.WriteByte(':')
	k.sb.WriteString(s)
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

// Hash writes as a field the first 128 bits of the SHA-256 of b, in hex:
// enough that two different bodies never share it in practice, and short.
func (k *Key) Hash(b []byte) {
	if k.measuring() {
		k.n += len("32:") + 32
		return
	}
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	k.Bytes(h[:])
}
