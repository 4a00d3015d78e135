package train

import "math/rand/v2"

// synthetic is a small labelled set made from a seed: each class is a
// bright square at its own place on a noisy background, so a TinyVGG can
// learn it in a few steps.
type synthetic struct {
	size, channels int
	x              [][]float32
	y              []int
}

func newSynthetic(n, size, channels, classes int, seed uint64) *synthetic {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &synthetic{size: size, channels: channels}
	cell := max(size/4, 1)
	for i := 0; i < n; i++ {
		label := i % classes
		x := make([]float32, size*size*channels)
		for k := range x {
			x[k] = 0.2 * r.Float32()
		}
		oy, ox := (label/4)*cell%size, (label%4)*cell%size
		for y := oy; y < min(oy+cell, size); y++ {
			for xx := ox; xx < min(ox+cell, size); xx++ {
				for c := 0; c < channels; c++ {
					x[(y*size+xx)*channels+c] = 0.8 + 0.2*r.Float32()
				}
			}
		}
		s.x = append(s.x, x)
		s.y = append(s.y, label)
	}
	return s
}

func (s *synthetic) Len() int { return len(s.y) }

func (s *synthetic) Example(i int, x []float32) int {
	copy(x, s.x[i])
	return s.y[i]
}
