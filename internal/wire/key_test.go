package wire

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKey(t *testing.T) {
	t.Parallel()
	var k Key
	passes := 0
	for k.Next() {
		passes++
		k.Str("e")
		k.Str("")
		k.Str("a|b")
		k.Int(-12)
		k.Float(0.1)
		k.Float(math.Inf(1))
		k.Bool(true)
		k.Bytes([]byte("日本"))
	}
	assert.Equal(t, 1, passes, "a key that fits the buffer is built in one pass")
	assert.Equal(t, "1:e0:3:a|b3:-123:0.14:+Inf1:16:日本", k.String())
	assert.Equal(t, len(k.String()), k.n, "the first pass sized the key exactly")

	var h Key
	for h.Next() {
		h.Hash([]byte("raw"))
	}
	assert.Len(t, h.String(), len("32:")+32)
}

// The keys of message.Text, event.Subscribe and the Unknown types, their
// fields as wechatpy's captures have them, and one past the stack buffer:
// a VIEW event with a long URL. Each builds its own Key, as DedupKey does.
const benchTo, benchFrom = "gh_e136c6e50636", "oMgHVjngRipVsoxg6TuX3vz6glDg"

var benchURL = "https://example.com/menu?" + strings.Repeat("a=1&", 80)

func benchMessageKey() string {
	var k Key
	for k.Next() {
		k.Str("m")
		k.Str(benchTo)
		k.Str(benchFrom)
		k.Int(1348831860)
		k.Int(1234567890123456)
	}
	return k.String()
}

func benchEventKey() string {
	var k Key
	for k.Next() {
		k.Str("e")
		k.Str(benchTo)
		k.Str(benchFrom)
		k.Int(1348831860)
		k.Str("subscribe")
		k.Str("qrscene_123123")
		k.Str("TICKET")
	}
	return k.String()
}

func benchUnknownKey(raw []byte) string {
	var k Key
	for k.Next() {
		k.Unknown(benchTo, benchFrom, 1348831860, "event", "some_new_event", raw)
	}
	return k.String()
}

func benchLongKey() string {
	var k Key
	for k.Next() {
		k.Str("e")
		k.Str(benchTo)
		k.Str(benchFrom)
		k.Int(1348831860)
		k.Str("VIEW")
		k.Str(benchURL)
		k.Int(0)
	}
	return k.String()
}

func BenchmarkKey(b *testing.B) {
	raw := []byte(textPush)
	for _, bb := range []struct {
		name string
		key  func() string
	}{
		{"message", benchMessageKey},
		{"event", benchEventKey},
		{"unknown", func() string { return benchUnknownKey(raw) }},
		{"long", benchLongKey},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bb.key() == "" {
					b.Fatal("empty key")
				}
			}
		})
	}
}
