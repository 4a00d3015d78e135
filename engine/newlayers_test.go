package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGradientsNewLayers checks Backward of the layers that ONNX and Keras
// imports bring (and asymmetric padding) against finite differences, as
// TestGradients does. A batch norm's variance is kept positive.
func TestGradientsNewLayers(t *testing.T) {
	bn := func(c int) *BatchNorm {
		return &BatchNorm{LayerName: "bn", C: c, Epsilon: 1e-3, Gamma: make([]float32, c), Beta: make([]float32, c),
			Mean: make([]float32, c), Var: make([]float32, c)}
	}
	conv := &Conv2D{LayerName: "conv", KH: 3, KW: 2, InC: 2, OutC: 3, StrideH: 2, StrideW: 1, Padding: Asymmetric,
		Pads: [4]int{1, 0, 0, 1}, Kernel: make([]float32, 3*2*2*3), Bias: make([]float32, 3)}
	tests := []struct {
		name  string
		layer Layer
		in    []int
	}{
		{"batchnorm map", bn(3), []int{4, 5, 3}},
		{"batchnorm vector", bn(6), []int{6}},
		{"avgpool 2x2", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}, []int{6, 7, 2}},
		{"avgpool padded counted", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1, CountPad: true}, []int{5, 5, 2}},
		{"avgpool same uncounted", &AvgPool2D{LayerName: "a", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Same}, []int{7, 6, 2}},
		{"avgpool asymmetric", &AvgPool2D{LayerName: "a", PoolH: 3, PoolW: 2, StrideH: 1, StrideW: 2, Padding: Asymmetric, Pads: [4]int{0, 1, 2, 0}}, []int{5, 6, 3}},
		{"global avgpool", &GlobalAvgPool{LayerName: "g"}, []int{4, 3, 5}},
		{"leaky relu", &LeakyReLU{LayerName: "l", Alpha: 0.1}, []int{3, 4, 2}},
		{"sigmoid", &Sigmoid{LayerName: "s"}, []int{3, 4, 2}},
		{"tanh", &Tanh{LayerName: "t"}, []int{10}},
		{"flatten channels first", &Flatten{LayerName: "f", ChannelsFirst: true}, []int{3, 4, 2}},
		{"conv asymmetric strided non-square", conv, []int{7, 6, 2}},
		{"maxpool explicit", &MaxPool2D{LayerName: "p", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1}, []int{4, 6, 2}},
		{"global avgpool to a vector", &GlobalAvgPool{LayerName: "g", Vector: true}, []int{3, 3, 4}},
	}
	for ti, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(ti), 14))
			for _, p := range tc.layer.Params() {
				copy(p.Data, gradRand(r, len(p.Data)))
				if p.Name == "moving_variance" {
					for i := range p.Data {
						p.Data[i] = 0.5 + p.Data[i]*p.Data[i]
					}
				}
			}
			gradCheckLayer(t, r, tc.layer, tc.in)
		})
	}
}

// TestNewLayerValues pins forward values a reader can check by hand.
func TestNewLayerValues(t *testing.T) {
	x, _ := FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3, 1) // rows 1 2 3 / 4 5 6
	tests := []struct {
		name  string
		layer Layer
		want  []float32
	}{
		{"avgpool 2x2 valid", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}, []float32{3}},
		// Pad 1 all round, 2x2 stride 2: windows (0,0) (0,1) / (1,0) (1,1) of the padded map.
		{"avgpool counted pad", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1, CountPad: true},
			[]float32{0.25, 1.25, 1, 2.75}},
		{"avgpool uncounted pad", &AvgPool2D{LayerName: "a", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: Explicit, Pad: 1},
			[]float32{1, 2.5, 4, 5.5}},
		{"global avgpool", &GlobalAvgPool{LayerName: "g"}, []float32{3.5}},
		{"flatten channels first", &Flatten{LayerName: "f", ChannelsFirst: true}, []float32{1, 2, 3, 4, 5, 6}},
		{"leaky relu", &LeakyReLU{LayerName: "l", Alpha: 0.5}, []float32{1, 2, 3, 4, 5, 6}},
		{"batchnorm", &BatchNorm{LayerName: "b", C: 1, Gamma: []float32{2}, Beta: []float32{1}, Mean: []float32{3}, Var: []float32{4}},
			[]float32{-1, 0, 1, 2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.layer.OutputShape(x.Shape)
			if err != nil {
				t.Fatal(err)
			}
			y := NewTensor(out...)
			tc.layer.Forward(x, y)
			if fmt.Sprint(y.Data) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", y.Data, tc.want)
			}
		})
	}
	// Two channels: channels-first order is every cell of c=0, then c=1.
	m, _ := FromData([]float32{1, 10, 2, 20, 3, 30, 4, 40}, 2, 2, 2)
	f := &Flatten{LayerName: "f", ChannelsFirst: true}
	y := NewTensor(8)
	f.Forward(m, y)
	if got, want := fmt.Sprint(y.Data), "[1 2 3 4 10 20 30 40]"; got != want {
		t.Errorf("channels-first flatten = %s, want %s", got, want)
	}
	for i := range m.Data {
		yy, xx, c := i/4, i/2%2, i%2
		if y.Data[f.Index(yy, xx, c, m.Shape)] != m.Data[i] {
			t.Errorf("Index(%d, %d, %d) does not point at the value", yy, xx, c)
		}
		for _, fl := range []*Flatten{f, {}} {
			if py, px, pc := fl.Position(fl.Index(yy, xx, c, m.Shape), m.Shape); py != yy || px != xx || pc != c {
				t.Errorf("channels first %v: Position(Index(%d, %d, %d)) = %d, %d, %d", fl.ChannelsFirst, yy, xx, c, py, px, pc)
			}
		}
	}
}

func TestLayoutRoundTrip(t *testing.T) {
	x, _ := FromData([]float32{1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60}, 2, 3, 2)
	chw := x.ToCHW()
	if got, want := fmt.Sprint(chw.Shape, chw.Data), "[2 2 3] [1 2 3 4 5 6 10 20 30 40 50 60]"; got != want {
		t.Fatalf("ToCHW = %s, want %s", got, want)
	}
	for _, shape := range [][]int{{2, 2, 3}, {1, 2, 2, 3}} {
		back, err := FromNCHW(&Tensor{Shape: shape, Data: chw.Data})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(back.Shape, back.Data) != fmt.Sprint(x.Shape, x.Data) {
			t.Errorf("FromNCHW(%v) = %v %v, want %v %v", shape, back.Shape, back.Data, x.Shape, x.Data)
		}
	}
	if _, err := FromNCHW(NewTensor(2, 2, 3, 1)); err == nil {
		t.Error("FromNCHW accepted a batch of two")
	}
}
