package benchmarks

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Result is one case measured over one or more rounds: the median of each
// figure, and the range of allocs/op, which should not vary.
type Result struct {
	SDK, Mode string
	// NsPerOp, AllocsPerOp and BytesPerOp are medians over the rounds.
	NsPerOp     float64
	AllocsPerOp int64
	BytesPerOp  int64
	// NsMin and NsMax are the fastest and slowest round, to show the noise.
	NsMin, NsMax float64
	// AllocsMin and AllocsMax are the fewest and most allocs/op of a round.
	AllocsMin, AllocsMax int64
	Rounds               int
}

// Measure runs every case of Cases and the Baseline rounds times, in one
// process, with testing.Benchmark, and returns one Result per case in table
// order, the baseline last. Rounds are interleaved (every case once, then
// every case again) so that a slow moment of the machine touches all cases
// alike. progress, if not nil, gets one line per benchmark run.
func Measure(rounds int, progress io.Writer) ([]Result, error) {
	if rounds < 1 {
		return nil, fmt.Errorf("benchmarks: rounds must be at least 1, not %d", rounds)
	}
	cases, err := Cases()
	if err != nil {
		return nil, err
	}
	cases = append(cases, Baseline())
	runs := make([][]testing.BenchmarkResult, len(cases))
	for round := 1; round <= rounds; round++ {
		for i, c := range cases {
			r := testing.Benchmark(c.Bench)
			if r.N == 0 { // the benchmark failed: say why
				if err := c.Check(c.Push.Serve(c.Handler)); err != nil {
					return nil, fmt.Errorf("%s: %w", c.Name(), err)
				}
				return nil, fmt.Errorf("benchmarks: %s failed", c.Name())
			}
			runs[i] = append(runs[i], r)
			if progress != nil {
				fmt.Fprintf(progress, "round %d/%d %-18s %s %s\n", round, rounds, c.Name(), r.String(), r.MemString())
			}
		}
	}
	out := make([]Result, len(cases))
	for i, c := range cases {
		out[i] = summarize(c.SDK, c.Mode, runs[i])
	}
	return out, nil
}

// summarize takes the medians of rs, which is not empty.
func summarize(sdk, mode string, rs []testing.BenchmarkResult) Result {
	ns := make([]float64, len(rs))
	allocs := make([]int64, len(rs))
	bytes := make([]int64, len(rs))
	for i, r := range rs {
		ns[i] = float64(r.T.Nanoseconds()) / float64(r.N)
		allocs[i] = r.AllocsPerOp()
		bytes[i] = r.AllocedBytesPerOp()
	}
	return Result{
		SDK: sdk, Mode: mode,
		NsPerOp:     median(ns),
		NsMin:       slices.Min(ns),
		NsMax:       slices.Max(ns),
		AllocsPerOp: median(allocs),
		BytesPerOp:  median(bytes),
		AllocsMin:   slices.Min(allocs),
		AllocsMax:   slices.Max(allocs),
		Rounds:      len(rs),
	}
}

// median returns the middle value of xs (not empty), or for an even count
// the lower of the two middle ones, so that it is always a measured value.
func median[T int64 | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// Target is one of the targets for an end-to-end push through wxmp's
// push.Server: at most MaxRatio times chanxuehong's time in the same run,
// and at most MaxAllocs allocations per push, httptest included.
type Target struct {
	Mode      string
	MaxRatio  float64
	MaxAllocs int64
}

// Targets returns the targets of push.Server (issue 12): plain ≤ 0.35 ×
// chanxuehong and ≤ 30 allocs, safe ≤ 0.45 × chanxuehong and ≤ 34 allocs.
func Targets() []Target {
	return []Target{
		{Mode: ModePlain, MaxRatio: 0.35, MaxAllocs: 30},
		{Mode: ModeSafe, MaxRatio: 0.45, MaxAllocs: 34},
	}
}

// Machine is what a table's numbers were measured on.
type Machine struct {
	OS, Arch   string
	CPU        string // the model name from /proc/cpuinfo, or "unknown CPU"
	GOMAXPROCS int
	Go         string // runtime.Version()
	// Load is the load average over 1, 5 and 15 minutes from /proc/loadavg
	// when the run started, or "" where there is none: a busy machine
	// makes every figure slower and noisier.
	Load string
}

// ThisMachine describes the machine the program runs on.
func ThisMachine() Machine {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		if m := cpuModel(f); m != "" {
			cpu = m
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = strings.Join(f[:3], " ")
		}
	}
	return Machine{
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: cpu,
		GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), Load: load,
	}
}

