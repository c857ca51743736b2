// A tiny seeded generator (splitmix64), so that data depend only on the seed
// and the window, never on global state or the Go version.

package sersim

// rng is a splitmix64 pseudo-random generator.
type rng struct{ state uint64 }

// mix is splitmix64's finaliser: a good 64-bit hash of x.
func mix(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	return mix(r.state)
}

// intn returns a number in [0, n); n must be > 0.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int64) int64 { return lo + int64(r.next()%uint64(hi-lo+1)) }

// chance is true with probability num/den.
func (r *rng) chance(num, den int) bool { return r.intn(den) < num }
