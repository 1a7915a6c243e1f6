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

func TestSumWith(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Zz09+/", 80) // a base64 ciphertext is longer than the stack buffer
	// extra must land in its sorted place whatever the other parts are.
	for _, tt := range []struct {
		name  string
		extra string
		parts []string
	}{
		{"extra sorts first", "0", []string{"b", "a", "c"}},
		{"extra sorts last", "z", []string{"b", "a", "c"}},
		{"extra in the middle", "bb", []string{"c", "a", "b"}},
		{"extra equal to a part", "b", []string{"b", "a"}},
		{"extra a prefix of a part", "ab", []string{"abc", "a"}},
		{"empty extra", "", []string{"b", "a"}},
		{"msg_signature shape", long, []string{"spamtest", "1409735669", "1320562132"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := sha1sort.Sum(append([]string{tt.extra}, tt.parts...)...)
			for _, scratch := range [][]byte{nil, make([]byte, 4), make([]byte, 1024)} {
				got := sha1sort.SumWith(scratch, []byte(tt.extra), tt.parts...)
				assert.Equal(t, want, string(got[:]), "scratch of %d bytes", len(scratch))
			}
		})
	}
}

func TestMatchIn(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Zz09+/", 80)
	sig := sha1sort.Sum("spamtest", "1409735669", "1320562132", long)
	for _, scratch := range [][]byte{nil, make([]byte, 4), make([]byte, 1024)} {
		assert.True(t, sha1sort.MatchIn(scratch, strings.ToUpper(sig), "spamtest", "1409735669", "1320562132", long))
		assert.False(t, sha1sort.MatchIn(scratch, sig, "spamtest", "1409735669", "1320562133", long))
	}
}

func TestLongPartsNeedNoAllocationWithScratch(t *testing.T) {
	long := strings.Repeat("Zz09+/", 80)
	extra := []byte(long)
	scratch := make([]byte, 1024)
	sig := sha1sort.Sum("spamtest", "1409735669", "1320562132", long)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		sha1sort.MatchIn(scratch, sig, "spamtest", "1409735669", "1320562132", long)
	}))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		sha1sort.SumWith(scratch, extra, "spamtest", "1409735669", "1320562132")
	}))
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() {
		sha1sort.Match(sig, "spamtest", "1409735669", "1320562132", long)
	}), "without scratch, a join longer than the stack buffer goes on the heap")
}

// BenchmarkMatchCiphertext checks a msg_signature over the base64 of a
// 300-byte message, with and without a scratch buffer for the join.
func BenchmarkMatchCiphertext(b *testing.B) {
	long := strings.Repeat("Zz09+/", 79) // 474 characters, as for a 300-byte push
	sig := sha1sort.Sum("spamtest", "1409735669", "1320562132", long)
	b.Run("own buffer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sha1sort.Match(sig, "spamtest", "1409735669", "1320562132", long)
		}
	})
	b.Run("scratch", func(b *testing.B) {
		scratch := make([]byte, 1024)
		b.ReportAllocs()
		for b.Loop() {
			sha1sort.MatchIn(scratch, sig, "spamtest", "1409735669", "1320562132", long)
		}
	})
}
