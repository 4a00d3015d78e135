package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// LearnedView is one page of the "what did it learn" views; Section says
// which part is filled.
type LearnedView struct {
	Section   string // hub, layer, looked, features, confusion, none
	Notice    string
	Nav       []NavLink
	Layers    []NavLink
	Samples   []NavLink
	Layer     *TopLayerView
	Neuron    *TopNeuronView // on a neuron's detail page
	Looked    *LookedView
	Features  *FeaturesView
	Confusion *ProbeConfusionView
}

// TopLayerView is one layer's grid of top probe pictures.
type TopLayerView struct {
	Layer, Field string
	Neurons      []*TopNeuronView
}

// TopNeuronView is one neuron's strongest probe pictures.
type TopNeuronView struct {
	ID, Heading, Caption string
	Dead                 bool
	Hits                 []TopHit
	Strip                Img    // the hits as one picture, for neuron pages
	Values               string // their values, in order
	Detail, Grid         string // links to the neuron's detail page and to its layer's grid
}

// TopHit is one cropped probe picture with its value.
type TopHit struct {
	Img
	Value, Class string
}

// LookedView is one sample's saliency and Grad-CAM for every class.
type LookedView struct {
	Picture Img
	Lead    string
	Rows    []LookedRow
	Legend  Img
}

// LookedRow is one class: the two maps and their largest values.
type LookedRow struct {
	Class, Prob, Mark     string
	Sal, Cam, LCam        Img
	SalMax, CamMax, LCMax string
}

// FeaturesView is the PCA scatter.
type FeaturesView struct {
	SVG       template.HTML
	Legend    []Swatch
	Explained string
}

// Swatch is one class colour of a legend.
type Swatch struct{ Colour, Name string }

// ProbeConfusionView is the probe set's confusion matrix and the pictures of
// every non-empty cell.
type ProbeConfusionView struct {
	Classes []string
	Rows    []ProbeConfusionRow
	Cells   []ProbeConfusionCell
}

// ProbeConfusionRow is one true class.
type ProbeConfusionRow struct {
	Class string
	Cells []ProbeConfusionLink
}

// ProbeConfusionLink is one cell of the matrix.
type ProbeConfusionLink struct {
	N         int
	Href, Lab string
	Diagonal  bool
}

// ProbeConfusionCell lists the pictures one cell counts.
type ProbeConfusionCell struct {
	ID, Heading string
	Pictures    []Thumb
}

// Thumb is one probe picture drawn from the sprite.
type Thumb struct {
	Style template.CSS
	Alt   string
}

// learnedSetup computes the views (a build without a probe set warns and
// keeps only the hub page) and returns the jobs of their pages.
func (b *builder) learnedSetup() ([]job, error) {
	lr, err := b.computeLearned()
	if err != nil {
		return nil, err
	}
	if lr == nil {
		b.warns.add(warning{File: b.cfg.Samples, Kind: warnNoProbe, Msg: fmt.Sprintf("no %s/probe.json, so the \"what did it learn\" views are left out", ProbeDir)})
	}
	b.learned = lr
	return b.learnedJobs(lr), nil
}

// learnedNeuron is the top pictures for a neuron's detail page, or nil.
func (b *builder) learnedNeuron(pc pageCtx, li, n int) *LearnedView {
	if b.learned == nil {
		return nil
	}
	tv := b.topNeuron(pc, b.learned, li, n)
	if tv == nil {
		return nil
	}
	tv.Heading = pc.lang.T("learned.top_heading")
	return &LearnedView{Section: "neuron", Neuron: tv}
}

func learnedPath(l *Language, rest string) string { return l.Prefix + "learned/" + rest + "index.html" }

// learnedJobs are the pages of the views in every language. Without a
// probe set only the hub, feature-space and confusion pages are written
// (the chapters link to them), saying why the views are missing.
func (b *builder) learnedJobs(lr *learned) []job {
	var jobs []job
	for _, l := range b.langs {
		jobs = append(jobs, func() error { return b.learnedPage(l, lr, "hub", "") },
			func() error { return b.learnedPage(l, lr, "features", "") },
			func() error { return b.learnedPage(l, lr, "confusion", "") })
		if lr == nil {
			continue // the three pages chapters link to, each with the notice
		}
		for _, lt := range lr.res.Layers {
			name := lt.Layer
			jobs = append(jobs, func() error { return b.learnedPage(l, lr, "layer", name) })
		}
		for _, r := range b.views.net.Runs {
			id := r.ID
			jobs = append(jobs, func() error { return b.learnedPage(l, lr, "looked", id) })
		}
	}
	return jobs
}

