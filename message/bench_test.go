package message_test

import (
	"testing"

	"github.com/wxmp/wxmp/message"
)

func BenchmarkParseText(b *testing.B) {
	body := readFixture(b, "wechatpy_text.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := message.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseUnknown(b *testing.B) {
	body := readFixture(b, "wechatpy_device_text.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := message.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseEvent is an event push through message.Parse, which scans
// it once and hands the scan to package event.
func BenchmarkParseEvent(b *testing.B) {
	body := readFixture(b, "wechatpy_subscribe.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := message.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}
