package redisstore_test

import (
	"context"
	"net/http"

	"github.com/redis/go-redis/v9"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/jssdk"
	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
	"github.com/wxmp/wxmp/reply"
)

// setUp is the package doc's snippet, compiled.
func setUp(appID, appSecret, token string, mux push.Handler) error {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	store := redisstore.New(rdb)

	tokens, err := accesstoken.New(appID, appSecret, accesstoken.WithStore(store))
	if err != nil {
		return err
	}
	tickets, err := jssdk.New(appID, tokens, jssdk.WithStore(store))
	if err != nil {
		return err
	}
	srv, err := push.NewServer(token, mux, push.WithDedup(store))
	if err != nil {
		return err
	}
	http.Handle("/wechat", srv)
	_ = tickets
	return nil
}

var _ = setUp

// Every instance of the server makes its Store on the same Redis and gives
// it to its push Server and its token Source: a push delivered to two
// instances runs the handler once, and both answer with its reply.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()
	store := redisstore.New(rdb, redisstore.WithPrefix("shop:"))

	h := push.HandlerFunc(func(ctx context.Context, msg message.Message) (reply.Reply, error) {
		if m, ok := msg.(*message.Text); ok {
			return reply.NewText(m, "you said: "+m.Content), nil
		}
		return nil, nil
	})
	srv, err := push.NewServer("token from the console", h, push.WithDedup(store))
	if err != nil {
		panic(err)
	}
	http.Handle("/wechat", srv)

	tokens, err := accesstoken.New("wx…", "AppSecret", accesstoken.WithStore(store))
	if err != nil {
		panic(err)
	}
	_ = tokens
}
