package redisstore_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/redisstore"
)

// The tests run against a real Redis: the one REDIS_URL names, or, when it
// is unset, a throwaway redis-server each test starts on a free loopback
// port and stops at its cleanup. Without redis-server on the PATH the
// tests skip, except under CI=true, where they fail.

// redisServer is a redis-server process a test started.
type redisServer struct {
	Addr string

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	once sync.Once
}

// startRedis starts a redis-server of the test's own, whatever REDIS_URL
// says: for tests that stop it.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on the PATH; CI needs it (apt-get install redis-server)")
		}
		t.Skip("redis-server is not on the PATH: install Debian's redis-server, or set REDIS_URL")
	}
	dir := t.TempDir()
	var last string
	// A port found free may be taken before redis-server binds it: try a
	// few.
	for range 5 {
		srv, out := tryStart(t, path, dir)
		if srv != nil {
			t.Cleanup(srv.Stop)
			return srv
		}
		last = out
	}
	t.Fatalf("redis-server did not start; its last output:\n%s", last)
	return nil
}

// tryStart starts redis-server on a free port and waits for it to accept
// connections. It returns nil and the server's output if it exited first.
func tryStart(t testing.TB, path, dir string) (*redisServer, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	cmd := exec.Command(path,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir,
		"--daemonize", "no", "--logfile", "", "--loglevel", "notice")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())

	srv := &redisServer{Addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, done: make(chan struct{})}
	ready := make(chan struct{})
	var out strings.Builder
	var outMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			outMu.Lock()
			if out.Len() < 16<<10 {
				out.WriteString(sc.Text() + "\n")
			}
			outMu.Unlock()
			if !signalled && strings.Contains(sc.Text(), "Ready to accept connections") {
				signalled = true
				close(ready)
			}
		}
		cmd.Wait()
		close(srv.done)
	}()
	timeout := time.NewTimer(15 * time.Second)
	defer timeout.Stop()
	select {
	case <-ready:
		return srv, ""
	case <-srv.done:
	case <-timeout.C:
		srv.Stop()
	}
	outMu.Lock()
	defer outMu.Unlock()
	return nil, out.String()
}

// Stop kills the server (as a crash would) and waits for it to exit.
func (s *redisServer) Stop() {
	s.once.Do(func() {
		s.cmd.Process.Kill()
	})
	<-s.done
}

// Client returns a client of the server, closed at the test's cleanup.
func (s *redisServer) Client(t testing.TB) *redis.Client {
	return newClient(t, &redis.Options{Addr: s.Addr})
}

func newClient(t testing.TB, o *redis.Options) *redis.Client {
	t.Helper()
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// testRedis is the Redis a test uses: REDIS_URL's, or one it started.
type testRedis struct {
	opts *redis.Options
	// Prefix is unique to the test, so that tests can share a Redis.
	Prefix string
}

// newRedis returns the Redis for a test that does not stop it.
func newRedis(t testing.TB) *testRedis {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	prefix := "wxmptest:" + t.Name() + ":" + hex.EncodeToString(b[:]) + ":"
	if u := os.Getenv("REDIS_URL"); u != "" {
		o, err := redis.ParseURL(u)
		require.NoError(t, err, "REDIS_URL")
		return &testRedis{opts: o, Prefix: prefix}
	}
	srv := startRedis(t)
	return &testRedis{opts: &redis.Options{Addr: srv.Addr}, Prefix: prefix}
}

// Client returns a new client of the Redis (one per simulated instance),
// closed at the test's cleanup.
func (r *testRedis) Client(t testing.TB) *redis.Client {
	o := *r.opts
	return newClient(t, &o)
}

// Store returns a Store on a new client, with the test's prefix and the
// longest timeout: the tests that use it check what the Store does with
// the answers, and a machine loaded by parallel tests under the race
// detector can hold a command past the default timeout, which would send
// the Store to its memory. opts come after and may change both.
func (r *testRedis) Store(t testing.TB, opts ...redisstore.Option) *redisstore.Store {
	return redisstore.New(r.Client(t), append([]redisstore.Option{redisstore.WithPrefix(r.Prefix), redisstore.WithTimeout(redisstore.MaxTimeout)}, opts...)...)
}

// recv returns the next value from ch, failing the test if none comes
// within 10 s (a test that hangs says less than one that fails).
func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatal("nothing received in 10 s")
		panic("unreachable")
	}
}

// ping fails the test unless the Redis answers.
func ping(t testing.TB, c redis.UniversalClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.Ping(ctx).Err())
}
