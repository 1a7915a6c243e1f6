package wire

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyWriter is what Key and refKey share, so that one body drives both.
type keyWriter interface {
	Next() bool
	String() string
	Bytes([]byte)
	Str(string)
	Int(int64)
	Float(float64)
	Bool(bool)
	Hash([]byte)
	Unknown(to, from string, createTime int64, msgType, event string, raw []byte)
}

// bothKeys builds a key with Key and with refKey from one body, and
// returns both and how many passes Key ran. It fails t if Key did not
// count the key's length exactly, which sizes the string of a long key.
func bothKeys(t testing.TB, body func(keyWriter)) (got, want string, passes int) {
	var k Key
	for k.Next() {
		passes++
		body(&k)
	}
	var r refKey
	for r.Next() {
		body(&r)
	}
	if got := k.String(); k.n != len(got) {
		t.Fatalf("Key counted %d bytes for a key of %d", k.n, len(got))
	}
	return k.String(), r.String(), passes
}

// TestKeyMatchesReference sweeps a first field from 0 to 300 bytes, so
// that each kind of field, last or followed by another, ends just before,
// at and just after the end of Key's buffer, and checks that Key writes the
// bytes refKey writes, in one pass when the key fits the buffer.
func TestKeyMatchesReference(t *testing.T) {
	t.Parallel()
	raw := []byte(textPush)
	last := map[string]func(keyWriter){
		"empty":   func(k keyWriter) { k.Str("") },
		"str":     func(k keyWriter) { k.Str("qrscene_123") },
		"bytes":   func(k keyWriter) { k.Bytes([]byte("日本")) },
		"int":     func(k keyWriter) { k.Int(math.MinInt64) },
		"float":   func(k keyWriter) { k.Float(-1.2345678901234567e-300) },
		"bool":    func(k keyWriter) { k.Bool(false) },
		"hash":    func(k keyWriter) { k.Hash(raw) },
		"unknown": func(k keyWriter) { k.Unknown("gh_1", "o_1", 1700000000, "event", "new", raw) },
		"long":    func(k keyWriter) { k.Str(strings.Repeat("y", 400)) },
	}
	for name, f := range last {
		for n := 0; n <= 300; n++ {
			first := strings.Repeat("x", n)
			for _, trail := range []bool{false, true} {
				got, want, passes := bothKeys(t, func(k keyWriter) {
					k.Str(first)
					f(k)
					if trail {
						k.Int(7)
					}
				})
				require.Equal(t, want, got, "%s after %d bytes", name, n)
				if len(want) <= keyBuf {
					require.Equal(t, 1, passes, "%s after %d bytes: a key of %d bytes", name, n, len(want))
				} else {
					require.Equal(t, 2, passes, "%s after %d bytes: a key of %d bytes", name, n, len(want))
				}
			}
		}
	}
}

// TestKeyAllocs checks that a key takes one allocation, its string,
// whether it fits the buffer or not.
func TestKeyAllocs(t *testing.T) {
	raw := []byte(textPush)
	for name, f := range map[string]func() string{
		"message": benchMessageKey,
		"event":   benchEventKey,
		"unknown": func() string { return benchUnknownKey(raw) },
		"long":    benchLongKey,
	} {
		assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() {
			if f() == "" {
				t.Fatal("empty key")
			}
		}), name)
	}
	require.Greater(t, len(benchLongKey()), keyBuf, "the long key is longer than the buffer")
}

// FuzzKey runs a program of fields, each op byte choosing a kind of field
// (its low 3 bits) and a length (the rest, times 9, cut to what data has
// left), and checks that Key and refKey write the same key.
func FuzzKey(f *testing.F) {
	f.Add([]byte{0, 8, 16, 1, 2, 3, 4, 5, 6, 7}, []byte(textPush), int64(1348831860), 0.1)
	f.Add([]byte{0xf8, 0xf8, 2, 6}, []byte(strings.Repeat("<a>", 200)), int64(-1), math.Inf(-1))
	f.Add([]byte{0xe0, 0xb8, 7, 2, 3}, []byte(strings.Repeat("z", 256)), int64(math.MaxInt64), math.NaN())
	f.Fuzz(func(t *testing.T, ops, data []byte, n int64, fl float64) {
		if len(ops) > 64 {
			return
		}
		body := func(k keyWriter) {
			rest := data
			take := func(op byte) []byte {
				l := min(int(op>>3)*9, len(rest))
				b := rest[:l]
				rest = rest[l:]
				return b
			}
			for _, op := range ops {
				switch op & 7 {
				case 0:
					k.Str(string(take(op)))
				case 1:
					k.Bytes(take(op))
				case 2:
					k.Int(n)
				case 3:
					k.Float(fl)
				case 4:
					k.Bool(op&8 != 0)
				case 5:
					k.Hash(take(op))
				case 6:
					s := string(take(op))
					k.Unknown(s[:len(s)/2], s[len(s)/2:], n, "event", s, data)
				case 7:
					k.Int(int64(op) - 128)
				}
			}
		}
		got, want, passes := bothKeys(t, body)
		if got != want {
			t.Fatalf("Key wrote\n%q\nrefKey wrote\n%q", got, want)
		}
		if len(want) <= keyBuf && passes != 1 {
			t.Fatalf("%d passes for a key of %d bytes", passes, len(want))
		}
	})
}
