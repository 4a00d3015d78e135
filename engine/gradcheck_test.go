package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Gradient checks: every layer's Backward against central finite
// differences. The loss is L = sum_i r_i * y_i for a fixed random r, so
// dL/dy = r, and L is accumulated in float64 so that the difference
// quotient is not lost to float32 rounding of the sum. Inputs are drawn
// away from the kinks of ReLU and max-pool (|x| >= 0.05, distinct values),
// where a step of eps could cross a boundary.

const gradEps = 1e-3

func gradRand(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		// Magnitude in [0.05, 1), either sign, distinct with high
		// probability at float32 spacing far finer than eps.
		m := 0.05 + 0.95*r.Float64()
		if r.IntN(2) == 0 {
			m = -m
		}
		v[i] = float32(m)
	}
	return v
}

// lossOf runs l forward on x and returns sum r*y in float64.
func lossOf(l Layer, x *Tensor, outShape []int, r []float32) float64 {
	y := NewTensor(outShape...)
	l.Forward(x, y)
	var s float64
	for i, v := range y.Data {
		s += float64(r[i]) * float64(v)
	}
	return s
}

func numericGrad(f func() float64, v *float32) float64 {
	old := *v
	*v = old + gradEps
	up := f()
	*v = old - gradEps
	down := f()
	*v = old
	return (up - down) / (2 * float64(gradEps))
}

func checkClose(t *testing.T, what string, got float32, want float64) {
	t.Helper()
	if d := math.Abs(float64(got) - want); d > 2e-3+2e-3*math.Abs(want) {
		t.Errorf("%s: analytic %.6g, numeric %.6g", what, got, want)
	}
}

func TestGradients(t *testing.T) {
	conv := func(k, in, out, stride int, pad PadMode, p int, act Activation) *Conv2D {
		return &Conv2D{LayerName: "conv", KH: k, KW: k, InC: in, OutC: out, StrideH: stride, StrideW: stride,
			Padding: pad, Pad: p, Act: act, Kernel: make([]float32, k*k*in*out), Bias: make([]float32, out)}
	}
	dense := func(in, out int, act Activation) *Dense {
		return &Dense{LayerName: "dense", In: in, Out: out, Act: act, Kernel: make([]float32, in*out), Bias: make([]float32, out)}
	}
	tests := []struct {
		name  string
		layer Layer
		in    []int
	}{
		{"conv valid", conv(3, 2, 3, 1, Valid, 0, Linear), []int{6, 7, 2}},
		{"conv same", conv(3, 3, 2, 1, Same, 0, Linear), []int{8, 8, 3}},
		{"conv same even kernel", conv(2, 2, 2, 1, Same, 0, Linear), []int{5, 6, 2}},
		{"conv explicit 1", conv(3, 1, 10, 1, Explicit, 1, Linear), []int{9, 9, 1}},
		{"conv explicit 1 wide", conv(3, 10, 10, 1, Explicit, 1, Linear), []int{14, 14, 10}},
		{"conv stride 2 valid", conv(3, 2, 3, 2, Valid, 0, Linear), []int{9, 8, 2}},
		{"conv stride 2 same", conv(3, 2, 2, 2, Same, 0, Linear), []int{7, 7, 2}},
		{"conv relu", conv(3, 2, 3, 1, Explicit, 1, ActReLU), []int{7, 7, 2}},
		{"conv 5x5 valid", conv(5, 3, 4, 1, Valid, 0, Linear), []int{9, 10, 3}},
		{"relu", &ReLU{LayerName: "relu"}, []int{4, 5, 3}},
		{"maxpool 2x2", &MaxPool2D{LayerName: "pool", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}, []int{6, 6, 3}},
		{"maxpool 3x3 s2 same", &MaxPool2D{LayerName: "pool", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Same}, []int{7, 6, 2}},
		{"flatten", &Flatten{LayerName: "flatten"}, []int{3, 4, 2}},
		{"dense linear", dense(12, 5, Linear), []int{12}},
		{"dense relu", dense(12, 5, ActReLU), []int{12}},
		{"dense softmax", dense(12, 5, ActSoftmax), []int{12}},
		{"softmax", &Softmax{LayerName: "softmax"}, []int{7}},
	}
	for ti, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(ti), 99))
			for _, p := range tc.layer.Params() {
				copy(p.Data, gradRand(r, len(p.Data)))
				for i := range p.Data {
					p.Data[i] *= 0.5
				}
			}
			gradCheckLayer(t, r, tc.layer, tc.in)
		})
	}
}

// TestDenseBackwardLogits checks the gradient taken at the pre-activation
// of a dense layer with a fused softmax: L = sum r*z for z = x K + b.
func TestDenseBackwardLogits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	l := &Dense{LayerName: "output", In: 9, Out: 4, Act: ActSoftmax, Kernel: gradRand(r, 36), Bias: gradRand(r, 4)}
	x, _ := FromData(gradRand(r, 9), 9)
	rw := gradRand(r, 4)
	dz, _ := FromData(append([]float32(nil), rw...), 4)
	dx := NewTensor(9)
	grads := [][]float32{make([]float32, 36), make([]float32, 4)}
	l.BackwardLogits(x, dz, dx, grads)
	f := func() float64 {
		z := make([]float32, 4)
		l.Logits(x.Data, z)
		var s float64
		for i, v := range z {
			s += float64(rw[i]) * float64(v)
		}
		return s
	}
	for i := range x.Data {
		checkClose(t, fmt.Sprintf("dx[%d]", i), dx.Data[i], numericGrad(f, &x.Data[i]))
	}
	for i := range l.Kernel {
		checkClose(t, fmt.Sprintf("dkernel[%d]", i), grads[0][i], numericGrad(f, &l.Kernel[i]))
	}
	for i := range l.Bias {
		checkClose(t, fmt.Sprintf("dbias[%d]", i), grads[1][i], numericGrad(f, &l.Bias[i]))
	}
}

