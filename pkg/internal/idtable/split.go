// split.go reads a table's file from end to end: to double it (each page
// splits into two neighbours of the new file) and to list its keys. Both
// read and write chunkPages pages at a time.

package idtable

import (
	"fmt"
	"hash/maphash"
)

// grow doubles the file: page i splits into pages 2i and 2i+1 of a new
// one, by the next bit of each key's hash. A split page's keys cannot
// overflow the two halves.
func (p *pages) grow() error {
	if err := p.flush(); err != nil {
		return err
	}
	nf, err := p.newFile(p.depth + 1)
	if err != nil {
		return err
	}
	in := make([]byte, chunkPages*pageSize)
	out := make([]byte, 2*chunkPages*pageSize)
	total := int64(1) << p.depth
	for first := int64(0); first < total; first += chunkPages {
		n := min(chunkPages, total-first)
		if _, err := p.f.ReadAt(in[:n*pageSize], first*pageSize); err != nil {
			nf.Close()
			return fmt.Errorf("reading scratch file %s: %w", p.f.Name(), err)
		}
		clear(out[:2*n*pageSize])
		p.split(in[:n*pageSize], out, first)
		if _, err := nf.WriteAt(out[:2*n*pageSize], 2*first*pageSize); err != nil {
			nf.Close()
			return fmt.Errorf("writing scratch file %s: %w", nf.Name(), err)
		}
	}
	p.f.Close()
	p.f = nf
	p.depth++
	p.forget()
	return nil
}

// split places the keys of the pages in (pages first, first+1, …) into
// out, which holds pages 2·first, 2·first+1, … of the doubled file.
func (p *pages) split(in, out []byte, first int64) {
	for j := 0; j < len(in)/pageSize; j++ {
		pg := in[j*pageSize : (j+1)*pageSize]
		for s := range p.slots {
			if pg[s] == 0 {
				continue
			}
			off := p.slots + s*p.ent
			k := (*Key)(pg[off : off+len(Key{})])
			h := maphash.Bytes(p.seed, k[:])
			dst := p.index(h, p.depth+1) - 2*first
			opg := out[dst*pageSize : (dst+1)*pageSize]
			t, _ := p.probe(opg, k, h)
			p.place(opg, t, k, h)
			copy(p.value(opg, t), pg[off+len(Key{}):off+p.ent])
		}
	}
}

// each calls fn for every key and its value bytes, page by page.
func (p *pages) each(fn func(k *Key, v []byte) error) error {
	if err := p.flush(); err != nil {
		return err
	}
	in := make([]byte, chunkPages*pageSize)
	total := int64(1) << p.depth
	for first := int64(0); first < total; first += chunkPages {
		n := min(chunkPages, total-first)
		if _, err := p.f.ReadAt(in[:n*pageSize], first*pageSize); err != nil {
			return fmt.Errorf("reading scratch file %s: %w", p.f.Name(), err)
		}
		for j := range n {
			pg := in[j*pageSize : (j+1)*pageSize]
			for s := range p.slots {
				if pg[s] == 0 {
					continue
				}
				off := p.slots + s*p.ent
				if err := fn((*Key)(pg[off:off+len(Key{})]), pg[off+len(Key{}):off+p.ent]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
