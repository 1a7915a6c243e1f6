// Command table runs the end-to-end push benchmarks of package benchmarks
// (wxmp, chanxuehong and silenceper, plain and safe, and the httptest
// baseline) in one process and prints a markdown table: ns/op, allocs/op,
// B/op, time relative to chanxuehong, the verdict on the targets and
// the machine it ran on.
//
// From the benchmarks directory:
//
//	go run ./cmd/table                  # 5 rounds of 1 s per benchmark, medians
//	go run ./cmd/table -rounds 9 -benchtime 2s
//	go run ./cmd/table -strict          # exit 1 when a target is not met
//
// Progress goes to standard error, the table to standard output.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/wxmp/wxmp/benchmarks"
)

func main() {
	testing.Init() // testing.Benchmark reads its -test.benchtime flag
	rounds := flag.Int("rounds", 5, "run every benchmark this many times, interleaved, and report the medians")
	benchtime := flag.String("benchtime", "1s", "how long each benchmark runs per round (a duration, or Nx for N iterations)")
	strict := flag.Bool("strict", false, "exit with status 1 when a target is not met")
	quiet := flag.Bool("q", false, "do not print progress to standard error")
	flag.Parse()
	if err := run(*rounds, *benchtime, *strict, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}

func run(rounds int, benchtime string, strict, quiet bool) error {
	if err := flag.Set("test.benchtime", benchtime); err != nil {
		return fmt.Errorf("-benchtime %q: %w", benchtime, err)
	}
	var progress io.Writer = os.Stderr
	if quiet {
		progress = nil
	}
	results, err := benchmarks.Measure(rounds, progress)
	if err != nil {
		return err
	}
	if err := benchmarks.WriteTable(os.Stdout, benchmarks.ThisMachine(), results); err != nil {
		return err
	}
	if strict {
		for _, v := range benchmarks.Verdicts(results) {
			if !v.Met {
				return fmt.Errorf("target not met: %s (measured %s)", v.Target, v.Measured)
			}
		}
	}
	return nil
}
