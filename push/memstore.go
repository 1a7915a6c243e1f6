package push

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Bounds of a [MemoryStore] unless [WithMemoryMaxEntries] and
// [WithMemoryMaxBytes] say otherwise.
const (
	// DefaultMemoryMaxEntries is 100 000 pushes: a minute of a busy
	// account at 1 600 pushes a second.
	DefaultMemoryMaxEntries = 100_000
	// DefaultMemoryMaxBytes is 64 MiB, counting each entry as its key,
	// its reply and [MemoryEntryOverhead].
	DefaultMemoryMaxBytes = 64 << 20
)

// MemoryEntryOverhead is what a [MemoryStore] counts for each entry on top
// of the bytes of its key and reply, against [WithMemoryMaxBytes]: the
// entry's struct and its share of the index, rounded up from what the
// package's BenchmarkMemoryStoreEntry measures on 64-bit platforms.
const MemoryEntryOverhead = 160

// maxSpare is how many removed entries a MemoryStore keeps for reuse, so
// that a store at its bound allocates nothing per push.
const maxSpare = 256

// MemoryStore is the [DedupStore] a [Server] uses unless [WithDedup] gives
// another: entries in memory, bounded in number and in bytes, each Claim,
// Finish and Wait O(1) (plus, now and then, the removal of entries that
// expired, each removed once).
//
// Entries are kept in the order they were last written (claimed or
// finished). When a new one would pass either bound, the oldest go first,
// expired or not: under a load the bounds cannot hold for the whole expiry,
// retries of the oldest pushes are no longer recognized, while memory
// stays bounded. A finished entry larger than the byte bound by itself is
// not kept. Removing an in-flight entry wakes its waiters, whose Wait then
// returns [ErrNoEntry].
//
// A MemoryStore serves one process; several instances behind one URL need
// a shared store.
type MemoryStore struct {
	now        func() time.Time
	maxEntries int
	maxBytes   int64

	mu    sync.Mutex
	index map[string]*memEntry
	// head is the entry written longest ago, tail the latest.
	head, tail *memEntry
	bytes      int64
	spare      []*memEntry
}

type memEntry struct {
	key   string
	reply []byte
	// expires is in Unix nanoseconds of the store's clock.
	expires  int64
	finished bool
	// wake is made by the first Wait on an in-flight entry and closed
	// when the entry is finished or removed.
	wake       chan struct{}
	prev, next *memEntry
}

func (e *memEntry) size() int64 {
	return int64(len(e.key)+len(e.reply)) + MemoryEntryOverhead
}

// MemoryOption configures a MemoryStore in [NewMemoryStore]. A nil
// MemoryOption is skipped; one given a nil or out-of-range value makes
// NewMemoryStore return an error wrapping [ErrInvalidConfig].
type MemoryOption func(*MemoryStore) error

// WithMemoryMaxEntries bounds the number of entries
// (DefaultMemoryMaxEntries unless set). n must be positive.
func WithMemoryMaxEntries(n int) MemoryOption {
	return func(s *MemoryStore) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMemoryMaxEntries must be positive", ErrInvalidConfig)
		}
		s.maxEntries = n
		return nil
	}
}

// WithMemoryMaxBytes bounds the bytes of all entries, each counted as its
// key, its reply and MemoryEntryOverhead (DefaultMemoryMaxBytes unless
// set). n must be positive.
func WithMemoryMaxBytes(n int64) MemoryOption {
	return func(s *MemoryStore) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithMemoryMaxBytes must be positive", ErrInvalidConfig)
		}
		s.maxBytes = n
		return nil
	}
}

// WithMemoryNow sets the clock entries expire by; the default is
// time.Now. It is meant for tests. now must not be nil.
func WithMemoryNow(now func() time.Time) MemoryOption {
	return func(s *MemoryStore) error {
		if now == nil {
			return fmt.Errorf("%w: WithMemoryNow needs a func", ErrInvalidConfig)
		}
		s.now = now
		return nil
	}
}

