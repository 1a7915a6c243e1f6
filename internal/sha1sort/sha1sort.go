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
)

// hexLen is the length of a SHA-1 digest written in hex.
const hexLen = 2 * sha1.Size

// Sum sorts parts in byte order, hashes their concatenation with SHA-1 and
// returns the 40-character lowercase hex digest. parts itself is not
// reordered.
func Sum(parts ...string) string {
	var joined [joinBuf]byte
	d := digest(joined[:0], nil, parts)
	return string(d[:])
}

// SumWith is Sum over parts and one more part given as bytes, extra (the
// base64 ciphertext of a reply, written straight into the reply), returned
// as an array. The parts are joined in scratch: with room for all of them,
// nothing is allocated. An empty extra changes nothing, as an empty string
// part would not.
func SumWith(scratch, extra []byte, parts ...string) [hexLen]byte {
	return digest(scratch[:0], extra, parts)
}

// Match reports whether given is [Sum](parts...), ignoring the case of
// given's letters. The comparison takes the same time whatever the expected
// digest is, so it does not leak how much of a guess was right.
func Match(given string, parts ...string) bool {
	var joined [joinBuf]byte
	return match(given, digest(joined[:0], nil, parts))
}

// MatchIn is Match with the parts joined in scratch instead of a buffer of
// its own: with room for all of them, nothing is allocated however long
// they are. scratch's content is overwritten.
func MatchIn(scratch []byte, given string, parts ...string) bool {
	return match(given, digest(scratch[:0], nil, parts))
}

// match compares given, in either case, with want in constant time.
func match(given string, want [hexLen]byte) bool {
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

// joinBuf is the size of the stack buffer Sum and Match join the parts in:
// enough for a query signature's token, timestamp and nonce.
const joinBuf = 128

// digest hashes the sorted parts and extra, joined in msg (grown on the heap
// if too small), with sha1.Sum: writing each string to a hash.Hash would
// copy it to a new []byte first.
func digest(msg, extra []byte, parts []string) [hexLen]byte {
	var buf [4]string // WeChat signs three or four strings
	sorted := append(buf[:0], parts...)
	// Insertion sort: for three or four strings it does a handful of
	// comparisons, where slices.Sort's general algorithm costs more than
	// the comparisons themselves.
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	placed := len(extra) == 0
	for _, p := range sorted {
		if !placed && string(extra) < p {
			msg, placed = append(msg, extra...), true
		}
		msg = append(msg, p...)
	}
	if !placed {
		msg = append(msg, extra...)
	}
	sum := sha1.Sum(msg)
	var out [hexLen]byte
	hex.Encode(out[:], sum[:])
	return out
}
