package site

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/render"
	"cnnexplainer/site/mathml"
)

// Position is a cell of an output map.
type Position struct{ Y, X int }

// MapView is one map with an optional window overlay.
type MapView struct {
	Img
	Caption string
	Window  Box
	Cell    Box
}

// ChannelStep is one input channel of a convolution neuron.
type ChannelStep struct {
	C       int
	Name    string
	Input   MapView
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
	Class    *ClassView
	Softmax  *SoftmaxView
	Anim     Img // render's animation of the whole layer step, when there is one
}

// DetailData is what the page script needs to replay the neuron (kept
// small: sizes and the kernel; the maps come from data/*.json).
type DetailData struct {
	Kind     string      `json:"kind"`
	In       string      `json:"in,omitempty"`
	Out      [3]int      `json:"out"`
	InShape  []int       `json:"inShape,omitempty"`
	K        [2]int      `json:"k"`
	Stride   [2]int      `json:"s"`
	Pad      [2]int      `json:"p"`
	Kernel   [][]float32 `json:"kernel,omitempty"`
	Bias     float32     `json:"bias"`
	Neuron   int         `json:"n"`
	Fused    bool        `json:"relu,omitempty"`
	Position [2]int      `json:"pos"`
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
	mode := "unit"
	if layer == "" {
		mode = ""
	}
	f, err := v.figs.mustActivation(r.ID, layer, c, mode)
	if err != nil {
		return Img{}, err
	}
	return Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true}, nil
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
	if li == v.net.Logits {
		return v.classDetail(p, r, li, n, d)
	}
	out := r.Trace.Layers[li].Output
	in := r.Trace.LayerInput(li)
	src := v.net.sourceLayer(li)
	d.Pos = peak(out, n)
	d.PosText = p.lang.Tf("detail.position", "row", d.Pos.Y, "col", d.Pos.X)
	oimg, err := v.mapImg(p, r, l.Name(), n)
	if err != nil {
		return nil, err
	}
	d.Output = MapView{Img: oimg, Caption: v.layerLabel(p, l.Name(), n), Cell: Box{boxStyle(d.Pos.Y, d.Pos.X, 1, 1, out.H(), out.W())}}
	d.Output.Alt = p.lang.Tf("alt.output_map", "layer", l.Name(), "n", n)
	val := out.At(d.Pos.Y, d.Pos.X, n)
	d.Value = num(val, 4)
	d.Data = DetailData{Kind: d.Kind, In: dataName(src), Out: [3]int{out.H(), out.W(), out.C()}, InShape: in.Shape, Neuron: n, Position: [2]int{d.Pos.Y, d.Pos.X}}
	switch l := l.(type) {
	case *engine.Conv2D:
		wy, wx, err := l.Windows(in.Shape)
		if err != nil {
			return nil, err
		}
		d.Fused = l.Act == engine.ActReLU
		d.Bias = num(l.Bias[n], 4)
		d.Data.K, d.Data.Stride, d.Data.Pad = [2]int{l.KH, l.KW}, [2]int{l.StrideH, l.StrideW}, [2]int{wy.Before, wx.Before}
		d.Data.Bias, d.Data.Fused = l.Bias[n], d.Fused
		y0, x0 := d.Pos.Y*l.StrideH-wy.Before, d.Pos.X*l.StrideW-wx.Before
		var total float32 = l.Bias[n]
		var sums []string
		for c := 0; c < l.InC; c++ {
			ks := l.KernelSlice(n, c)
			d.Data.Kernel = append(d.Data.Kernel, ks)
			win := window(in, c, y0, x0, l.KH, l.KW, 0)
			var s float32
			var terms []string
			for i := range ks {
				s += ks[i] * win[i]
				terms = append(terms, num(win[i], 2)+" × "+num(ks[i], 2))
			}
			total += s
			sums = append(sums, num(s, 3))
			iimg, err := v.mapImg(p, r, src, c)
			if err != nil {
				return nil, err
			}
			step := ChannelStep{C: c, Name: v.layerLabel(p, src, c), Kernel: grid(ks, l.KH, l.KW, 2), Window: grid(win, l.KH, l.KW, 2), Product: num(s, 3), Terms: terms}
			step.Input = MapView{Img: iimg, Caption: step.Name, Window: Box{boxStyle(y0, x0, l.KH, l.KW, in.H(), in.W())}}
			step.Input.Alt = p.lang.Tf("alt.input_map", "name", step.Name)
			step.Kernel.Caption = p.lang.Tf("detail.kernel_caption", "c", c)
			step.Window.Caption = p.lang.Tf("detail.window_caption", "c", c)
			if f, ok := v.figs.anyMode(render.KindConvAnim, r.ID, l.Name(), n, c); ok {
				step.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.conv_anim", "name", step.Name, "layer", l.Name(), "n", n)}
			}
			if f, ok := v.figs.find(render.KindKernel, "", l.Name(), n, c, ""); ok {
				step.KImg = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: p.lang.Tf("alt.kernel", "layer", l.Name(), "n", n, "c", c)}
			}
			d.Channels = append(d.Channels, step)
		}
		d.Sum = num(total, 4)
		tex := fmt.Sprintf(`z_{%d,%d} = %s + %s = %s`, d.Pos.Y, d.Pos.X, strings.Join(sums, " + "), texNum(d.Bias), texNum(num(total, 4)))
		if d.Fused {
			tex += fmt.Sprintf(`\quad \max(0, %s) = %s`, texNum(num(total, 4)), texNum(d.Value))
		}
		d.Formula, err = formula(tex)
		if err != nil {
			return nil, err
		}
	case *engine.ReLU:
		iimg, err := v.mapImg(p, r, src, n)
		if err != nil {
			return nil, err
		}
		x := in.At(d.Pos.Y, d.Pos.X, n)
		d.Input = MapView{Img: iimg, Caption: v.layerLabel(p, src, n), Cell: Box{boxStyle(d.Pos.Y, d.Pos.X, 1, 1, in.H(), in.W())}}
		d.Input.Alt = p.lang.Tf("alt.input_map", "name", d.Input.Caption)
		d.Window = grid([]float32{x}, 1, 1, 4)
		if f, ok := v.figs.anyMode(render.KindReLUAnim, r.ID, l.Name(), n, -1); ok {
			d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.relu_anim", "layer", l.Name(), "n", n)}
		}
		d.Data.K, d.Data.Stride = [2]int{1, 1}, [2]int{1, 1}
		d.Formula, err = formula(fmt.Sprintf(`\max(0, %s) = %s`, texNum(num(x, 4)), texNum(d.Value)))
		if err != nil {
			return nil, err
		}
	case *engine.MaxPool2D:
		wy, wx, err := l.Windows(in.Shape)
		if err != nil {
			return nil, err
		}
		iimg, err := v.mapImg(p, r, src, n)
		if err != nil {
			return nil, err
		}
		y0, x0 := d.Pos.Y*l.StrideH-wy.Before, d.Pos.X*l.StrideW-wx.Before
		win := window(in, n, y0, x0, l.PoolH, l.PoolW, float32(math.Inf(-1)))
		d.Input = MapView{Img: iimg, Caption: v.layerLabel(p, src, n), Window: Box{boxStyle(y0, x0, l.PoolH, l.PoolW, in.H(), in.W())}}
		d.Input.Alt = p.lang.Tf("alt.input_map", "name", d.Input.Caption)
		d.Window = grid(win, l.PoolH, l.PoolW, 3)
		if f, ok := v.figs.anyMode(render.KindPoolAnim, r.ID, l.Name(), n, -1); ok {
			d.Anim = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Alt: p.lang.Tf("alt.maxpool_anim", "layer", l.Name(), "n", n)}
		}
		d.Data.K, d.Data.Stride, d.Data.Pad = [2]int{l.PoolH, l.PoolW}, [2]int{l.StrideH, l.StrideW}, [2]int{wy.Before, wx.Before}
		var parts []string
		for _, w := range win {
			if !math.IsInf(float64(w), 0) {
				parts = append(parts, texNum(num(w, 3)))
			}
		}
		d.Formula, err = formula(fmt.Sprintf(`\max(%s) = %s`, strings.Join(parts, ", "), texNum(d.Value)))
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("layer %s: no detail view for %s", l.Name(), l.Kind())
	}
	return d, nil
}

