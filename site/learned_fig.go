package site

import (
	"fmt"

	"cnnexplainer/engine"
	"cnnexplainer/site/directive"
)

// LearnedFig is the "learned" figure of a chapter: the measured facts of
// the views (part=facts) or the first mistake's maps (part=showcase).
type LearnedFig struct {
	Facts    []Fact
	Showcase *LookedView
	Sample   string
	Link     string // the views' hub, or the showcase sample's page
}

// Fact is one measured statement with its label.
type Fact struct{ Term, Text string }

// learnedFigure fills fd for {{< learned part=... >}}; without a probe set
// the figure is missing, which the chapter shows as a notice.
func (b *builder) learnedFigure(pc pageCtx, fd *FigData, d directive.Directive) (*FigData, error) {
	lr := b.learned
	if lr == nil {
		return nil, missingFigure{"the model has no probe set"}
	}
	l := pc.lang
	f := &LearnedFig{Link: pc.rel(learnedPath(l, ""))}
	fd.Learned, fd.LinkText = f, l.T("learned.open")
	switch d.Str("part", "facts") {
	case "facts":
		f.Facts = b.learnedFacts(l, lr)
	case "showcase":
		r := b.showcaseRun(d.Str("pick", ""))
		if r == nil {
			// A samples folder of its own may lack the chapter's showcase:
			// a notice then, as for any figure the model cannot give.
			return nil, missingFigure{fmt.Sprintf("there is no sample %q", d.Str("pick", ""))}
		}
		v, err := b.lookedView(pc, lr, r.ID)
		if err != nil {
			return nil, err
		}
		v.Rows = v.Rows[:min(2, len(v.Rows))] // the predicted and the true class
		f.Showcase, f.Sample = v, b.sampleName(l, r.ID)
		f.Link = pc.rel(learnedPath(l, learnedRest("looked", r.ID)))
		fd.LinkText = l.T("learned.open_sample")
	}
	fd.Link = f.Link
	return fd, nil
}

// showcaseRun is the named sample, or without a name the first mistake
// (the first sample if there is none).
func (b *builder) showcaseRun(id string) *Run {
	net := b.views.net
	if id != "" {
		return net.run(id)
	}
	for _, r := range net.Runs {
		if r.Label != "" && r.Label != net.Classes[r.Pred] {
			return r
		}
	}
	return net.Runs[0]
}

// learnedFacts states what the views measured, in the page's language.
func (b *builder) learnedFacts(l *Language, lr *learned) []Fact {
	net := b.views.net
	n := len(lr.probe.Labels)
	right, bestT, bestP, best := 0, 0, 0, -1
	for t, row := range lr.confusion {
		for p, c := range row {
			if t == p {
				right += c
			} else if c > best {
				bestT, bestP, best = t, p, c
			}
		}
	}
	dead, neurons := 0, 0
	for _, lt := range lr.res.Layers {
		if lt.Kind != engine.KindReLU {
			continue // a dead ReLU also shows in the layers around it: count it once
		}
		for _, nr := range lt.Neurons {
			neurons++
			if nr.Dead {
				dead++
			}
		}
	}
	first, last := lr.res.Layers[0], lr.res.Layers[len(lr.res.Layers)-1]
	ff, lf := first.Neurons[0].Hits[0].Field, last.Neurons[0].Hits[0].Field
	empty, emptyPred := 0, 0
	for _, r := range net.Runs {
		lk := lr.looked[r.ID]
		for c, m := range lk.CamMax {
			if m == 0 {
				empty++
				if c == r.Pred {
					emptyPred++
				}
			}
		}
	}
	probeText := l.Tf("learned.f_probe_text", "n", n, "per", n/max(len(net.Classes), 1), "seed", lr.probe.Seed)
	if lr.probe.Source == "probe folder" {
		probeText = l.Tf("learned.f_probe_folder_text", "n", n)
	}
	return []Fact{
		{l.T("learned.f_probe"), probeText},
		{l.T("learned.f_accuracy"), l.Tf("learned.f_accuracy_text", "acc", num(float32(right)*100/float32(n), 1),
			"true", l.Class(net.Classes[bestT]), "pred", l.Class(net.Classes[bestP]), "count", best)},
		{l.T("learned.f_field"), l.Tf("learned.f_field_text", "l1", first.Layer, "h1", ff.Y1-ff.Y0, "w1", ff.X1-ff.X0,
			"l2", last.Layer, "h2", lf.Y1-lf.Y0, "w2", lf.X1-lf.X0)},
		{l.T("learned.f_dead"), l.Tf("learned.f_dead_text", "dead", dead, "n", neurons)},
		{l.T("learned.f_space"), l.Tf("learned.f_space_text", "layer", lr.res.FeatureLayer, "d", lr.featureDim,
			"pc1", num(float32(lr.pca.Explained[0]*100), 1), "pc2", num(float32(lr.pca.Explained[1]*100), 1))},
		{l.T("learned.f_cam"), l.Tf("learned.f_cam_text", "empty", empty, "pairs", len(net.Runs)*len(net.Classes),
			"pred", emptyPred, "samples", len(net.Runs))},
	}
}
