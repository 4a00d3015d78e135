package engine

import (
	"fmt"
	"math"
)

// The methods in this file return the arithmetic behind one output value
// (a window, its terms, their sum), so that a view can show a layer's
// numbers without computing them again. Each sums in the order the layer's
// reference definition does, so that the total it reports is the one a
// reader can check by hand.

// Start is the input index (negative inside the padding) where the window
// of output index o begins.
func (w Window) Start(o int) int { return o*w.Stride - w.Before }

// Window copies the (h, w) window of channel c whose top left cell is
// (y0, x0); cells outside the map get pad.
func (t *Tensor) Window(c, y0, x0, h, w int, pad float32) []float32 {
	out := make([]float32, 0, h*w)
	for y := y0; y < y0+h; y++ {
		for x := x0; x < x0+w; x++ {
			if y < 0 || x < 0 || y >= t.H() || x >= t.W() {
				out = append(out, pad)
				continue
			}
			out = append(out, t.At(y, x, c))
		}
	}
	return out
}

// ChannelTerms is one input channel's share of a convolution output.
type ChannelTerms struct {
	Window []float32 // the input under the kernel, zeros in the padding
	Kernel []float32 // the channel's (KH, KW) kernel slice
	Sum    float32   // sum of Window[i] * Kernel[i], in row-major order
}

// ConvTerms is the arithmetic of one convolution output before its
// activation: Z = Bias + the channels' sums, added in channel order.
type ConvTerms struct {
	Y0, X0   int // the window's top left input cell
	Channels []ChannelTerms
	Bias, Z  float32
}

// TermsAt returns the terms of output (oy, ox) of channel o for input x.
func (l *Conv2D) TermsAt(x *Tensor, o, oy, ox int) (ConvTerms, error) {
	wy, wx, err := l.Windows(x.Shape)
	if err != nil {
		return ConvTerms{}, err
	}
	if o < 0 || o >= l.OutC || oy < 0 || oy >= wy.Out || ox < 0 || ox >= wx.Out {
		return ConvTerms{}, fmt.Errorf("layer %s: no output (%d, %d, %d) in (%d, %d, %d)", l.LayerName, oy, ox, o, wy.Out, wx.Out, l.OutC)
	}
	t := ConvTerms{Y0: wy.Start(oy), X0: wx.Start(ox), Bias: l.Bias[o]}
	t.Z = t.Bias
	for c := 0; c < l.InC; c++ {
		ct := ChannelTerms{Kernel: l.KernelSlice(o, c), Window: x.Window(c, t.Y0, t.X0, l.KH, l.KW, 0)}
		for i, k := range ct.Kernel {
			ct.Sum += k * ct.Window[i]
		}
		t.Z += ct.Sum
		t.Channels = append(t.Channels, ct)
	}
	return t, nil
}

// DenseTerms is the arithmetic of one dense unit before its activation:
// Z = Bias + the products Weights[i] * x[i], added in input order.
type DenseTerms struct {
	Weights  []float32
	Products []float32
	Bias, Z  float32
}

// Column returns the weights of output unit k, one per input.
func (l *Dense) Column(k int) []float32 {
	w := make([]float32, l.In)
	for i := range w {
		w[i] = l.Kernel[i*l.Out+k]
	}
	return w
}

// TermsOf returns the terms of unit k for input x.
func (l *Dense) TermsOf(x []float32, k int) (DenseTerms, error) {
	if k < 0 || k >= l.Out || len(x) != l.In {
		return DenseTerms{}, fmt.Errorf("layer %s: no unit %d of %d for %d inputs (want %d)", l.LayerName, k, l.Out, len(x), l.In)
	}
	t := DenseTerms{Weights: l.Column(k), Products: make([]float32, l.In), Bias: l.Bias[k]}
	t.Z = t.Bias
	for i, w := range t.Weights {
		t.Products[i] = w * x[i]
		t.Z += t.Products[i]
	}
	return t, nil
}

// PoolWindow is the window of one pooled output value.
type PoolWindow struct {
	Y0, X0 int       // top left input cell
	H, W   int       // window size
	Values []float32 // row-major; the pad value outside the map
	Pad    []bool    // which cells lie outside the map
}

