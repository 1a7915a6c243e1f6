package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/benchmarks"
)

// TestMain lets the test binary be the client process, as the load
// program is its own: TestRun starts it again with clientEnv set.
func TestMain(m *testing.M) {
	if os.Getenv(clientEnv) != "" {
		if err := clientMain(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "client:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 50, 7 * time.Millisecond},
		{"one, p99", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even is the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the largest", ms(1, 2, 3), 100, 3 * time.Millisecond},
		{"p99 of 3 is the largest", ms(1, 2, 3), 99, 3 * time.Millisecond},
		{"p1 of 100", ms(hundred...), 1, 1 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, percentile(tc.sorted, tc.p))
		})
	}
	thousand := make([]time.Duration, 1000)
	for i := range thousand {
		thousand[i] = time.Duration(i + 1)
	}
	assert.Equal(t, time.Duration(990), percentile(thousand, 99), "10 of 1000 are above the p99")
	assert.Equal(t, time.Duration(500), percentile(thousand, 50))
}

// TestEveryServerAnswers sends a few pushes, through the client the load
// uses and over loopback TCP, to every server in both modes: every answer
// passes the full check and the quick one.
func TestEveryServerAnswers(t *testing.T) {
	for _, mode := range []string{benchmarks.ModePlain, benchmarks.ModeSafe} {
		pushes, err := benchmarks.Pushes(mode, 6)
		require.NoError(t, err)
		for _, server := range allServers {
			t.Run(mode+"/"+server, func(t *testing.T) {
				h, err := handlerFor(server, mode)
				require.NoError(t, err)
				srv := httptest.NewServer(h)
				defer srv.Close()
				c := newClient(srv.URL, 2)
				defer c.close()
				lat, err := c.send(pushes[:3], mode == benchmarks.ModeSafe, true)
				require.NoError(t, err)
				require.Len(t, lat, 3)
				lat, err = c.send(pushes[3:], mode == benchmarks.ModeSafe, false)
				require.NoError(t, err)
				require.Len(t, lat, 3)
				for _, d := range lat {
					assert.Positive(t, d)
				}
			})
		}
	}
}

// TestClientRefusesWrongAnswers: a server that answers "success", an error
// status, or a clear reply to a safe push stops the client with an error,
// whichever check it makes.
func TestClientRefusesWrongAnswers(t *testing.T) {
	plain, err := benchmarks.Pushes(benchmarks.ModePlain, 4)
	require.NoError(t, err)
	floor, err := handlerFor(serverFloor, benchmarks.ModePlain)
	require.NoError(t, err)
	for name, h := range map[string]http.Handler{
		"success": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "success") }),
		"403": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "forbidden", http.StatusForbidden)
		}),
		"clear reply to a safe push": floor,
	} {
		for _, full := range []bool{true, false} {
			if name == "clear reply to a safe push" && !full {
				continue // the quick check does not decrypt
			}
			t.Run(fmt.Sprintf("%s/full=%t", name, full), func(t *testing.T) {
				srv := httptest.NewServer(h)
				defer srv.Close()
				c := newClient(srv.URL, 2)
				defer c.close()
				_, err := c.send(plain, name == "clear reply to a safe push", full)
				assert.ErrorIs(t, err, benchmarks.ErrBadReply)
			})
		}
	}
}

// TestRun runs the whole program, client processes included, on a few
// pushes: every phase reports, and the table has every row and verdict.
func TestRun(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	r := runner{client: func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, self) }}
	cfg := config{count: 30, warmup: 5, concurrency: 2, rounds: 2, servers: allServers,
		modes: []string{benchmarks.ModePlain, benchmarks.ModeSafe}}
	var out strings.Builder
	require.NoError(t, run(r, cfg, &out, false))
	table := out.String()
	assert.Contains(t, table, "30 timed pushes after 5 of warm-up, from 2 keep-alive connections")
	assert.Contains(t, table, "medians of 2 rounds")
	for _, mode := range cfg.modes {
		for _, server := range allServers {
			assert.Contains(t, table, "| "+serverNames[server]+" | "+mode+" | ")
		}
		assert.Contains(t, table, "| "+mode+": server CPU per push above the floor ≤ ")
	}
}

// TestPhaseReportsAClientFailure: a server that answers wrongly makes the
// client fail its warm-up, and the phase fail with the client's error; a
// right one gets every push reported.
func TestPhaseReportsAClientFailure(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	r := runner{client: func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, self) }}
	wrong := r
	wrong.handler = func(string, string) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "success") }), nil
	}
	_, err = wrong.phase(serverFloor, benchmarks.ModePlain, spec{Count: 1, Warmup: 1, Concurrency: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "warm-up: push 0: "+benchmarks.ErrBadReply.Error())
	m, err := r.phase(serverFloor, benchmarks.ModePlain, spec{Count: 3, Warmup: 1, Concurrency: 1})
	require.NoError(t, err)
	assert.Equal(t, 3, m.Pushes)
	assert.Positive(t, m.clientCPU)
}

