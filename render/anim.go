package render

import (
	"fmt"

	"cnnexplainer/engine"
)

// Anim is one sliding-window animation: a window of KH x KW cells moves over
// a padded input grid in row-major order, stride (SH, SW), and each position
// fills one cell of the output grid. Step k (0 <= k < Steps) shows the
// window over output cell (k / OutW, k % OutW) and output cells 0..k
// revealed; step Steps is the final state with every cell revealed and no
// window. Convolution, ReLU (a 1x1 window), max-pool and the playground are
// all this one shape, drawn by SVG, Frame and GIF.
type Anim struct {
	Kind FigureKind // KindConvAnim, KindReLUAnim, KindPoolAnim or KindPlayground

	In, Out Grid

	// Padding in cells on each side of In; padding cells are drawn hatched.
	Top, Left, Bottom, Right int

	KH, KW, SH, SW int // window size and stride in cells

	// StepMS is the default time per step of the SVG; a page can change it
	// with the --step CSS variable.
	StepMS int
}

// Grid is a row-major H x W map of values drawn through Scale. Values nil
// draws every cell in one plain colour (the playground has no values).
type Grid struct {
	H, W   int
	Values []float32
	Scale  Scale
}

// Figure kinds of the animations.
const (
	KindConvAnim   FigureKind = "conv-animation"
	KindReLUAnim   FigureKind = "relu-animation"
	KindPoolAnim   FigureKind = "maxpool-animation"
	KindPlayground FigureKind = "playground"
)

// Figure kinds of the animations of the layers TinyVGG lacks: average
// pooling's window, and a 1x1 window for batch norm, leaky ReLU, sigmoid
// and tanh.
const (
	KindAvgPoolAnim FigureKind = "avgpool-animation"
	KindPointAnim   FigureKind = "pointwise-animation"
)

// Default step times: CNN Explainer spends 250 ms per cell on its formula
// view, which takes minutes on a 26x26 map; real maps here step faster,
// the playground's few cells slower so each can be followed.
const (
	animStepMS       = 120
	playgroundStepMS = 600
)

// Steps is the number of window positions, one per output cell.
func (a *Anim) Steps() int { return a.Out.H * a.Out.W }

// PadH and PadW are the padded input size in cells.
func (a *Anim) PadH() int { return a.Top + a.In.H + a.Bottom }
func (a *Anim) PadW() int { return a.Left + a.In.W + a.Right }

// Window returns the padded-grid cell (row, column) of the window's top
// left corner at step k < Steps.
func (a *Anim) Window(k int) (row, col int) {
	return (k / a.Out.W) * a.SH, (k % a.Out.W) * a.SW
}

// Leftover returns how many padded rows and columns at the bottom and right
// no window position covers: non-zero when the stride does not divide the
// padded size minus the kernel.
func (a *Anim) Leftover() (rows, cols int) {
	return a.PadH() - ((a.Out.H-1)*a.SH + a.KH), a.PadW() - ((a.Out.W-1)*a.SW + a.KW)
}

// check makes sure the geometry is consistent, so drawing never indexes
// out of range.
func (a *Anim) check() error {
	for _, g := range []Grid{a.In, a.Out} {
		if g.H < 1 || g.W < 1 || g.Values != nil && len(g.Values) != g.H*g.W {
			return fmt.Errorf("animation grid %dx%d with %d values", g.H, g.W, len(g.Values))
		}
	}
	if a.KH < 1 || a.KW < 1 || a.SH < 1 || a.SW < 1 || a.Top < 0 || a.Left < 0 || a.Bottom < 0 || a.Right < 0 {
		return fmt.Errorf("animation window %dx%d stride %dx%d padding %d,%d,%d,%d", a.KH, a.KW, a.SH, a.SW,
			a.Top, a.Left, a.Bottom, a.Right)
	}
	if r, c := a.Leftover(); r < 0 || c < 0 {
		return fmt.Errorf("animation window %dx%d stride %dx%d does not fit %d output cells over %dx%d padded cells",
			a.KH, a.KW, a.SH, a.SW, a.Steps(), a.PadH(), a.PadW())
	}
	return nil
}

// NewAnim builds the animation of one layer of a traced model: for a
// convolution the window slides over input channel `channel` and the output
// is that channel's contribution to neuron `neuron` (no bias, no
// activation); for ReLU and max-pool the input and output are channel
// `neuron` and channel must be -1 or equal to neuron. Colours follow the
// site's unit-mode scales (see animScales).
func NewAnim(m *engine.Model, tr *engine.Trace, layer string, neuron, channel int) (*Anim, error) {
	ranges, err := NewRanges(m, tr)
	if err != nil {
		return nil, err
	}
	for i, l := range m.Layers {
		if l.Name() == layer {
			return layerAnim(m, tr, ranges, i, neuron, channel)
		}
	}
	return nil, fmt.Errorf("model has no layer %q", layer)
}

// AnimLayer reports whether layer l has an animation.
func AnimLayer(l engine.Layer) bool {
	switch l.(type) {
	case *engine.Conv2D, *engine.ReLU, *engine.MaxPool2D, *engine.AvgPool2D,
		*engine.BatchNorm, *engine.LeakyReLU, *engine.Sigmoid, *engine.Tanh:
		return true
	}
	return false
}

