package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	for _, tc := range []struct {
		name   string
		client redis.UniversalClient
		opt    redisstore.Option
		want   string
	}{
		{"nil client", nil, nil, "nil client"},
		{"nil *redis.Client", (*redis.Client)(nil), nil, "nil client"},
		{"nil *redis.ClusterClient", (*redis.ClusterClient)(nil), nil, "nil client"},
		{"empty prefix", c, redisstore.WithPrefix(""), "WithPrefix"},
		{"zero timeout", c, redisstore.WithTimeout(0), "WithTimeout"},
		{"negative timeout", c, redisstore.WithTimeout(-time.Second), "WithTimeout"},
		{"timeout past the bound", c, redisstore.WithTimeout(redisstore.MaxTimeout + 1), "WithTimeout"},
		{"nil logger", c, redisstore.WithLogger(nil), "WithLogger"},
		{"nil memory", c, redisstore.WithMemory(nil), "WithMemory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, "New panics with an error")
				assert.ErrorIs(t, err, redisstore.ErrInvalidConfig)
				assert.Contains(t, err.Error(), tc.want)
			}()
			redisstore.New(tc.client, tc.opt)
		})
	}
	// A nil Option is skipped; the bounds themselves are accepted.
	assert.NotNil(t, redisstore.New(c, nil, redisstore.WithTimeout(redisstore.MaxTimeout), redisstore.WithPrefix("p:")))
}

// TestWithMemory: the memory given is the one dedupe falls back on.
func TestWithMemory(t *testing.T) {
	t.Parallel()
	mem, err := push.NewMemoryStore()
	require.NoError(t, err)
	// Nothing listens on port 1: every command fails.
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer c.Close()
	var logs logBuffer
	s := redisstore.New(c, redisstore.WithMemory(mem), redisstore.WithLogger(logs.Logger()))
	ctx := context.Background()
	cl, err := s.Claim(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, push.Claimed, cl.Status)
	cl, err = mem.Claim(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, push.InFlight, cl.Status, "claimed in the memory given")

	// Wait and Finish go there too, without an error.
	done := make(chan []byte)
	go func() {
		r, err := s.Wait(ctx, "k")
		assert.NoError(t, err)
		done <- r
	}()
	require.NoError(t, s.Finish(ctx, "k", []byte("<xml/>"), time.Minute))
	assert.Equal(t, "<xml/>", string(recv(t, done)))
	_, err = s.Wait(ctx, "unknown")
	assert.True(t, errors.Is(err, push.ErrNoEntry))
}
