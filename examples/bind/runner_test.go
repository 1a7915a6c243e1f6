package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// process is the application started through run, as `go run .` starts
// it: configured by environment variables only.
type process struct {
	publicURL string
	addr      string
	logs      *syncBuffer
	stop      func() // shuts it down and waits; fails the test if run failed
}

// startProcess runs the application with env and waits for its
// "listening" log line.
func startProcess(t *testing.T, env map[string]string) *process {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &process{logs: &syncBuffer{}}
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, func(k string) string { return env[k] }, pw)
		pw.CloseWithError(errors.New("run returned"))
		errc <- err
	}()
	type listening struct {
		Msg       string `json:"msg"`
		Addr      string `json:"addr"`
		PublicURL string `json:"public_url"`
	}
	ready := make(chan listening, 1)
	go func() {
		s := bufio.NewScanner(pr)
		sent := false
		for s.Scan() {
			_, _ = p.logs.Write(append(s.Bytes(), '\n'))
			var l listening
			if !sent && json.Unmarshal(s.Bytes(), &l) == nil && l.Msg == "listening" {
				ready <- l
				sent = true
			}
		}
		close(ready)
	}()
	stopped := false
	p.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(t, <-errc)
	}
	t.Cleanup(p.stop)
	select {
	case l, ok := <-ready:
		if !ok {
			stopped = true
			t.Fatalf("run stopped before listening: %v\n%s", <-errc, p.logs.String())
		}
		p.publicURL, p.addr = l.PublicURL, l.Addr
	case <-time.After(60 * time.Second):
		t.Fatalf("no listening line after 60 s:\n%s", p.logs.String())
	}
	return p
}