// layerAnim builds the animation of layer i of m for one neuron and input
// channel.
func layerAnim(m *engine.Model, tr *engine.Trace, ranges Ranges, i, neuron, channel int) (*Anim, error) {
	l := m.Layers[i]
	if i >= len(tr.Layers) || tr.Layers[i].Name != l.Name() {
		return nil, fmt.Errorf("trace does not match layer %s", l.Name())
	}
	x, y := tr.LayerInput(i), tr.Layers[i].Output
	if len(x.Shape) != 3 || len(y.Shape) != 3 {
		return nil, fmt.Errorf("layer %s does not map a map to a map", l.Name())
	}
	if neuron < 0 || neuron >= y.C() {
		return nil, fmt.Errorf("layer %s has no neuron %d (it has %d)", l.Name(), neuron, y.C())
	}
	if _, ok := l.(*engine.Conv2D); !ok && channel != -1 && channel != neuron {
		return nil, fmt.Errorf("layer %s works channel by channel: channel must be -1 or the neuron (%d), not %d",
			l.Name(), neuron, channel)
	}
	if _, ok := l.(*engine.Conv2D); !ok {
		channel = neuron
	}
	if channel < 0 || channel >= x.C() {
		return nil, fmt.Errorf("layer %s has no input channel %d (it has %d)", l.Name(), channel, x.C())
	}
	inScale, err := readScale(m, tr, ranges, i, channel)
	if err != nil {
		return nil, err
	}
	in := Grid{H: x.H(), W: x.W(), Values: x.Channel(channel).Data, Scale: inScale}
	a := &Anim{In: in, StepMS: animStepMS}
	switch l := l.(type) {
	case *engine.Conv2D:
		wy, wx, err := l.Windows(x.Shape)
		if err != nil {
			return nil, err
		}
		contrib := l.ChannelContribution(x, neuron, channel)
		a.Kind = KindConvAnim
		a.Out = Grid{H: wy.Out, W: wx.Out, Values: contrib.Data, Scale: ActivationScale(maxAbs(contrib.Data))}
		a.Top, a.Bottom, a.Left, a.Right = wy.Before, wy.After, wx.Before, wx.After
		a.KH, a.KW, a.SH, a.SW = l.KH, l.KW, l.StrideH, l.StrideW
	case *engine.MaxPool2D:
		wy, wx, err := l.Windows(x.Shape)
		if err != nil {
			return nil, err
		}
		a.Kind = KindPoolAnim
		a.Out = Grid{H: wy.Out, W: wx.Out, Values: y.Channel(neuron).Data, Scale: inScale}
		a.Top, a.Bottom, a.Left, a.Right = wy.Before, wy.After, wx.Before, wx.After
		a.KH, a.KW, a.SH, a.SW = l.PoolH, l.PoolW, l.StrideH, l.StrideW
	case *engine.ReLU:
		// Output values are max(0, v) of the input, so the input's scale
		// spans them and equal values keep equal colours across the two.
		a.Kind = KindReLUAnim
		a.Out = Grid{H: y.H(), W: y.W(), Values: y.Channel(neuron).Data, Scale: inScale}
		a.KH, a.KW, a.SH, a.SW = 1, 1, 1, 1
	case *engine.AvgPool2D:
		// An average lies inside its window's range, padding zeros
		// included, so the input's scale spans the outputs too.
		wy, wx, err := l.Windows(x.Shape)
		if err != nil {
			return nil, err
		}
		a.Kind = KindAvgPoolAnim
		a.Out = Grid{H: wy.Out, W: wx.Out, Values: y.Channel(neuron).Data, Scale: inScale}
		a.Top, a.Bottom, a.Left, a.Right = wy.Before, wy.After, wx.Before, wx.After
		a.KH, a.KW, a.SH, a.SW = l.PoolH, l.PoolW, l.StrideH, l.StrideW
	case *engine.BatchNorm, *engine.LeakyReLU, *engine.Sigmoid, *engine.Tanh:
		// These change the range (sigmoid squeezes it into (0, 1)), so
		// the output has the layer's own scale, as its map elsewhere.
		outScale, err := ranges.Scale(Unit, l.Name(), neuron)
		if err != nil {
			return nil, err
		}
		a.Kind = KindPointAnim
		a.Out = Grid{H: y.H(), W: y.W(), Values: y.Channel(neuron).Data, Scale: outScale}
		a.KH, a.KW, a.SH, a.SW = 1, 1, 1, 1
	default:
		return nil, fmt.Errorf("layer %s (%s) has no animation", l.Name(), l.Kind())
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("layer %s: %w", l.Name(), err)
	}
	return a, nil
}

// readScale is the scale of channel c of what layer i reads, as the site's
// other figures colour it: the input channel view for the first layer,
// otherwise the unit-mode activation scale of the previous layer's neuron c.
func readScale(m *engine.Model, tr *engine.Trace, ranges Ranges, i, c int) (Scale, error) {
	if i == 0 {
		return NewScale(channelScheme(c, tr.Input.C()), 0, inputRange(m))
	}
	return ranges.Scale(Unit, m.Layers[i-1].Name(), c)
}
