package site

// Switched samples. Past the first sampleWindow samples a sample gets no
// pages of its own for the layers detail.js can replay (convolution, ReLU,
// max-pool): its view of a neuron is the first sample's page with
// ?s=<id>, which loads that sample's maps (the data scripts every sample
// has) and data/<id>/views.js, the few numbers the page shows beside them,
// and redraws. A neuron page is 8 to 27 KB in each language, so this is
// what keeps a site of hundreds of samples inside GitHub Pages' 1 GB; the
// first samples' pages stay complete without JavaScript.

import (
	"encoding/json"
	"fmt"

	"cnnexplainer/engine"
	"cnnexplainer/site/directive"
)

// switchable reports whether detail.js can show layer li's neuron pages
// for any sample from its data.
func (n *Net) switchable(li int) bool {
	switch n.Model.Layers[li].Kind() {
	case engine.KindConv2D, engine.KindReLU, engine.KindMaxPool2D:
		return n.isMap(li)
	}
	return false
}

// switched reports whether run r's views of layer li are the first
// sample's pages, switched to r.
func (n *Net) switched(r *Run, li int) bool {
	return r.index >= sampleWindow && n.switchable(li)
}

// switchHost is, for a page of layer li when later samples are switched
// into the first sample's pages, that sample's id, else "".
func (n *Net) switchHost(li int) string {
	if len(n.Runs) > sampleWindow && n.switchable(li) {
		return n.Runs[0].ID
	}
	return ""
}

// switchData names a switched sample's script beside its maps' scripts.
const switchData = "views"

// switchView is what a neuron's page shows for one sample beside its maps:
// the default position, the ranges of its maps in page order (lo, hi) and
// its legends (lo, zero, hi, style), formatted as the page formats them.
type switchView struct {
	Pos     [2]int      `json:"p"`
	Boxes   []string    `json:"b"`
	Legends [][4]string `json:"l"`
}

// switchFiles are the jobs writing each switched sample's views.js.
func (b *builder) switchFiles() []job {
	var jobs []job
	for _, r := range b.views.net.Runs {
		if r.index >= sampleWindow {
			jobs = append(jobs, func() error { return b.switchFile(r) })
		}
	}
	return jobs
}

func (b *builder) switchFile(r *Run) error {
	v, net := b.views, b.views.net
	out := struct {
		Layers []string              `json:"sw"`
		Pred   int                   `json:"pred"`
		Strips bool                  `json:"st,omitempty"` // intermediate maps as one strip a neuron
		Views  map[string]switchView `json:"v"`
	}{Pred: r.Pred, Strips: !b.fullFigures[r.ID], Views: map[string]switchView{}}
	if net.layerIndex(switchData) >= 0 {
		return fmt.Errorf("views of sample %s: the model has a layer named %q, whose map data would take the name of %s", r.ID, switchData, dataFile(r.ID, switchData))
	}
	l := b.langs[0]
	for li, layer := range net.Model.Layers {
		if !net.hasDetail(li) || !net.switched(r, li) {
			continue
		}
		out.Layers = append(out.Layers, layer.Name())
		shape := net.Shapes[li+1]
		for n := 0; n < shape[len(shape)-1]; n++ {
			// The host's path: the links and pictures are made as the
			// page that shows them would make them.
			path := neuronFile(l, net.Runs[0], layer.Name(), n)
			d, err := v.detail(pageCtx{lang: l, path: path}, r, li, n)
			if err != nil {
				return fmt.Errorf("views of sample %s: %w", r.ID, err)
			}
			out.Views[fmt.Sprintf("%s/%d", layer.Name(), n)] = d.switchView()
		}
	}
	js, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return b.tree.add(dataFile(r.ID, switchData), append(append([]byte("self.tinyvggView="), js...), ";\n"...))
}

// switchView lists d's numbers in the order the page template writes them.
func (d *DetailView) switchView() switchView {
	sv := switchView{Pos: [2]int{d.Pos.Y, d.Pos.X}}
	box := func(m MapView) { sv.Boxes = append(sv.Boxes, m.Lo, m.Hi) }
	if d.Kind == "conv2d" {
		for _, c := range d.Channels {
			box(c.Src)
			if c.Part.Src != "" {
				box(c.Part)
			}
		}
	} else {
		box(d.Input)
	}
	box(d.Output)
	for _, lg := range d.Legends {
		if lg.Lo != "" {
			z := ""
			if lg.HasZero {
				z = lg.Zero
			}
			sv.Legends = append(sv.Legends, [4]string{lg.Lo, z, lg.Hi, string(lg.Style)})
		}
	}
	return sv
}

// figurePlan says which samples get which figures. render draws, for
// every sample, an animation bundle per layer and an intermediate map per
// convolution neuron and input channel. A switched sample's pages are the
// script's, which shows no animation and reads a neuron's intermediate
// maps from one strip, so it needs neither, unless a chapter names it
// (chapters place any figure) or the model has a kind whose pages show
// its animation. full lists the samples with every figure.
func (b *builder) figurePlan(net *Net) (full, animated map[string]bool) {
	all := false
	for _, l := range net.Model.Layers {
		switch l.Kind() {
		case engine.KindAvgPool2D, engine.KindBatchNorm, engine.KindLeakyReLU, engine.KindSigmoid, engine.KindTanh:
			all = true
		}
	}
	full, animated = map[string]bool{}, map[string]bool{}
	for _, r := range net.Runs {
		full[r.ID] = r.index < sampleWindow
	}
	for _, chs := range b.chapters {
		for _, c := range chs {
			for _, id := range namedSamples(c.src) {
				if _, ok := full[id]; ok {
					full[id] = true
				}
			}
		}
	}
	for id, f := range full {
		animated[id] = f || all
	}
	return full, animated
}

// namedSamples lists the sample= arguments of a chapter's directives.
func namedSamples(src []byte) []string {
	var ids []string
	eachDirective(src, func(d directive.Directive) {
		if id := d.Str("sample", ""); id != "" {
			ids = append(ids, id)
		}
	})
	return ids
}
