package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/message"
	"github.com/wxmp/wxmp/msgcrypt"
	"github.com/wxmp/wxmp/push"
	"github.com/wxmp/wxmp/redisstore"
	"github.com/wxmp/wxmp/reply"
	"github.com/wxmp/wxmp/wxmptest"
)

// The account of the push tests: the examples of WeChat's documentation.
const (
	testToken  = "pamtest"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID  = "wxb11529c136998cb6"
)

// textPush is the XML of a text message with its MsgId.
func textPush(msgID int64, content string) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"+
		"<FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1714036504</CreateTime>"+
		"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>",
		content, msgID)
}

// counter is a push handler that counts its runs per MsgId and numbers its
// replies, so that two runs for one push would answer differently. gate,
// when not nil, holds each run until it is closed or receives.
type counter struct {
	total   atomic.Int64
	mu      sync.Mutex
	runs    map[int64]int
	started chan int64 // when not nil, told each MsgId a run starts for
	gate    chan struct{}
}

func newCounter() *counter { return &counter{runs: map[int64]int{}} }

func (c *counter) ServePush(ctx context.Context, msg message.Message) (reply.Reply, error) {
	m, ok := msg.(*message.Text)
	if !ok {
		return nil, nil
	}
	n := c.total.Add(1)
	c.mu.Lock()
	c.runs[m.MsgID]++
	c.mu.Unlock()
	if c.started != nil {
		c.started <- m.MsgID
	}
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return reply.NewText(m, "run "+strconv.FormatInt(n, 10)+": "+m.Content), nil
}

func (c *counter) Runs(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[id]
}

// instance is one server of the application: a push.Server on its own
// Store (its own Redis client), and a Pusher playing WeChat in safe mode
// against it.
type instance struct {
	store  push.DedupStore
	server *push.Server
	pusher *wxmptest.Pusher
}

func newInstance(t testing.TB, store push.DedupStore, h push.Handler) *instance {
	t.Helper()
	srv, err := push.NewServer(testToken, h, push.WithEncryption(testAESKey, testAppID), push.WithDedup(store))
	require.NoError(t, err)
	p, err := wxmptest.NewPusher(testToken, wxmptest.WithHandler(srv),
		wxmptest.WithEncryption(msgcrypt.ModeSafe, testAESKey, testAppID), wxmptest.WithRetries(0))
	require.NoError(t, err)
	return &instance{store: store, server: srv, pusher: p}
}

// deliver sends xml to the instance and returns the reply's text; a
// delivery WeChat would not accept (no answer in 5 s, a status other than
// 200, a bad reply) fails the test.
func (in *instance) deliver(t testing.TB, xml []byte) string {
	t.Helper()
	res, err := in.pusher.PushXML(context.Background(), xml)
	if !assert.NoError(t, err) {
		return ""
	}
	assert.Equal(t, 200, res.StatusCode)
	if res.Reply == nil || res.Reply.Kind != wxmptest.KindXML {
		return ""
	}
	assert.True(t, res.Reply.Encrypted, "the reply is sealed for its delivery")
	return res.Reply.Content
}

// waitSpy is a Store that tells when a delivery starts waiting for
// another's reply.
type waitSpy struct {
	*redisstore.Store
	waiting chan string
}

func (s *waitSpy) Wait(ctx context.Context, key string) ([]byte, error) {
	s.waiting <- key
	return s.Store.Wait(ctx, key)
}

// TestSamePushToTwoInstancesAtOnce: WeChat's delivery and its retry reach
// two instances at the same time; the handler runs once, the other
// instance waits for its reply, and both answer with it.
func TestSamePushToTwoInstancesAtOnce(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	h := newCounter()
	h.started = make(chan int64, 2)
	h.gate = make(chan struct{})
	waiting := make(chan string, 2)
	a := newInstance(t, &waitSpy{r.Store(t), waiting}, h)
	b := newInstance(t, &waitSpy{r.Store(t), waiting}, h)

	for id := int64(1); id <= 10; id++ {
		xml := textPush(id, "hello")
		var ra, rb string
		var wg sync.WaitGroup
		wg.Go(func() { ra = a.deliver(t, xml) })
		wg.Go(func() { rb = b.deliver(t, xml) })
		// One instance runs the handler and the other waits for it;
		// then the handler answers.
		assert.Equal(t, id, recv(t, h.started))
		recv(t, waiting)
		close(h.gate)
		wg.Wait()
		h.gate = make(chan struct{})
		assert.Equal(t, 1, h.Runs(id), "push %d: one run for two deliveries", id)
		assert.Equal(t, fmt.Sprintf("run %d: hello", id), ra, "push %d", id)
		assert.Equal(t, ra, rb, "push %d: both answer the same reply", id)
	}
}

