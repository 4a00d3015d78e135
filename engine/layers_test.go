package engine

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// The expected values below are worked out by hand; the comments show the
// arithmetic so that a reader can check them on paper.

// seq returns the map of the given shape holding 1, 2, 3, ... in C order.
func seq(shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(i + 1)
	}
	return t
}

func mustTensor(t *testing.T, data []float32, shape ...int) *Tensor {
	t.Helper()
	x, err := FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// runLayer checks the output shape and returns the layer's output for x.
func runLayer(t *testing.T, l Layer, x *Tensor, wantShape []int) *Tensor {
	t.Helper()
	shape, err := l.OutputShape(x.Shape)
	if err != nil {
		t.Fatalf("OutputShape(%v): %v", x.Shape, err)
	}
	if !slices.Equal(shape, wantShape) {
		t.Fatalf("OutputShape(%v) = %v, want %v", x.Shape, shape, wantShape)
	}
	y := NewTensor(shape...)
	l.Forward(x, y)
	return y
}

func closeTo(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol) {
			t.Fatalf("%s[%d] = %v, want %v (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

func TestConv2DForward(t *testing.T) {
	// in3 is the 3x3 map
	//	1 2 3
	//	4 5 6
	//	7 8 9
	k22 := []float32{1, 2, 3, 4} // 2x2x1x1: [[1 2] [3 4]]
	ones33 := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	tests := []struct {
		name  string
		layer *Conv2D
		in    *Tensor
		shape []int
		want  []float32
	}{
		{
			// y[0,0] = 1*1 + 2*2 + 4*3 + 5*4 + 1 = 38, and so on.
			name:  "valid 2x2 with bias",
			layer: &Conv2D{KH: 2, KW: 2, InC: 1, OutC: 1, StrideH: 1, StrideW: 1, Padding: Valid, Kernel: k22, Bias: []float32{1}},
			in:    seq(3, 3, 1),
			shape: []int{2, 2, 1},
			want:  []float32{38, 48, 68, 78},
		},
		{
			// Total padding 1 on each axis goes to the bottom/right, so the
			// last column sees only its own value and the one below:
			// y[0,2] = 3*1 + 6*3 = 21, y[2,0] = 7*1 + 8*2 = 23, y[2,2] = 9.
			name:  "same 2x2, odd total padding at bottom/right",
			layer: &Conv2D{KH: 2, KW: 2, InC: 1, OutC: 1, StrideH: 1, StrideW: 1, Padding: Same, Kernel: k22, Bias: []float32{0}},
			in:    seq(3, 3, 1),
			shape: []int{3, 3, 1},
			want:  []float32{37, 47, 21, 67, 77, 33, 23, 26, 9},
		},
		{
			// An all-ones 3x3 kernel sums each 3x3 neighbourhood.
			name:  "same 3x3 sums neighbourhoods",
			layer: &Conv2D{KH: 3, KW: 3, InC: 1, OutC: 1, StrideH: 1, StrideW: 1, Padding: Same, Kernel: ones33, Bias: []float32{0}},
			in:    seq(3, 3, 1),
			shape: []int{3, 3, 1},
			want:  []float32{12, 21, 16, 27, 45, 33, 24, 39, 28},
		},
		{
			name:  "explicit P=1 equals same for 3x3",
			layer: &Conv2D{KH: 3, KW: 3, InC: 1, OutC: 1, StrideH: 1, StrideW: 1, Padding: Explicit, Pad: 1, Kernel: ones33, Bias: []float32{0}},
			in:    seq(3, 3, 1),
			shape: []int{3, 3, 1},
			want:  []float32{12, 21, 16, 27, 45, 33, 24, 39, 28},
		},
		{
			// P=1 with a 2x2 kernel grows the map to 4x4: the corner sees
			// only x[0,0]*4 = 4, the centre-left y[1,0] = 1*2 + 4*4 = 18.
			name:  "explicit P=1 2x2 grows the map",
			layer: &Conv2D{KH: 2, KW: 2, InC: 1, OutC: 1, StrideH: 1, StrideW: 1, Padding: Explicit, Pad: 1, Kernel: k22, Bias: []float32{0}},
			in:    seq(3, 3, 1),
			shape: []int{4, 4, 1},
			want: []float32{
				4, 11, 18, 9,
				18, 37, 47, 21,
				36, 67, 77, 33,
				14, 23, 26, 9,
			},
		},
		{
			// Windows start at 0 and 2 of 0..4; each sums 9 values around
			// its centre c, which is 9*c for v = 5y+x: centres 6, 8, 16, 18.
			name:  "valid stride 2 on odd size",
			layer: &Conv2D{KH: 3, KW: 3, InC: 1, OutC: 1, StrideH: 2, StrideW: 2, Padding: Valid, Kernel: ones33, Bias: []float32{0}},
			in:    func() *Tensor { x := seq(5, 5, 1); x.Data = subOne(x.Data); return x }(),
			shape: []int{2, 2, 1},
			want:  []float32{54, 72, 144, 162},
		},
		{
			// Width 5, kernel 2, stride 2, same: 3 outputs, total padding
			// 1 at the right. Kernel [1 10]: 1+20, 3+40, 5+0.
			name:  "same stride 2 on odd width",
			layer: &Conv2D{KH: 1, KW: 2, InC: 1, OutC: 1, StrideH: 1, StrideW: 2, Padding: Same, Kernel: []float32{1, 10}, Bias: []float32{0}},
			in:    seq(1, 5, 1),
			shape: []int{1, 3, 1},
			want:  []float32{21, 43, 5},
		},
		{
			name:  "same stride 2 on odd height",
			layer: &Conv2D{KH: 2, KW: 1, InC: 1, OutC: 1, StrideH: 2, StrideW: 1, Padding: Same, Kernel: []float32{1, 10}, Bias: []float32{0}},
			in:    seq(5, 1, 1),
			shape: []int{3, 1, 1},
			want:  []float32{21, 43, 5},
		},
		{
			// Pixels (1,2) and (3,4); kernel K[c][o] = [[1 2] [3 4]],
			// bias (0.5, -0.5): o0 = 1*1+2*3+0.5, o1 = 1*2+2*4-0.5, ...
			name:  "1x1 with 2 in and 2 out channels",
			layer: &Conv2D{KH: 1, KW: 1, InC: 2, OutC: 2, StrideH: 1, StrideW: 1, Padding: Valid, Kernel: []float32{1, 2, 3, 4}, Bias: []float32{0.5, -0.5}},
			in:    seq(1, 2, 2),
			shape: []int{1, 2, 2},
			want:  []float32{7.5, 9.5, 15.5, 21.5},
		},
		{
			// Kernel (KH=1, KW=2, C=2, O=1) in (ky, kx, c, o) order is
			// [1 2 3 4]: 1*1 + 2*2 + 3*3 + 4*4 = 30.
			name:  "kernel layout ky,kx,c,o",
			layer: &Conv2D{KH: 1, KW: 2, InC: 2, OutC: 1, StrideH: 1, StrideW: 1, Padding: Valid, Kernel: []float32{1, 2, 3, 4}, Bias: []float32{0}},
			in:    seq(1, 2, 2),
			shape: []int{1, 1, 1},
			want:  []float32{30},
		},
		{
			// As "1x1 with 2 in and 2 out channels" with bias (-10, 0):
			// o0 = 7-10 = -3 -> 0 and 15-10 = 5; o1 = 10 and 22.
			name:  "fused ReLU",
			layer: &Conv2D{KH: 1, KW: 1, InC: 2, OutC: 2, StrideH: 1, StrideW: 1, Padding: Valid, Kernel: []float32{1, 2, 3, 4}, Bias: []float32{-10, 0}, Act: ActReLU},
			in:    seq(1, 2, 2),
			shape: []int{1, 2, 2},
			want:  []float32{0, 10, 5, 22},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.layer.LayerName = "conv"
			y := runLayer(t, tc.layer, tc.in, tc.shape)
			closeTo(t, "output", y.Data, tc.want, 1e-5)
		})
	}
}

func subOne(d []float32) []float32 {
	for i := range d {
		d[i]--
	}
	return d
}

func TestMaxPool2DForward(t *testing.T) {
	mixed := []float32{
		1, -2, 3, 0,
		4, 5, -6, 2,
		-1, 0, 9, 8,
		7, -3, 2, -5,
	}
	negative := []float32{-1, -2, -3, -4, -5, -6, -7, -8, -9}
	tests := []struct {
		name  string
		layer *MaxPool2D
		in    *Tensor
		shape []int
		want  []float32
	}{
		{
			name:  "valid pool 2",
			layer: &MaxPool2D{PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Valid},
			in:    mustTensor(t, mixed, 4, 4, 1),
			shape: []int{2, 2, 1},
			want:  []float32{5, 3, 7, 9},
		},
		{
			// 3x3 to 2x2 with the padding at the bottom/right. Padded cells
			// never win: a zero pad would give 0, and a top/left pad would
			// give -1, -2, -4, -5 instead.
			name:  "same pool 2 on odd size, all negative",
			layer: &MaxPool2D{PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Same},
			in:    mustTensor(t, negative, 3, 3, 1),
			shape: []int{2, 2, 1},
			want:  []float32{-1, -3, -7, -9},
		},
		{
			// Channel 0 holds 1, 3, ..., 17 and channel 1 holds 2, ..., 18.
			name:  "pool 3, two channels kept apart",
			layer: &MaxPool2D{PoolH: 3, PoolW: 3, StrideH: 3, StrideW: 3, Padding: Valid},
			in:    seq(3, 3, 2),
			shape: []int{1, 1, 2},
			want:  []float32{17, 18},
		},
		{
			// Pool 3, stride 2 over 1..5 in a row: windows 1-3 and 3-5; the
			// rows are 1..5 and 6..10 and 11..15, the last row wins.
			name:  "pool 3 stride 2 overlapping",
			layer: &MaxPool2D{PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Valid},
			in:    seq(3, 5, 1),
			shape: []int{1, 2, 1},
			want:  []float32{13, 15},
		},
		{
			// Width 7, pool 3, valid: two windows, the last column dropped.
			name:  "pool 3 valid drops the remainder",
			layer: &MaxPool2D{PoolH: 1, PoolW: 3, StrideH: 1, StrideW: 3, Padding: Valid},
			in:    mustTensor(t, []float32{1, 5, 2, 3, 0, 4, 99}, 1, 7, 1),
			shape: []int{1, 2, 1},
			want:  []float32{5, 4},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.layer.LayerName = "pool"
			y := runLayer(t, tc.layer, tc.in, tc.shape)
			closeTo(t, "output", y.Data, tc.want, 0)
		})
	}
}

func TestFlattenKerasOrder(t *testing.T) {
	// Cell (y, x, c) of a 2x2x2 map holds 100y + 10x + c; Keras flattens
	// with c fastest, then x, then y.
	x := NewTensor(2, 2, 2)
	for y := 0; y < 2; y++ {
		for xx := 0; xx < 2; xx++ {
			for c := 0; c < 2; c++ {
				x.Set(y, xx, c, float32(100*y+10*xx+c))
			}
		}
	}
	out := runLayer(t, &Flatten{LayerName: "flatten"}, x, []int{8})
	closeTo(t, "flatten", out.Data, []float32{0, 1, 10, 11, 100, 101, 110, 111}, 0)
	if got := out.Data[FlatIndex(1, 0, 1, 2, 2)]; got != 101 {
		t.Errorf("FlatIndex(1,0,1) reads %v, want 101", got)
	}
}

func TestDenseForward(t *testing.T) {
	// x = (1, 2), K = [[1 2 3] [4 5 6]], b = (0.5, 0, -1):
	// z = (1+8+0.5, 2+10, 3+12-1) = (9.5, 12, 14).
	k := []float32{1, 2, 3, 4, 5, 6}
	x := mustTensor(t, []float32{1, 2}, 2)
	e := func(v float64) float64 { return math.Exp(v - 14) }
	sum := e(9.5) + e(12) + e(14)
	tests := []struct {
		name string
		bias []float32
		act  Activation
		want []float32
	}{
		{"linear", []float32{0.5, 0, -1}, Linear, []float32{9.5, 12, 14}},
		{"fused ReLU", []float32{-10, 0, -15}, ActReLU, []float32{0, 12, 0}},
		{"fused softmax", []float32{0.5, 0, -1}, ActSoftmax, []float32{float32(e(9.5) / sum), float32(e(12) / sum), float32(e(14) / sum)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &Dense{LayerName: "dense", In: 2, Out: 3, Kernel: k, Bias: tc.bias, Act: tc.act}
			y := runLayer(t, l, x, []int{3})
			closeTo(t, "output", y.Data, tc.want, 1e-6)
		})
	}
}

func TestSoftmaxStable(t *testing.T) {
	// softmax(0, 1, 2) = (1, e, e^2) / (1 + e + e^2).
	s := 1 + math.E + math.E*math.E
	base := []float32{float32(1 / s), float32(math.E / s), float32(math.E * math.E / s)}
	tests := []struct {
		name string
		in   []float32
		want []float32
	}{
		{"small", []float32{0, 1, 2}, base},
		{"huge logits do not overflow", []float32{1000, 1001, 1002}, base},
		{"hugely negative logits", []float32{-1e30, -1e30 + 0, 0}, []float32{0, 0, 1}},
		{"float32 extremes", []float32{math.MaxFloat32, -math.MaxFloat32}, []float32{1, 0}},
		{"equal logits are uniform", []float32{88, 88, 88, 88}, []float32{0.25, 0.25, 0.25, 0.25}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := runLayer(t, &Softmax{LayerName: "softmax"}, mustTensor(t, tc.in, len(tc.in)), []int{len(tc.in)})
			closeTo(t, "probs", y.Data, tc.want, 1e-6)
		})
	}
}

