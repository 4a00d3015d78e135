package main

import (
	"fmt"

	"cnnexplainer/engine"
)

// detail is the arithmetic behind one output value, for the detail view:
// the page prints these numbers, it computes none of them.
type detail struct {
	Layer  string     `json:"layer"`
	Kind   string     `json:"kind"`
	Neuron int        `json:"neuron"`
	Y      int        `json:"y"`
	X      int        `json:"x"`
	Terms  []convTerm `json:"terms,omitempty"`  // convolution: one per input channel
	Window []float32  `json:"window,omitempty"` // max-pool window (row-major, padded cells omitted)
	KH     int        `json:"kh,omitempty"`
	KW     int        `json:"kw,omitempty"`
	Bias   float32    `json:"bias"`
	Sum    float32    `json:"sum"` // bias plus every term, before the activation
	In     float32    `json:"in"`  // ReLU/flatten input value
	Out    float32    `json:"out"` // the value the trace holds
	Source int        `json:"source"`
}

// convTerm is one input channel's share of a convolution output.
type convTerm struct {
	Channel int       `json:"channel"`
	Window  []float32 `json:"window"` // KH*KW inputs, zero where padded
	Kernel  []float32 `json:"kernel"`
	Dot     float32   `json:"dot"`
}

// detail explains output (y, x, n) of layer i (for vector layers, value n).
func (s *session) detail(i, n, y, x int) (detail, error) {
	out, err := s.tensor(i)
	if err != nil {
		return detail{}, err
	}
	in, _ := s.tensor(i - 1)
	l := s.m.Layers[i]
	d := detail{Layer: l.Name(), Kind: l.Kind().String(), Neuron: n, Y: y, X: x, Source: -1}
	idx, err := outIndex(out, n, y, x)
	if err != nil {
		return detail{}, fmt.Errorf("layer %s: %w", l.Name(), err)
	}
	d.Out = out.Data[idx]
	switch l := l.(type) {
	case *engine.Conv2D:
		convDetail(&d, l, in)
	case *engine.MaxPool2D:
		wy, wx, _ := l.Windows(in.Shape)
		d.KH, d.KW = l.PoolH, l.PoolW
		for ky := 0; ky < l.PoolH; ky++ {
			for kx := 0; kx < l.PoolW; kx++ {
				iy, ix := y*l.StrideH+ky-wy.Before, x*l.StrideW+kx-wx.Before
				if iy >= 0 && iy < wy.In && ix >= 0 && ix < wx.In {
					d.Window = append(d.Window, in.At(iy, ix, n))
				}
			}
		}
		d.Source = l.Argmax(in, y, x, n)
	case *engine.Dense:
		z := make([]float32, l.Out)
		l.Logits(in.Data, z)
		d.Bias, d.Sum = l.Bias[n], z[n]
	default:
		// ReLU, flatten, identity and softmax read the same position of their
		// input (flatten's position is the flat index).
		if len(in.Data) == len(out.Data) {
			d.In = in.Data[idx]
			d.Source = idx
		}
	}
	return d, nil
}

func outIndex(t *engine.Tensor, n, y, x int) (int, error) {
	if len(t.Shape) == 3 {
		if y < 0 || y >= t.H() || x < 0 || x >= t.W() || n < 0 || n >= t.C() {
			return 0, fmt.Errorf("no output (%d, %d, %d) in shape %v", y, x, n, t.Shape)
		}
		return (y*t.W()+x)*t.C() + n, nil
	}
	if n < 0 || n >= len(t.Data) {
		return 0, fmt.Errorf("no output %d of %d", n, len(t.Data))
	}
	return n, nil
}

// convDetail fills the per-channel terms of y[y, x, n] the way Conv2D's
// formula reads: bias plus, for every input channel, window · kernel.
func convDetail(d *detail, l *engine.Conv2D, in *engine.Tensor) {
	wy, wx, _ := l.Windows(in.Shape)
	d.KH, d.KW, d.Bias = l.KH, l.KW, l.Bias[d.Neuron]
	sum := d.Bias
	for c := 0; c < l.InC; c++ {
		t := convTerm{Channel: c, Kernel: l.KernelSlice(d.Neuron, c)}
		for ky := 0; ky < l.KH; ky++ {
			for kx := 0; kx < l.KW; kx++ {
				iy, ix := d.Y*l.StrideH+ky-wy.Before, d.X*l.StrideW+kx-wx.Before
				var v float32
				if iy >= 0 && iy < wy.In && ix >= 0 && ix < wx.In {
					v = in.At(iy, ix, c)
				}
				t.Window = append(t.Window, v)
				t.Dot += v * t.Kernel[ky*l.KW+kx]
			}
		}
		sum += t.Dot
		d.Terms = append(d.Terms, t)
	}
	d.Sum = sum
}
