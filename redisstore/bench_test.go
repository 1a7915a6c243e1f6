package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/signature"
)

// BenchmarkPushLatency measures one push through a push.Server, each a
// new push (so a claim and a finish each), with dedupe in memory (the
// default) and on Redis over loopback. It reports the median and the 99th
// percentile of the single pushes' latencies (p50-ns, p99-ns): the
// difference between the two is what Redis adds to a push.
//
//	go test -run '^$' -bench PushLatency -benchtime 20000x
func BenchmarkPushLatency(b *testing.B) {
	h := push.HandlerFunc(func(_ context.Context, msg message.Message) (reply.Reply, error) {
		if m, ok := msg.(*message.Text); ok {
			return reply.NewText(m, m.Content), nil
		}
		return nil, nil
	})
	const ts, nonce = "1714036504", "1514711492"
	q := url.Values{"signature": {signature.Compute(testToken, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	target := "/wechat?" + q.Encode()

	run := func(b *testing.B, opts ...push.Option) {
		srv, err := push.NewServer(testToken, h, opts...)
		if err != nil {
			b.Fatal(err)
		}
		lat := make([]time.Duration, 0, 1<<16)
		id := int64(0)
		for b.Loop() {
			id++
			req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(textPush(id, "hi")))
			rec := httptest.NewRecorder()
			start := time.Now()
			srv.ServeHTTP(rec, req)
			lat = append(lat, time.Since(start))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
		report(b, lat)
	}
	b.Run("store=memory", func(b *testing.B) { run(b) })
	// For scale: one PING's round trip to the same Redis.
	b.Run("redis-ping", func(b *testing.B) {
		r := newRedis(b)
		c := r.Client(b)
		ctx := context.Background()
		ping(b, c)
		lat := make([]time.Duration, 0, 1<<16)
		for b.Loop() {
			start := time.Now()
			if err := c.Ping(ctx).Err(); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		report(b, lat)
	})
	for _, ctxTimeout := range []bool{false, true} {
		b.Run(fmt.Sprintf("store=redis/ContextTimeoutEnabled=%v", ctxTimeout), func(b *testing.B) {
			r := newRedis(b)
			o := *r.opts
			o.ContextTimeoutEnabled = ctxTimeout
			c := newClient(b, &o)
			ping(b, c)
			run(b, push.WithDedup(redisstore.New(c, redisstore.WithPrefix(r.Prefix))))
		})
	}
}

// report sorts lat and reports its median and 99th percentile.
func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
