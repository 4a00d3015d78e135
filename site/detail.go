package site

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/render"
	"cnnexplainer/site/mathml"
)

// Position is a cell of an output map.
type Position struct{ Y, X int }

// MapView is one map with an optional window overlay. Role, C, Lo and Hi
// tell the page script what a cell of it holds: "in" a value of the map
// the layer reads (channel C), "part" one channel's share of the
// convolution, "out" the output.
type MapView struct {
	Img
	Caption string
	Window  Box
	Cell    Box
	Role    string
	C       int
	Lo, Hi  string
}

// ChannelStep is one input channel of a convolution neuron.
type ChannelStep struct {
	C       int
	Name    string
	Input   MapView // the unit-range map, as the chapters show it
	Src     MapView // the same map on the block's range, for the detail page
	Part    MapView // the intermediate map: this channel's share of the output
	Kernel  Grid
	KImg    Img
	Window  Grid
	Product string // sum of window * kernel for this channel
	Terms   []string
	Anim    Img
}

// DetailView is what a neuron's page shows.
type DetailView struct {
	Kind     string // conv2d, relu, maxpool2d, class
	Layer    string
	KindName string
	Neuron   int
	Sample   *Run
	Pos      Position
	PosText  string
	Output   MapView
	Value    string
	Bias     string
	Sum      string
	Fused    bool
	Channels []ChannelStep
	Window   Grid // relu: 1x1, maxpool: the pooled window
	Input    MapView
	Formula  template.HTML
	Back     string
	Up       string
	Data     DetailData
	DataJS   string // the script holding the map this layer reads
	KernelJS string // the script holding the layer's kernels (convolutions)
	Class    *ClassView
	Softmax  *SoftmaxView
	Anim     Img // render's animation of the whole layer step, when there is one
	Nav      DetailNav
	Legends  []Legend
	Norm     *NormView // batch norm: the channel's statistics
	ShowAnim bool      // the page shows Anim (the kinds TinyVGG lacks)
	Geometry string    // a strided or unevenly padded window's steps
	Vector   *VectorView
	Host     string // this sample's id when detail.js switches other samples into the page
}

// DetailData is what the page script needs to replay the neuron (kept
// small: sizes and the kernel; the map comes from the DataJS script).
type DetailData struct {
	Kind     string      `json:"kind"`
	In       string      `json:"in,omitempty"`
	Out      [3]int      `json:"out"`
	InShape  []int       `json:"inShape,omitempty"`
	K        [2]int      `json:"k"`
	Stride   [2]int      `json:"s"`
	Pad      [2]int      `json:"p"`
	Kernel   [][]float32 `json:"kernel,omitempty"`
	Kernels  string      `json:"kk,omitempty"` // the tinyvggData key of the layer's kernels, when Kernel is not inline
	Bias     float32     `json:"bias"`
	Neuron   int         `json:"n"`
	Fused    bool        `json:"relu,omitempty"`
	Position [2]int      `json:"pos"`
	// The parameters of the kinds TinyVGG lacks: leaky ReLU's slope,
	// batch norm's mean, std, gamma and beta, whether an average pool
	// divides by its padding too.
	Alpha    float32   `json:"alpha,omitempty"`
	Norm     []float32 `json:"bn,omitempty"`
	CountPad bool      `json:"cp,omitempty"`
}

// partMap is channel c's intermediate map of neuron n of convolution
// layer for run r. A switched sample has one strip a neuron instead, on
// the same range (its views.js carries the range; the script shows the
// strip channel by channel).
func (v *views) partMap(p pageCtx, r *Run, layer string, n, c int) (MapView, render.Figure, bool) {
	f, ok := v.figs.find(render.KindIntermediate, r.ID, layer, n, c, 0)
	if !ok {
		f, ok = v.figs.find(render.KindIntermediateStrip, r.ID, layer, n, -1, 0)
	}
	if !ok {
		return MapView{}, f, false
	}
	m := mapView(Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true}, f, p.lang.Tf("neuron.part_caption", "c", c), "part", c)
	m.Alt = m.Caption
	return m, f, true
}

