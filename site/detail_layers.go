package site

import (
	"fmt"
	"html/template"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/render"
)

// The detail views of the layer kinds TinyVGG lacks (batch norm, leaky
// ReLU, sigmoid, tanh, average pooling, global average pooling). Each reads
// the same way as ReLU and max pooling: the input map with the window, the
// window's values, the formula with the numbers, the output cell. The
// numbers come from the engine; this file only formats them.

// pointDetail fills the view of a layer that maps each value on its own.
func (v *views) pointDetail(p pageCtx, r *Run, l engine.Layer, in *engine.Tensor, src string, d *DetailView) error {
	n := d.Neuron
	iimg, ifig, err := v.mapFig(p, r, src, n, render.Unit)
	if err != nil {
		return err
	}
	x := in.At(d.Pos.Y, d.Pos.X, n)
	d.Input = mapView(iimg, ifig, v.layerLabel(p, src, n), "in", n)
	d.Input.Cell = Box{boxStyle(d.Pos.Y, d.Pos.X, 1, 1, in.H(), in.W())}
	d.Input.Alt = p.lang.Tf("alt.input_map", "name", d.Input.Caption)
	d.Window = grid([]float32{x}, 1, 1, 4)
	// ReLU's page keeps its animation as a link, as it always has; the
	// kinds TinyVGG lacks show theirs on the page.
	if _, relu := l.(*engine.ReLU); relu {
		if f, ok := v.figs.anyMode(render.KindReLUAnim, r.ID, l.Name(), n, -1); ok {
			d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.relu_anim", "layer", l.Name(), "n", n)}
		}
	} else if f, ok := v.figs.anyMode(render.KindPointAnim, r.ID, l.Name(), n, -1); ok {
		d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.point_anim", "layer", l.Name(), "n", n, "kind", d.KindName)}
		d.ShowAnim = true
	}
	d.Data.K, d.Data.Stride = [2]int{1, 1}, [2]int{1, 1}
	d.Legends = append(d.Legends, legendFor(ifig, p.lang.Tf("neuron.legend_out", "name", d.Input.Caption)))
	d.Formula, err = pointFormula(l, n, x, d)
	return err
}

// pointFormula is the formula of a value-by-value layer for value x of
// channel (or unit) n, with d.Value its output; it fills d's batch-norm
// statistics and the script's parameters.
func pointFormula(l engine.Layer, n int, x float32, d *DetailView) (template.HTML, error) {
	xs := texNum(num(x, 4))
	var tex string
	switch l := l.(type) {
	case *engine.ReLU:
		tex = fmt.Sprintf(`\max(0, %s) = %s`, xs, texNum(d.Value))
	case *engine.LeakyReLU:
		d.Data.Alpha = l.Alpha
		tex = fmt.Sprintf(`\max(%s, %s \cdot %s) = %s`, xs, num(l.Alpha, 4), xs, texNum(d.Value))
	case *engine.Sigmoid:
		tex = fmt.Sprintf(`\frac{1}{1 + \exp(-%s)} = %s`, xs, texNum(d.Value))
	case *engine.Tanh:
		tex = fmt.Sprintf(`\tanh(%s) = %s`, xs, texNum(d.Value))
	case *engine.BatchNorm:
		mean, std, gamma, beta := l.Mean[n], l.Std(n), l.Gamma[n], l.Beta[n]
		d.Data.Norm = []float32{mean, std, gamma, beta}
		d.Norm = &NormView{Mean: num(mean, 4), Std: num(std, 4), Gamma: num(gamma, 4), Beta: num(beta, 4), Eps: fmt.Sprint(l.Epsilon), Var: num(l.Var[n], 4)}
		tex = fmt.Sprintf(`\frac{%s - %s}{%s} \cdot %s + %s = %s \cdot %s + %s = %s`, xs, texNum(d.Norm.Mean), d.Norm.Std,
			texNum(d.Norm.Gamma), texNum(d.Norm.Beta), texNum(num(l.Normalised(n, x), 4)), texNum(d.Norm.Gamma), texNum(d.Norm.Beta), texNum(d.Value))
	default:
		return "", fmt.Errorf("layer %s: no value-by-value view for %s", l.Name(), l.Kind())
	}
	return formula(tex)
}

// VectorView is a value-by-value layer on a vector (the ReLU between two
// dense layers): one input value, one output value.
type VectorView struct {
	In, From, FromHref string
}

// vectorDetail fills the view of a value-by-value layer on a vector: the
// unit's input value, where it comes from, the formula, the output.
func (v *views) vectorDetail(p pageCtx, r *Run, li, n int, d *DetailView) (*DetailView, error) {
	l := v.net.Model.Layers[li]
	tr, err := v.net.trace(r)
	if err != nil {
		return nil, err
	}
	x := tr.LayerInput(li).Data[n]
	d.Value = num(tr.Layers[li].Output.Data[n], 4)
	d.Vector = &VectorView{In: num(x, 4), From: p.lang.T("overview.input")}
	if li > 0 {
		d.Vector.From = v.neuronName(p, li-1, n)
		if v.net.hasDetail(li - 1) {
			d.Vector.FromHref = p.rel(v.neuronPath(p.lang, r, v.net.Model.Layers[li-1].Name(), n))
		}
	}
	if d.Formula, err = pointFormula(l, n, x, d); err != nil {
		return nil, err
	}
	return d, nil
}

