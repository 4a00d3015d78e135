package site

import (
	"errors"
	"fmt"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/render"
	"cnnexplainer/site/directive"
)

// FigData is what a figure template (fig-<name> in figures.html) receives.
type FigData struct {
	P          *PageData
	Name       string
	Caption    string
	Notice     string
	Overview   *OverviewView
	Detail     *DetailView
	Channel    *ChannelStep
	Column     *ColumnView
	Picks      []Pick
	Inputs     []Img
	Picture    Img
	Kernels    []ChannelStep
	Playground *PlaygroundView
	Legend     Img
	Figure     Img
	Training   *TrainingView
	Scales     []LegendView // the colour scales the figure uses
	Link       string
	LinkText   string
	Learned    *LearnedFig
}

// missingFigure is a figure the current model cannot show (no training
// history, no layer of that name, ...): the page gets a notice and the
// build a warning, but the build goes on.
type missingFigure struct{ reason string }

func (m missingFigure) Error() string { return m.reason }

// resolver places the figures of one chapter on one page.
func (b *builder) resolver(p *PageData, file string, warn func(...warning)) directive.Resolver {
	pc := pageCtx{lang: p.Lang, path: p.Path}
	rows := map[string]figureRow{}
	for _, r := range figureRows() {
		rows[r.name] = r
	}
	return func(d directive.Directive) ([]byte, error) {
		row, ok := rows[d.Name]
		if !ok {
			return nil, fmt.Errorf("line %d: no figure %q", d.Line, d.Name)
		}
		c, err := b.figure(pc, row, d)
		var mf missingFigure
		if errors.As(err, &mf) {
			warn(warning{File: file, Line: d.Line, Kind: warnFigure, Msg: fmt.Sprintf("figure %s: %s", d.Name, mf.reason)})
			c = &figCtx{fd: &FigData{Notice: p.Lang.Tf("notice.missing_figure", "figure", d.Name, "reason", mf.reason)}}
			err = nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: figure %s: %w", d.Line, d.Name, err)
		}
		fd := c.fd
		fd.P, fd.Name = p, d.Name
		tmpl := figureTemplate(d.Name)
		if fd.Notice != "" {
			tmpl = "fig-notice"
		} else if row.scales != nil {
			if fd.Scales, err = row.scales(c); err != nil {
				return nil, fmt.Errorf("line %d: figure %s: %w", d.Line, d.Name, err)
			}
		}
		html, err := b.theme.fragment(tmpl, fd)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", d.Line, err)
		}
		return html, nil
	}
}

// figCtx is one directive being placed on one page: what a row's resolve
// reads, and the FigData it fills.
type figCtx struct {
	b   *builder
	v   *views
	pc  pageCtx
	d   directive.Directive
	run *Run
	fd  *FigData
}

// figure resolves d through its row.
func (b *builder) figure(pc pageCtx, row figureRow, d directive.Directive) (*figCtx, error) {
	run := b.views.net.run(d.Str("sample", ""))
	if run == nil {
		return nil, fmt.Errorf("no sample %q (samples: %s)", d.Str("sample", ""), strings.Join(b.sampleIDs(), ", "))
	}
	c := &figCtx{b: b, v: b.views, pc: pc, d: d, run: run, fd: &FigData{}}
	if err := row.resolve(c); err != nil {
		return nil, err
	}
	return c, nil
}

// layerIdx resolves the layer named by argument key; with want, the layer
// must be a map layer of one of those kinds.
func (c *figCtx) layerIdx(key string, want ...engine.Kind) (int, error) {
	net := c.v.net
	name := c.d.Str(key, "")
	i := net.layerIndex(name)
	if i < 0 {
		return -1, missingFigure{fmt.Sprintf("the model has no layer %q", name)}
	}
	if len(want) > 0 {
		ok := false
		for _, k := range want {
			ok = ok || net.Model.Layers[i].Kind() == k
		}
		if !ok || !net.isMap(i) {
			return -1, missingFigure{fmt.Sprintf("layer %q is a %s layer", name, net.Model.Layers[i].Kind())}
		}
	}
	return i, nil
}

func (c *figCtx) neuronOK(i int, n int) error {
	net := c.v.net
	if s := net.Shapes[i+1]; n >= s[len(s)-1] {
		return missingFigure{fmt.Sprintf("layer %s has %d neurons, no neuron %d", net.Model.Layers[i].Name(), s[len(s)-1], n)}
	}
	return nil
}