// TestRetryAfterTheFirstFinished: a retry that reaches B after A answered
// gets A's reply, from Redis.
func TestRetryAfterTheFirstFinished(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	h := newCounter()
	a := newInstance(t, r.Store(t), h)
	b := newInstance(t, r.Store(t), h)
	xml := textPush(42, "again")
	first := a.deliver(t, xml)
	assert.Equal(t, "run 1: again", first)
	assert.Equal(t, first, b.deliver(t, xml), "B answers A's reply")
	assert.Equal(t, first, a.deliver(t, xml))
	assert.Equal(t, 1, h.Runs(42))
}

// TestThousandPushesOverTwoInstances: distinct pushes are never taken for
// one another.
func TestThousandPushesOverTwoInstances(t *testing.T) {
	t.Parallel()
	r := newRedis(t)
	h := newCounter()
	ins := []*instance{newInstance(t, r.Store(t), h), newInstance(t, r.Store(t), h)}
	const n = 1000
	var wg sync.WaitGroup
	ids := make(chan int64)
	for w := range 8 {
		wg.Go(func() {
			for id := range ids {
				got := ins[(int(id)+w)%2].deliver(t, textPush(id, "m"+strconv.FormatInt(id, 10)))
				assert.Contains(t, got, ": m"+strconv.FormatInt(id, 10)+"")
			}
		})
	}
	for id := int64(1); id <= n; id++ {
		ids <- id
	}
	close(ids)
	wg.Wait()
	assert.EqualValues(t, n, h.total.Load(), "one run per push")
	for id := int64(1); id <= n; id++ {
		require.Equal(t, 1, h.Runs(id), "push %d", id)
	}
}

// TestRedisKilledMidway: pushes go on while the Redis server is killed;
// every delivery is answered with 200 and its reply, and retries that
// reach the instance that answered keep their reply.
func TestRedisKilledMidway(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	var logs logBuffer
	h := newCounter()
	newStore := func() *redisstore.Store {
		return redisstore.New(srv.Client(t), redisstore.WithLogger(logs.Logger()))
	}
	ins := []*instance{newInstance(t, newStore(), h), newInstance(t, newStore(), h)}

	const n = 400
	var wg sync.WaitGroup
	var delivered atomic.Int64
	ids := make(chan int64)
	replies := make([]string, n+1)
	owner := make([]int, n+1) // which instance answered
	for w := range 4 {
		wg.Go(func() {
			for id := range ids {
				i := (int(id) + w) % 2
				owner[id] = i
				replies[id] = ins[i].deliver(t, textPush(id, "x"))
				assert.NotEmpty(t, replies[id], "push %d answered", id)
				if delivered.Add(1) == n/2 {
					srv.Stop()
				}
			}
		})
	}
	for id := int64(1); id <= n; id++ {
		ids <- id
	}
	close(ids)
	wg.Wait()
	assert.EqualValues(t, n, h.total.Load(), "every push ran once")

	// Retries that reach the instance that answered get its reply from
	// its memory, for pushes from before the kill as well as after.
	for _, id := range []int64{1, 2, n/2 - 1, n/2 + 1, n - 1, n} {
		assert.Equal(t, replies[id], ins[owner[id]].deliver(t, textPush(id, "x")), "push %d", id)
	}
	assert.EqualValues(t, n, h.total.Load(), "no retry ran the handler again")
	assert.Contains(t, logs.String(), "redisstore: Redis failed")
}