// peak is the output cell with the largest value: the most telling default
// position for the no-JavaScript page.
func peak(t *engine.Tensor, c int) Position {
	best, pos := float32(math.Inf(-1)), Position{}
	for y := 0; y < t.H(); y++ {
		for x := 0; x < t.W(); x++ {
			if v := t.At(y, x, c); v > best {
				best, pos = v, Position{y, x}
			}
		}
	}
	return pos
}

func (v *views) mapImg(p pageCtx, r *Run, layer string, c int) (Img, error) {
	img, _, err := v.mapFig(p, r, layer, c, render.Unit)
	return img, err
}

// mapFig returns a map in a range mode with its manifest entry.
func (v *views) mapFig(p pageCtx, r *Run, layer string, c int, mode render.Mode) (Img, render.Figure, error) {
	if layer == "" {
		mode = 0
	}
	f, err := v.figs.mustActivation(r.ID, layer, c, mode)
	if err != nil {
		return Img{}, f, err
	}
	return Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true}, f, nil
}

// mapView places a figure as a map the page script can read: role and
// channel say what its cells hold, the range how its colours read.
func mapView(img Img, f render.Figure, caption, role string, c int) MapView {
	return MapView{Img: img, Caption: caption, Role: role, C: c, Lo: num(f.Range[0], 2), Hi: num(f.Range[1], 2)}
}

func (v *views) layerLabel(p pageCtx, layer string, n int) string {
	if layer == "" {
		return p.lang.Tf("overview.input_channel", "channel", v.channelName(p, n))
	}
	return p.lang.Tf("detail.neuron_title", "layer", layer, "n", n)
}

// detail builds the page of neuron n of layer li for run r.
func (v *views) detail(p pageCtx, r *Run, li, n int) (*DetailView, error) {
	l := v.net.Model.Layers[li]
	d := &DetailView{Layer: l.Name(), Neuron: n, Sample: r, Kind: l.Kind().String(), KindName: v.kindName(p, l.Kind().String())}
	d.Back = p.rel(v.homePath(p.lang, r))
	if l.Kind() == engine.KindDense {
		return v.classDetail(p, r, li, n, d)
	}
	if !v.net.isMap(li) {
		return v.vectorDetail(p, r, li, n, d)
	}
	tr, err := v.net.trace(r)
	if err != nil {
		return nil, err
	}
	out := tr.Layers[li].Output
	in := tr.LayerInput(li)
	src := v.net.sourceLayer(li)
	d.Pos = peak(out, n)
	d.PosText = p.lang.Tf("detail.position", "row", d.Pos.Y, "col", d.Pos.X)
	oimg, ofig, err := v.mapFig(p, r, l.Name(), n, render.Unit)
	if err != nil {
		return nil, err
	}
	d.Output = mapView(oimg, ofig, v.layerLabel(p, l.Name(), n), "out", n)
	d.Output.Cell = Box{boxStyle(d.Pos.Y, d.Pos.X, 1, 1, out.H(), out.W())}
	d.Output.Alt = p.lang.Tf("alt.output_map", "layer", l.Name(), "n", n)
	d.Value = num(out.At(d.Pos.Y, d.Pos.X, n), 4)
	d.Data = DetailData{Kind: d.Kind, In: dataName(src), Out: [3]int{out.H(), out.W(), out.C()}, InShape: in.Shape, Neuron: n, Position: [2]int{d.Pos.Y, d.Pos.X}}
	d.DataJS = p.rel(dataFile(r.ID, dataName(src)))
	switch l := l.(type) {
	case *engine.Conv2D:
		err = v.convDetail(p, r, l, in, src, d)
	case *engine.ReLU:
		err = v.reluDetail(p, r, l, in, src, d)
	case *engine.MaxPool2D:
		err = v.poolDetail(p, r, l, in, src, d)
	case *engine.AvgPool2D:
		err = v.avgPoolDetail(p, r, l, in, src, d)
	case *engine.GlobalAvgPool:
		err = v.gapDetail(p, r, l, in, src, d)
	case *engine.LeakyReLU, *engine.Sigmoid, *engine.Tanh, *engine.BatchNorm:
		err = v.pointDetail(p, r, l, in, src, d)
	default:
		return nil, fmt.Errorf("layer %s: no detail view for %s", l.Name(), l.Kind())
	}
	if err != nil {
		return nil, err
	}
	d.Legends = append(d.Legends, legendFor(ofig, p.lang.Tf("neuron.legend_out", "name", d.Output.Caption)))
	return d, nil
}

