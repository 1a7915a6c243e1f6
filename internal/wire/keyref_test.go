package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// refKey is Key as it was before it wrote into a stack buffer: two passes,
// the first sizing a strings.Builder and the second filling it. It is kept
// here, unchanged but for its name, as the reference the key tests and
// FuzzKey compare Key with, since the key bytes must never change: a
// dedupe store that outlives an upgrade holds keys of the old code.
type refKey struct {
	sb   strings.Builder
	pass int
	n    int
}

func (k *refKey) Next() bool {
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

func (k *refKey) String() string { return k.sb.String() }

func (k *refKey) measuring() bool { return k.pass == 1 }

func (k *refKey) Bytes(b []byte) {
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

func (k *refKey) Str(s string) {
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

func (k *refKey) Int(n int64) {
	var b [20]byte
	k.Bytes(strconv.AppendInt(b[:0], n, 10))
}

func (k *refKey) Float(f float64) {
	var b [32]byte
	k.Bytes(strconv.AppendFloat(b[:0], f, 'g', -1, 64))
}

func (k *refKey) Bool(b bool) {
	if b {
		k.Str("1")
	} else {
		k.Str("0")
	}
}

func (k *refKey) Unknown(to, from string, createTime int64, msgType, event string, raw []byte) {
	k.Str("u")
	k.Str(to)
	k.Str(from)
	k.Int(createTime)
	k.Str(msgType)
	k.Str(event)
	k.Hash(raw)
}

func (k *refKey) Hash(b []byte) {
	if k.measuring() {
		k.n += len("32:") + 32
		return
	}
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	k.Bytes(h[:])
}
