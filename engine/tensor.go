package engine

import (
	"fmt"
	"math"
)

// Tensor is a dense float32 array in C order. Maps are (H, W, C); vectors (N).
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// FromData wraps data in a tensor of the given shape; the length must match.
func FromData(data []float32, shape ...int) (*Tensor, error) {
	if n := NumElements(shape); n != len(data) {
		return nil, fmt.Errorf("engine: %d values do not fill shape %v (%d)", len(data), shape, n)
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}, nil
}

// NumElements is the product of the dimensions of shape.
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Len is the number of values in t.
func (t *Tensor) Len() int { return len(t.Data) }

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// H, W and C read the dimensions of an (H, W, C) map.
func (t *Tensor) H() int { return t.Shape[0] }
func (t *Tensor) W() int { return t.Shape[1] }
func (t *Tensor) C() int { return t.Shape[2] }

// At reads the value at (y, x, c) of an (H, W, C) map.
func (t *Tensor) At(y, x, c int) float32 {
	return t.Data[(y*t.Shape[1]+x)*t.Shape[2]+c]
}

// Set writes the value at (y, x, c) of an (H, W, C) map.
func (t *Tensor) Set(y, x, c int, v float32) {
	t.Data[(y*t.Shape[1]+x)*t.Shape[2]+c] = v
}

// Channel copies channel c of an (H, W, C) map into a new (H, W, 1) map.
func (t *Tensor) Channel(c int) *Tensor {
	h, w, cs := t.Shape[0], t.Shape[1], t.Shape[2]
	out := NewTensor(h, w, 1)
	for i := 0; i < h*w; i++ {
		out.Data[i] = t.Data[i*cs+c]
	}
	return out
}

// MinMax returns the smallest and largest value of t.
func (t *Tensor) MinMax() (lo, hi float32) {
	if len(t.Data) == 0 {
		return 0, 0
	}
	lo, hi = t.Data[0], t.Data[0]
	for _, v := range t.Data {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// MaxAbs returns the largest |value| of t.
func (t *Tensor) MaxAbs() float32 {
	var m float32
	for _, v := range t.Data {
		m = max(m, float32(math.Abs(float64(v))))
	}
	return m
}