// cpuModel returns the first "model name" of a /proc/cpuinfo, or "".
func cpuModel(r io.Reader) string {
	s := bufio.NewScanner(r)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

func (m Machine) String() string {
	s := fmt.Sprintf("%s/%s, %s, GOMAXPROCS=%d, %s", m.OS, m.Arch, m.CPU, m.GOMAXPROCS, m.Go)
	if m.Load != "" {
		s += ", load average " + m.Load + " at the start"
	}
	return s
}

// Verdict is whether one figure of ours meets a target.
type Verdict struct {
	Target   string // "plain: time ≤ 0.40 × chanxuehong"
	Measured string // "0.35×"
	Met      bool
}

// Verdicts judges results against Targets. The time target is met only
// when both the medians and the fastest rounds meet it: on a busy machine
// the slow rounds fall unevenly on the SDKs, and neither figure alone
// should decide. A target whose results are missing is not met.
func Verdicts(results []Result) []Verdict {
	var out []Verdict
	for _, t := range Targets() {
		ours, okOurs := find(results, SDKWxmp, t.Mode)
		theirs, okTheirs := find(results, SDKChanxuehong, t.Mode)
		timeV := Verdict{Target: fmt.Sprintf("%s: time ≤ %.2f × chanxuehong", t.Mode, t.MaxRatio), Measured: "missing"}
		if okOurs && okTheirs && theirs.NsPerOp > 0 && theirs.NsMin > 0 {
			median, fastest := ours.NsPerOp/theirs.NsPerOp, ours.NsMin/theirs.NsMin
			timeV.Measured = fmt.Sprintf("%.2f× (fastest rounds %.2f×)", median, fastest)
			timeV.Met = median <= t.MaxRatio && fastest <= t.MaxRatio
		}
		allocV := Verdict{Target: fmt.Sprintf("%s: ≤ %d allocs/op", t.Mode, t.MaxAllocs), Measured: "missing"}
		if okOurs {
			allocV.Measured, allocV.Met = allocRange(ours), ours.AllocsMax <= t.MaxAllocs
		}
		out = append(out, timeV, allocV)
	}
	return out
}

func find(results []Result, sdk, mode string) (Result, bool) {
	for _, r := range results {
		if r.SDK == sdk && r.Mode == mode {
			return r, true
		}
	}
	return Result{}, false
}

// allocRange is the allocs/op of r, or "min–max" when the rounds disagree.
func allocRange(r Result) string {
	if r.AllocsMin == r.AllocsMax {
		return fmt.Sprint(r.AllocsMin)
	}
	return fmt.Sprintf("%d–%d", r.AllocsMin, r.AllocsMax)
}

// WriteTable writes results as markdown: the machine line, a table of every
// SDK and mode with its time relative to chanxuehong's in the same mode
// (the baseline relative to chanxuehong's plain push), by medians and by
// fastest rounds, then the verdict on each target.
func WriteTable(w io.Writer, m Machine, results []Result) error {
	rounds := 0
	if len(results) > 0 {
		rounds = results[0].Rounds
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s. Median of %d round(s) of `testing.Benchmark`, in one process.\n\n", m, rounds)
	b.WriteString("| SDK | mode | ns/op | rounds' ns/op | allocs/op | B/op | time vs chanxuehong | fastest vs fastest |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		sdk, mode, ref := r.SDK, r.Mode, r.Mode
		if r.SDK == SDKBaseline {
			sdk, mode, ref = "httptest alone (baseline)", "–", ModePlain
		}
		ratio, fastest := "–", "–"
		if c, ok := find(results, SDKChanxuehong, ref); ok && c.NsPerOp > 0 && c.NsMin > 0 {
			ratio, fastest = fmt.Sprintf("%.2f×", r.NsPerOp/c.NsPerOp), fmt.Sprintf("%.2f×", r.NsMin/c.NsMin)
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f–%.0f | %s | %d | %s | %s |\n",
			sdk, mode, r.NsPerOp, r.NsMin, r.NsMax, allocRange(r), r.BytesPerOp, ratio, fastest)
	}
	b.WriteString("\n| target | wxmp | |\n|---|---:|---|\n")
	for _, v := range Verdicts(results) {
		met := "not met"
		if v.Met {
			met = "met"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", v.Target, v.Measured, met)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
