package push

import (
	"context"
	"fmt"
	"hash/maphash"
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
// entry's record and its share of the index, rounded up from what the
// package's BenchmarkMemoryStoreEntry measures on 64-bit platforms (about
// 100 bytes), with room for the records an entry written twice leaves
// behind for a while.
const MemoryEntryOverhead = 160

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
// The entries hold no pointers, so that the garbage collector does not
// scan them: each is a fixed-size record, indexed by a 64-bit hash of its
// key (the key itself, compared on every hit, rules out collisions), whose
// key and reply bytes are in large shared buffers released in the order
// the entries were written. The heap it holds is about twice the bytes
// it counts against [WithMemoryMaxBytes] at most, since an entry written
// again leaves its old bytes behind until they are the oldest.
//
// A MemoryStore serves one process; several instances behind one URL need
// a shared store.
type MemoryStore struct {
	now        func() time.Time
	maxEntries int
	maxBytes   int64
	seed       maphash.Seed
	// hash replaces maphash in tests (to make keys collide); nil in use.
	hash func(string) uint64

	mu sync.Mutex
	// index is an open-addressing table of the live records: a power of
	// two of slots, at most half of them used, each the hash of a key and
	// the sequence number of its record (0 in an empty slot), probed
	// linearly from the hash's own slot, so that a lookup touches one or
	// two cache lines. Keys of one hash take a slot each. A removal
	// shifts the slots after it back, so there are no tombstones.
	index []memSlot
	// ring holds the records of sequence numbers [head, tail), in the
	// order they were written, record seq at ring[seq%len(ring)]. Records
	// that were written again or removed stay there, dead, until they
	// reach the head.
	ring       []memRecord
	head, tail uint64
	live       int
	bytes      int64
	// chunks hold the key and reply bytes of the records in the ring, in
	// the same order: chunks[i] has the number chunk0+i.
	chunks []memChunk
	chunk0 uint32
	// spare are emptied chunks of chunkSize for reuse, so that a store in
	// its steady state allocates nothing.
	spare [][]byte
	// waiters are the channels Wait blocks on, by the sequence number of
	// the in-flight record; closed when the record is finished or removed.
	waiters map[uint64]chan struct{}
}

// memChunk is a buffer of keys and replies. shared says a reply in it was
// handed out: it is then never reused, and the reply stays as it is.
type memChunk struct {
	b      []byte
	shared bool
}

// maxSpareChunks is how many emptied chunks a store keeps for reuse.
const maxSpareChunks = 4

// memSlot is a slot of the index.
type memSlot struct {
	hash, seq uint64
}

// minIndex is the first size of the index; it doubles to keep at most
// half of its slots used.
const minIndex = 2048

// memRecord is one entry, or a dead record in the ring. It holds no
// pointer.
type memRecord struct {
	hash uint64
	// expires is in Unix nanoseconds of the store's clock.
	expires int64
	// chunk, off, keyLen and replyLen place the key and then the reply
	// in the chunks.
	chunk            uint32
	off              uint32
	keyLen, replyLen uint32
	state            recState
	waited           bool // a channel is in waiters
}

type recState uint8

const (
	recDead recState = iota
	recInFlight
	recFinished
)

// size is what an entry counts against the byte bound.
func (r *memRecord) size() int64 {
	return int64(r.keyLen+r.replyLen) + MemoryEntryOverhead
}

// chunkSize is the size of a buffer of keys and replies; a larger entry
// gets a buffer of its own.
const chunkSize = 64 << 10

// minRing is the first size of the ring; it doubles up to twice the entry
// bound.
const minRing = 1024

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
	s.seed = maphash.MakeSeed()
	s.index = make([]memSlot, minIndex)
	s.ring = make([]memRecord, min(2*s.maxEntries, minRing))
	s.head, s.tail = 1, 1
	return s, nil
}