// convDetail fills the convolution view: per input channel its map with the
// window, its kernel, the window's values and its intermediate map, then
// the sum with the bias that gives the output.
func (v *views) convDetail(p pageCtx, r *Run, l *engine.Conv2D, in *engine.Tensor, src string, d *DetailView) error {
	n := d.Neuron
	wy, wx, err := l.Windows(in.Shape)
	if err != nil {
		return err
	}
	d.Fused = l.Act == engine.ActReLU
	d.Bias = num(l.Bias[n], 4)
	d.Data.K, d.Data.Stride, d.Data.Pad = [2]int{l.KH, l.KW}, [2]int{l.StrideH, l.StrideW}, [2]int{wy.Before, wx.Before}
	d.Data.Bias, d.Data.Fused = l.Bias[n], d.Fused
	d.Geometry = geometry(p, wy, wx)
	d.Data.Kernels, d.KernelJS = kernelsName(l.Name()), p.rel(kernelsFile(l.Name()))
	ct, err := l.TermsAt(in, n, d.Pos.Y, d.Pos.X)
	if err != nil {
		return err
	}
	y0, x0 := ct.Y0, ct.X0
	var sums []string
	var partFig render.Figure
	for c, ch := range ct.Channels {
		ks, win := ch.Kernel, ch.Window
		var terms []string
		for i := range ks {
			terms = append(terms, num(win[i], 2)+" × "+num(ks[i], 2))
		}
		s := ch.Sum
		sums = append(sums, num(s, 3))
		step := ChannelStep{C: c, Name: v.layerLabel(p, src, c), Kernel: weightGrid(ks, l.KH, l.KW), Window: grid(win, l.KH, l.KW, 2), Product: num(s, 3), Terms: terms}
		box := Box{boxStyle(y0, x0, l.KH, l.KW, in.H(), in.W())}
		iimg, ifig, err := v.mapFig(p, r, src, c, render.Unit)
		if err != nil {
			return err
		}
		step.Input = mapView(iimg, ifig, step.Name, "in", c)
		step.Input.Window, step.Input.Alt = box, p.lang.Tf("alt.input_map", "name", step.Name)
		// Each map on its own range, as the overview's default shows it:
		// on one range for the block most maps would look blank. The
		// caption gives the range, and one legend the colours.
		step.Src = step.Input
		switch {
		case src == "" && c == 0: // the input has one fixed range
			d.Legends = append(d.Legends, legendFor(ifig, p.lang.Tf("neuron.legend_out", "name", step.Name)))
		case src != "":
			step.Src.Caption = p.lang.Tf("neuron.map_range", "name", step.Name, "r", num(ifig.Range[1], 2))
			if c == 0 {
				d.Legends = append(d.Legends, unitLegend(ifig, p.lang.Tf("neuron.legend_in", "layer", src)))
			}
		}
		if part, f, ok := v.partMap(p, r, l.Name(), n, c); ok {
			partFig, step.Part = f, part
			step.Part.Cell = d.Output.Cell
		}
		step.Kernel.Caption = p.lang.Tf("detail.kernel_caption", "c", c)
		step.Window.Caption = p.lang.Tf("detail.window_caption", "c", c)
		if f, ok := v.figs.anyMode(render.KindConvAnim, r.ID, l.Name(), n, c); ok {
			step.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.conv_anim", "name", step.Name, "layer", l.Name(), "n", n)}
		}
		if f, ok := v.figs.find(render.KindKernel, "", l.Name(), n, c, 0); ok {
			step.KImg = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: p.lang.Tf("alt.kernel", "layer", l.Name(), "n", n, "c", c)}
			if c == 0 {
				d.Legends = append(d.Legends, legendFor(f, p.lang.Tf("neuron.legend_kernel", "layer", l.Name())))
			}
		}
		d.Channels = append(d.Channels, step)
	}
	if partFig.File != "" {
		d.Legends = append(d.Legends, legendFor(partFig, p.lang.T("neuron.legend_part")))
	}
	d.Sum = num(ct.Z, 4)
	tex := fmt.Sprintf(`z_{%d,%d} = %s + %s = %s`, d.Pos.Y, d.Pos.X, strings.Join(sums, " + "), texNum(d.Bias), texNum(d.Sum))
	if d.Fused {
		tex += fmt.Sprintf(`\quad \max(0, %s) = %s`, texNum(d.Sum), texNum(d.Value))
	}
	d.Formula, err = formula(tex)
	return err
}