// TestBackwardWorkspaceReuse runs one workspace through layers of different
// sizes and checks that it gives the same bits as fresh memory.
func TestBackwardWorkspaceReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	var ws Workspace
	for _, sh := range [][]int{{14, 14, 10}, {5, 5, 10}, {28, 28, 10}} {
		l := &Conv2D{LayerName: "c", KH: 3, KW: 3, InC: 10, OutC: 10, StrideH: 1, StrideW: 1, Padding: Explicit, Pad: 1,
			Kernel: gradRand(r, 900), Bias: gradRand(r, 10)}
		x, _ := FromData(gradRand(r, NumElements(sh)), sh...)
		y := NewTensor(sh...)
		l.Forward(x, y)
		dy, _ := FromData(gradRand(r, len(y.Data)), sh...)
		dx1, dx2 := NewTensor(sh...), NewTensor(sh...)
		g1 := [][]float32{make([]float32, 900), make([]float32, 10)}
		g2 := [][]float32{make([]float32, 900), make([]float32, 10)}
		l.Backward(x, y, dy, dx1, g1)
		l.BackwardWith(&ws, x, y, dy, dx2, g2)
		for i := range dx1.Data {
			if dx1.Data[i] != dx2.Data[i] {
				t.Fatalf("shape %v: dx[%d] %v != %v", sh, i, dx1.Data[i], dx2.Data[i])
			}
		}
		for i := range g1[0] {
			if g1[0][i] != g2[0][i] {
				t.Fatalf("shape %v: dkernel[%d] %v != %v", sh, i, g1[0][i], g2[0][i])
			}
		}
	}
}

// TestMaxPoolBackwardTies checks that Backward sends each gradient to the
// cell Argmax names, also when a window holds equal values (few distinct
// values, so ties are common), on the 2x2 fast path and the general path.
func TestMaxPoolBackwardTies(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		pool  *MaxPool2D
		shape []int
	}{
		{&MaxPool2D{LayerName: "p", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}, []int{6, 6, 3}},
		{&MaxPool2D{LayerName: "p", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}, []int{7, 5, 10}},
		{&MaxPool2D{LayerName: "p", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Same}, []int{7, 5, 2}},
		{&MaxPool2D{LayerName: "p", PoolH: 3, PoolW: 2, StrideH: 1, StrideW: 2}, []int{6, 6, 2}},
	} {
		x := NewTensor(tc.shape...)
		for i := range x.Data {
			x.Data[i] = float32(r.IntN(3) - 1)
		}
		out, err := tc.pool.OutputShape(tc.shape)
		if err != nil {
			t.Fatal(err)
		}
		y := NewTensor(out...)
		tc.pool.Forward(x, y)
		dy, _ := FromData(gradRand(r, NumElements(out)), out...)
		dx := NewTensor(tc.shape...)
		tc.pool.Backward(x, y, dy, dx, nil)
		want := NewTensor(tc.shape...)
		for oy := 0; oy < out[0]; oy++ {
			for ox := 0; ox < out[1]; ox++ {
				for c := 0; c < out[2]; c++ {
					want.Data[tc.pool.Argmax(x, oy, ox, c)] += dy.Data[(oy*out[1]+ox)*out[2]+c]
				}
			}
		}
		for i := range want.Data {
			if math.Float32bits(dx.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("%v %+v: dx[%d] = %v, want %v", tc.shape, *tc.pool, i, dx.Data[i], want.Data[i])
			}
		}
	}
}

// gradCheckLayer checks l's Backward against central differences of
// L = sum r*y at a random input of shape in: the input gradient (which must
// be overwritten) and every parameter gradient (which must be added to).
func gradCheckLayer(t *testing.T, r *rand.Rand, l Layer, in []int) {
	t.Helper()
	x, err := FromData(gradRand(r, NumElements(in)), in...)
	if err != nil {
		t.Fatal(err)
	}
	outShape, err := l.OutputShape(in)
	if err != nil {
		t.Fatal(err)
	}
	rw := gradRand(r, NumElements(outShape))
	y := NewTensor(outShape...)
	l.Forward(x, y)
	dy, _ := FromData(append([]float32(nil), rw...), outShape...)
	dx := NewTensor(in...)
	for i := range dx.Data {
		dx.Data[i] = 123 // Backward must overwrite, not add
	}
	// Parameter gradients are added: start them at 1.
	var grads [][]float32
	for _, p := range l.Params() {
		g := make([]float32, len(p.Data))
		for i := range g {
			g[i] = 1
		}
		grads = append(grads, g)
	}
	l.Backward(x, y, dy, dx, grads)
	f := func() float64 { return lossOf(l, x, outShape, rw) }
	for i := range x.Data {
		checkClose(t, fmt.Sprintf("dx[%d]", i), dx.Data[i], numericGrad(f, &x.Data[i]))
	}
	for pi, p := range l.Params() {
		for i := range p.Data {
			checkClose(t, fmt.Sprintf("d%s[%d]", p.Name, i), grads[pi][i]-1, numericGrad(f, &p.Data[i]))
		}
	}
	// The input gradient is optional.
	l.Backward(x, y, dy, nil, grads)
}