func learnedRest(section, arg string) string {
	switch section {
	case "layer":
		return "layer/" + arg + "/"
	case "looked":
		return "looked/" + arg + "/"
	case "features", "confusion":
		return section + "/"
	}
	return ""
}

func (b *builder) learnedPage(l *Language, lr *learned, section, arg string) error {
	rest := learnedRest(section, arg)
	path := learnedPath(l, rest)
	p := b.basePage(l, "learned", path, func(o *Language) (string, bool) { return learnedPath(o, rest), true })
	pc := pageCtx{lang: l, path: path}
	v := &LearnedView{Section: section}
	p.Learned = v
	p.Title = l.T("learned.title")
	p.Description = l.T("learned.description")
	if lr == nil {
		v.Section, v.Notice = "none", l.T("learned.no_probe")
		return b.render(p)
	}
	v.Nav = b.learnedNav(pc, lr, path)
	var err error
	switch section {
	case "hub":
		v.Layers, v.Samples = v.Nav[1:len(lr.res.Layers)+1], b.lookedLinks(pc, lr)
	case "layer":
		v.Layer, err = b.topLayer(pc, lr, arg)
		p.Title = l.Tf("learned.layer_title", "layer", arg)
	case "looked":
		v.Looked, err = b.lookedView(pc, lr, arg)
		p.Title = l.Tf("learned.looked_title", "sample", b.sampleName(l, arg))
	case "features":
		v.Features, err = b.featuresView(pc, lr)
		p.Title = l.T("learned.features_title")
	case "confusion":
		v.Confusion = b.confusionView(pc, lr)
		p.Title = l.T("learned.confusion_title")
	}
	if err != nil {
		return fmt.Errorf("page %s: %w", path, err)
	}
	return b.render(p)
}

func (b *builder) learnedNav(pc pageCtx, lr *learned, cur string) []NavLink {
	l := pc.lang
	link := func(title, rest string) NavLink {
		to := learnedPath(l, rest)
		return NavLink{Title: title, Href: pc.rel(to), Current: to == cur}
	}
	nav := []NavLink{link(l.T("learned.hub"), "")}
	for _, lt := range lr.res.Layers {
		nav = append(nav, link(lt.Layer, learnedRest("layer", lt.Layer)))
	}
	return append(nav, link(l.T("learned.features_title"), "features/"), link(l.T("learned.confusion_title"), "confusion/"))
}

// lookedLinks lists the samples, mistakes first: they are the showcase.
func (b *builder) lookedLinks(pc pageCtx, lr *learned) []NavLink {
	var wrong, right []NavLink
	for _, r := range b.views.net.Runs {
		link := NavLink{Title: b.sampleName(pc.lang, r.ID), Href: pc.rel(learnedPath(pc.lang, learnedRest("looked", r.ID)))}
		if r.Label != "" && r.Label != b.views.net.Classes[r.Pred] {
			link.Title = pc.lang.Tf("overview.pick_mistake", "label", pc.lang.Class(r.Label), "pred", pc.lang.Class(b.views.net.Classes[r.Pred]))
			wrong = append(wrong, link)
		} else {
			right = append(right, link)
		}
	}
	return append(wrong, right...)
}

func (b *builder) sampleName(l *Language, id string) string {
	r := b.views.net.run(id)
	if r == nil || r.Label == "" {
		return id
	}
	return l.Class(r.Label)
}

