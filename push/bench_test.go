package push

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/reply"
)

// steppingClock returns a time a minute later at every call, so that each
// push finds the previous one's entry expired: a store in the steady state
// of a busy server, where every push adds an entry and one old entry goes,
// while the benchmark sends the same push again and again.
func steppingClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return time.Unix(n.Add(60), 0) }
}

// benchServe serves one delivery per iteration: a new request and recorder
// as in the root benchmarks.
func benchServe(b *testing.B, s http.Handler, target string, body []byte, check func(*httptest.ResponseRecorder)) {
	b.Helper()
	serveOnce := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	check(serveOnce())
	b.ReportAllocs()
	for b.Loop() {
		if w := serveOnce(); w.Code != http.StatusOK {
			b.Fatalf("HTTP status %d", w.Code)
		}
	}
}

// BenchmarkServer times one push through a Server with the echo handler:
// plain and safe, with the default memory store (on a stepping clock, so
// that every push runs the handler), without dedupe, and a retry answered
// from the store.
func BenchmarkServer(b *testing.B) {
	push := textPush(24537389287403911, "周六几点开门？Open on Saturday?")
	for _, m := range modes() {
		req := m.request(b, push, testTS, testNonce)
		target, body := req.URL.String(), mustRead(b, req)
		for _, variant := range []struct {
			name string
			opts []Option
		}{
			{"dedupe", []Option{WithDedup(mustMem(b, WithMemoryNow(steppingClock())))}},
			{"nodedupe", []Option{WithoutDedup()}},
			{"retry", nil},
		} {
			b.Run(m.name+"/"+variant.name, func(b *testing.B) {
				s := newTestServer(b, HandlerFunc(echo), nil, append(append([]Option{}, m.opts...), variant.opts...)...)
				benchServe(b, s, target, body, func(w *httptest.ResponseRecorder) {
					require.Equal(b, "周六几点开门？Open on Saturday?", decodeText(b, m.replyXML(b, w)).Content)
				})
			})
		}
	}
}

func mustRead(b *testing.B, r *http.Request) []byte {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	require.NoError(b, err)
	return buf.Bytes()
}

func mustMem(b *testing.B, opts ...MemoryOption) *MemoryStore {
	s, err := NewMemoryStore(opts...)
	require.NoError(b, err)
	return s
}

// BenchmarkDedup times what dedupe adds to a push: the key (message's
// DedupKey), and Claim and Finish on the memory store in its steady state.
func BenchmarkDedup(b *testing.B) {
	msg, err := message.Parse(textPush(24537389287403911, "hi"))
	require.NoError(b, err)
	out, err := reply.NewText(msg, "hi").Marshal()
	require.NoError(b, err)
	ctx := context.Background()
	key := msg.DedupKey()
	b.Run("key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = msg.DedupKey()
		}
	})
	b.Run("store", func(b *testing.B) {
		s := mustMem(b, WithMemoryNow(steppingClock()))
		b.ReportAllocs()
		for b.Loop() {
			cl, err := s.Claim(ctx, key, 8*time.Second)
			if err != nil || cl.Status != Claimed {
				b.Fatal(cl.Status, err)
			}
			if err := s.Finish(ctx, key, out, DefaultDedupTTL); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A different key each time, more keys than the store's default
	// bound: the store full and evicting, as on a busy server, where the
	// index and the records are mostly out of the CPU's caches.
	b.Run("full", func(b *testing.B) {
		keys := make([]string, 1<<17)
		for i := range keys {
			keys[i] = key + strconv.Itoa(i)
		}
		s := mustMem(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			k := keys[i%len(keys)]
			i++
			cl, err := s.Claim(ctx, k, 8*time.Second)
			if err != nil || cl.Status != Claimed {
				b.Fatal(cl.Status, err)
			}
			if err := s.Finish(ctx, k, out, DefaultDedupTTL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("both", func(b *testing.B) {
		s := mustMem(b, WithMemoryNow(steppingClock()))
		b.ReportAllocs()
		for b.Loop() {
			key := msg.DedupKey()
			cl, err := s.Claim(ctx, key, 8*time.Second)
			if err != nil || cl.Status != Claimed {
				b.Fatal(cl.Status, err)
			}
			if err := s.Finish(ctx, key, out, DefaultDedupTTL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMemoryStoreEntry measures the heap a MemoryStore holds per
// entry with a key of the default key's size (about 60 bytes) and a reply
// of 16: the store's record, its share of the index, and its copy of the
// key and the reply. Less those 76 bytes, it is the figure behind
// MemoryEntryOverhead.
func BenchmarkMemoryStoreEntry(b *testing.B) {
	const n = 100_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "15:gh_3c884a36156128:oia2TjjewbmiOUlr6X-1crbLOvLw" + strconv.Itoa(24537389287403911+i)
	}
	out := []byte("<xml>reply</xml>")
	ctx := context.Background()
	var perEntry float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := mustMem(b)
		for _, k := range keys {
			s.Claim(ctx, k, time.Hour)
			s.Finish(ctx, k, out, time.Hour)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEntry = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(s)
	}
	// The keys were allocated before the measurement: the figure is the
	// record, its share of the index, and the store's copy of the key and
	// the reply.
	b.ReportMetric(perEntry, "overhead-B/entry")
}
