package site

import (
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
func (b *builder) resolver(p *PageData, file string, warn func(string)) directive.Resolver {
	pc := pageCtx{lang: p.Lang, path: p.Path}
	return func(d directive.Directive) ([]byte, error) {
		fd, err := b.figure(pc, p, d)
		if mf, ok := err.(missingFigure); ok {
			warn(fmt.Sprintf("%s:%d: figure %s: %s", file, d.Line, d.Name, mf.reason))
			fd = &FigData{P: p, Name: d.Name, Notice: p.Lang.Tf("notice.missing_figure", "figure", d.Name, "reason", mf.reason)}
			err = nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: figure %s: %w", d.Line, d.Name, err)
		}
		fd.P, fd.Name = p, d.Name
		if fd.Notice == "" {
			if fd.Scales, err = b.views.figureLegends(pc, d); err != nil {
				return nil, fmt.Errorf("line %d: figure %s: %w", d.Line, d.Name, err)
			}
		}
		tmpl := "fig-" + d.Name
		if fd.Notice != "" {
			tmpl = "fig-notice"
		}
		html, err := b.theme.fragment(tmpl, fd)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", d.Line, err)
		}
		return html, nil
	}
}

func (b *builder) figure(pc pageCtx, p *PageData, d directive.Directive) (*FigData, error) {
	v := b.views
	run := v.net.run(d.Str("sample", ""))
	if run == nil {
		return nil, fmt.Errorf("no sample %q (samples: %s)", d.Str("sample", ""), strings.Join(b.sampleIDs(), ", "))
	}
	fd := &FigData{}
	layerIdx := func(key string, want ...engine.Kind) (int, error) {
		name := d.Str(key, "")
		i := v.net.layerIndex(name)
		if i < 0 {
			return -1, missingFigure{fmt.Sprintf("the model has no layer %q", name)}
		}
		if len(want) > 0 {
			ok := false
			for _, k := range want {
				ok = ok || v.net.Model.Layers[i].Kind() == k
			}
			if !ok || !v.net.isMap(i) {
				return -1, missingFigure{fmt.Sprintf("layer %q is a %s layer", name, v.net.Model.Layers[i].Kind())}
			}
		}
		return i, nil
	}
	neuronOK := func(i int, n int) error {
		if c := v.net.Shapes[i+1]; n >= c[len(c)-1] {
			return missingFigure{fmt.Sprintf("layer %s has %d neurons, no neuron %d", v.net.Model.Layers[i].Name(), c[len(c)-1], n)}
		}
		return nil
	}
	detailLink := func(i, n int) {
		fd.Link = pc.rel(v.neuronPath(pc.lang, run, v.net.Model.Layers[i].Name(), n))
		fd.LinkText = pc.lang.T("figure.open_detail")
	}
	// neuronDetail resolves the layer= and neuron= arguments of a per-neuron
	// directive, builds that neuron's detail view and links the figure to it.
	neuronDetail := func(kind engine.Kind) (*DetailView, int, error) {
		i, err := layerIdx("layer", kind)
		if err != nil {
			return nil, 0, err
		}
		n := d.Int("neuron", 0)
		if err := neuronOK(i, n); err != nil {
			return nil, 0, err
		}
		det, err := v.detail(pc, run, i, n)
		if err != nil {
			return nil, 0, err
		}
		fd.Detail = det
		detailLink(i, n)
		return det, n, nil
	}
	switch d.Name {
	case "overview":
		ov, err := v.overview(pc, run)
		if err != nil {
			return nil, err
		}
		fd.Overview = ov
	case "samples":
		fd.Picks = v.picker(pc, nil, func(r *Run) string { return v.homePath(pc.lang, r) })
	case "input":
		for c := 0; c < v.net.Shapes[0][2]; c++ {
			img, err := v.mapImg(pc, run, "", c)
			if err != nil {
				return nil, err
			}
			img.Alt = pc.lang.Tf("alt.input_channel", "channel", v.channelName(pc, c))
			img.Description = v.channelName(pc, c)
			fd.Inputs = append(fd.Inputs, img)
		}
		if f, ok := v.figs.find(render.KindInput, run.ID, "", -1, -1, ""); ok {
			fd.Picture = Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: pc.lang.Tf("alt.sample", "label", fd.sampleName(pc, run))}
		}
		fd.Caption = pc.lang.Tf("figure.input_caption", "shape", shapeText(v.net.Shapes[0]))
	case "layer":
		i, err := layerIdx("name")
		if err != nil {
			return nil, err
		}
		if !v.net.isMap(i) {
			return nil, missingFigure{fmt.Sprintf("layer %q has no maps", d.Str("name", ""))}
		}
		ov, err := v.overview(pc, run)
		if err != nil {
			return nil, err
		}
		for ci := range ov.Columns {
			if ov.Columns[ci].Layer == d.Str("name", "") {
				fd.Column = &ov.Columns[ci]
			}
		}
		if fd.Column == nil {
			return nil, missingFigure{fmt.Sprintf("layer %q is not in the overview", d.Str("name", ""))}
		}
		fd.Caption = pc.lang.Tf("figure.layer_caption", "layer", fd.Column.Layer, "kind", fd.Column.KindName, "shape", fd.Column.Shape, "sample", fd.sampleName(pc, run))
	case "kernels", "conv":
		det, n, err := neuronDetail(engine.KindConv2D)
		if err != nil {
			return nil, err
		}
		if d.Name == "kernels" {
			fd.Kernels = det.Channels
			fd.Caption = pc.lang.Tf("figure.kernels_caption", "layer", det.Layer, "n", n, "bias", det.Bias)
			break
		}
		c := d.Int("channel", 0)
		if c >= len(det.Channels) {
			return nil, missingFigure{fmt.Sprintf("layer %s has %d input channels, no channel %d", det.Layer, len(det.Channels), c)}
		}
		fd.Channel = &det.Channels[c]
		fd.Caption = pc.lang.Tf("figure.conv_caption", "layer", det.Layer, "n", n, "c", c, "row", det.Pos.Y, "col", det.Pos.X, "sum", det.Channels[c].Product)
	case "relu", "maxpool":
		kind := engine.KindReLU
		if d.Name == "maxpool" {
			kind = engine.KindMaxPool2D
		}
		det, n, err := neuronDetail(kind)
		if err != nil {
			return nil, err
		}
		fd.Caption = pc.lang.Tf("figure."+d.Name+"_caption", "layer", det.Layer, "n", n, "row", det.Pos.Y, "col", det.Pos.X, "value", det.Value)
	case "flatten", "dense", "softmax":
		if v.net.Logits < 0 {
			return nil, missingFigure{"the model has no dense output layer"}
		}
		k := d.Int("class", run.Pred)
		if k >= len(v.net.Classes) {
			return nil, missingFigure{fmt.Sprintf("the model has %d classes, no class %d", len(v.net.Classes), k)}
		}
		det, err := v.detail(pc, run, v.net.Logits, k)
		if err != nil {
			return nil, err
		}
		fd.Detail = det
		detailLink(v.net.Logits, k)
		switch d.Name {
		case "flatten":
			if det.Class.Source == "" {
				return nil, missingFigure{"the model has no map before its dense layer"}
			}
			fd.Caption = pc.lang.Tf("figure.flatten_caption", "layer", det.Class.Source, "shape", shapeText(v.net.Shapes[v.net.mapSource(v.net.Logits)+1]), "n", det.Class.N)
		case "dense":
			fd.Caption = pc.lang.Tf("figure.dense_caption", "class", det.Class.Class, "n", det.Class.N, "logit", det.Class.Logit)
		case "softmax":
			fd.Caption = pc.lang.Tf("figure.softmax_caption", "sample", fd.sampleName(pc, run), "class", pc.lang.Class(v.net.Classes[run.Pred]), "prob", num(run.Probs[run.Pred]*100, 1))
		}
	case "playground":
		var err error
		if fd.Playground, err = v.playgroundView(pc, directive.PlaygroundOf(d)); err != nil {
			return nil, err
		}
	case "legend":
		scheme := map[string]string{"activation": "rdbu", "kernel": "brbg", "logit": "oranges", "input": "greys"}[d.Str("scale", "")]
		for _, f := range v.figs.all {
			if f.Kind == render.KindLegend && f.Scale == scheme {
				fd.Legend = Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Alt: pc.lang.T("alt.legend_" + d.Str("scale", ""))}
				break
			}
		}
		if fd.Legend.Src == "" {
			return nil, missingFigure{fmt.Sprintf("render made no %s legend", scheme)}
		}
		fd.Caption = pc.lang.T("legend." + d.Str("scale", ""))
	case "learned":
		return b.learnedFigure(pc, fd, d)
	case "curves", "kernel-history", "confusion":
		if v.net.History == nil {
			return nil, missingFigure{"the model has no training history"}
		}
		var err error
		switch d.Name {
		case "curves":
			fd.Training, err = v.curvesView(pc)
		case "kernel-history":
			fd.Training, err = v.kernelHistoryView(pc, d.Str("layer", ""))
		case "confusion":
			fd.Training, err = v.confusionView(pc)
		}
		if err != nil {
			return nil, err
		}
		fd.Caption = pc.lang.T("figure." + d.Name + "_caption")
	default:
		return nil, fmt.Errorf("no figure %q", d.Name)
	}
	return fd, nil
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
