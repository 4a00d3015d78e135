package dataset

import (
	"fmt"

	"cnnexplainer/engine"
)

// Set is a labelled image set with its class names.
type Set struct {
	// Name says where the set came from, e.g. "Fashion-MNIST".
	Name string
	// Classes are the class names, indexed by label.
	Classes []string
	// Train and Test are the two splits; both have the same image shape.
	Train, Test Split
}

// Split is N images of one shape, stored as one flat slab of raw pixels.
type Split struct {
	// Shape is the (H, W, C) shape of every image.
	Shape []int
	// Pixels holds N*H*W*C raw 8-bit values: image i, in (H, W, C) order,
	// is Pixels[i*Size() : (i+1)*Size()].
	Pixels []uint8
	// Labels holds N class indices, each in [0, len(Set.Classes)).
	Labels []int
}

// Len is the number of images.
func (s Split) Len() int { return len(s.Labels) }

// Size is the number of values in one image, H*W*C.
func (s Split) Size() int { return engine.NumElements(s.Shape) }

// Image returns the raw pixels of image i; the slice aliases the slab.
func (s Split) Image(i int) []uint8 {
	n := s.Size()
	return s.Pixels[i*n : (i+1)*n : (i+1)*n]
}

// Float32 writes image i, each value times scale, into dst, which must hold
// at least Size() values, and returns dst[:Size()].
func (s Split) Float32(i int, scale float32, dst []float32) []float32 {
	img := s.Image(i)
	dst = dst[:len(img)]
	for j, v := range img {
		dst[j] = float32(v) * scale
	}
	return dst
}

// Tensor returns image i as a new (H, W, C) tensor of values times scale.
func (s Split) Tensor(i int, scale float32) *engine.Tensor {
	t := engine.NewTensor(s.Shape...)
	s.Float32(i, scale, t.Data)
	return t
}

// Floats converts the whole split at once: one new slab of N*Size() values
// times scale, laid out like Pixels.
func (s Split) Floats(scale float32) []float32 {
	// A lookup table turns 256 possible multiplications into a load and
	// makes every value identical to what Float32 gives.
	var table [256]float32
	for v := range table {
		table[v] = float32(v) * scale
	}
	out := make([]float32, len(s.Pixels))
	for j, v := range s.Pixels {
		out[j] = table[v]
	}
	return out
}

// Head returns the first n images (all of them when n <= 0 or n >= Len()),
// sharing memory with s; cmd/tinyvgg's -limit uses it.
func (s Split) Head(n int) Split {
	if n <= 0 || n >= s.Len() {
		return s
	}
	return Split{Shape: s.Shape, Pixels: s.Pixels[:n*s.Size()], Labels: s.Labels[:n]}
}

// check verifies that the slab, labels and shape agree and every label
// names a class.
func (s Split) check(classes int) error {
	if len(s.Shape) != 3 {
		return fmt.Errorf("image shape %v is not (H, W, C)", s.Shape)
	}
	if len(s.Pixels) != s.Len()*s.Size() {
		return fmt.Errorf("%d pixel values for %d images of shape %v", len(s.Pixels), s.Len(), s.Shape)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= classes {
			return fmt.Errorf("image %d has label %d, outside the %d classes", i, l, classes)
		}
	}
	return nil
}

// Counts returns how many images of each class the split holds.
func (s Split) Counts(classes int) []int {
	n := make([]int, classes)
	for _, l := range s.Labels {
		if l >= 0 && l < classes {
			n[l]++
		}
	}
	return n
}
