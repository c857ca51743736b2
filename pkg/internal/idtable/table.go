// table.go is a table's interface and its memory mode: a Go map, as long as
// its keys fit MaxMemoryKeys and the Budget the tables share.

package idtable

import (
	"os"
	"sync/atomic"
)

// Key is a table's key: a SHA-256 sum.
type Key = [32]byte

// Codec stores a value in Size bytes of a page, and reads it back.
type Codec[V any] struct {
	Size int
	Put  func(b []byte, v V)
	Get  func(b []byte) V
}

// MaxMemoryKeys is how many keys one table keeps in memory at most.
const MaxMemoryKeys = 1 << 16

// Scratch creates a scratch file for a table's pages: empty, read-write,
// and already unlinked (or otherwise removed when closed).
type Scratch func() (*os.File, error)

// Budget is the memory that tables share; what a table takes it gives back
// when it moves to its file or is closed.
type Budget struct{ left atomic.Int64 }

// NewBudget returns a budget of the given bytes.
func NewBudget(bytes int64) *Budget {
	b := &Budget{}
	b.left.Store(bytes)
	return b
}

func (b *Budget) take(n int64) bool {
	for {
		cur := b.left.Load()
		if cur < n {
			return false
		}
		if b.left.CompareAndSwap(cur, cur-n) {
			return true
		}
	}
}

func (b *Budget) give(n int64) { b.left.Add(n) }

// Table maps Keys to values of type V. It is used by one goroutine at a
// time; Close releases it.
type Table[V any] struct {
	codec   Codec[V]
	budget  *Budget
	scratch Scratch
	maxMem  int

	mem  map[Key]V
	room int   // keys the budget taken covers
	held int64 // bytes taken from the budget
	disk *pages
}

// New returns an empty table of values stored by c, which takes its memory
// from b and its file (if it comes to that) from s.
func New[V any](c Codec[V], b *Budget, s Scratch) *Table[V] {
	return &Table[V]{codec: c, budget: b, scratch: s, maxMem: MaxMemoryKeys, mem: map[Key]V{}}
}

// keyCost is what one key is reckoned to cost in memory: its slot in the
// map, and half as much again for the room a map keeps to grow.
func (t *Table[V]) keyCost() int64 { return int64(len(Key{})+t.codec.Size)*3/2 + 8 }

// Expect prepares the table for n more keys: it takes the memory for them
// at once, or moves to a file sized for them.
func (t *Table[V]) Expect(n int) error {
	if t.disk != nil || n <= t.room-len(t.mem) {
		return nil
	}
	want := len(t.mem) + n - t.room
	if len(t.mem)+n <= t.maxMem && t.budget.take(int64(want)*t.keyCost()) {
		t.room += want
		t.held += int64(want) * t.keyCost()
		return nil
	}
	return t.spill(len(t.mem) + n)
}

// Len is how many keys the table holds.
func (t *Table[V]) Len() int {
	if t.disk != nil {
		return t.disk.n
	}
	return len(t.mem)
}

// OnDisk reports whether the table has moved to its file.
func (t *Table[V]) OnDisk() bool { return t.disk != nil }

// Get returns the value of k and whether k is in the table.
func (t *Table[V]) Get(k *Key) (v V, ok bool, err error) {
	if t.disk == nil {
		v, ok = t.mem[*k]
		return v, ok, nil
	}
	b, ok, err := t.disk.find(k, false)
	if !ok || err != nil {
		return v, false, err
	}
	return t.codec.Get(b), true, nil
}

// Put sets the value of k.
func (t *Table[V]) Put(k *Key, v V) error {
	if t.disk == nil {
		if _, ok := t.mem[*k]; ok || len(t.mem) < t.room || t.grow() {
			t.mem[*k] = v
			return nil
		}
		if err := t.spill(2 * len(t.mem)); err != nil {
			return err
		}
	}
	b, _, err := t.disk.find(k, true)
	if err != nil {
		return err
	}
	t.codec.Put(b, v)
	return nil
}

// grow takes room for more keys from the budget: half as many as the
// table holds (at least 1024), else 1024; false when the table must move
// to its file.
func (t *Table[V]) grow() bool {
	for _, more := range []int{max(1024, t.room/2), 1024} {
		more = min(more, t.maxMem-t.room)
		if more > 0 && t.budget.take(int64(more)*t.keyCost()) {
			t.room += more
			t.held += int64(more) * t.keyCost()
			return true
		}
	}
	return false
}

// spill moves the table to a file sized for keys, and gives its memory back.
func (t *Table[V]) spill(keys int) error {
	d, err := newPages(t.scratch, t.codec.Size, keys)
	if err != nil {
		return err
	}
	for k, v := range t.mem {
		b, _, err := d.find(&k, true)
		if err != nil {
			d.close()
			return err
		}
		t.codec.Put(b, v)
	}
	t.disk, t.mem = d, nil
	t.release()
	return nil
}

func (t *Table[V]) release() {
	t.budget.give(t.held)
	t.held, t.room = 0, 0
}

// Each calls fn for every key and its value, in no particular order, and
// stops at fn's first error. fn must not use the table.
func (t *Table[V]) Each(fn func(k *Key, v V) error) error {
	if t.disk != nil {
		return t.disk.each(func(k *Key, b []byte) error { return fn(k, t.codec.Get(b)) })
	}
	for k, v := range t.mem {
		if err := fn(&k, v); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the table's memory and file; the table is then empty.
func (t *Table[V]) Close() error {
	var err error
	if t.disk != nil {
		err = t.disk.close()
	}
	t.disk, t.mem = nil, map[Key]V{}
	t.release()
	return err
}
