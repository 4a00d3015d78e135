package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExplainAddsUp checks what a detail page relies on: for every output
// value of each layer, the terms the explain methods return add up to the
// value Forward computed (exactly where the sums run in the same order,
// within float32 rounding where Forward uses the blocked kernels).
func TestExplainAddsUp(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	conv := &Conv2D{LayerName: "conv", KH: 3, KW: 2, InC: 2, OutC: 3, StrideH: 2, StrideW: 1, Padding: Asymmetric,
		Pads: [4]int{1, 0, 0, 1}, Kernel: make([]float32, 3*2*2*3), Bias: make([]float32, 3)}
	tests := []struct {
		name  string
		layer Layer
		in    []int
		check func(x, y *Tensor, oy, ox, c int) (got float32, exact bool, err error)
	}{
		{"conv asymmetric strided", conv, []int{7, 6, 2}, func(x, y *Tensor, oy, ox, c int) (float32, bool, error) {
			ct, err := conv.TermsAt(x, c, oy, ox)
			sum := ct.Bias
			for _, ch := range ct.Channels {
				sum += ch.Sum
			}
			if err == nil && ct.Z != sum {
				t.Errorf("Z %v is not the bias plus the channels' sums, %v", ct.Z, sum)
			}
			return ct.Z, false, err
		}},
		{"maxpool padded", &MaxPool2D{LayerName: "p", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1}, []int{5, 6, 2},
			func(x, y *Tensor, oy, ox, c int) (float32, bool, error) {
				w, err := (&MaxPool2D{LayerName: "p", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1}).WindowAt(x, c, oy, ox)
				best := float32(math.Inf(-1))
				for _, v := range w.Values {
					best = max(best, v)
				}
				return best, true, err
			}},
		{"avgpool uncounted", &AvgPool2D{LayerName: "a", PoolH: 3, PoolW: 2, StrideH: 1, StrideW: 2, Padding: Asymmetric, Pads: [4]int{0, 1, 2, 0}}, []int{5, 6, 3},
			func(x, y *Tensor, oy, ox, c int) (float32, bool, error) {
				w, err := (&AvgPool2D{LayerName: "a", PoolH: 3, PoolW: 2, StrideH: 1, StrideW: 2, Padding: Asymmetric, Pads: [4]int{0, 1, 2, 0}}).WindowAt(x, c, oy, ox)
				return w.Sum * (1 / w.Divisor), true, err
			}},
		{"avgpool counted", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1, CountPad: true}, []int{5, 5, 2},
			func(x, y *Tensor, oy, ox, c int) (float32, bool, error) {
				w, err := (&AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1, CountPad: true}).WindowAt(x, c, oy, ox)
				if err == nil && w.Divisor != 4 {
					t.Errorf("counted divisor %v, want 4", w.Divisor)
				}
				return w.Sum * (1 / w.Divisor), true, err
			}},
		{"global avgpool", &GlobalAvgPool{LayerName: "g"}, []int{4, 3, 5}, func(x, y *Tensor, oy, ox, c int) (float32, bool, error) {
			sum, n, err := (&GlobalAvgPool{LayerName: "g"}).SumOf(x, c)
			return float32(sum / float64(n)), true, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range tc.layer.Params() {
				fill(r, p.Data, 1)
			}
			x := NewTensor(tc.in...)
			fill(r, x.Data, 1)
			out, err := tc.layer.OutputShape(x.Shape)
			if err != nil {
				t.Fatal(err)
			}
			y := NewTensor(out...)
			tc.layer.Forward(x, y)
			for oy := 0; oy < y.H(); oy++ {
				for ox := 0; ox < y.W(); ox++ {
					for c := 0; c < y.C(); c++ {
						got, exact, err := tc.check(x, y, oy, ox, c)
						if err != nil {
							t.Fatal(err)
						}
						want := y.At(oy, ox, c)
						if exact && got != want || !exact && math.Abs(float64(got-want)) > 1e-5*(1+math.Abs(float64(want))) {
							t.Fatalf("(%d, %d, %d): terms give %v, Forward %v", oy, ox, c, got, want)
						}
					}
				}
			}
		})
	}
}

func TestDenseTermsAndSoftmax(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	l := &Dense{LayerName: "d", In: 7, Out: 4, Kernel: make([]float32, 28), Bias: make([]float32, 4)}
	fill(r, l.Kernel, 1)
	fill(r, l.Bias, 1)
	x := NewTensor(7)
	fill(r, x.Data, 1)
	y := NewTensor(4)
	l.Forward(x, y)
	for k := 0; k < l.Out; k++ {
		dt, err := l.TermsOf(x.Data, k)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range dt.Weights {
			if w != l.Kernel[i*l.Out+k] || dt.Products[i] != w*x.Data[i] {
				t.Fatalf("unit %d term %d: weight %v product %v", k, i, w, dt.Products[i])
			}
		}
		if math.Abs(float64(dt.Z-y.Data[k])) > 1e-5 {
			t.Errorf("unit %d: terms give %v, Forward %v", k, dt.Z, y.Data[k])
		}
	}
	if _, err := l.TermsOf(x.Data, 4); err == nil {
		t.Error("unit 4 of 4 gave no error")
	}
	p := make([]float32, 4)
	SoftmaxInto(y.Data, p)
	st := SoftmaxParts(y.Data)
	for i := range p {
		if math.Abs(st.Exps[i]/st.Sum-float64(p[i])) > 1e-7 {
			t.Errorf("class %d: exp/sum %v, softmax %v", i, st.Exps[i]/st.Sum, p[i])
		}
	}
}

func TestBatchNormExplain(t *testing.T) {
	l := &BatchNorm{LayerName: "b", C: 1, Epsilon: 0, Gamma: []float32{2}, Beta: []float32{1}, Mean: []float32{3}, Var: []float32{4}}
	if l.Std(0) != 2 || l.Normalised(0, 7) != 2 {
		t.Errorf("std %v, normalised 7 to %v; want 2 and 2", l.Std(0), l.Normalised(0, 7))
	}
}
