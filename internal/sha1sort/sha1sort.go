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
	"io"
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

func digest(parts []string) [hexLen]byte {
	var buf [4]string // WeChat signs three or four strings
	sorted := append(buf[:0], parts...)
	slices.Sort(sorted)
	h := sha1.New()
	for _, p := range sorted {
		_, _ = io.WriteString(h, p) // a hash.Hash never returns an error
	}
	var sum [sha1.Size]byte
	var out [hexLen]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return out
}
