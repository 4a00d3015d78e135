package site

import (
	"fmt"
	"html/template"
	"math"
	"sort"

	"cnnexplainer/engine"
	"cnnexplainer/render"
)

// ClassView is the flatten + dense view of one class.
type ClassView struct {
	Class   string
	Unit    bool   // a hidden dense unit, not a class score
	Relu    string // a unit's fused ReLU output, when it has one
	From    string // the layer a unit reads
	Source  string
	Maps    []ClassMap
	Terms   []Term
	More    int
	Bias    string
	Logit   string
	N       int
	Prob    string
	Formula template.HTML
	// What the page script reads to name the term behind a map cell; Data
	// is nil when the layer reads no flattened map.
	Data      *ClassData
	DataJS    string
	WeightsJS string
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
	Y, X, C       int // the cell of the map it comes from, when Where is set
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
	lo := r.Logits
	st := engine.SoftmaxParts(lo)
	m := st.Max
	for k, z := range lo {
		e := st.Exps[k]
		row := SoftmaxRow{Class: p.lang.Class(v.net.Classes[k]), Logit: num(z, 4), Exp: num(float32(e), 4), Prob: num(r.Probs[k]*100, 2), BarStyle: template.CSS("width:" + render.Num(float64(r.Probs[k])*100) + "%"), Top: k == r.Pred}
		if v.net.Logits >= 0 {
			row.Href = p.rel(v.neuronPath(p.lang, r, v.net.Model.Layers[v.net.Logits].Name(), k))
		}
		sv.Rows = append(sv.Rows, row)
	}
	sv.Sum = num(float32(st.Sum), 4)
	k := r.Pred
	var err error
	sv.Formula, err = formula(fmt.Sprintf(`p_{%d} = \frac{\exp(%s - %s)}{\sum_{j} \exp(z_j - %s)} = \frac{%s}{%s} = %s`,
		k, texNum(num(lo[k], 4)), texNum(num(m, 4)), texNum(num(m, 4)), num(float32(st.Exps[k]), 4), sv.Sum, num(r.Probs[k], 4)))
	return sv, err
}

func (v *views) classDetail(p pageCtx, r *Run, li, k int, d *DetailView) (*DetailView, error) {
	l, ok := v.net.Model.Layers[li].(*engine.Dense)
	if !ok || k < 0 || k >= l.Out {
		return nil, fmt.Errorf("layer %s has no class %d", v.net.Model.Layers[li].Name(), k)
	}
	// A hidden layer of a dense stack reads the same way as the class
	// scores, without the softmax: its unit is named by layer and number.
	unit := li != v.net.Logits
	d.Kind = "class"
	cv := &ClassView{N: l.In, Bias: num(l.Bias[k], 4), Unit: unit}
	if unit {
		d.Kind = "dense"
		cv.Class, cv.From = v.neuronName(p, li, k), v.net.sourceLayer(li)
	} else {
		cv.Class, cv.Prob = p.lang.Class(v.net.Classes[k]), num(r.Probs[k]*100, 2)
	}
	tr, err := v.net.trace(r)
	if err != nil {
		return nil, err
	}
	x := tr.LayerInput(li).Data
	fl, ms := v.net.flattenBefore(li)
	var mapShape []int
	if fl != nil && ms >= 0 {
		mapShape = v.net.Shapes[ms+1]
		if err := v.classMaps(p, r, l, k, ms, fl, cv, d); err != nil {
			return nil, err
		}
	}
	dt, err := l.TermsOf(x, k)
	if err != nil {
		return nil, err
	}
	z := dt.Z
	cv.Terms, cv.More = topTerms(p, dt, x, fl, mapShape)
	cv.Logit = num(z, 4)
	cv.Formula, err = formula(fmt.Sprintf(`z_{%d} = b_{%d} + \sum_{i=0}^{%d} w_{i,%d} \cdot v_i = %s + %s = %s`,
		k, k, l.In-1, k, texNum(cv.Bias), texNum(num(z-l.Bias[k], 4)), texNum(cv.Logit)))
	if err != nil {
		return nil, err
	}
	d.Class = cv
	d.Value = cv.Logit
	if unit {
		if l.Act == engine.ActReLU {
			out := tr.Layers[li].Output.Data[k]
			cv.Relu = num(out, 4)
			d.Value = cv.Relu
		}
		return d, nil
	}
	if d.Softmax, err = v.softmax(p, r); err != nil {
		return nil, err
	}
	return d, nil
}

// classMaps fills the maps unit k of l reads through a flatten layer (the
// output of layer ms), each beside its slice of k's weights.
func (v *views) classMaps(p pageCtx, r *Run, l *engine.Dense, k, ms int, fl *engine.Flatten, cv *ClassView, d *DetailView) error {
	mapShape := v.net.Shapes[ms+1]
	cv.Source = v.net.Model.Layers[ms].Name()
	cv.Data = &ClassData{In: cv.Source, Weights: classWeightsName(l.Name(), k), Map: [3]int{mapShape[0], mapShape[1], mapShape[2]}, ChannelsFirst: fl.ChannelsFirst}
	cv.DataJS = p.rel(dataFile(r.ID, cv.Source))
	cv.WeightsJS = p.rel(classWeightsFile(l.Name(), k))
	for c := 0; c < mapShape[2]; c++ {
		img, mf, err := v.mapFig(p, r, cv.Source, c, render.Unit)
		if err != nil {
			return err
		}
		cm := ClassMap{Map: img, Name: p.lang.Tf("neuron.map_range", "name", v.layerLabel(p, cv.Source, c), "r", num(mf.Range[1], 2))}
		cm.Map.Alt = p.lang.Tf("alt.class_map", "name", cm.Name)
		if c == 0 {
			d.Legends = append(d.Legends, unitLegend(mf, p.lang.Tf("neuron.legend_in", "layer", cv.Source)))
		}
		if f, ok := v.figs.find(render.KindDenseWeights, "", l.Name(), k, c, 0); ok {
			cm.Weight = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true, Alt: p.lang.Tf("alt.dense_weights", "class", cv.Class, "c", c)}
			if c == 0 {
				d.Legends = append(d.Legends, legendFor(f, p.lang.Tf("neuron.legend_kernel", "layer", l.Name())))
			}
		}
		cv.Maps = append(cv.Maps, cm)
	}
	return nil
}

// topTerms are the largest terms of a dense unit's sum by size, and how
// many more there are; each names its map position when the input is a
// flattened map of mapShape.
func topTerms(p pageCtx, dt engine.DenseTerms, x []float32, fl *engine.Flatten, mapShape []int) ([]Term, int) {
	prods := dt.Products
	order := make([]int, len(prods))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return math.Abs(float64(prods[order[a]])) > math.Abs(float64(prods[order[b]])) })
	const shown = 12
	// Only the shown terms are formatted: a class page lists 12 of 490.
	var top []Term
	for _, i := range order[:min(shown, len(order))] {
		t := Term{Index: i, Value: num(x[i], 3), Weight: num(dt.Weights[i], 3), Product: num(prods[i], 3)}
		if len(mapShape) == 3 {
			t.Y, t.X, t.C = fl.Position(i, mapShape)
			t.Where = p.lang.Tf("detail.flat_where", "row", t.Y, "col", t.X, "c", t.C)
		}
		if prods[i] > 0 {
			t.Class = "pos"
		} else if prods[i] < 0 {
			t.Class = "neg"
		}
		top = append(top, t)
	}
	return top, len(order) - len(top)
}
