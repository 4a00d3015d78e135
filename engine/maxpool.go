package engine

import "math"

// MaxPool2D takes the maximum of each window, channel by channel. Padded
// cells never win (they count as -Inf, as in Keras and PyTorch).
type MaxPool2D struct {
	LayerName        string
	PoolH, PoolW     int
	StrideH, StrideW int
	Padding          PadMode // Valid, Same, Explicit or Asymmetric
	Pad              int     // symmetric padding for Explicit
	Pads             [4]int  // top, left, bottom, right for Asymmetric
}

func (l *MaxPool2D) Name() string    { return l.LayerName }
func (l *MaxPool2D) Kind() Kind      { return KindMaxPool2D }
func (l *MaxPool2D) Params() []Param { return nil }

// Windows returns the vertical and horizontal windows for an input shape.
func (l *MaxPool2D) Windows(in []int) (Window, Window, error) {
	return windows2D(l.LayerName, in, l.PoolH, l.PoolW, l.StrideH, l.StrideW, l.Padding, l.Pad, l.Pads)
}

func (l *MaxPool2D) OutputShape(in []int) ([]int, error) {
	wy, wx, err := l.Windows(in)
	if err != nil {
		return nil, err
	}
	return []int{wy.Out, wx.Out, in[2]}, nil
}

// Argmax returns the input index (into x.Data) that wins output cell
// (oy, ox, c): the first maximum in row-major window order.
func (l *MaxPool2D) Argmax(x *Tensor, oy, ox, c int) int {
	wy, wx, _ := l.Windows(x.Shape)
	W, C := x.Shape[1], x.Shape[2]
	best, arg := float32(math.Inf(-1)), -1
	for ky := 0; ky < l.PoolH; ky++ {
		iy := oy*l.StrideH + ky - wy.Before
		if iy < 0 || iy >= wy.In {
			continue
		}
		for kx := 0; kx < l.PoolW; kx++ {
			ix := ox*l.StrideW + kx - wx.Before
			if ix < 0 || ix >= wx.In {
				continue
			}
			i := (iy*W+ix)*C + c
			if v := x.Data[i]; arg < 0 || v > best {
				best, arg = v, i
			}
		}
	}
	return arg
}

// Forward gives the same values as Argmax, cell by cell: each window starts
// from its first cell and a later cell wins only when it is strictly larger
// (kernels.go, poolForward). Whole channel vectors are compared at once.
func (l *MaxPool2D) Forward(x, y *Tensor) {
	wy, wx, _ := l.Windows(x.Shape)
	poolForward(l, x, y, wy, wx, bestPool())
}

// Backward sends each output gradient to the input cell that won its window.
func (l *MaxPool2D) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	clear(dx.Data)
	wy, wx, _ := l.Windows(x.Shape)
	W := x.Shape[1]
	oh, ow, C := y.Shape[0], y.Shape[1], y.Shape[2]
	if l.PoolH == 2 && l.PoolW == 2 && l.StrideH == 2 && l.StrideW == 2 && wy.Before == 0 && wx.Before == 0 &&
		2*oh <= wy.In && 2*ow <= wx.In {
		maxPool2x2Backward(x.Data, dy.Data, dx.Data, W, oh, ow, C, false)
		return
	}
	for oy := 0; oy < oh; oy++ {
		y0, y1 := max(oy*l.StrideH-wy.Before, 0), min(oy*l.StrideH-wy.Before+l.PoolH, wy.In)
		for ox := 0; ox < ow; ox++ {
			x0, x1 := max(ox*l.StrideW-wx.Before, 0), min(ox*l.StrideW-wx.Before+l.PoolW, wx.In)
			for c := 0; c < C; c++ {
				// The first maximum in row-major window order wins, as in Argmax.
				arg := -1
				var best float32
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						i := (iy*W+ix)*C + c
						if v := x.Data[i]; arg < 0 || v > best {
							best, arg = v, i
						}
					}
				}
				if arg >= 0 {
					dx.Data[arg] += dy.Data[(oy*ow+ox)*C+c]
				}
			}
		}
	}
}