// Claim implements [DedupStore.Claim]. ctx is not used: nothing blocks.
func (s *MemoryStore) Claim(_ context.Context, key string, ttl time.Duration) (Claim, error) {
	now := s.now().UnixNano()
	h := s.hashOf(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	seq, slot := s.lookup(h, key)
	if seq != 0 {
		r := s.rec(seq)
		if r.expires > now {
			if r.state == recFinished {
				return Claim{Status: Finished, Reply: s.share(r)}, nil
			}
			return Claim{Status: InFlight}, nil
		}
		s.kill(seq)
		slot = -1
	}
	s.add(h, key, nil, recInFlight, now+int64(ttl), slot)
	return Claim{Status: Claimed}, nil
}

// Finish implements [DedupStore.Finish]. The store keeps a copy of reply.
// ctx is not used: nothing blocks.
func (s *MemoryStore) Finish(_ context.Context, key string, reply []byte, ttl time.Duration) error {
	now := s.now().UnixNano()
	h := s.hashOf(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	big := int64(len(key)+len(reply))+MemoryEntryOverhead > s.maxBytes
	seq, slot := s.lookup(h, key)
	if seq != 0 {
		if !big && s.finishInPlace(seq, reply, now+int64(ttl)) {
			return nil
		}
		s.kill(seq) // wakes the waiters, who look again
		slot = -1
	}
	if big {
		return nil
	}
	s.add(h, key, reply, recFinished, now+int64(ttl), slot)
	return nil
}

// finishInPlace finishes the in-flight record seq where it is, when it is
// the newest record and its reply fits right after its key: the common
// case of a push whose handler ran while no other push came, which then
// costs no record and no index update. It reports whether it did.
func (s *MemoryStore) finishInPlace(seq uint64, reply []byte, expires int64) bool {
	r := s.rec(seq)
	if seq != s.tail-1 || r.state != recInFlight || r.chunk != s.chunk0+uint32(len(s.chunks)-1) {
		return false
	}
	c := &s.chunks[len(s.chunks)-1]
	if uint32(len(c.b)) != r.off+r.keyLen || cap(c.b)-len(c.b) < len(reply) {
		return false
	}
	c.b = append(c.b, reply...)
	s.wake(seq, r)
	s.bytes += int64(len(reply))
	r.replyLen, r.state, r.expires = uint32(len(reply)), recFinished, expires
	for s.head != seq && (s.live > s.maxEntries || s.bytes > s.maxBytes) {
		s.pop()
	}
	return true
}

// wake closes the channel the waiters of record seq block on, if any.
func (s *MemoryStore) wake(seq uint64, r *memRecord) {
	if r.waited {
		close(s.waiters[seq])
		delete(s.waiters, seq)
		r.waited = false
	}
}

// Wait implements [DedupStore.Wait].
func (s *MemoryStore) Wait(ctx context.Context, key string) ([]byte, error) {
	h := s.hashOf(key)
	for {
		now := s.now().UnixNano()
		s.mu.Lock()
		seq := s.find(h, key)
		if seq == 0 || s.rec(seq).expires <= now {
			s.mu.Unlock()
			return nil, ErrNoEntry
		}
		r := s.rec(seq)
		if r.state == recFinished {
			out := s.share(r)
			s.mu.Unlock()
			return out, nil
		}
		wake := s.waiters[seq]
		if wake == nil {
			if s.waiters == nil {
				s.waiters = make(map[uint64]chan struct{})
			}
			wake = make(chan struct{})
			s.waiters[seq] = wake
			r.waited = true
		}
		s.mu.Unlock()
		select {
		case <-wake:
			// Finished or removed: look again.
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *MemoryStore) hashOf(key string) uint64 {
	if s.hash != nil {
		return s.hash(key)
	}
	return maphash.String(s.seed, key)
}

// rec returns the record of sequence number seq, in [head, tail).
func (s *MemoryStore) rec(seq uint64) *memRecord {
	return &s.ring[seq%uint64(len(s.ring))]
}

// bytesOf returns the key and reply bytes of r, the reply with no spare
// capacity.
func (s *MemoryStore) bytesOf(r *memRecord) (key, reply []byte) {
	c := s.chunks[r.chunk-s.chunk0].b
	k, end := r.off+r.keyLen, r.off+r.keyLen+r.replyLen
	return c[r.off:k:k], c[k:end:end]
}

// share returns r's reply to hand out, nil for "no reply". Its chunk is
// then never reused, so the slice stays valid after the record goes.
func (s *MemoryStore) share(r *memRecord) []byte {
	_, out := s.bytesOf(r)
	if len(out) == 0 {
		return nil
	}
	s.chunks[r.chunk-s.chunk0].shared = true
	return out
}

// find returns the sequence number of the live record of key, whose hash
// is h, or 0.
func (s *MemoryStore) find(h uint64, key string) uint64 {
	seq, _ := s.lookup(h, key)
	return seq
}

// lookup returns the sequence number of the live record of key, whose
// hash is h, and 0 and the empty slot of the index where key would go
// when there is none.
func (s *MemoryStore) lookup(h uint64, key string) (seq uint64, slot int) {
	mask := len(s.index) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		e := s.index[i]
		if e.seq == 0 {
			return 0, i
		}
		if e.hash == h {
			if k, _ := s.bytesOf(s.rec(e.seq)); string(k) == key {
				return e.seq, i
			}
		}
	}
}

// insert puts record seq of hash h in the index, at slot when it is not
// negative (the empty slot lookup found, with nothing changed since).
func (s *MemoryStore) insert(h, seq uint64, slot int) {
	if 2*(s.live+1) > len(s.index) {
		s.growIndex()
		slot = -1
	}
	mask := len(s.index) - 1
	if slot < 0 {
		slot = int(h) & mask
		for s.index[slot].seq != 0 {
			slot = (slot + 1) & mask
		}
	}
	s.index[slot] = memSlot{hash: h, seq: seq}
}

// growIndex doubles the index.
func (s *MemoryStore) growIndex() {
	old := s.index
	s.index = make([]memSlot, 2*len(old))
	mask := len(s.index) - 1
	for _, e := range old {
		if e.seq == 0 {
			continue
		}
		i := int(e.hash) & mask
		for s.index[i].seq != 0 {
			i = (i + 1) & mask
		}
		s.index[i] = e
	}
}

// unindex removes record seq of hash h from the index, shifting back the
// slots after it that would otherwise no longer be found.
func (s *MemoryStore) unindex(h, seq uint64) {
	mask := len(s.index) - 1
	i := int(h) & mask
	for s.index[i].seq != seq {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		e := s.index[j]
		if e.seq == 0 {
			break
		}
		// e may fill the hole at i unless its own slot is in (i, j].
		if home := int(e.hash) & mask; (j-home)&mask >= (j-i)&mask {
			s.index[i] = e
			i = j
		}
	}
	s.index[i] = memSlot{}
}

// add writes a live record at the tail, its bytes at the end of the
// chunks, then removes the oldest records until both bounds hold.
//
// slot is the empty slot of the index lookup found for key, or -1.
func (s *MemoryStore) add(h uint64, key string, reply []byte, state recState, expires int64, slot int) {
	// Indexed first, while slot is still the one lookup found: the pops
	// below may move it.
	seq := s.tail
	s.insert(h, seq, slot)
	if s.tail-s.head == uint64(len(s.ring)) {
		if len(s.ring) < 2*s.maxEntries {
			s.grow()
		} else {
			s.pop()
		}
	}
	chunk, off := s.alloc(len(key) + len(reply))
	c := &s.chunks[chunk-s.chunk0]
	c.b = append(c.b, key...)
	c.b = append(c.b, reply...)
	s.tail++
	r := s.rec(seq)
	*r = memRecord{
		hash: h, expires: expires,
		chunk: chunk, off: off, keyLen: uint32(len(key)), replyLen: uint32(len(reply)),
		state: state,
	}
	s.live++
	s.bytes += r.size()
	for s.head != seq && (s.live > s.maxEntries || s.bytes > s.maxBytes) {
		s.pop()
	}
}

// alloc returns where n bytes go: at the end of the last chunk, or in a
// new one.
func (s *MemoryStore) alloc(n int) (chunk, off uint32) {
	if k := len(s.chunks); k > 0 {
		c := s.chunks[k-1].b
		if cap(c)-len(c) >= n {
			return s.chunk0 + uint32(k-1), uint32(len(c))
		}
	}
	var b []byte
	if k := len(s.spare); k > 0 && n <= chunkSize {
		b = s.spare[k-1]
		s.spare[k-1] = nil
		s.spare = s.spare[:k-1]
	} else {
		b = make([]byte, 0, max(n, chunkSize))
	}
	s.chunks = append(s.chunks, memChunk{b: b})
	return s.chunk0 + uint32(len(s.chunks)-1), 0
}

// grow doubles the ring, up to twice the entry bound.
func (s *MemoryStore) grow() {
	ring := make([]memRecord, min(2*len(s.ring), 2*s.maxEntries))
	for seq := s.head; seq < s.tail; seq++ {
		ring[seq%uint64(len(ring))] = *s.rec(seq)
	}
	s.ring = ring
}

// expire removes the dead and expired records at the head. Records are in
// the order they were written, and most expire in that order too; one that
// expires earlier than an older one is removed when it reaches the head,
// or when it is looked up.
func (s *MemoryStore) expire(now int64) {
	for s.head < s.tail {
		if r := s.rec(s.head); r.state != recDead && r.expires > now {
			return
		}
		s.pop()
	}
}

// pop removes the record at the head, and the chunks no record uses any
// more.
func (s *MemoryStore) pop() {
	seq := s.head
	if s.rec(seq).state != recDead {
		s.kill(seq)
	}
	s.head++
	if s.head == s.tail {
		// Empty: every chunk goes, the last one too unless another
		// record fits in it; chunk numbers go on.
		k := len(s.chunks)
		if k == 0 {
			return
		}
		if last := s.chunks[k-1]; !last.shared && cap(last.b)-len(last.b) >= 1<<10 {
			s.release(k - 1)
			s.chunks[0] = memChunk{b: last.b[:0]}
			s.chunks = s.chunks[:1]
			s.chunk0 += uint32(k - 1)
			return
		}
		s.release(k)
		s.chunks = s.chunks[:0]
		s.chunk0 += uint32(k)
		return
	}
	if first := s.rec(s.head).chunk; first != s.chunk0 {
		n := int(first - s.chunk0)
		s.release(n)
		s.chunks = s.chunks[n:]
		s.chunk0 = first
	}
}

// release lets go of the first n chunks, keeping some for reuse.
func (s *MemoryStore) release(n int) {
	for i := range n {
		c := s.chunks[i]
		if !c.shared && cap(c.b) == chunkSize && len(s.spare) < maxSpareChunks {
			s.spare = append(s.spare, c.b[:0])
		}
		s.chunks[i] = memChunk{}
	}
}

// kill makes the live record seq dead: out of the index and the counts,
// its waiters woken. It stays in the ring until it reaches the head.
func (s *MemoryStore) kill(seq uint64) {
	r := s.rec(seq)
	s.unindex(r.hash, seq)
	s.wake(seq, r)
	s.live--
	s.bytes -= r.size()
	r.state = recDead
}