// topNeuron is one neuron's top pictures as a page (the layer grid or the
// neuron's detail view) shows them.
func (b *builder) topNeuron(pc pageCtx, lr *learned, li, n int) *TopNeuronView {
	net := b.views.net
	l := pc.lang
	for _, lt := range lr.res.Layers {
		if lt.Index != li {
			continue
		}
		nr := lt.Neurons[n]
		tv := &TopNeuronView{ID: "n" + strconv.Itoa(n), Heading: l.Tf("learned.neuron", "n", n), Dead: nr.Dead,
			Detail: pc.rel(b.views.neuronPath(l, net.Runs[0], lt.Layer, n)),
			Grid:   pc.rel(learnedPath(l, learnedRest("layer", lt.Layer))) + "#n" + strconv.Itoa(n)}
		for rank, h := range nr.Hits {
			class := l.Class(net.Classes[lr.probe.Labels[h.Picture]])
			f := h.Field
			tv.Hits = append(tv.Hits, TopHit{
				Img: Img{Src: pc.rel(topCrop(lt.Layer, n, rank)), W: 56, H: 56, Pixelated: true,
					Alt: l.Tf("learned.crop_alt", "rank", rank+1, "class", class, "h", f.Y1-f.Y0, "w", f.X1-f.X0)},
				Value: num(h.Value, 2), Class: class})
		}
		tv.Caption = l.Tf("learned.top_caption", "k", len(nr.Hits), "n", len(lr.probe.Labels))
		var classes, values []string
		for _, h := range tv.Hits {
			classes, values = append(classes, h.Class), append(values, h.Value)
		}
		f := nr.Hits[0].Field
		fw := f.X1 - f.X0
		tv.Strip = Img{Src: pc.rel(topStrip(lt.Layer, n)), W: len(nr.Hits)*(fw+1) - 1, H: f.Y1 - f.Y0,
			Alt: l.Tf("learned.strip_alt", "classes", strings.Join(classes, l.T("learned.list_sep")))}
		tv.Strip = tv.Strip.Scaled(len(nr.Hits) * 56)
		tv.Values = strings.Join(values, " · ")
		return tv
	}
	return nil
}

func (b *builder) topLayer(pc pageCtx, lr *learned, layer string) (*TopLayerView, error) {
	for _, lt := range lr.res.Layers {
		if lt.Layer != layer {
			continue
		}
		f := lt.Neurons[0].Hits[0].Field
		v := &TopLayerView{Layer: layer, Field: pc.lang.Tf("learned.field", "h", f.Y1-f.Y0, "w", f.X1-f.X0)}
		for n := range lt.Neurons {
			v.Neurons = append(v.Neurons, b.topNeuron(pc, lr, lt.Index, n))
		}
		return v, nil
	}
	return nil, fmt.Errorf("no layer %s in the probe results", layer)
}

func (b *builder) lookedView(pc pageCtx, lr *learned, id string) (*LookedView, error) {
	net := b.views.net
	r, lk := net.run(id), lr.looked[id]
	if r == nil || lk == nil {
		return nil, fmt.Errorf("no sample %s", id)
	}
	l := pc.lang
	pred := l.Class(net.Classes[r.Pred])
	v := &LookedView{Picture: Img{Src: pc.rel(r.Image), Alt: l.Tf("learned.sample_alt", "sample", b.sampleName(l, id)), W: 112, H: 112, Pixelated: true},
		Lead:   l.Tf("learned.looked_lead", "pred", pred, "prob", num(r.Probs[r.Pred]*100, 1), "layer", lk.CAMLayer),
		Legend: Img{Src: pc.rel(learnedFigs + "legend.svg"), Alt: l.T("learned.legend_alt"), W: 200, H: 24}}
	order := []int{r.Pred}
	truth := -1
	for c, name := range net.Classes {
		if name == r.Label {
			truth = c
		}
	}
	if truth >= 0 && truth != r.Pred {
		order = append(order, truth)
	}
	for c := range net.Classes {
		if c != r.Pred && c != truth {
			order = append(order, c)
		}
	}
	for _, c := range order {
		class := l.Class(net.Classes[c])
		row := LookedRow{Class: class, Prob: num(r.Probs[c]*100, 1),
			Sal:    Img{Src: pc.rel(lookedFile("sal", id, c)), Alt: l.Tf("learned.sal_alt", "class", class), W: 84, H: 84, Pixelated: true},
			Cam:    Img{Src: pc.rel(lookedFile("cam", id, c)), Alt: l.Tf("learned.cam_alt", "class", class), W: 84, H: 84, Pixelated: true},
			LCam:   Img{Src: pc.rel(lookedFile("lcam", id, c)), Alt: l.Tf("learned.lcam_alt", "class", class), W: 84, H: 84, Pixelated: true},
			SalMax: num(lk.SalMax[c], 3), CamMax: num(lk.CamMax[c], 3), LCMax: num(lk.LCMax[c], 3)}
		switch c {
		case r.Pred:
			row.Mark = l.T("learned.mark_pred")
		case truth:
			row.Mark = l.T("learned.mark_true")
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}