// NewMemoryStore returns an empty MemoryStore with the default bounds
// unless options change them. Errors wrap ErrInvalidConfig.
func NewMemoryStore(opts ...MemoryOption) (*MemoryStore, error) {
	s := &MemoryStore{
		now:        time.Now,
		maxEntries: DefaultMemoryMaxEntries,
		maxBytes:   DefaultMemoryMaxBytes,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.index = make(map[string]*memEntry, min(s.maxEntries, 1024))
	return s, nil
}

// Claim implements [DedupStore.Claim]. ctx is not used: nothing blocks.
func (s *MemoryStore) Claim(_ context.Context, key string, ttl time.Duration) (Claim, error) {
	now := s.now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if e := s.index[key]; e != nil {
		if e.expires > now {
			if e.finished {
				return Claim{Status: Finished, Reply: e.reply}, nil
			}
			return Claim{Status: InFlight}, nil
		}
		s.remove(e)
	}
	e := s.newEntry()
	e.key, e.expires = key, now+int64(ttl)
	s.index[key] = e
	s.link(e)
	return Claim{Status: Claimed}, nil
}

// Finish implements [DedupStore.Finish]. The store keeps reply as it is.
// ctx is not used: nothing blocks.
func (s *MemoryStore) Finish(_ context.Context, key string, reply []byte, ttl time.Duration) error {
	now := s.now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.index[key]
	indexed := e != nil
	if indexed {
		s.unlink(e)
	} else {
		e = s.newEntry()
		e.key = key
	}
	e.reply, e.finished, e.expires = reply, true, now+int64(ttl)
	if e.wake != nil {
		close(e.wake)
		e.wake = nil
	}
	if e.size() > s.maxBytes {
		delete(s.index, key)
		s.recycle(e)
		return nil
	}
	if !indexed {
		s.index[key] = e
	}
	s.link(e)
	return nil
}

// Wait implements [DedupStore.Wait].
func (s *MemoryStore) Wait(ctx context.Context, key string) ([]byte, error) {
	for {
		now := s.now().UnixNano()
		s.mu.Lock()
		e := s.index[key]
		if e == nil || e.expires <= now {
			s.mu.Unlock()
			return nil, ErrNoEntry
		}
		if e.finished {
			r := e.reply
			s.mu.Unlock()
			return r, nil
		}
		if e.wake == nil {
			e.wake = make(chan struct{})
		}
		wake := e.wake
		s.mu.Unlock()
		select {
		case <-wake:
			// Finished or removed: look again.
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// expire removes the expired entries at the head. Entries are in the order
// they were written, and most expire in that order too; one that expires
// earlier than an older one is removed when it reaches the head, or when
// it is looked up.
func (s *MemoryStore) expire(now int64) {
	for s.head != nil && s.head.expires <= now {
		s.remove(s.head)
	}
}

// link adds e, in the index but not in the list, at the tail of the list,
// then removes the oldest entries until both bounds hold.
func (s *MemoryStore) link(e *memEntry) {
	e.prev, e.next = s.tail, nil
	if s.tail != nil {
		s.tail.next = e
	} else {
		s.head = e
	}
	s.tail = e
	s.bytes += e.size()
	for s.head != e && (len(s.index) > s.maxEntries || s.bytes > s.maxBytes) {
		s.remove(s.head)
	}
}

// unlink takes e out of the list, leaving it in the index.
func (s *MemoryStore) unlink(e *memEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
	s.bytes -= e.size()
}

// remove takes e out of the list and the index, wakes its waiters and
// keeps it for reuse.
func (s *MemoryStore) remove(e *memEntry) {
	s.unlink(e)
	delete(s.index, e.key)
	if e.wake != nil {
		close(e.wake)
	}
	s.recycle(e)
}

func (s *MemoryStore) recycle(e *memEntry) {
	*e = memEntry{}
	if len(s.spare) < maxSpare {
		s.spare = append(s.spare, e)
	}
}

func (s *MemoryStore) newEntry() *memEntry {
	if n := len(s.spare); n > 0 {
		e := s.spare[n-1]
		s.spare = s.spare[:n-1]
		return e
	}
	return new(memEntry)
}
