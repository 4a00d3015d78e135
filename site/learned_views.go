package site

import (
	"fmt"
	"html/template"
	"strconv"

	"cnnexplainer/render"
)

// The feature-space and confusion views of learned_pages.go.

func (b *builder) featuresView(pc pageCtx, lr *learned) (*FeaturesView, error) {
	net := b.views.net
	l := pc.lang
	var pts []render.ScatterPoint
	for k, p := range lr.pca.Points {
		class := l.Class(net.Classes[lr.probe.Labels[k]])
		pred := l.Class(net.Classes[lr.res.Predicted[k]])
		pts = append(pts, render.ScatterPoint{X: p[0], Y: p[1], Class: lr.probe.Labels[k],
			Title: l.Tf("learned.point", "class", class, "pred", pred), BG: string(spriteStyle(pc, lr.probe, k, 4))})
	}
	// The site's samples are placed in the probe set's plane and ringed.
	marked := 0
	for _, r := range net.Runs {
		tr, err := net.trace(r)
		if err != nil {
			return nil, err
		}
		xy, err := lr.pca.Project(tr.Output(lr.res.FeatureLayer).Data)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", r.ID, err)
		}
		marked++
		pts = append(pts, render.ScatterPoint{X: xy[0], Y: xy[1], Class: r.Pred, Marked: true,
			Title: l.Tf("learned.sample_point", "sample", b.sampleName(l, r.ID), "pred", l.Class(net.Classes[r.Pred])),
			Href:  pc.rel(r.Image)})
	}
	svg, err := render.ScatterSVG(pts, 560)
	if err != nil {
		return nil, err
	}
	v := &FeaturesView{SVG: template.HTML(svg), Explained: l.Tf("learned.explained",
		"pc1", num(float32(lr.pca.Explained[0]*100), 1), "pc2", num(float32(lr.pca.Explained[1]*100), 1),
		"layer", lr.res.FeatureLayer, "d", lr.featureDim, "n", len(lr.pca.Points), "marked", marked)}
	for c, name := range net.Classes {
		v.Legend = append(v.Legend, Swatch{Colour: render.ClassColour(c), Name: l.Class(name)})
	}
	return v, nil
}

func (b *builder) confusionView(pc pageCtx, lr *learned) *ProbeConfusionView {
	net := b.views.net
	l := pc.lang
	v := &ProbeConfusionView{}
	for _, c := range net.Classes {
		v.Classes = append(v.Classes, l.Class(c))
	}
	for t, row := range lr.confusion {
		cr := ProbeConfusionRow{Class: v.Classes[t]}
		for p, n := range row {
			id := "c" + strconv.Itoa(t) + "-" + strconv.Itoa(p)
			link := ProbeConfusionLink{N: n, Diagonal: t == p,
				Lab: l.Tf("learned.cell", "n", n, "true", v.Classes[t], "pred", v.Classes[p])}
			if n > 0 {
				link.Href = "#" + id
				cell := ProbeConfusionCell{ID: id, Heading: link.Lab}
				for _, k := range lr.cells[t][p] {
					cell.Pictures = append(cell.Pictures, Thumb{Style: spriteStyle(pc, lr.probe, k, 2), Alt: l.Tf("learned.probe_alt", "k", k+1)})
				}
				v.Cells = append(v.Cells, cell)
			}
			cr.Cells = append(cr.Cells, link)
		}
		v.Rows = append(v.Rows, cr)
	}
	return v
}
