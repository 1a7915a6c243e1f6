package wire

import (
	"math"
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
	assert.Equal(t, 2, passes)
	assert.Equal(t, "1:e0:3:a|b3:-123:0.14:+Inf1:16:日本", k.String())
	assert.Equal(t, len(k.String()), k.n, "the first pass sized the key exactly")

	var h Key
	for h.Next() {
		h.Hash([]byte("raw"))
	}
	assert.Len(t, h.String(), len("32:")+32)
}