// weightGrid is a kernel's numbers, marked with the weight colours (brown
// negative, green positive) rather than the activation ones.
func weightGrid(vals []float32, h, w int) Grid {
	g := grid(vals, h, w, 2)
	for _, row := range g.Rows {
		for i := range row {
			switch row[i].Class {
			case "pos":
				row[i].Class = "wpos"
			case "neg":
				row[i].Class = "wneg"
			}
		}
	}
	return g
}

// reluDetail fills the ReLU view: the value under the cell, max(0, x), the
// output cell. It is the value-by-value view of the other activations.
func (v *views) reluDetail(p pageCtx, r *Run, l *engine.ReLU, in *engine.Tensor, src string, d *DetailView) error {
	return v.pointDetail(p, r, l, in, src, d)
}

// poolDetail fills the max-pool view: the window on the input map, its
// values, their maximum, the output cell.
func (v *views) poolDetail(p pageCtx, r *Run, l *engine.MaxPool2D, in *engine.Tensor, src string, d *DetailView) error {
	n := d.Neuron
	wy, wx, err := l.Windows(in.Shape)
	if err != nil {
		return err
	}
	iimg, ifig, err := v.mapFig(p, r, src, n, render.Unit)
	if err != nil {
		return err
	}
	pw, err := l.WindowAt(in, n, d.Pos.Y, d.Pos.X)
	if err != nil {
		return err
	}
	y0, x0, win := pw.Y0, pw.X0, pw.Values
	d.Input = mapView(iimg, ifig, v.layerLabel(p, src, n), "in", n)
	d.Input.Window = Box{boxStyle(y0, x0, l.PoolH, l.PoolW, in.H(), in.W())}
	d.Input.Alt = p.lang.Tf("alt.input_map", "name", d.Input.Caption)
	d.Window = grid(win, l.PoolH, l.PoolW, 3)
	if f, ok := v.figs.anyMode(render.KindPoolAnim, r.ID, l.Name(), n, -1); ok {
		d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.maxpool_anim", "layer", l.Name(), "n", n)}
	}
	d.Data.K, d.Data.Stride, d.Data.Pad = [2]int{l.PoolH, l.PoolW}, [2]int{l.StrideH, l.StrideW}, [2]int{wy.Before, wx.Before}
	d.Legends = append(d.Legends, legendFor(ifig, p.lang.Tf("neuron.legend_out", "name", d.Input.Caption)))
	var parts []string
	for _, w := range win {
		if !math.IsInf(float64(w), 0) {
			parts = append(parts, texNum(num(w, 3)))
		}
	}
	d.Formula, err = formula(fmt.Sprintf(`\max(%s) = %s`, strings.Join(parts, ", "), texNum(d.Value)))
	return err
}

// texNum wraps a negative number in braces so "+ -0.5" reads as a sum.
func texNum(s string) string {
	if strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}

func formula(tex string) (template.HTML, error) {
	s, err := mathml.Convert(tex, true)
	if err != nil {
		return "", fmt.Errorf("formula %q: %w", tex, err)
	}
	return template.HTML(s), nil
}

func dataName(layer string) string {
	if layer == "" {
		return "input"
	}
	return layer
}
