package engine

import "fmt"

// AvgPool2D averages each window, channel by channel. With CountPad the
// divisor is the whole window, padding included (PyTorch's default
// count_include_pad=True); otherwise only the input cells the window covers
// count (Keras, and ONNX's default).
type AvgPool2D struct {
	LayerName        string
	PoolH, PoolW     int
	StrideH, StrideW int
	Padding          PadMode
	Pad              int    // symmetric padding for Explicit
	Pads             [4]int // top, left, bottom, right for Asymmetric
	CountPad         bool
}

func (l *AvgPool2D) Name() string    { return l.LayerName }
func (l *AvgPool2D) Kind() Kind      { return KindAvgPool2D }
func (l *AvgPool2D) Params() []Param { return nil }

// Windows returns the vertical and horizontal windows for an input shape.
func (l *AvgPool2D) Windows(in []int) (Window, Window, error) {
	return windows2D(l.LayerName, in, l.PoolH, l.PoolW, l.StrideH, l.StrideW, l.Padding, l.Pad, l.Pads)
}

func (l *AvgPool2D) OutputShape(in []int) ([]int, error) {
	wy, wx, err := l.Windows(in)
	if err != nil {
		return nil, err
	}
	return []int{wy.Out, wx.Out, in[2]}, nil
}

func (l *AvgPool2D) FLOPs(in []int) int64 {
	out, err := l.OutputShape(in)
	if err != nil {
		return 0
	}
	return int64(NumElements(out)) * int64(l.PoolH*l.PoolW)
}

// span returns the input rows (or columns) [lo, hi) that output index o of
// window w covers.
func span(w Window, o int) (lo, hi int) {
	start := o*w.Stride - w.Before
	return max(start, 0), min(start+w.K, w.In)
}

// Divisor returns what output cell (oy, ox) divides its sum by.
func (l *AvgPool2D) Divisor(wy, wx Window, oy, ox int) float32 {
	if l.CountPad {
		return float32(l.PoolH * l.PoolW)
	}
	y0, y1 := span(wy, oy)
	x0, x1 := span(wx, ox)
	return float32(max((y1-y0)*(x1-x0), 1))
}

func (l *AvgPool2D) Forward(x, y *Tensor) {
	wy, wx, _ := l.Windows(x.Shape)
	W, C := x.Shape[1], x.Shape[2]
	for oy := 0; oy < wy.Out; oy++ {
		y0, y1 := span(wy, oy)
		for ox := 0; ox < wx.Out; ox++ {
			x0, x1 := span(wx, ox)
			out := y.Data[(oy*wx.Out+ox)*C:][:C]
			clear(out)
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					for c, v := range x.Data[(iy*W+ix)*C:][:C] {
						out[c] += v
					}
				}
			}
			inv := 1 / l.Divisor(wy, wx, oy, ox)
			for c := range out {
				out[c] *= inv
			}
		}
	}
}

// Backward spreads each output gradient evenly over the cells it averaged.
func (l *AvgPool2D) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	clear(dx.Data)
	wy, wx, _ := l.Windows(x.Shape)
	W, C := x.Shape[1], x.Shape[2]
	for oy := 0; oy < wy.Out; oy++ {
		y0, y1 := span(wy, oy)
		for ox := 0; ox < wx.Out; ox++ {
			x0, x1 := span(wx, ox)
			g := dy.Data[(oy*wx.Out+ox)*C:][:C]
			inv := 1 / l.Divisor(wy, wx, oy, ox)
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					d := dx.Data[(iy*W+ix)*C:][:C]
					for c := range d {
						d[c] += g[c] * inv
					}
				}
			}
		}
	}
}

// GlobalAvgPool averages each channel over the whole map: (H, W, C) to
// (1, 1, C), which keeps it a map the views can draw (ONNX's
// GlobalAveragePool, with a Flatten after it), or to a vector of C values
// with Vector (Keras's GlobalAveragePooling2D). The values are the same.
type GlobalAvgPool struct {
	LayerName string
	Vector    bool
}

func (l *GlobalAvgPool) Name() string    { return l.LayerName }
func (l *GlobalAvgPool) Kind() Kind      { return KindGlobalAvgPool }
func (l *GlobalAvgPool) Params() []Param { return nil }

func (l *GlobalAvgPool) OutputShape(in []int) ([]int, error) {
	if err := need3D(l.LayerName, in); err != nil {
		return nil, fmt.Errorf("%w (global average pooling)", err)
	}
	if l.Vector {
		return []int{in[2]}, nil
	}
	return []int{1, 1, in[2]}, nil
}

func (l *GlobalAvgPool) Forward(x, y *Tensor) {
	C := x.Shape[2]
	n := len(x.Data) / C
	// Sum in float64: a large map would otherwise lose the small cells.
	sum := make([]float64, C)
	for i, v := range x.Data {
		sum[i%C] += float64(v)
	}
	for c := range sum {
		y.Data[c] = float32(sum[c] / float64(n))
	}
}

func (l *GlobalAvgPool) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	C := x.Shape[2]
	inv := 1 / float32(len(x.Data)/C)
	for i := range dx.Data {
		dx.Data[i] = dy.Data[i%C] * inv
	}
}
