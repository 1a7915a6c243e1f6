package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wxmp/wxmp/benchmarks"
)

// serverFloor names the bare net/http server that only reads the body and
// writes a fixed reply: what any server pays, SDK or not.
const serverFloor = "floor"

// serverHandWired names wxmp's lower-level route, for users of other
// routers: benchmarks.WxmpPlain and WxmpSafe, which verify, parse and reply
// by hand, without push.Server's dedupe and guard. It is not loaded unless
// asked for.
const serverHandWired = "wxmp-handwired"

// defaultServers is every server the load is sent to by default, in the
// table's order.
var defaultServers = []string{serverFloor, benchmarks.SDKWxmp, benchmarks.SDKChanxuehong, benchmarks.SDKSilenceper}

// allServers is every server -servers may name.
var allServers = append(slices.Clone(defaultServers), serverHandWired)

// handlerFor returns a new handler of server for mode: the floor, wxmp's
// hand-wired route, or the SDK's handler that package benchmarks times
// (benchmarks.CaseFor). An SDK's handler has answered the push of its case
// once, in this goroutine, before it is returned: a check that it answers
// right, and the first call that chanxuehong's core.Server wants before
// concurrent ones (its startedChecker flips a plain word with a CAS on the
// first call, which the race detector reports when two calls come at once).
func handlerFor(server, mode string) (http.Handler, error) {
	if server == serverFloor {
		return floorHandler(mode)
	}
	sdk := server
	if server == serverHandWired {
		sdk = benchmarks.SDKWxmp // its push and check, another handler
	}
	c, err := benchmarks.CaseFor(sdk, mode)
	if err != nil {
		return nil, err
	}
	if server == serverHandWired {
		if c.Handler, err = benchmarks.WxmpHandWired(mode); err != nil {
			return nil, err
		}
	}
	if err := c.Check(c.Push.Serve(c.Handler)); err != nil {
		return nil, fmt.Errorf("%s/%s: %w", mode, server, err)
	}
	return c.Handler, nil
}

// floorHandler returns the floor for mode: a handler that reads the body
// to its end and writes a fixed reply, with no SDK in between. The reply is
// wxmp's answer to the push of that mode, taken once, so that the floor
// writes as many bytes as an SDK does and its answer passes the client's
// checks.
func floorHandler(mode string) (http.Handler, error) {
	c, err := benchmarks.CaseFor(benchmarks.SDKWxmp, mode)
	if err != nil {
		return nil, err
	}
	w := c.Push.Serve(c.Handler)
	if err := c.Check(w); err != nil {
		return nil, fmt.Errorf("the floor's reply: %w", err)
	}
	reply := bytes.Clone(w.Body.Bytes())
	contentType := w.Header().Get("Content-Type")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Write(reply)
	}), nil
}

// measurement is one phase: one server and mode under the load of one
// client process.
type measurement struct {
	server, mode string
	outcome
	// serverCPU is the user and system CPU time this process spent from
	// just before the client started its timed pushes to just after it
	// reported them: the server's, since the client is another process.
	serverCPU time.Duration
	// clientCPU is the client process's CPU time over its whole life,
	// warm-up and making the pushes included.
	clientCPU time.Duration
}

// perPush is d divided among the phase's timed pushes.
func (m measurement) perPush(d time.Duration) time.Duration {
	if m.Pushes == 0 {
		return 0
	}
	return d / time.Duration(m.Pushes)
}

// phaseTimeout bounds one phase, client included, should something hang.
const phaseTimeout = 5 * time.Minute

// runner runs phases.
type runner struct {
	// client returns a command that runs this program; the runner adds
	// clientEnv to its environment to make it a client.
	client func(ctx context.Context) *exec.Cmd
	// handler returns the handler of a server and mode; nil means
	// handlerFor.
	handler func(server, mode string) (http.Handler, error)
}

// phase serves server's handler for mode on a new loopback listener and
// has a client process send s.Warmup then s.Count pushes to it.
func (r runner) phase(server, mode string, s spec) (m measurement, err error) {
	m.server, m.mode = server, mode
	handler := r.handler
	if handler == nil {
		handler = handlerFor
	}
	h, err := handler(server, mode)
	if err != nil {
		return m, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return m, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		if e := <-served; !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
	}()

	s.URL, s.Mode = "http://"+ln.Addr().String(), mode
	js, err := json.Marshal(s)
	if err != nil {
		return m, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), phaseTimeout)
	defer cancel()
	cmd := r.client(ctx)
	cmd.Env = append(os.Environ(), clientEnv+"="+string(js))
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return m, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return m, err
	}
	if err := cmd.Start(); err != nil {
		return m, fmt.Errorf("start the client: %w", err)
	}
	failed := func(what string) error {
		cmd.Process.Kill()
		werr := cmd.Wait()
		return fmt.Errorf("%s/%s: %s (client: %v) %s", mode, server, what, werr, strings.TrimSpace(stderr.String()))
	}
	out := bufio.NewScanner(stdout)
	if !out.Scan() || out.Text() != lineReady {
		return m, failed("the client did not get ready")
	}
	runtime.GC() // the garbage of earlier phases is not this one's
	cpu0, err := processCPU()
	if err != nil {
		return m, failed(err.Error())
	}
	if _, err := fmt.Fprintln(stdin, lineGo); err != nil {
		return m, failed("cannot tell the client to go")
	}
	if !out.Scan() {
		return m, failed("the client did not report")
	}
	cpu1, err := processCPU()
	if err != nil {
		return m, failed(err.Error())
	}
	if err := json.Unmarshal(out.Bytes(), &m.outcome); err != nil {
		return m, failed("the client's report is not JSON")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return m, fmt.Errorf("%s/%s: client: %w %s", mode, server, err, strings.TrimSpace(stderr.String()))
	}
	if m.Error != "" {
		return m, fmt.Errorf("%s/%s: %s", mode, server, m.Error)
	}
	if m.Pushes != s.Count {
		return m, fmt.Errorf("%s/%s: %d of %d pushes answered", mode, server, m.Pushes, s.Count)
	}
	m.serverCPU = cpu1 - cpu0
	m.clientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return m, nil
}

// limitedBuffer keeps the first 4 KiB written to it: a client's error.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4<<10 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return l.b.String() }