func (c *figCtx) detailLink(i, n int) {
	c.fd.Link = c.pc.rel(c.v.neuronPath(c.pc.lang, c.run, c.v.net.Model.Layers[i].Name(), n))
	c.fd.LinkText = c.pc.lang.T("figure.open_detail")
}

// neuronDetail resolves the layer= and neuron= arguments of a per-neuron
// directive, builds that neuron's detail view and links the figure to it.
func (c *figCtx) neuronDetail(kind engine.Kind) (*DetailView, int, error) {
	i, err := c.layerIdx("layer", kind)
	if err != nil {
		return nil, 0, err
	}
	n := c.d.Int("neuron", 0)
	if err := c.neuronOK(i, n); err != nil {
		return nil, 0, err
	}
	det, err := c.v.detail(c.pc, c.run, i, n)
	if err != nil {
		return nil, 0, err
	}
	c.fd.Detail = det
	c.detailLink(i, n)
	return det, n, nil
}

func (fd *FigData) sampleName(pc pageCtx, r *Run) string {
	if r.Label != "" {
		return pc.lang.Class(r.Label)
	}
	return r.ID
}

func (b *builder) sampleIDs() []string {
	var ids []string
	for _, r := range b.views.net.Runs {
		ids = append(ids, r.ID)
	}
	return ids
}

// The rows' resolve functions, in the table's order.

func overviewFigure(c *figCtx) error {
	ov, err := c.v.overview(c.pc, c.run)
	c.fd.Overview = ov
	return err
}

func samplesFigure(c *figCtx) error {
	c.fd.Picks = c.v.picker(c.pc, nil, func(r *Run) string { return c.v.homePath(c.pc.lang, r) })
	return nil
}

func inputFigure(c *figCtx) error {
	v, pc, fd := c.v, c.pc, c.fd
	for ch := 0; ch < v.net.Shapes[0][2]; ch++ {
		img, err := v.mapImg(pc, c.run, "", ch)
		if err != nil {
			return err
		}
		img.Alt = pc.lang.Tf("alt.input_channel", "channel", v.channelName(pc, ch))
		img.Description = v.channelName(pc, ch)
		fd.Inputs = append(fd.Inputs, img)
	}
	if f, ok := v.figs.find(render.KindInput, c.run.ID, "", -1, -1, 0); ok {
		fd.Picture = Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: pc.lang.Tf("alt.sample", "label", fd.sampleName(pc, c.run))}
	}
	fd.Caption = pc.lang.Tf("figure.input_caption", "shape", shapeText(v.net.Shapes[0]))
	return nil
}

func layerFigure(c *figCtx) error {
	name := c.d.Str("name", "")
	i, err := c.layerIdx("name")
	if err != nil {
		return err
	}
	if !c.v.net.isMap(i) {
		return missingFigure{fmt.Sprintf("layer %q has no maps", name)}
	}
	ov, err := c.v.overview(c.pc, c.run)
	if err != nil {
		return err
	}
	for ci := range ov.Columns {
		if ov.Columns[ci].Layer == name {
			c.fd.Column = &ov.Columns[ci]
		}
	}
	col := c.fd.Column
	if col == nil {
		return missingFigure{fmt.Sprintf("layer %q is not in the overview", name)}
	}
	c.fd.Caption = c.pc.lang.Tf("figure.layer_caption", "layer", col.Layer, "kind", col.KindName, "shape", col.Shape, "sample", c.fd.sampleName(c.pc, c.run))
	return nil
}

func kernelsFigure(c *figCtx) error {
	det, n, err := c.neuronDetail(engine.KindConv2D)
	if err != nil {
		return err
	}
	c.fd.Kernels = det.Channels
	c.fd.Caption = c.pc.lang.Tf("figure.kernels_caption", "layer", det.Layer, "n", n, "bias", det.Bias)
	return nil
}

func convFigure(c *figCtx) error {
	det, n, err := c.neuronDetail(engine.KindConv2D)
	if err != nil {
		return err
	}
	ch := c.d.Int("channel", 0)
	if ch >= len(det.Channels) {
		return missingFigure{fmt.Sprintf("layer %s has %d input channels, no channel %d", det.Layer, len(det.Channels), ch)}
	}
	c.fd.Channel = &det.Channels[ch]
	c.fd.Caption = c.pc.lang.Tf("figure.conv_caption", "layer", det.Layer, "n", n, "c", ch, "row", det.Pos.Y, "col", det.Pos.X, "sum", det.Channels[ch].Product)
	return nil
}