// NormView is a batch-norm channel's statistics, for the page's table.
type NormView struct{ Mean, Var, Eps, Std, Gamma, Beta string }

// avgPoolDetail fills the average-pooling view: the window, its values
// (padding cells empty), their sum over the divisor, the output cell.
func (v *views) avgPoolDetail(p pageCtx, r *Run, l *engine.AvgPool2D, in *engine.Tensor, src string, d *DetailView) error {
	n := d.Neuron
	wy, wx, err := l.Windows(in.Shape)
	if err != nil {
		return err
	}
	aw, err := l.WindowAt(in, n, d.Pos.Y, d.Pos.X)
	if err != nil {
		return err
	}
	// Padding that counts towards the divisor shows as the zeros it is.
	shown := aw.PoolWindow
	if l.CountPad {
		shown.Pad = make([]bool, len(aw.Pad))
	}
	if err := v.windowInput(p, r, l.Name(), render.KindAvgPoolAnim, src, in, shown, d); err != nil {
		return err
	}
	d.Data.K, d.Data.Stride, d.Data.Pad = [2]int{l.PoolH, l.PoolW}, [2]int{l.StrideH, l.StrideW}, [2]int{wy.Before, wx.Before}
	d.Data.CountPad = l.CountPad
	d.Geometry = geometry(p, wy, wx)
	var parts []string
	for i, w := range aw.Values {
		if !aw.Pad[i] || l.CountPad {
			parts = append(parts, texNum(num(w, 3)))
		}
	}
	d.Formula, err = formula(fmt.Sprintf(`\frac{%s}{%s} = \frac{%s}{%s} = %s`, strings.Join(parts, " + "), num(aw.Divisor, 0),
		texNum(num(aw.Sum, 4)), num(aw.Divisor, 0), texNum(d.Value)))
	return err
}

// gapDetail fills the global-average-pooling view: the whole map is the
// window; its sum over the number of cells is the one output value.
func (v *views) gapDetail(p pageCtx, r *Run, l *engine.GlobalAvgPool, in *engine.Tensor, src string, d *DetailView) error {
	n := d.Neuron
	sum, cells, err := l.SumOf(in, n)
	if err != nil {
		return err
	}
	pw := engine.PoolWindow{H: in.H(), W: in.W(), Values: in.Channel(n).Data, Pad: make([]bool, in.H()*in.W())}
	if err := v.windowInput(p, r, l.Name(), "", src, in, pw, d); err != nil {
		return err
	}
	// A large map's every number would bury the page: the sum says it.
	if cells > 64 {
		d.Window = Grid{}
	}
	d.Data.K = [2]int{in.H(), in.W()}
	d.Data.Stride = [2]int{1, 1}
	d.Formula, err = formula(fmt.Sprintf(`\frac{1}{%d \times %d} \sum_{y,x} x_{y,x} = \frac{%s}{%d} = %s`, in.H(), in.W(),
		texNum(num(float32(sum), 4)), cells, texNum(d.Value)))
	return err
}

// windowInput places the input map with the window outline, the window's
// numbers (empty in the padding), the layer's animation and the legend.
func (v *views) windowInput(p pageCtx, r *Run, layer string, anim render.FigureKind, src string, in *engine.Tensor, w engine.PoolWindow, d *DetailView) error {
	n := d.Neuron
	iimg, ifig, err := v.mapFig(p, r, src, n, render.Unit)
	if err != nil {
		return err
	}
	d.Input = mapView(iimg, ifig, v.layerLabel(p, src, n), "in", n)
	d.Input.Window = Box{boxStyle(w.Y0, w.X0, w.H, w.W, in.H(), in.W())}
	d.Input.Alt = p.lang.Tf("alt.input_map", "name", d.Input.Caption)
	d.Window = grid(w.Values, w.H, w.W, 3)
	for i, pad := range w.Pad {
		if pad {
			d.Window.Rows[i/w.W][i%w.W] = Cell{}
		}
	}
	if anim != "" {
		if f, ok := v.figs.anyMode(anim, r.ID, layer, n, -1); ok {
			d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.avgpool_anim", "layer", layer, "n", n)}
			d.ShowAnim = true
		}
	}
	d.Legends = append(d.Legends, legendFor(ifig, p.lang.Tf("neuron.legend_out", "name", d.Input.Caption)))
	return nil
}

// geometry says how the window steps and where the zeros are, for a
// stride above 1 or uneven padding, which the outline alone cannot show
// (windows that tile an unpadded map, as a 2 x 2 pool's do, need no words).
func geometry(p pageCtx, wy, wx engine.Window) string {
	plain := wy.Stride == 1 && wx.Stride == 1 && wy.Before == wy.After && wx.Before == wx.After
	tiles := wy.Stride == wy.K && wx.Stride == wx.K && wy.Before+wy.After+wx.Before+wx.After == 0
	if plain || tiles {
		return ""
	}
	return p.lang.Tf("detail.geometry", "kh", wy.K, "kw", wx.K, "sh", wy.Stride, "sw", wx.Stride,
		"top", wy.Before, "bottom", wy.After, "left", wx.Before, "right", wx.After)
}