func TestConfigCheck(t *testing.T) {
	t.Parallel()
	good := config{count: 1, warmup: 1, concurrency: 1, rounds: 1, servers: allServers, modes: []string{"plain", "safe"}}
	require.NoError(t, good.check())
	for name, change := range map[string]func(*config){
		"count":       func(c *config) { c.count = 0 },
		"warmup":      func(c *config) { c.warmup = 0 },
		"concurrency": func(c *config) { c.concurrency = 0 },
		"rounds":      func(c *config) { c.rounds = 0 },
		"no server":   func(c *config) { c.servers = nil },
		"server":      func(c *config) { c.servers = []string{"gin"} },
		"mode":        func(c *config) { c.modes = []string{"compatible"} },
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			change(&c)
			assert.Error(t, c.check())
		})
	}
	assert.Equal(t, []string{"floor", "wxmp"}, split(" floor, ,wxmp,"))
}

// measured is a measurement of n pushes with the server's CPU time per
// push given in microseconds.
func measured(server, mode string, cpuMicros int, p50 time.Duration) measurement {
	const n = 1000
	return measurement{
		server: server, mode: mode,
		outcome:   outcome{Pushes: n, Wall: time.Second / 10, P50: p50, P99: 2 * p50},
		serverCPU: time.Duration(cpuMicros) * time.Microsecond * n,
		clientCPU: 50 * time.Microsecond * n,
	}
}

// TestSummarize: above the floor is taken round by round, then the median.
func TestSummarize(t *testing.T) {
	t.Parallel()
	const plain = benchmarks.ModePlain
	ms := []measurement{
		measured(serverFloor, plain, 40, time.Millisecond), measured(benchmarks.SDKWxmp, plain, 45, 3*time.Millisecond),
		measured(serverFloor, plain, 60, time.Millisecond), measured(benchmarks.SDKWxmp, plain, 64, time.Millisecond), // a slow round for both
		measured(serverFloor, plain, 41, 2*time.Millisecond), measured(benchmarks.SDKWxmp, plain, 47, 2*time.Millisecond),
	}
	rows := summarize(ms, []string{plain}, []string{serverFloor, benchmarks.SDKWxmp, benchmarks.SDKSilenceper})
	require.Len(t, rows, 2, "no row for a server that was not loaded")
	floor, wxmp := rows[0], rows[1]
	assert.False(t, floor.hasFloor)
	assert.Equal(t, 41*time.Microsecond, floor.serverCPU)
	assert.Equal(t, 40*time.Microsecond, floor.serverCPUMin)
	assert.Equal(t, 60*time.Microsecond, floor.serverCPUMax)
	assert.True(t, wxmp.hasFloor)
	assert.Equal(t, 5*time.Microsecond, wxmp.aboveFloor, "median of +5, +4 and +6")
	assert.Equal(t, 47*time.Microsecond, wxmp.serverCPU)
	assert.Equal(t, 2*time.Millisecond, wxmp.p50)
	assert.Equal(t, 4*time.Millisecond, wxmp.p99)
	assert.InDelta(t, 10000, wxmp.throughput, 0.001)
	assert.Equal(t, 50*time.Microsecond, wxmp.clientCPU)
	assert.Equal(t, 3, wxmp.rounds)
}

func TestVerdicts(t *testing.T) {
	t.Parallel()
	const plain, safe = benchmarks.ModePlain, benchmarks.ModeSafe
	rows := summarize([]measurement{
		measured(serverFloor, plain, 40, time.Millisecond), measured(benchmarks.SDKWxmp, plain, 46, time.Millisecond),
		measured(serverFloor, safe, 50, time.Millisecond), measured(benchmarks.SDKWxmp, safe, 63, time.Millisecond),
	}, []string{plain, safe}, allServers)
	assert.Equal(t, []verdict{
		{target: "plain: server CPU per push above the floor ≤ 6.0 µs", measured: "+6.0 µs", met: true},
		{target: "safe: server CPU per push above the floor ≤ 12.0 µs", measured: "+13.0 µs", met: false},
	}, verdicts(rows))

	noFloor := summarize([]measurement{measured(benchmarks.SDKWxmp, plain, 46, time.Millisecond)}, []string{plain}, allServers)
	assert.Equal(t, []verdict{{target: "plain: server CPU per push above the floor ≤ 6.0 µs", measured: "missing"}}, verdicts(noFloor))

	var out strings.Builder
	require.NoError(t, writeTable(&out, benchmarks.Machine{OS: "linux", Arch: "amd64", CPU: "AMD EPYC", GOMAXPROCS: 2, Go: "go1.26.8"},
		config{count: 1000, warmup: 10, concurrency: 8, rounds: 1}, rows))
	for _, line := range []string{
		"Machine: linux/amd64, AMD EPYC, GOMAXPROCS=2, go1.26.8.\n",
		"| net/http floor | plain | 10000 | 1000.0 µs | 2000.0 µs | 40.0 µs | 40.0–40.0 | – | 50.0 µs |\n",
		"| wxmp (push.Server) | safe | 10000 | 1000.0 µs | 2000.0 µs | 63.0 µs | 63.0–63.0 | +13.0 µs | 50.0 µs |\n",
		"| safe: server CPU per push above the floor ≤ 12.0 µs | +13.0 µs | not met |\n",
	} {
		assert.Contains(t, out.String(), line)
	}
	assert.NotContains(t, out.String(), "medians of")
	assert.Equal(t, "-0.3 µs", signedMicros(-300*time.Nanosecond))
}
