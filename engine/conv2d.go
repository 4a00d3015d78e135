package engine

import "fmt"

// Conv2D is a 2-D convolution (cross-correlation, as in Keras) with bias and
// an optional fused activation (Linear or ActReLU).
//
//	y[oy,ox,o] = act(b[o] + sum over ky,kx,c of x[oy*S+ky-top, ox*S+kx-left, c] * K[ky,kx,c,o])
//
// with zeros outside the input.
type Conv2D struct {
	LayerName        string
	KH, KW           int
	InC, OutC        int
	StrideH, StrideW int
	Padding          PadMode
	Pad              int       // symmetric padding for Explicit
	Pads             [4]int    // top, left, bottom, right for Asymmetric
	Kernel           []float32 // (KH, KW, InC, OutC)
	Bias             []float32 // (OutC)
	Act              Activation
}

func (l *Conv2D) Name() string { return l.LayerName }
func (l *Conv2D) Kind() Kind   { return KindConv2D }

func (l *Conv2D) Params() []Param {
	return []Param{
		{Name: "kernel", Shape: []int{l.KH, l.KW, l.InC, l.OutC}, Data: l.Kernel},
		{Name: "bias", Shape: []int{l.OutC}, Data: l.Bias},
	}
}

// Windows returns the vertical and horizontal windows for an input shape.
func (l *Conv2D) Windows(in []int) (Window, Window, error) {
	return windows2D(l.LayerName, in, l.KH, l.KW, l.StrideH, l.StrideW, l.Padding, l.Pad, l.Pads)
}

func (l *Conv2D) OutputShape(in []int) ([]int, error) {
	wy, wx, err := l.Windows(in)
	if err != nil {
		return nil, err
	}
	if in[2] != l.InC {
		return nil, fmt.Errorf("layer %s: kernel expects %d input channels, input has %d", l.LayerName, l.InC, in[2])
	}
	if len(l.Kernel) != l.KH*l.KW*l.InC*l.OutC || len(l.Bias) != l.OutC {
		return nil, fmt.Errorf("layer %s: kernel or bias size does not match (%d,%d,%d,%d)", l.LayerName, l.KH, l.KW, l.InC, l.OutC)
	}
	if l.Act == ActSoftmax {
		return nil, fmt.Errorf("layer %s: softmax cannot be fused into a convolution", l.LayerName)
	}
	return []int{wy.Out, wx.Out, l.OutC}, nil
}

func (l *Conv2D) FLOPs(in []int) int64 {
	out, err := l.OutputShape(in)
	if err != nil {
		return 0
	}
	return 2 * int64(out[0]*out[1]*l.OutC) * int64(l.KH*l.KW*l.InC)
}

// Forward pads the input once and runs the blocked micro-kernel (see
// kernels.go): AVX2+FMA assembly where the processor has it, Go elsewhere.
func (l *Conv2D) Forward(x, y *Tensor) { l.ForwardWith(new(Workspace), x, y) }

// ForwardWith is Forward using ws for the padded input and the regrouped
// kernel, so that repeated calls do not allocate.
func (l *Conv2D) ForwardWith(ws *Workspace, x, y *Tensor) {
	wy, wx, _ := l.Windows(x.Shape)
	convForward(ws, l, x, y, wy, wx, bestConv())
}

func (l *Conv2D) Backward(x, y, dy, dx *Tensor, grads [][]float32) {
	l.BackwardWith(new(Workspace), x, y, dy, dx, grads)
}

// ChannelContribution returns the part of output channel o that comes from
// input channel c alone, without bias or activation: the intermediate map the
// explainer shows before the channels are summed. Shape (OH, OW, 1).
func (l *Conv2D) ChannelContribution(x *Tensor, o, c int) *Tensor {
	wy, wx, _ := l.Windows(x.Shape)
	W, C, O := x.Shape[1], l.InC, l.OutC
	out := NewTensor(wy.Out, wx.Out, 1)
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			var s float32
			for ky := 0; ky < l.KH; ky++ {
				iy := oy*l.StrideH + ky - wy.Before
				if iy < 0 || iy >= wy.In {
					continue
				}
				for kx := 0; kx < l.KW; kx++ {
					ix := ox*l.StrideW + kx - wx.Before
					if ix < 0 || ix >= wx.In {
						continue
					}
					s += x.Data[(iy*W+ix)*C+c] * l.Kernel[((ky*l.KW+kx)*C+c)*O+o]
				}
			}
			out.Data[oy*wx.Out+ox] = s
		}
	}
	return out
}

// KernelSlice returns the (KH, KW) kernel that connects input channel c to
// output channel o, row-major.
func (l *Conv2D) KernelSlice(o, c int) []float32 {
	s := make([]float32, 0, l.KH*l.KW)
	for ky := 0; ky < l.KH; ky++ {
		for kx := 0; kx < l.KW; kx++ {
			s = append(s, l.Kernel[((ky*l.KW+kx)*l.InC+c)*l.OutC+o])
		}
	}
	return s
}