func poolWindow(x *Tensor, c, y0, x0, h, w int, pad float32) PoolWindow {
	p := PoolWindow{Y0: y0, X0: x0, H: h, W: w, Values: x.Window(c, y0, x0, h, w, pad), Pad: make([]bool, 0, h*w)}
	for y := y0; y < y0+h; y++ {
		for xx := x0; xx < x0+w; xx++ {
			p.Pad = append(p.Pad, y < 0 || xx < 0 || y >= x.H() || xx >= x.W())
		}
	}
	return p
}

func checkCell(name string, x *Tensor, wy, wx Window, c, oy, ox int) error {
	if c < 0 || c >= x.C() || oy < 0 || oy >= wy.Out || ox < 0 || ox >= wx.Out {
		return fmt.Errorf("layer %s: no output (%d, %d, %d) in (%d, %d, %d)", name, oy, ox, c, wy.Out, wx.Out, x.C())
	}
	return nil
}

// WindowAt returns the window of output (oy, ox, c); padding cells hold
// -Inf, which never wins.
func (l *MaxPool2D) WindowAt(x *Tensor, c, oy, ox int) (PoolWindow, error) {
	wy, wx, err := l.Windows(x.Shape)
	if err == nil {
		err = checkCell(l.LayerName, x, wy, wx, c, oy, ox)
	}
	if err != nil {
		return PoolWindow{}, err
	}
	return poolWindow(x, c, wy.Start(oy), wx.Start(ox), l.PoolH, l.PoolW, float32(math.Inf(-1))), nil
}

// AvgWindow is an average-pool window with its sum and divisor:
// the output is Sum * (1 / Divisor), as Forward computes it.
type AvgWindow struct {
	PoolWindow
	Sum, Divisor float32
}

// WindowAt returns the window of output (oy, ox, c) with zeros in the
// padding, and the sum and divisor the average is made of.
func (l *AvgPool2D) WindowAt(x *Tensor, c, oy, ox int) (AvgWindow, error) {
	wy, wx, err := l.Windows(x.Shape)
	if err == nil {
		err = checkCell(l.LayerName, x, wy, wx, c, oy, ox)
	}
	if err != nil {
		return AvgWindow{}, err
	}
	a := AvgWindow{PoolWindow: poolWindow(x, c, wy.Start(oy), wx.Start(ox), l.PoolH, l.PoolW, 0), Divisor: l.Divisor(wy, wx, oy, ox)}
	for i, v := range a.Values {
		if !a.Pad[i] {
			a.Sum += v
		}
	}
	return a, nil
}

// SumOf returns the float64 sum of channel c and how many cells it has:
// the output is float32(sum / n), as Forward computes it.
func (l *GlobalAvgPool) SumOf(x *Tensor, c int) (sum float64, n int, err error) {
	if err := need3D(l.LayerName, x.Shape); err != nil {
		return 0, 0, err
	}
	C := x.Shape[2]
	if c < 0 || c >= C {
		return 0, 0, fmt.Errorf("layer %s: no channel %d of %d", l.LayerName, c, C)
	}
	for i := c; i < len(x.Data); i += C {
		sum += float64(x.Data[i])
	}
	return sum, len(x.Data) / C, nil
}

// Std returns sqrt(Var[c] + Epsilon), the divisor of channel c.
func (l *BatchNorm) Std(c int) float32 {
	return float32(math.Sqrt(float64(l.Var[c]) + float64(l.Epsilon)))
}

// Normalised returns (x - Mean[c]) / Std(c), the value before Gamma and
// Beta.
func (l *BatchNorm) Normalised(c int, x float32) float32 { return (x - l.Mean[c]) * l.invStd(c) }

// SoftmaxTerms is the arithmetic of a softmax: the largest logit Max, each
// Exps[i] = exp(z_i - Max), and their Sum, the denominator.
type SoftmaxTerms struct {
	Max  float32
	Exps []float64
	Sum  float64
}

// SoftmaxParts returns the terms SoftmaxInto divides.
func SoftmaxParts(z []float32) SoftmaxTerms {
	var t SoftmaxTerms
	if len(z) == 0 {
		return t
	}
	t.Max = z[0]
	for _, v := range z {
		t.Max = max(t.Max, v)
	}
	t.Exps = make([]float64, len(z))
	for i, v := range z {
		t.Exps[i] = math.Exp(float64(v - t.Max))
		t.Sum += t.Exps[i]
	}
	return t
}

// Softmax returns the terms of the trace's probabilities.
func (t *Trace) Softmax() SoftmaxTerms { return SoftmaxParts(t.Logits) }
