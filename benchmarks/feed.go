package benchmarks

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/wxmp/wxmp/msgcrypt"
)

// FeedSize is how many different pushes a Feed hands out before it starts
// over: more than the 100 000 entries wxmp's push.Server remembers by
// default (push.DefaultMemoryMaxEntries), so that by the time a push comes
// round again the server has forgotten it, and every delivery runs the
// handler as a new push does.
const FeedSize = 1 << 17

// firstFeedMsgID is the MsgId of the first push of Pushes: 17 digits, like
// PushXML's, and never PushXML's own.
const firstFeedMsgID = 30_000_000_000_000_000

// pushMsgID is PushXML's MsgId, which Pushes replaces.
const pushMsgID = "24537389287403911"

// Pushes returns n different pushes for mode (ModePlain or ModeSafe):
// PushXML with the MsgIds 30000000000000000, 30000000000000001, … in its
// place, in clear or encrypted as PlainPush and SafePush are, so that
// every push is as long as PushXML and only its MsgId tells it apart, as
// a busy account's pushes are told apart. n must be less than 10^16.
func Pushes(mode string, n int) ([]Push, error) {
	if n < 0 || n >= 10_000_000_000_000_000 {
		return nil, fmt.Errorf("benchmarks: cannot make %d pushes", n)
	}
	prefix, suffix, ok := strings.Cut(PushXML, pushMsgID)
	if !ok {
		return nil, fmt.Errorf("benchmarks: PushXML has no MsgId %s", pushMsgID)
	}
	var crypter *msgcrypt.Crypter
	switch mode {
	case ModePlain:
	case ModeSafe:
		c, err := msgcrypt.New(Token, EncodingAESKey, AppID, msgcrypt.WithRandom(zeros{}))
		if err != nil {
			return nil, fmt.Errorf("benchmarks: build the safe pushes: %w", err)
		}
		crypter = c
	default:
		return nil, fmt.Errorf("benchmarks: unknown mode %q", mode)
	}
	target := PlainPush().Target
	out := make([]Push, n)
	for i := range out {
		b := make([]byte, 0, len(PushXML))
		b = append(b, prefix...)
		b = strconv.AppendUint(b, firstFeedMsgID+uint64(i), 10)
		b = append(b, suffix...)
		if crypter == nil {
			out[i] = Push{Target: target, Body: b}
			continue
		}
		p, err := seal(crypter, b)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Feed hands out the pushes of one mode one after another, starting over
// after the last: what a benchmark serves, one per iteration. A Feed is
// not safe for concurrent use.
type Feed struct {
	mode   string
	size   int
	pushes []Push
	next   int
}

// NewFeed returns a Feed of FeedSize pushes of mode. The pushes are made
// by the first Fill, and shared by every Feed of the same mode and size.
func NewFeed(mode string) *Feed { return &Feed{mode: mode, size: FeedSize} }

// newFeedOf is NewFeed with another size, for tests.
func newFeedOf(mode string, size int) *Feed { return &Feed{mode: mode, size: size} }

// pool is the pushes of a mode and size, made once.
type pool struct {
	once   sync.Once
	pushes []Push
	err    error
}

type poolKey struct {
	mode string
	size int
}

var (
	poolsMu sync.Mutex
	pools   = map[poolKey]*pool{}
)

// Fill makes the pushes of f, or takes them from another Feed of the same
// mode and size: about a second of work for FeedSize safe pushes, which
// Next must not pay. It is a no-op after the first call.
func (f *Feed) Fill() error {
	if f.pushes != nil {
		return nil
	}
	poolsMu.Lock()
	p, ok := pools[poolKey{f.mode, f.size}]
	if !ok {
		p = &pool{}
		pools[poolKey{f.mode, f.size}] = p
	}
	poolsMu.Unlock()
	p.once.Do(func() { p.pushes, p.err = Pushes(f.mode, f.size) })
	if p.err != nil {
		return p.err
	}
	if len(p.pushes) == 0 {
		return fmt.Errorf("benchmarks: a feed of %d pushes", f.size)
	}
	f.pushes = p.pushes
	return nil
}

// Next returns the next push. Fill must have returned nil before.
func (f *Feed) Next() Push {
	p := f.pushes[f.next]
	f.next++
	if f.next == len(f.pushes) {
		f.next = 0
	}
	return p
}
