package benchmarks_test

import (
	"testing"

	"github.com/wxmp/wxmp/benchmarks"
)

// BenchmarkPush runs the same push through every SDK, as
// BenchmarkPush/<mode>/<sdk>; ratios are meant to be read within one run.
func BenchmarkPush(b *testing.B) {
	cases, err := benchmarks.Cases()
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{benchmarks.ModePlain, benchmarks.ModeSafe} {
		b.Run(mode, func(b *testing.B) {
			for _, c := range cases {
				if c.Mode == mode {
					b.Run(c.SDK, c.Bench)
				}
			}
		})
	}
}

// BenchmarkHTTPTestBaseline is the httptest plumbing every BenchmarkPush
// iteration pays, with no SDK in it.
func BenchmarkHTTPTestBaseline(b *testing.B) {
	benchmarks.Baseline().Bench(b)
}
