package accesstoken_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/accesstoken"
)

// BenchmarkTokenWarm measures Token on a warm cache: one atomic load and
// one clock read, no allocation.
func BenchmarkTokenWarm(b *testing.B) {
	s := newSource(b, newFake(b))
	ctx := context.Background()
	if _, err := s.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTokenWarmDoesNotAllocate(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f)
	ctx := context.Background()
	_, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = s.Token(ctx) }))
	assert.EqualValues(t, 1, f.calls.Load())
}

// BenchmarkTokenWarmFixedClock is BenchmarkTokenWarm with a clock that
// costs nothing, to show what the Source adds to time.Now.
func BenchmarkTokenWarmFixedClock(b *testing.B) {
	c := &clock{now: t0}
	s := newSource(b, newFake(b), accesstoken.WithNow(func() time.Time { return c.now }))
	ctx := context.Background()
	if _, err := s.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
