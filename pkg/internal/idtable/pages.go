// pages.go is a table's file mode: 2^depth pages of 4 KiB in a scratch
// file, each a small open-addressing table, read and written through a
// direct-mapped cache of a few pages. A key's page is the top bits of its
// keyed hash; when a page fills up (or the whole file is three quarters
// full) the file doubles, each page splitting into two neighbours, which is
// one sequential pass.
//
//	page: tag byte per slot (0 free, else 0x80 | 7 bits of the hash), then
//	      per slot the 32-byte key and the value

package idtable

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"os"
)

const (
	pageSize   = 4096
	cachePages = 64
	chunkPages = 32 // pages read at once when the file doubles or is listed
	maxDepth   = 40 // 4 PiB of pages: only a broken hash gets there
)

type pages struct {
	scratch Scratch
	seed    maphash.Seed
	f       *os.File
	depth   uint
	slots   int // per page
	ent     int // bytes per slot: key and value
	n       int // keys held

	cache  []byte
	cached []int64 // the page each cache slot holds, -1 for none
	dirty  []bool
}

// newPages returns an empty file of pages for values of size bytes, with
// room for keys at half load.
func newPages(s Scratch, size, keys int) (*pages, error) {
	p := &pages{scratch: s, seed: maphash.MakeSeed(), ent: len(Key{}) + size}
	p.slots = pageSize / (1 + p.ent)
	if p.slots < 2 {
		return nil, fmt.Errorf("idtable: values of %d bytes do not fit a page", size)
	}
	if need := 2 * keys / p.slots; need > 1 {
		p.depth = uint(bits.Len(uint(need - 1)))
	}
	f, err := p.newFile(p.depth)
	if err != nil {
		return nil, err
	}
	p.f = f
	p.cache = make([]byte, cachePages*pageSize)
	p.cached = make([]int64, cachePages)
	p.dirty = make([]bool, cachePages)
	p.forget()
	return p, nil
}

func (p *pages) newFile(depth uint) (*os.File, error) {
	if depth > maxDepth {
		return nil, errors.New("idtable: table too large")
	}
	f, err := p.scratch()
	if err != nil {
		return nil, fmt.Errorf("scratch file for a large window: %w", err)
	}
	if err := f.Truncate(int64(pageSize) << depth); err != nil {
		f.Close()
		return nil, fmt.Errorf("sizing scratch file %s: %w", f.Name(), err)
	}
	return f, nil
}

func (p *pages) forget() {
	for i := range p.cached {
		p.cached[i], p.dirty[i] = -1, false
	}
}

func (p *pages) index(h uint64, depth uint) int64 {
	if depth == 0 {
		return 0
	}
	return int64(h >> (64 - depth))
}

// find returns the value bytes of k's slot, and whether k was there. With
// add, a missing k gets a zeroed slot and the page is marked written (the
// caller fills in the value); the bytes are valid until the next call.
func (p *pages) find(k *Key, add bool) (val []byte, found bool, err error) {
	h := maphash.Bytes(p.seed, k[:])
	if add && 4*(p.n+1) > 3*(p.slots<<p.depth) {
		if err := p.grow(); err != nil {
			return nil, false, err
		}
	}
	for {
		c, err := p.page(p.index(h, p.depth))
		if err != nil {
			return nil, false, err
		}
		pg := p.cache[c*pageSize : (c+1)*pageSize]
		s, found := p.probe(pg, k, h)
		switch {
		case found:
			p.dirty[c] = p.dirty[c] || add
			return p.value(pg, s), true, nil
		case !add:
			return nil, false, nil
		case s >= 0:
			p.place(pg, s, k, h)
			p.dirty[c] = true
			p.n++
			return p.value(pg, s), false, nil
		}
		if err := p.grow(); err != nil { // k's page is full
			return nil, false, err
		}
	}
}

// probe looks for k in page pg from its hash's slot on: the slot holding
// it, or the free slot where it would go (-1: the page is full).
func (p *pages) probe(pg []byte, k *Key, h uint64) (slot int, found bool) {
	tag := byte(h>>32) | 0x80
	s := int(uint32(h) % uint32(p.slots))
	for range p.slots {
		switch pg[s] {
		case 0:
			return s, false
		case tag:
			off := p.slots + s*p.ent
			if bytes.Equal(pg[off:off+len(Key{})], k[:]) {
				return s, true
			}
		}
		if s++; s == p.slots {
			s = 0
		}
	}
	return -1, false
}

func (p *pages) place(pg []byte, s int, k *Key, h uint64) {
	pg[s] = byte(h>>32) | 0x80
	off := p.slots + s*p.ent
	copy(pg[off:], k[:])
	clear(pg[off+len(Key{}) : off+p.ent])
}

func (p *pages) value(pg []byte, s int) []byte {
	off := p.slots + s*p.ent + len(Key{})
	return pg[off : off+p.ent-len(Key{})]
}

// page brings page i into the cache and returns its cache slot.
func (p *pages) page(i int64) (int, error) {
	c := int(i % cachePages)
	if p.cached[c] == i {
		return c, nil
	}
	buf := p.cache[c*pageSize : (c+1)*pageSize]
	if p.dirty[c] {
		if _, err := p.f.WriteAt(buf, p.cached[c]*pageSize); err != nil {
			return 0, fmt.Errorf("writing scratch file %s: %w", p.f.Name(), err)
		}
	}
	p.cached[c], p.dirty[c] = -1, false
	if _, err := p.f.ReadAt(buf, i*pageSize); err != nil {
		return 0, fmt.Errorf("reading scratch file %s: %w", p.f.Name(), err)
	}
	p.cached[c] = i
	return c, nil
}

// flush writes the cache's changed pages to the file.
func (p *pages) flush() error {
	for c, i := range p.cached {
		if i < 0 || !p.dirty[c] {
			continue
		}
		if _, err := p.f.WriteAt(p.cache[c*pageSize:(c+1)*pageSize], i*pageSize); err != nil {
			return fmt.Errorf("writing scratch file %s: %w", p.f.Name(), err)
		}
		p.dirty[c] = false
	}
	return nil
}

func (p *pages) close() error {
	err := p.f.Close()
	p.cache, p.cached, p.dirty = nil, nil, nil
	return err
}
