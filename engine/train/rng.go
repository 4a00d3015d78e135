package train

import "math/rand/v2"

// rng is the one source of randomness for initialisation and shuffling. It
// wraps PCG (whose output sequence is fixed by its published definition) and
// draws bounded integers and uniform floats with its own arithmetic, so
// that a seed means the same weights and the same order on every Go
// release, whatever math/rand/v2's helpers may do.
type rng struct{ src *rand.PCG }

// newRNG seeds a stream; stream separates independent uses of one seed
// (weights, shuffling) so that changing one does not shift the other.
func newRNG(seed uint64, stream uint64) *rng {
	return &rng{src: rand.NewPCG(seed, 0x9e3779b97f4a7c15^stream)}
}

// uniform returns a float64 in [0, 1) from the top 53 bits.
func (r *rng) uniform() float64 {
	return float64(r.src.Uint64()>>11) / (1 << 53)
}

// intn returns an integer in [0, n) without modulo bias (rejection of the
// short last range).
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	un := uint64(n)
	limit := -un % un // 2^64 mod n
	for {
		v := r.src.Uint64()
		if v >= limit {
			return int(v % un)
		}
	}
}

// shuffle permutes p in place (Fisher-Yates, from the end).
func (r *rng) shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}
