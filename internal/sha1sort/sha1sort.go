// Package sha1sort holds the one signing step WeChat uses for both the query
// "signature" and the "msg_signature" of encrypted pushes: sort the strings,
// join them with no separator, SHA-1 the result and write it as lowercase hex.
// Packages signature and msgcrypt share it so that both compute and compare
// signatures the same way.
package sha1sort

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"slices"
)

// hexLen is the length of a SHA-1 digest written in hex.
const hexLen = 2 * sha1.Size

// Sum sorts parts in byte order, hashes their concatenation with SHA-1 and
// returns the 40-character lowercase hex digest. parts itself is not
// reordered.
func Sum(parts ...string) string {
	d := digest(parts)
	return string(d[:])
}

// Match reports whether given is [Sum](parts...), ignoring the case of
// given's letters. The comparison takes the same time whatever the expected
// digest is, so it does not leak how much of a guess was right.
func Match(given string, parts ...string) bool {
	want := digest(parts)
	if len(given) != hexLen {
		return false
	}
	var lower [hexLen]byte
	for i := range hexLen {
		c := given[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return subtle.ConstantTimeCompare(want[:], lower[:]) == 1
}

// digest hashes the sorted parts. It joins them in one buffer, on the stack
// for the short strings of a query signature, and hashes that with sha1.Sum:
// writing each string to a hash.Hash would copy it to a new []byte first.
func digest(parts []string) [hexLen]byte {
	var buf [4]string // WeChat signs three or four strings
	sorted := append(buf[:0], parts...)
	slices.Sort(sorted)
	var joined [128]byte
	msg := joined[:0]
	for _, p := range sorted {
		msg = append(msg, p...)
	}
	sum := sha1.Sum(msg)
	var out [hexLen]byte
	hex.Encode(out[:], sum[:])
	return out
}
