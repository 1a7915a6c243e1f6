package benchmarks

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   []float64
		want float64
	}{
		"one":              {[]float64{7}, 7},
		"odd, unsorted":    {[]float64{30, 10, 20}, 20},
		"even takes lower": {[]float64{40, 10, 30, 20}, 20},
		"one noisy round":  {[]float64{10, 11, 90}, 11},
	} {
		t.Run(name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			assert.Equal(t, tc.want, median(tc.in))
			assert.Equal(t, in, tc.in, "median must not reorder its input")
		})
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	round := func(n int, d time.Duration, allocs, bytes uint64) testing.BenchmarkResult {
		return testing.BenchmarkResult{N: n, T: d, MemAllocs: allocs * uint64(n), MemBytes: bytes * uint64(n)}
	}
	r := summarize(SDKWxmp, ModePlain, []testing.BenchmarkResult{
		round(1000, 5*time.Millisecond, 30, 4000),  // 5000 ns/op
		round(2000, 90*time.Millisecond, 30, 4000), // 45000 ns/op: a noisy round
		round(1000, 6*time.Millisecond, 31, 4100),  // 6000 ns/op
	})
	assert.Equal(t, Result{
		SDK: SDKWxmp, Mode: ModePlain,
		NsPerOp: 6000, NsMin: 5000, NsMax: 45000, AllocsPerOp: 30, BytesPerOp: 4000,
		AllocsMin: 30, AllocsMax: 31, Rounds: 3,
	}, r)
}

func TestCPUModel(t *testing.T) {
	t.Parallel()
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	assert.Equal(t, "AMD EPYC 7B13", cpuModel(strings.NewReader(info)))
	assert.Empty(t, cpuModel(strings.NewReader("processor\t: 0\nHardware\t: BCM2835\n")))
}

// results is a run in which plain mode meets both targets and safe mode
// misses both: its time is 0.5 × chanxuehong's and one round allocated more.
func results() []Result {
	r := func(sdk, mode string, ns, fastest float64, allocMin, allocMax int64) Result {
		return Result{SDK: sdk, Mode: mode, NsPerOp: ns, NsMin: fastest, NsMax: ns + 100, AllocsPerOp: allocMin, BytesPerOp: 100, AllocsMin: allocMin, AllocsMax: allocMax, Rounds: 3}
	}
	return []Result{
		r(SDKWxmp, ModePlain, 3500, 3150, 30, 30),
		r(SDKChanxuehong, ModePlain, 10000, 9000, 115, 115),
		r(SDKSilenceper, ModePlain, 20000, 19000, 273, 273),
		r(SDKWxmp, ModeSafe, 6000, 5900, 34, 35),
		r(SDKChanxuehong, ModeSafe, 12000, 11900, 150, 150),
		r(SDKSilenceper, ModeSafe, 30000, 29900, 365, 365),
		r(SDKBaseline, ModePlain, 2500, 2400, 22, 22),
	}
}

func TestVerdicts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []Verdict{
		{Target: "plain: time ≤ 0.35 × chanxuehong", Measured: "0.35× (fastest rounds 0.35×)", Met: true},
		{Target: "plain: ≤ 30 allocs/op", Measured: "30", Met: true},
		{Target: "safe: time ≤ 0.45 × chanxuehong", Measured: "0.50× (fastest rounds 0.50×)", Met: false},
		{Target: "safe: ≤ 34 allocs/op", Measured: "34–35", Met: false},
	}, Verdicts(results()))

	missing := Verdicts(results()[1:]) // no plain/wxmp
	assert.Equal(t, "missing", missing[0].Measured)
	assert.False(t, missing[0].Met)
	assert.False(t, missing[1].Met)

	// A median that meets the target is not enough when the fastest rounds
	// say otherwise: chanxuehong's median here was inflated by slow rounds.
	noisy := results()
	noisy[1].NsMin = 7000 // chanxuehong plain: fastest 7000, median 10000
	v := Verdicts(noisy)[0]
	assert.Equal(t, "0.35× (fastest rounds 0.45×)", v.Measured)
	assert.False(t, v.Met)
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	m := Machine{OS: "linux", Arch: "amd64", CPU: "AMD EPYC 7B13", GOMAXPROCS: 2, Go: "go1.26.8", Load: "0.10 0.20 0.30"}
	require.NoError(t, WriteTable(&b, m, results()))
	out := b.String()
	assert.Contains(t, out, "Machine: linux/amd64, AMD EPYC 7B13, GOMAXPROCS=2, go1.26.8, load average 0.10 0.20 0.30 at the start. Median of 3 round(s)")
	for _, row := range []string{
		"| wxmp | plain | 3500 | 3150–3600 | 30 | 100 | 0.35× | 0.35× |",
		"| silenceper | plain | 20000 | 19000–20100 | 273 | 100 | 2.00× | 2.11× |",
		"| wxmp | safe | 6000 | 5900–6100 | 34–35 | 100 | 0.50× | 0.50× |",
		"| chanxuehong | safe | 12000 | 11900–12100 | 150 | 100 | 1.00× | 1.00× |",
		"| httptest alone (baseline) | – | 2500 | 2400–2600 | 22 | 100 | 0.25× | 0.27× |",
		"| plain: time ≤ 0.35 × chanxuehong | 0.35× (fastest rounds 0.35×) | met |",
		"| safe: ≤ 34 allocs/op | 34–35 | not met |",
	} {
		assert.Contains(t, out, row+"\n")
	}
}
