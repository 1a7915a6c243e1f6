package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxmp/wxmp/benchmarks"
)

// clientEnv is the environment variable that makes the program the client
// of one phase: it holds the phase's spec as JSON.
const clientEnv = "WXMP_LOAD_CLIENT"

// spec is what the server process tells a client process to send.
type spec struct {
	// URL is the server's base URL, "http://127.0.0.1:port".
	URL  string `json:"url"`
	Mode string `json:"mode"`
	// Warmup pushes are sent and checked in full before the client says
	// it is ready; Count pushes are then sent and timed.
	Warmup      int `json:"warmup"`
	Count       int `json:"count"`
	Concurrency int `json:"concurrency"`
}

// outcome is what a client reports of its timed pushes.
type outcome struct {
	Pushes int           `json:"pushes"`
	Wall   time.Duration `json:"wall"`
	P50    time.Duration `json:"p50"`
	P99    time.Duration `json:"p99"`
	// Error is the first wrong answer, "" when all were right.
	Error string `json:"error,omitempty"`
}

// The lines of the protocol between the server process and a client
// process, after the spec: the client writes ready after the warm-up and
// waits for go on its standard input, then writes its outcome as one line
// of JSON.
const (
	lineReady = "ready"
	lineGo    = "go"
)

// clientMain is the client process: it reads its spec from clientEnv,
// prepares and sends the warm-up, says it is ready, waits for go, sends
// the timed pushes and writes the outcome.
func clientMain(stdin io.Reader, stdout io.Writer) error {
	var s spec
	if err := json.Unmarshal([]byte(os.Getenv(clientEnv)), &s); err != nil {
		return fmt.Errorf("client: bad spec: %w", err)
	}
	pushes, err := benchmarks.Pushes(s.Mode, s.Warmup+s.Count)
	if err != nil {
		return err
	}
	c := newClient(s.URL, s.Concurrency)
	defer c.close()
	if s.Warmup > 0 {
		if _, err := c.send(pushes[:s.Warmup], s.Mode == benchmarks.ModeSafe, true); err != nil {
			return fmt.Errorf("client: warm-up: %w", err)
		}
	}
	if _, err := fmt.Fprintln(stdout, lineReady); err != nil {
		return err
	}
	in := bufio.NewScanner(stdin)
	if !in.Scan() || in.Text() != lineGo {
		return errors.New("client: the server process did not say go")
	}
	start := time.Now()
	lat, err := c.send(pushes[s.Warmup:], s.Mode == benchmarks.ModeSafe, false)
	wall := time.Since(start)
	o := outcome{Pushes: len(lat), Wall: wall}
	if err != nil {
		o.Error = err.Error()
	}
	slices.Sort(lat)
	o.P50, o.P99 = percentile(lat, 50), percentile(lat, 99)
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// client sends pushes to one server over keep-alive connections.
type client struct {
	base        string
	concurrency int
	http        *http.Client
}

func newClient(base string, concurrency int) *client {
	concurrency = max(concurrency, 1)
	return &client{
		base:        base,
		concurrency: concurrency,
		http: &http.Client{
			Transport: &http.Transport{
				MaxIdleConnsPerHost: concurrency,
				MaxConnsPerHost:     concurrency,
				DisableCompression:  true,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       30 * time.Second,
		},
	}
}

func (c *client) close() { c.http.CloseIdleConnections() }

// send sends every push once, from c.concurrency goroutines that each send
// one push at a time, and returns the latency of each, in the order of
// pushes: from before the request is written to after the answer is read.
// A push that gets no answer or a wrong one stops the run; its error is
// returned with the latencies of the pushes answered so far. An answer is
// checked in full (benchmarks.CheckAnswer: the echo, decrypted in safe
// mode) when full is set, else only for status 200 and an XML body, which
// costs the client almost nothing.
func (c *client) send(pushes []benchmarks.Push, encrypted, full bool) ([]time.Duration, error) {
	lat := make([]time.Duration, len(pushes))
	var (
		next  atomic.Int64
		stop  atomic.Bool
		once  sync.Once
		first error
		wg    sync.WaitGroup
	)
	for range c.concurrency {
		wg.Go(func() {
			var buf bytes.Buffer
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(pushes) {
					return
				}
				t0 := time.Now()
				status, err := c.post(pushes[i], &buf)
				lat[i] = time.Since(t0)
				if err == nil {
					err = check(status, buf.Bytes(), encrypted, full)
				}
				if err != nil {
					once.Do(func() { first = fmt.Errorf("push %d: %w", i, err) })
					stop.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		answered := lat[:0]
		for _, d := range lat {
			if d > 0 {
				answered = append(answered, d)
			}
		}
		return answered, first
	}
	return lat, nil
}

// post sends p and reads the answer's body into buf.
func (c *client) post(p benchmarks.Push, buf *bytes.Buffer) (int, error) {
	req, err := http.NewRequest(http.MethodPost, c.base+p.Target, bytes.NewReader(p.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// errNotXML is the quick check's complaint.
var errNotXML = errors.New("the answer is not an XML reply")

// check judges one answer: in full with benchmarks.CheckAnswer, or quickly.
func check(status int, body []byte, encrypted, full bool) error {
	if full {
		return benchmarks.CheckAnswer(status, body, encrypted)
	}
	if status != http.StatusOK {
		return fmt.Errorf("%w: HTTP status %d", benchmarks.ErrBadReply, status)
	}
	if !bytes.HasPrefix(body, []byte("<xml>")) {
		return fmt.Errorf("%w: %w", benchmarks.ErrBadReply, errNotXML)
	}
	return nil
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted, which is
// in increasing order, by nearest rank: the smallest value that at least
// p% of the values do not exceed. It is 0 for no values.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ⌈p·n/100⌉, in integers
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
