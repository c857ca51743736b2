// Tests of the table against a Go map: random puts and gets in memory, in a
// file and moving from one to the other, the memory budget that tables share,
// failures to make a scratch file, and keys crowded to one prefix; and a
// benchmark of numbering keys as the poller does.

package idtable

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var u64 = Codec[uint64]{
	Size: 8,
	Put:  func(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) },
	Get:  func(b []byte) uint64 { return binary.LittleEndian.Uint64(b) },
}

// scratchIn makes scratch files in dir, unlinked at once, and remembers
// them so that a test can see they were closed.
type scratchIn struct {
	dir   string
	files []*os.File
}

func (s *scratchIn) open() (*os.File, error) {
	f, err := os.CreateTemp(s.dir, "scratch-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	s.files = append(s.files, f)
	return f, nil
}

// allClosed fails unless every scratch file was closed.
func (s *scratchIn) allClosed(t *testing.T) {
	t.Helper()
	for _, f := range s.files {
		if _, err := f.Stat(); !errors.Is(err, os.ErrClosed) {
			t.Fatalf("scratch file %s left open", f.Name())
		}
	}
}

func key(i int) Key { return sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i))) }

// TestTableActsLikeAMap runs the same random puts and gets against a table
// and a map: in memory, in a file from the start, and moving to a file
// partway (after 300 keys) and then doubling it several times.
func TestTableActsLikeAMap(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget int64
		maxMem int
		disk   bool
	}{
		{"memory", 1 << 30, MaxMemoryKeys, false},
		{"file from the start", 0, MaxMemoryKeys, true},
		{"file after 300 keys", 1 << 30, 300, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scratchIn{dir: t.TempDir()}
			b := NewBudget(tc.budget)
			tab := New(u64, b, s.open)
			tab.maxMem = tc.maxMem
			want := map[Key]uint64{}
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range 60_000 {
				k := key(rng.IntN(20_000))
				if rng.IntN(3) == 0 {
					v, ok, err := tab.Get(&k)
					if w, wok := want[k]; err != nil || ok != wok || v != w {
						t.Fatalf("op %d: Get = %d, %v, %v; want %d, %v", i, v, ok, err, w, wok)
					}
					continue
				}
				v := rng.Uint64()
				if err := tab.Put(&k, v); err != nil {
					t.Fatal(err)
				}
				want[k] = v
			}
			if tab.Len() != len(want) || tab.OnDisk() != tc.disk {
				t.Fatalf("Len %d, OnDisk %v; want %d, %v", tab.Len(), tab.OnDisk(), len(want), tc.disk)
			}
			seen := 0
			err := tab.Each(func(k *Key, v uint64) error {
				if w, ok := want[*k]; !ok || w != v {
					t.Fatalf("Each: %x = %d, want %d (%v)", k[:4], v, w, ok)
				}
				seen++
				return nil
			})
			if err != nil || seen != len(want) {
				t.Fatalf("Each listed %d keys (%v), want %d", seen, err, len(want))
			}
			if tc.disk && len(s.files) < 2 {
				t.Fatalf("%d scratch files: the file never doubled", len(s.files))
			}
			if err := tab.Close(); err != nil {
				t.Fatal(err)
			}
			s.allClosed(t)
			if left := b.left.Load(); left != tc.budget {
				t.Fatalf("the budget has %d bytes after Close, want %d", left, tc.budget)
			}
		})
	}
}

// TestTablesShareTheBudget: a table that cannot get memory moves to its
// file, and gives back what it held; Expect takes the memory at once.
func TestTablesShareTheBudget(t *testing.T) {
	s := &scratchIn{dir: t.TempDir()}
	one := New(u64, nil, s.open)
	cost := one.keyCost()
	b := NewBudget(3000 * cost)
	a, c := New(u64, b, s.open), New(u64, b, s.open)
	for i := range 2000 {
		k := key(i)
		if err := a.Put(&k, 1); err != nil {
			t.Fatal(err)
		}
	}
	if a.OnDisk() || b.left.Load() != 3000*cost-2048*cost {
		t.Fatalf("a on disk %v, budget left %d; want in memory with 2048 keys' worth taken", a.OnDisk(), b.left.Load())
	}
	if err := c.Expect(1000); err != nil || !c.OnDisk() {
		t.Fatalf("Expect(1000) with room for 952: %v, on disk %v; want a file", err, c.OnDisk())
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expect(900); err != nil || c.OnDisk() || b.left.Load() != 52*cost {
		t.Fatalf("Expect(900): %v, on disk %v, left %d; want memory and %d left", err, c.OnDisk(), b.left.Load(), 52*cost)
	}
	for i := range 3000 {
		k := key(i)
		if err := a.Put(&k, 2); err != nil {
			t.Fatal(err)
		}
	}
	if !a.OnDisk() || b.left.Load() != 2100*cost {
		t.Fatalf("a on disk %v, budget left %d; want a file and a's memory back", a.OnDisk(), b.left.Load())
	}
	a.Close()
	c.Close()
	s.allClosed(t)
}

// TestTableReportsScratchFailures: a table whose file cannot be made says
// why, and keeps what it had.
func TestTableReportsScratchFailures(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "gone", "scratch")
	tab := New(u64, NewBudget(0), func() (*os.File, error) { return os.Create(bad) })
	k := key(1)
	if err := tab.Put(&k, 1); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Put without a scratch file: %v, want the file's error", err)
	}
	if tab.Len() != 0 || tab.OnDisk() {
		t.Fatalf("after the failure: %d keys, on disk %v", tab.Len(), tab.OnDisk())
	}
}

// TestCrowdedKeysSpreadOverPages: keys that share their first 24 bytes
// (as a peer grinding SHA-256 sums could make them) take no more pages
// than random keys: pages are chosen by a keyed hash.
func TestCrowdedKeysSpreadOverPages(t *testing.T) {
	depth := func(crowded bool) uint {
		s := &scratchIn{dir: t.TempDir()}
		tab := New(u64, NewBudget(0), s.open)
		defer tab.Close()
		for i := range 20_000 {
			k := key(i)
			if crowded {
				k = Key{}
				binary.BigEndian.PutUint64(k[24:], uint64(i))
			}
			if err := tab.Put(&k, uint64(i)); err != nil {
				t.Fatal(err)
			}
		}
		return tab.disk.depth
	}
	if r, c := depth(false), depth(true); c > r+1 {
		t.Fatalf("crowded keys need 2^%d pages, random ones 2^%d", c, r)
	}
}

// BenchmarkPutGet numbers keys as the poller does (a Get and a Put per
// key), in memory and in a file of a million keys.
func BenchmarkPutGet(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget int64
		keys   int
	}{{"memory", 1 << 30, 50_000}, {"file", 0, 1_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			s := &scratchIn{dir: b.TempDir()}
			tab := New(u64, NewBudget(bc.budget), s.open)
			defer tab.Close()
			keys := make([]Key, bc.keys)
			for i := range keys {
				keys[i] = key(i)
			}
			i := 0
			for b.Loop() {
				k := &keys[i%len(keys)]
				v, _, err := tab.Get(k)
				if err == nil {
					err = tab.Put(k, v+1)
				}
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
