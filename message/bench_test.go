package message_test

import (
	"errors"
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

// The parse limits make hostile pushes fail fast. Each body is about 1 MiB;
// before the limits, encoding/xml spent ~460 ms on the nested one, ~180 ms
// on the attributes and the fast path ~36 ms on the flat one.

func benchmarkRefused(b *testing.B, body []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := message.Parse(body); !errors.Is(err, message.ErrTooComplex) {
			b.Fatalf("Parse: %v", err)
		}
	}
}

// BenchmarkParseNested1MiB is a text message holding 1 MiB of nested
// elements.
func BenchmarkParseNested1MiB(b *testing.B) {
	n := (1 << 20) / len("<a></a>")
	benchmarkRefused(b, nestedPush("", n))
}

// BenchmarkParseNested1MiBFallback is the same after a comment, which the
// fast path leaves to encoding/xml.
func BenchmarkParseNested1MiBFallback(b *testing.B) {
	n := (1 << 20) / len("<a></a>")
	benchmarkRefused(b, nestedPush("<!-- c -->", n))
}

// BenchmarkParseAttrs1MiB is a text message with 1 MiB of attributes,
// after a comment.
func BenchmarkParseAttrs1MiB(b *testing.B) {
	benchmarkRefused(b, attrPush("<!-- c -->", (1<<20)/len(` a99999="1"`)))
}

// BenchmarkParseFlat1MiB is a text message with 1 MiB of empty elements.
func BenchmarkParseFlat1MiB(b *testing.B) {
	benchmarkRefused(b, flatPush("", (1<<20)/len("<a/>")))
}

func BenchmarkDedupKeyText(b *testing.B) {
	m, err := message.Parse(readFixture(b, "wechatpy_text.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.DedupKey()
	}
}