// tinyModel is worked by hand. Input 2x2x1 = 1 2 / 3 4.
//   - conv (1x1, 1 -> 2, kernel (1, -1), fused ReLU): channel 0 is the
//     input, channel 1 is -input clipped to 0.
//   - pool 2: (4, 0). flatten: (4, 0).
//   - dense K = [[0.5 -0.5] [1 1]], b = (0, 1): z = (2, -2+1) = (2, -1).
//   - softmax(2, -1) = (e^3, 1) / (e^3 + 1).
func tinyModel(separateSoftmax bool) *Model {
	m := &Model{
		Name:  "tiny",
		Input: Input{Shape: []int{2, 2, 1}, Scale: 1},
		Layers: []Layer{
			&Conv2D{LayerName: "conv", KH: 1, KW: 1, InC: 1, OutC: 2, StrideH: 1, StrideW: 1, Kernel: []float32{1, -1}, Bias: []float32{0, 0}, Act: ActReLU},
			&MaxPool2D{LayerName: "pool", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2},
			&Flatten{LayerName: "flatten"},
			&Dense{LayerName: "dense", In: 2, Out: 2, Kernel: []float32{0.5, -0.5, 1, 1}, Bias: []float32{0, 1}, Act: ActSoftmax},
		},
	}
	if separateSoftmax {
		m.Layers[3].(*Dense).Act = Linear
		m.Layers = append(m.Layers, &Softmax{LayerName: "probs"})
	}
	return m
}

