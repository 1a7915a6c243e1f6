package event_test

import (
	"testing"

	"github.com/wxmp/wxmp/event"
)

func BenchmarkParseMassSendJobFinish(b *testing.B) {
	body := readFixture(b, "wechatpy_masssendjobfinish_copyright.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := event.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSubscribe(b *testing.B) {
	body := readFixture(b, "wechatpy_subscribe_qrscene.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := event.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseUnknown(b *testing.B) {
	body := readFixture(b, "doc_unknown_event.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := event.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkDedupKey(b *testing.B, file string) {
	e, err := event.Parse(readFixture(b, file))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = e.DedupKey()
	}
}

func BenchmarkDedupKeySubscribe(b *testing.B) { benchmarkDedupKey(b, "wechatpy_subscribe_qrscene.xml") }

func BenchmarkDedupKeyMassSendJobFinish(b *testing.B) {
	benchmarkDedupKey(b, "wechatpy_masssendjobfinish_copyright.xml")
}

// BenchmarkDedupKeyUnknown hashes the raw XML.
func BenchmarkDedupKeyUnknown(b *testing.B) { benchmarkDedupKey(b, "doc_unknown_event.xml") }