// window copies a (h, w) window of channel c starting at (y0, x0); cells
// outside the map get pad.
func window(t *engine.Tensor, c, y0, x0, h, w int, pad float32) []float32 {
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

// ClassView is the flatten + dense view of one class.
type ClassView struct {
	Class   string
	Source  string
	Maps    []ClassMap
	Terms   []Term
	More    int
	Bias    string
	Logit   string
	N       int
	Prob    string
	Formula template.HTML
}

// ClassMap is one map feeding the class with its weight picture.
type ClassMap struct {
	Map    Img
	Weight Img
	Name   string
}

// Term is one weight times value of a logit, largest first.
type Term struct {
	Index         int
	Where         string
	Value, Weight string
	Product       string
	Class         string
}

// SoftmaxView shows every logit and probability.
type SoftmaxView struct {
	Rows    []SoftmaxRow
	Sum     string
	Formula template.HTML
}

// SoftmaxRow is one class of the softmax table.
type SoftmaxRow struct {
	Class, Logit, Exp, Prob, Href string
	BarStyle                      template.CSS
	Top                           bool
}

func (v *views) softmax(p pageCtx, r *Run) (*SoftmaxView, error) {
	sv := &SoftmaxView{}
	lo := r.Trace.Logits
	m := lo[argmax(lo)]
	var sum float64
	for _, z := range lo {
		sum += math.Exp(float64(z - m))
	}
	for k, z := range lo {
		e := math.Exp(float64(z - m))
		row := SoftmaxRow{Class: p.lang.Class(v.net.Classes[k]), Logit: num(z, 4), Exp: num(float32(e), 4), Prob: num(r.Trace.Probs[k]*100, 2), BarStyle: template.CSS("width:" + render.Num(float64(r.Trace.Probs[k])*100) + "%"), Top: k == r.Pred}
		if v.net.Logits >= 0 {
			row.Href = p.rel(v.neuronPath(p.lang, r, v.net.Model.Layers[v.net.Logits].Name(), k))
		}
		sv.Rows = append(sv.Rows, row)
	}
	sv.Sum = num(float32(sum), 4)
	k := r.Pred
	var err error
	sv.Formula, err = formula(fmt.Sprintf(`p_{%d} = \frac{\exp(%s - %s)}{\sum_{j} \exp(z_j - %s)} = \frac{%s}{%s} = %s`,
		k, texNum(num(lo[k], 4)), texNum(num(m, 4)), texNum(num(m, 4)), num(float32(math.Exp(float64(lo[k]-m))), 4), sv.Sum, num(r.Trace.Probs[k], 4)))
	return sv, err
}

func (v *views) classDetail(p pageCtx, r *Run, li, k int, d *DetailView) (*DetailView, error) {
	l, ok := v.net.Model.Layers[li].(*engine.Dense)
	if !ok || k < 0 || k >= l.Out {
		return nil, fmt.Errorf("layer %s has no class %d", v.net.Model.Layers[li].Name(), k)
	}
	d.Kind = "class"
	cv := &ClassView{Class: p.lang.Class(v.net.Classes[k]), N: l.In, Bias: num(l.Bias[k], 4), Prob: num(r.Trace.Probs[k]*100, 2)}
	x := r.Trace.LayerInput(li).Data
	fl, ms := v.net.flattenBefore(li)
	var mapShape []int
	if fl != nil && ms >= 0 {
		mapShape = v.net.Shapes[ms+1]
		cv.Source = v.net.Model.Layers[ms].Name()
		for c := 0; c < mapShape[2]; c++ {
			img, err := v.mapImg(p, r, cv.Source, c)
			if err != nil {
				return nil, err
			}
			cm := ClassMap{Map: img, Name: v.layerLabel(p, cv.Source, c)}
			cm.Map.Alt = p.lang.Tf("alt.input_map", "name", cm.Name)
			if f, ok := v.figs.find(render.KindDenseWeights, "", l.Name(), k, c, ""); ok {
				cm.Weight = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: p.lang.Tf("alt.dense_weights", "class", cv.Class, "c", c)}
			}
			cv.Maps = append(cv.Maps, cm)
		}
	}
	z := l.Bias[k]
	terms := make([]Term, l.In)
	prods := make([]float32, l.In)
	for i := 0; i < l.In; i++ {
		w := l.Kernel[i*l.Out+k]
		prods[i] = w * x[i]
		z += prods[i]
		t := Term{Index: i, Value: num(x[i], 3), Weight: num(w, 3), Product: num(prods[i], 3)}
		if len(mapShape) == 3 {
			y, x, c := fl.Position(i, mapShape)
			t.Where = p.lang.Tf("detail.flat_where", "row", y, "col", x, "c", c)
		}
		if prods[i] > 0 {
			t.Class = "pos"
		} else if prods[i] < 0 {
			t.Class = "neg"
		}
		terms[i] = t
	}
	order := make([]int, l.In)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return math.Abs(float64(prods[order[a]])) > math.Abs(float64(prods[order[b]])) })
	const shown = 12
	for _, i := range order[:min(shown, len(order))] {
		cv.Terms = append(cv.Terms, terms[i])
	}
	cv.More = len(order) - len(cv.Terms)
	cv.Logit = num(z, 4)
	var err error
	cv.Formula, err = formula(fmt.Sprintf(`z_{%d} = b_{%d} + \sum_{i=0}^{%d} w_{i,%d} \cdot v_i = %s + %s = %s`,
		k, k, l.In-1, k, texNum(cv.Bias), texNum(num(z-l.Bias[k], 4)), texNum(cv.Logit)))
	if err != nil {
		return nil, err
	}
	d.Class = cv
	d.Value = cv.Logit
	if d.Softmax, err = v.softmax(p, r); err != nil {
		return nil, err
	}
	return d, nil
}