func TestModelForwardTrace(t *testing.T) {
	e3 := math.Exp(3)
	probs := []float32{float32(e3 / (e3 + 1)), float32(1 / (e3 + 1))}
	conv := []float32{1, 0, 2, 0, 3, 0, 4, 0}
	tests := []struct {
		name     string
		separate bool
		names    []string
		outputs  [][]float32
	}{
		{
			name:    "dense with fused softmax",
			names:   []string{"conv", "pool", "flatten", "dense"},
			outputs: [][]float32{conv, {4, 0}, {4, 0}, probs},
		},
		{
			name:     "separate softmax layer",
			separate: true,
			names:    []string{"conv", "pool", "flatten", "dense", "probs"},
			outputs:  [][]float32{conv, {4, 0}, {4, 0}, {2, -1}, probs},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tinyModel(tc.separate)
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			in := seq(2, 2, 1)
			tr, err := m.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Input != in {
				t.Error("trace input is not the tensor passed in")
			}
			var names []string
			for _, l := range tr.Layers {
				names = append(names, l.Name)
			}
			if !slices.Equal(names, tc.names) {
				t.Fatalf("trace layers %v, want %v", names, tc.names)
			}
			for i, want := range tc.outputs {
				closeTo(t, tc.names[i], tr.Layers[i].Output.Data, want, 1e-6)
				if tr.Output(tc.names[i]) != tr.Layers[i].Output {
					t.Errorf("Output(%q) is not the layer's output", tc.names[i])
				}
			}
			if tr.Layers[0].Kind != KindConv2D || tr.Layers[3].Kind != KindDense {
				t.Errorf("kinds %v, %v", tr.Layers[0].Kind, tr.Layers[3].Kind)
			}
			closeTo(t, "logits", tr.Logits, []float32{2, -1}, 1e-6)
			closeTo(t, "probs", tr.Probs, probs, 1e-6)
		})
	}
}

func TestModelForwardLogitsOnly(t *testing.T) {
	// A model that ends in a linear Dense outputs logits; Forward applies
	// the softmax for Probs.
	m := tinyModel(false)
	m.Layers[3].(*Dense).Act = Linear
	tr, err := m.Forward(seq(2, 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	e3 := math.Exp(3)
	closeTo(t, "output", tr.Layers[3].Output.Data, []float32{2, -1}, 1e-6)
	closeTo(t, "logits", tr.Logits, []float32{2, -1}, 1e-6)
	closeTo(t, "probs", tr.Probs, []float32{float32(e3 / (e3 + 1)), float32(1 / (e3 + 1))}, 1e-6)
}

func TestModelForwardWrongInput(t *testing.T) {
	_, err := tinyModel(false).Forward(seq(3, 2, 1))
	if !errors.Is(err, ErrInputShape) {
		t.Fatalf("err = %v, want ErrInputShape", err)
	}
}
