//go:build !race

package msgcrypt_test

// raceEnabled reports whether the race detector is on: it drops pooled
// items at random, which adds allocations to the counts tests hold.
const raceEnabled = false
