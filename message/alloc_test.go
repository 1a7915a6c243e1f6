//go:build !race

// The race detector makes sync.Pool drop items at random, which would add
// allocations here; these counts hold without it.

package message_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/message"
)

// TestParseAllocs holds the allocation counts a busy server sees per push:
// the typed value, and one string that all its text fields share.
func TestParseAllocs(t *testing.T) {
	tests := []struct {
		file string
		want float64
		why  string
	}{
		{"wechatpy_text.xml", 2, "the *Text and its strings"},
		{"easywechat_text_indented.xml", 2, "the *Text and its strings"},
		{"wechatpy_location_msg.xml", 2, "floats parse without copies"},
		{"doc_text_article.xml", 2, "entities decode in a pooled buffer"},
		{"doc_file.xml", 2, "the *File and its strings"},
		{"wechatpy_subscribe.xml", 2, "package event scans an event again, allocating nothing more"},
		{"wechatpy_device_text.xml", 3, "the *Unknown, its strings and its Raw copy"},
	}
	for _, tt := range tests {
		body := readFixture(t, tt.file)
		got := testing.AllocsPerRun(100, func() {
			if _, err := message.Parse(body); err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, tt.want, got, "%s: %s", tt.file, tt.why)
	}
}

// TestDedupKeyAllocs checks that building a key takes one allocation.
func TestDedupKeyAllocs(t *testing.T) {
	for _, file := range []string{"wechatpy_text.xml", "wechatpy_location_msg.xml", "wechatpy_device_text.xml"} {
		m, err := message.Parse(readFixture(t, file))
		if err != nil {
			t.Fatal(err)
		}
		noID := &message.Text{Header: *m.Head(), Content: "no MsgId"}
		for _, m := range []message.Message{m, noID} {
			got := testing.AllocsPerRun(100, func() {
				if m.DedupKey() == "" {
					t.Fatal("empty key")
				}
			})
			assert.Equal(t, 1.0, got, file)
		}
	}
}
