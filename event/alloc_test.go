//go:build !race

// The race detector makes sync.Pool drop items at random, which would add
// allocations here; these counts hold without it.

package event_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxmp/wxmp/event"
)

// TestParseAllocs holds the allocation counts a busy server sees per push:
// the typed value and one string that its text fields share, plus, for
// lists, what their slices and the strings inside them take.
func TestParseAllocs(t *testing.T) {
	tests := []struct {
		file string
		want float64
		why  string
	}{
		{"wechatpy_subscribe_qrscene.xml", 2, "the *Subscribe and its strings"},
		{"doc_location_cdata_spaces.xml", 2, "floats parse without copies"},
		{"doc_giftcard_user_accept.xml", 2, "booleans parse without copies"},
		{"doc_click_bom_crlf.xml", 2, "a BOM, a declaration and CRLF cost nothing more"},
		{"doc_unknown_event.xml", 3, "the *Unknown, its strings and its Raw copy"},
		{"wechatpy_pic_sysphoto.xml", 4, "+ the PicList slice and one string in its item"},
		{"wechatpy_masssendjobfinish_copyright.xml", 8, "+ two slices (one grown twice) and three strings in items"},
	}
	for _, tt := range tests {
		body := readFixture(t, tt.file)
		got := testing.AllocsPerRun(100, func() {
			if _, err := event.Parse(body); err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, tt.want, got, "%s: %s", tt.file, tt.why)
	}
}

// TestDedupKeyAllocs checks that building a key takes one allocation, the
// key itself, whatever its fields: strings, numbers, floats, lists, or a
// hash of the raw XML.
func TestDedupKeyAllocs(t *testing.T) {
	for _, file := range []string{
		"wechatpy_subscribe_qrscene.xml", "wechatpy_location_event.xml", "wechatpy_pic_sysphoto.xml",
		"wechatpy_masssendjobfinish_copyright.xml", "wechatpy_subscribe_msg_popup_event.xml", "doc_unknown_event.xml",
	} {
		e, err := event.Parse(readFixture(t, file))
		if err != nil {
			t.Fatal(err)
		}
		got := testing.AllocsPerRun(100, func() {
			if e.DedupKey() == "" {
				t.Fatal("empty key")
			}
		})
		assert.Equal(t, 1.0, got, file)
	}
}
