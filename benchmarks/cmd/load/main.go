// Command load sends signed pushes to real HTTP servers on loopback TCP and
// measures what each server spends on them: a bare net/http server that
// only reads the body and writes a fixed reply (the floor), wxmp
// (push.Server), chanxuehong/wechat and silenceper/wechat, each the
// handler package benchmarks times, in plain and in safe mode, in one run.
//
// For each server and mode, this process serves the handler on
// 127.0.0.1 and starts itself again as a client process, which sends a
// warm-up of pushes (every answer checked in full: the echo, decrypted in
// safe mode), then a fixed count of pushes from -c keep-alive connections,
// each a different push (its own MsgId), and stops. The table shows, per
// server and mode:
//
//   - pushes/s: the timed pushes over the client's wall time;
//   - p50 and p99: the latency of one push, seen by the client;
//   - server CPU/push: this process's user and system CPU time
//     (getrusage RUSAGE_SELF) over the timed pushes, divided by their
//     count. The client runs in its own process, so this is the server's
//     alone: net/http, the kernel's TCP work on the server's side, the
//     SDK, and the garbage collector;
//   - above the floor: that minus the floor's in the same mode and round,
//     which is the SDK's share of a real request;
//   - client CPU/push: the client process's, for scale.
//
// The client and the server share the machine's cores, so pushes/s and
// latencies depend on both; the CPU time per push much less, but it grows
// when other programs compete for the cores and their caches. The phases
// run -rounds times (3 by default), round after round in the same order,
// and the table shows medians; above the floor is the median of each
// round's difference, so that a slow round weighs on both sides alike. Run
// it on a quiet machine.
//
// From the benchmarks directory:
//
//	go run ./cmd/load                      # 3 rounds of 10 000 pushes per server and mode, 8 connections
//	go run ./cmd/load -count 50000 -c 16 -rounds 5
//	go run ./cmd/load -servers floor,wxmp -modes safe
//	go run ./cmd/load -strict              # exit 1 when a target is not met
//	go run ./cmd/load -servers floor,wxmp,wxmp-handwired -cpuprofile cpu.out
//
// Progress goes to standard error, the table to standard output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/wxmp/wxmp/benchmarks"
)

func main() {
	if os.Getenv(clientEnv) != "" {
		if err := clientMain(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	var cfg config
	flag.IntVar(&cfg.count, "count", 10_000, "timed pushes per server, mode and round")
	flag.IntVar(&cfg.warmup, "warmup", 1_000, "pushes sent and checked before the timed ones")
	flag.IntVar(&cfg.concurrency, "c", 8, "keep-alive connections, each sending one push at a time")
	flag.IntVar(&cfg.rounds, "rounds", 3, "run every phase this many times, interleaved, and report medians")
	servers := flag.String("servers", strings.Join(defaultServers, ","), "the servers to load, comma-separated, of "+strings.Join(allServers, ","))
	modes := flag.String("modes", benchmarks.ModePlain+","+benchmarks.ModeSafe, "the modes, comma-separated")
	strict := flag.Bool("strict", false, "exit with status 1 when a target is not met")
	quiet := flag.Bool("q", false, "do not print progress to standard error")
	cpuprofile := flag.String("cpuprofile", "", "write the server process's CPU profile, over the whole run, to this file")
	flag.Parse()
	cfg.servers, cfg.modes = split(*servers), split(*modes)
	if !*quiet {
		cfg.progress = os.Stderr
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	r := runner{client: func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, exe) }}
	if err := profiled(*cpuprofile, func() error { return run(r, cfg, os.Stdout, *strict) }); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// profiled runs f, writing a CPU profile of this process to file unless
// file is "".
func profiled(file string, f func() error) error {
	if file == "" {
		return f()
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return err
	}
	ferr := f()
	pprof.StopCPUProfile()
	if err := out.Close(); err != nil && ferr == nil {
		ferr = err
	}
	return ferr
}

func split(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// config is a run's settings.
type config struct {
	count, warmup, concurrency, rounds int
	servers, modes                     []string
	progress                           io.Writer // nil for none
}

func (c config) check() error {
	switch {
	case c.count < 1:
		return errors.New("-count must be at least 1")
	case c.warmup < 1:
		// The warm-up is where every answer is checked in full.
		return errors.New("-warmup must be at least 1")
	case c.concurrency < 1:
		return errors.New("-c must be at least 1")
	case c.rounds < 1:
		return errors.New("-rounds must be at least 1")
	case len(c.servers) == 0 || len(c.modes) == 0:
		return errors.New("no server or no mode to load")
	}
	for _, s := range c.servers {
		if !slices.Contains(allServers, s) {
			return fmt.Errorf("unknown server %q (want some of %s)", s, strings.Join(allServers, ","))
		}
	}
	for _, m := range c.modes {
		if m != benchmarks.ModePlain && m != benchmarks.ModeSafe {
			return fmt.Errorf("unknown mode %q (want plain, safe or both)", m)
		}
	}
	return nil
}

// run measures every phase of cfg and writes the table to out.
func run(r runner, cfg config, out io.Writer, strict bool) error {
	if err := cfg.check(); err != nil {
		return err
	}
	machine := benchmarks.ThisMachine()
	s := spec{Warmup: cfg.warmup, Count: cfg.count, Concurrency: cfg.concurrency}
	var ms []measurement
	for round := 1; round <= cfg.rounds; round++ {
		for _, mode := range cfg.modes {
			for _, server := range cfg.servers {
				m, err := r.phase(server, mode, s)
				if err != nil {
					return err
				}
				ms = append(ms, m)
				if cfg.progress != nil {
					fmt.Fprintf(cfg.progress, "round %d/%d %-5s %-14s %6.0f pushes/s  p50 %s  p99 %s  server CPU/push %s\n",
						round, cfg.rounds, mode, server, m.throughput(), micros(m.P50), micros(m.P99), micros(m.perPush(m.serverCPU)))
				}
			}
		}
	}
	rows := summarize(ms, cfg.modes, cfg.servers)
	if err := writeTable(out, machine, cfg, rows); err != nil {
		return err
	}
	if strict {
		for _, v := range verdicts(rows) {
			if !v.met {
				return fmt.Errorf("target not met: %s (measured %s)", v.target, v.measured)
			}
		}
	}
	return nil
}