// neuronFigure shows one neuron of a layer of kind; its caption is
// figure.<name>_caption.
func neuronFigure(kind engine.Kind) func(c *figCtx) error {
	return func(c *figCtx) error {
		det, n, err := c.neuronDetail(kind)
		if err != nil {
			return err
		}
		c.fd.Caption = c.pc.lang.Tf("figure."+c.d.Name+"_caption", "layer", det.Layer, "n", n, "row", det.Pos.Y, "col", det.Pos.X, "value", det.Value)
		return nil
	}
}

// classFigure shows the output layer's detail for class= (default the
// prediction); caption writes what is particular to the figure.
func classFigure(caption func(c *figCtx, det *DetailView) error) func(c *figCtx) error {
	return func(c *figCtx) error {
		net := c.v.net
		if net.Logits < 0 {
			return missingFigure{"the model has no dense output layer"}
		}
		k := c.d.Int("class", c.run.Pred)
		if k >= len(net.Classes) {
			return missingFigure{fmt.Sprintf("the model has %d classes, no class %d", len(net.Classes), k)}
		}
		det, err := c.v.detail(c.pc, c.run, net.Logits, k)
		if err != nil {
			return err
		}
		c.fd.Detail = det
		c.detailLink(net.Logits, k)
		return caption(c, det)
	}
}

func flattenCaption(c *figCtx, det *DetailView) error {
	if det.Class.Source == "" {
		return missingFigure{"the model has no map before its dense layer"}
	}
	net := c.v.net
	c.fd.Caption = c.pc.lang.Tf("figure.flatten_caption", "layer", det.Class.Source, "shape", shapeText(net.Shapes[net.mapSource(net.Logits)+1]), "n", det.Class.N)
	return nil
}

func denseCaption(c *figCtx, det *DetailView) error {
	c.fd.Caption = c.pc.lang.Tf("figure.dense_caption", "class", det.Class.Class, "n", det.Class.N, "logit", det.Class.Logit)
	return nil
}

func softmaxCaption(c *figCtx, _ *DetailView) error {
	r, L := c.run, c.pc.lang
	c.fd.Caption = L.Tf("figure.softmax_caption", "sample", c.fd.sampleName(c.pc, r), "class", L.Class(c.v.net.Classes[r.Pred]), "prob", num(r.Probs[r.Pred]*100, 1))
	return nil
}

func playgroundFigure(c *figCtx) error {
	var err error
	c.fd.Playground, err = c.v.playgroundView(c.pc, playgroundOf(c.d))
	return err
}

// legendFigureSchemes maps the scale= of a legend figure to render's scheme.
func legendFigureSchemes() map[string]render.Scheme {
	return map[string]render.Scheme{"activation": render.RdBu, "kernel": render.BrBG, "logit": render.Oranges, "input": render.Greys}
}

func legendScaleNames() []string { return sortedKeys(legendFigureSchemes()) }

func legendFigure(c *figCtx) error {
	name := c.d.Str("scale", "")
	scheme := legendFigureSchemes()[name]
	for _, f := range c.v.figs.all {
		if f.Kind == render.KindLegend && f.Scale == scheme {
			c.fd.Legend = Img{Src: c.pc.rel(figURL(f)), W: f.Width, H: f.Height, Alt: c.pc.lang.T("alt.legend_" + name)}
			break
		}
	}
	if c.fd.Legend.Src == "" {
		return missingFigure{fmt.Sprintf("render made no %s legend", scheme)}
	}
	c.fd.Caption = c.pc.lang.T("legend." + name)
	return nil
}

// trainingFigure shows a view of the training history; its caption is
// figure.<name>_caption.
func trainingFigure(view func(c *figCtx) (*TrainingView, error)) func(c *figCtx) error {
	return func(c *figCtx) error {
		if c.v.net.History == nil {
			return missingFigure{"the model has no training history"}
		}
		var err error
		if c.fd.Training, err = view(c); err != nil {
			return err
		}
		c.fd.Caption = c.pc.lang.T("figure." + c.d.Name + "_caption")
		return nil
	}
}
