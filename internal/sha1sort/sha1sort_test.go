package sha1sort_test

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/internal/sha1sort"
)

func TestSum(t *testing.T) {
	t.Parallel()
	direct := func(s string) string {
		sum := sha1.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		// Worked example of the official access guide (see signature/testdata/SOURCES.md).
		{"official GET example", []string{"AAAAA", "1714036504", "1514711492"}, "f464b24fc39322e44b38aa78f5edd27bd1441696"},
		{"sorted by bytes, not numbers", []string{"9", "10", "a"}, direct("109a")},
		{"upper case sorts before lower", []string{"b", "B", "a"}, direct("Bab")},
		{"empty parts still count", []string{"", "x"}, direct("x")},
		{"nothing", nil, direct("")},
		{"more than four parts", []string{"e", "d", "c", "b", "a"}, direct("abcde")},
		// A ciphertext is longer than the stack buffer the parts are joined in.
		{"longer than the join buffer", []string{strings.Repeat("b", 100), strings.Repeat("a", 100)},
			direct(strings.Repeat("a", 100) + strings.Repeat("b", 100))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, sha1sort.Sum(tt.parts...))
		})
	}
}

func TestSumDoesNotReorderArgument(t *testing.T) {
	t.Parallel()
	parts := []string{"c", "b", "a"}
	sha1sort.Sum(parts...)
	assert.Equal(t, []string{"c", "b", "a"}, parts)
}

func TestMatch(t *testing.T) {
	t.Parallel()
	const sig = "f464b24fc39322e44b38aa78f5edd27bd1441696"
	tests := []struct {
		given string
		want  bool
	}{
		{sig, true},
		{"F464B24FC39322E44B38AA78F5EDD27BD1441696", true},
		{"f464b24fc39322e44b38aa78f5edd27bd1441697", false},
		{sig[:39], false},
		{sig + "0", false},
		{"", false},
		{"g464b24fc39322e44b38aa78f5edd27bd1441696", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, sha1sort.Match(tt.given, "AAAAA", "1714036504", "1514711492"), "given %q", tt.given)
	}
}

// BenchmarkMatch checks a query signature, as signature.Verify does on
// every request.
func BenchmarkMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !sha1sort.Match("f464b24fc39322e44b38aa78f5edd27bd1441696", "AAAAA", "1714036504", "1514711492") {
			b.Fatal("no match")
		}
	}
}
