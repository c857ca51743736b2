// scan_string_test.go checks plainRun, which looks at eight bytes at a
// time, against the byte-at-a-time definition of a plain byte.

package serapi

import (
	"math/rand/v2"
	"testing"
)

func TestPlainRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	special := []byte{'"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0x9f, 0xa0, 0xff, 'a', '!', '#', '[', ']'}
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = special[rng.IntN(len(special))]
			} else {
				b[i] = byte(0x20 + rng.IntN(0x60))
			}
		}
		for from := range len(b) + 1 {
			want := from
			for want < len(b) && plain[b[want]] {
				want++
			}
			if got := plainRun(b, from); got != want {
				t.Fatalf("plainRun(%q, %d) = %d, want %d", b, from, got, want)
			}
		}
	}
}
