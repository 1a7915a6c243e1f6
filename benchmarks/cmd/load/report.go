package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wxmp/wxmp/benchmarks"
)

// throughput is the timed pushes per second of wall time.
func (m measurement) throughput() float64 {
	if m.Wall <= 0 {
		return 0
	}
	return float64(m.Pushes) / m.Wall.Seconds()
}

// row is one server and mode over every round: medians, and the range of
// the server's CPU time per push.
type row struct {
	server, mode string
	rounds       int
	throughput   float64
	p50, p99     time.Duration
	// serverCPU is per push; serverCPUMin and serverCPUMax the lowest
	// and highest round.
	serverCPU, serverCPUMin, serverCPUMax time.Duration
	// aboveFloor is the median over rounds of serverCPU minus the
	// floor's in the same mode and round; hasFloor says whether there
	// was a floor to subtract.
	aboveFloor time.Duration
	hasFloor   bool
	clientCPU  time.Duration
}

// summarize groups ms, which run holds in the order round, mode, server,
// into one row per mode and server, in the order of modes and servers.
func summarize(ms []measurement, modes, servers []string) []row {
	type key struct{ server, mode string }
	byKey := map[key][]measurement{}
	for _, m := range ms {
		k := key{m.server, m.mode}
		byKey[k] = append(byKey[k], m)
	}
	var rows []row
	for _, mode := range modes {
		floor := byKey[key{serverFloor, mode}]
		for _, server := range servers {
			rs := byKey[key{server, mode}]
			if len(rs) == 0 {
				continue
			}
			var tput []float64
			var p50, p99, cpu, client, above []time.Duration
			for i, m := range rs {
				tput = append(tput, m.throughput())
				p50, p99 = append(p50, m.P50), append(p99, m.P99)
				c := m.perPush(m.serverCPU)
				cpu = append(cpu, c)
				client = append(client, m.perPush(m.clientCPU))
				if server != serverFloor && i < len(floor) {
					above = append(above, c-floor[i].perPush(floor[i].serverCPU))
				}
			}
			r := row{
				server: server, mode: mode, rounds: len(rs),
				throughput: median(tput), p50: median(p50), p99: median(p99),
				serverCPU: median(cpu), serverCPUMin: slices.Min(cpu), serverCPUMax: slices.Max(cpu),
				clientCPU: median(client),
			}
			if len(above) == len(rs) {
				r.aboveFloor, r.hasFloor = median(above), true
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// median returns the middle value of xs (not empty), or for an even count
// the lower of the two middle ones, so that it is always a measured value.
func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// target is a bound on the server CPU time per push that wxmp adds above
// the floor, in one mode (issue 12).
type target struct {
	mode string
	max  time.Duration
}

var targets = []target{
	{benchmarks.ModePlain, 6 * time.Microsecond},
	{benchmarks.ModeSafe, 12 * time.Microsecond},
}

// verdict is whether wxmp meets one target.
type verdict struct {
	target, measured string
	met              bool
}

// verdicts judges rows against the targets of the modes they hold; a
// target whose wxmp row or floor is missing is not met.
func verdicts(rows []row) []verdict {
	var out []verdict
	for _, t := range targets {
		if !slices.ContainsFunc(rows, func(r row) bool { return r.mode == t.mode }) {
			continue
		}
		v := verdict{target: fmt.Sprintf("%s: server CPU per push above the floor ≤ %s", t.mode, micros(t.max)), measured: "missing"}
		i := slices.IndexFunc(rows, func(r row) bool { return r.server == benchmarks.SDKWxmp && r.mode == t.mode })
		if i >= 0 && rows[i].hasFloor {
			v.measured = signedMicros(rows[i].aboveFloor)
			v.met = rows[i].aboveFloor <= t.max
		}
		out = append(out, v)
	}
	return out
}

// micros formats d in microseconds: "12.3 µs".
func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// signedMicros is micros with a sign: "+5.2 µs", "-0.3 µs".
func signedMicros(d time.Duration) string {
	if d < 0 {
		return micros(d)
	}
	return "+" + micros(d)
}

// serverNames are the table's names of the servers.
var serverNames = map[string]string{
	serverFloor:               "net/http floor",
	benchmarks.SDKWxmp:        "wxmp (push.Server)",
	benchmarks.SDKChanxuehong: "chanxuehong",
	benchmarks.SDKSilenceper:  "silenceper",
	serverHandWired:           "wxmp (hand-wired)",
}

// writeTable writes rows as markdown: the machine and the run's settings,
// a table of every server and mode, and the verdicts.
func writeTable(w io.Writer, m benchmarks.Machine, cfg config, rows []row) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s.\n", m)
	fmt.Fprintf(&b, "Per server and mode: %d timed pushes after %d of warm-up, from %d keep-alive connections of a client process, over loopback TCP",
		cfg.count, cfg.warmup, cfg.concurrency)
	if cfg.rounds > 1 {
		fmt.Fprintf(&b, "; medians of %d rounds", cfg.rounds)
	}
	b.WriteString(".\n\n")
	b.WriteString("| server | mode | pushes/s | p50 | p99 | server CPU/push | rounds' server CPU/push | above the floor | client CPU/push |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		above := "–"
		if r.hasFloor {
			above = signedMicros(r.aboveFloor)
		}
		name := serverNames[r.server]
		if name == "" {
			name = r.server
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %s | %s | %s | %.1f–%.1f | %s | %s |\n",
			name, r.mode, r.throughput, micros(r.p50), micros(r.p99), micros(r.serverCPU),
			float64(r.serverCPUMin)/float64(time.Microsecond), float64(r.serverCPUMax)/float64(time.Microsecond),
			above, micros(r.clientCPU))
	}
	if vs := verdicts(rows); len(vs) > 0 {
		b.WriteString("\n| target | wxmp | |\n|---|---:|---|\n")
		for _, v := range vs {
			met := "not met"
			if v.met {
				met = "met"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", v.target, v.measured, met)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
