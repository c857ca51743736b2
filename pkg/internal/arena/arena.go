// Package arena is a bump allocator for short-lived byte slices: the texts a
// decoder or flattener builds for one record (unescaped strings, compacted
// values, composed keys) are carved from a few reused chunks instead of being
// allocated one by one, and what it handed out never moves until Reset.
package arena

// chunkSize is the size of a regular chunk; a larger request gets its own.
const chunkSize = 32 << 10

// Arena hands out byte slices valid until Reset. The zero value is ready.
type Arena struct {
	chunks [][]byte // chunks[cur] is being filled; the others are full or free
	cur    int
}

// Buf returns an empty slice with room for n bytes, carved from the arena:
// append to it (up to n bytes), then pass the result to Keep. Appending past n
// is allowed but leaves the arena (the result is then an ordinary slice).
func (a *Arena) Buf(n int) []byte {
	for a.cur < len(a.chunks) {
		c := a.chunks[a.cur]
		if cap(c)-len(c) >= n {
			return c[len(c):len(c):cap(c)][:0:n]
		}
		if a.cur+1 == len(a.chunks) {
			break
		}
		a.cur++
	}
	c := make([]byte, 0, max(n, chunkSize))
	a.chunks = append(a.chunks, c)
	a.cur = len(a.chunks) - 1
	return c[:0:n]
}

// Keep marks b, returned by Buf and filled since, as used, and returns it.
func (a *Arena) Keep(b []byte) []byte {
	if a.cur >= len(a.chunks) {
		return b
	}
	c := a.chunks[a.cur]
	if len(b) > 0 && cap(c)-len(c) >= len(b) && &c[:len(c)+1][len(c)] == &b[0] {
		a.chunks[a.cur] = c[:len(c)+len(b)]
	}
	return b
}

// Copy returns a copy of b held by the arena.
func (a *Arena) Copy(b []byte) []byte {
	return a.Keep(append(a.Buf(len(b)), b...))
}

// Concat returns the concatenation of parts held by the arena.
func (a *Arena) Concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := a.Buf(n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return a.Keep(out)
}

// Reset makes every chunk free again; slices handed out before must no
// longer be used. Chunks larger than a regular one are let go.
func (a *Arena) Reset() {
	keep := a.chunks[:0]
	for _, c := range a.chunks {
		if cap(c) == chunkSize {
			keep = append(keep, c[:0])
		}
	}
	clear(a.chunks[len(keep):])
	a.chunks, a.cur = keep, 0
}
