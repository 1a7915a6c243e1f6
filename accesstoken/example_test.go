package accesstoken_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/wxmptest"
)

// A Source pointed at the API fake of package wxmptest, the way a test
// or a local run points it at a stand-in for api.weixin.qq.com.
func Example() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()

	src, err := accesstoken.New(fake.AppID(), fake.AppSecret(), accesstoken.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	tok, err := src.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	again, _ := src.Token(ctx)
	fmt.Println("same token:", again == tok.AccessToken)
	fmt.Println("valid for about two hours:", time.Until(tok.Expiry).Round(time.Hour))
	fmt.Println("requests:", fake.Calls(wxmptest.APIStableTokenPath))
	// Output:
	// same token: true
	// valid for about two hours: 2h0m0s
	// requests: 1
}

// The retry an API client makes when WeChat refuses a token: invalidate
// that token (compare-and-swap), get another, try once more.
func ExampleSource_Invalidate() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	src, err := accesstoken.New(fake.AppID(), fake.AppSecret(), accesstoken.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	tok, _ := src.Token(ctx)
	fake.RotateTokens() // another party revoked it: calls with tok now answer 40001

	// … a call with tok answered 40001:
	if err := src.Invalidate(ctx, tok); err != nil {
		log.Fatal(err) // only a Store's error
	}
	fresh, _ := src.Token(ctx)
	fmt.Println("new token:", fresh != tok)

	// A second call that failed with the same old token changes nothing.
	_ = src.Invalidate(ctx, tok)
	again, _ := src.Token(ctx)
	fmt.Println("kept:", again == fresh)
	fmt.Println("requests:", fake.Calls(wxmptest.APIStableTokenPath))
	// Output:
	// new token: true
	// kept: true
	// requests: 2
}

// What a refusal looks like: errors.Is names the case, and the message
// says what to do.
func ExampleError() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	fake.SetFaults(wxmptest.APIFault{Path: wxmptest.APIStableTokenPath, ErrCode: 40164})
	src, _ := accesstoken.New(fake.AppID(), fake.AppSecret(), accesstoken.WithBaseURL(fake.URL))

	_, err = src.Token(context.Background())
	fmt.Println(errors.Is(err, accesstoken.ErrIPNotWhitelisted))
	var e *accesstoken.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code)
		fmt.Println(e.Hint())
	}
	// Output:
	// true
	// 40164
	// this server's IP address is not in the account's IP whitelist: add it to "IP白名单" (IP whitelist) under 设置与开发 → 基本配置 at mp.weixin.qq.com
}

// printing a Token never shows it: its length and a fingerprint are
// enough to tell whether two processes hold the same one.
func ExampleToken_String() {
	tok := accesstoken.Token{
		AccessToken: "ACCESS_TOKEN",
		Expiry:      time.Date(2026, 1, 2, 5, 4, 5, 0, time.UTC),
	}
	fmt.Println(tok)
	fmt.Printf("%#v\n", tok)
	// Output:
	// accesstoken.Token{AccessToken:<redacted 12 bytes sha256:ffc52dcb>, Expiry:2026-01-02T05:04:05Z}
	// accesstoken.Token{AccessToken:<redacted 12 bytes sha256:ffc52dcb>, Expiry:2026-01-02T05:04:05Z}
}

// memoryStore is the smallest correct Store: a map under a mutex. A Redis
// one does the same with GET and a Lua script for the compare-and-swap:
//
//	if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
//	if ARGV[2] == '' then redis.call('DEL', KEYS[1])
//	else redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3]) end
//	return 1
type memoryStore struct {
	mu sync.Mutex
	m  map[string]accesstoken.Token
}

func (s *memoryStore) Load(_ context.Context, key string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.m[key]
	return t.AccessToken, t.Expiry, nil
}

func (s *memoryStore) CompareAndSwap(_ context.Context, key, old, value string, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key].AccessToken != old {
		return false, nil
	}
	if value == "" {
		delete(s.m, key)
	} else {
		s.m[key] = accesstoken.Token{AccessToken: value, Expiry: expiry}
	}
	return true, nil
}

// Two Sources, as in two processes, share one token through a Store.
func ExampleStore() {
	fake, err := wxmptest.NewAPIServer()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	store := &memoryStore{m: map[string]accesstoken.Token{}}
	newSource := func() *accesstoken.Source {
		src, err := accesstoken.New(fake.AppID(), fake.AppSecret(),
			accesstoken.WithBaseURL(fake.URL), accesstoken.WithStore(store))
		if err != nil {
			log.Fatal(err)
		}
		return src
	}
	a, b := newSource(), newSource()
	ctx := context.Background()
	ta, _ := a.Token(ctx)
	tb, _ := b.Token(ctx)
	fmt.Println("same token:", ta == tb)
	fmt.Println("requests:", fake.Calls(wxmptest.APIStableTokenPath))
	// Output:
	// same token: true
	// requests: 1
}
