package site

import (
	"fmt"
	"html/template"

	"cnnexplainer/engine"
	"cnnexplainer/render"
)

// overview builds the interactive overview from render's layout.
func (v *views) overview(p pageCtx, r *Run) (*OverviewView, error) {
	lay := render.OverviewLayout(v.net.Model)
	if len(lay.Columns) == 0 {
		return nil, fmt.Errorf("model %s has no overview layout", v.net.Model.Name)
	}
	ov := &OverviewView{
		Sample:  r,
		ViewBox: fmt.Sprintf("0 0 %s %s", render.Num(lay.Width), render.Num(lay.Height)),
		Ratio:   template.CSS(fmt.Sprintf("aspect-ratio:%s/%s", render.Num(lay.Width), render.Num(lay.Height))),
		Picker:  v.picker(p, r, func(x *Run) string { return v.homePath(p.lang, x) }),
	}
	ov.Picker, ov.PickerCut = v.cutPicker(p, ov.Picker)
	ov.SampleTxt = r.ID
	if r.Label != "" {
		ov.SampleTxt = p.lang.Class(r.Label)
	}
	ov.Pred = p.lang.Class(v.net.Classes[r.Pred])
	ov.PredProb = num(r.Probs[r.Pred]*100, 1)
	tr, err := v.net.trace(r)
	if err != nil {
		return nil, err
	}
	blocks, err := render.Blocks(v.net.Model)
	if err != nil {
		return nil, err
	}
	blockOf := map[string]int{}
	for _, b := range blocks {
		for _, l := range b.Layers {
			blockOf[l] = b.Index
		}
	}
	if ov.Legends, err = v.overviewLegends(p, r, blockOf); err != nil {
		return nil, err
	}
	for ci := range lay.Columns {
		col, err := v.overviewColumn(p, r, tr, lay, ci, blockOf)
		if err != nil {
			return nil, err
		}
		ov.Columns = append(ov.Columns, col)
	}
	for _, e := range lay.Edges {
		ov.Edges = append(ov.Edges, EdgeView{D: e.Path(), From: fmt.Sprintf("%d-%d", e.FromCol, e.FromBox), To: fmt.Sprintf("%d-%d", e.ToCol, e.ToBox)})
	}
	return ov, nil
}

// overviewColumn is column ci of the overview: its heading and a box per
// channel or class.
func (v *views) overviewColumn(p pageCtx, r *Run, tr *engine.Trace, lay render.Layout, ci int, blockOf map[string]int) (ColumnView, error) {
	c := lay.Columns[ci]
	col := ColumnView{Layer: c.Layer, Kind: c.Kind, KindName: v.kindName(p, c.Kind), Shape: shapeText(c.Shape), Source: ci - 1, Block: -1}
	if b, ok := blockOf[c.Layer]; ok && c.Kind != "input" {
		col.Block = b
		col.Modes = true
	}
	if ch := v.chapter(p, c.Kind); ch != nil {
		col.Chapter = ch.Href
	}
	li := v.net.layerIndex(c.Layer)
	if c.Kind == "input" {
		li = -1
	}
	if li >= 0 {
		k := v.net.Model.Layers[li].Kind()
		col.OneToOne = k.ChannelWise()
	}
	if len(c.Boxes) > 0 {
		b0 := c.Boxes[0]
		col.Style = template.CSS("left:" + pct(b0.X, lay.Width) + ";width:" + pct(b0.W, lay.Width))
	}
	for bi, b := range c.Boxes {
		box := NeuronBox{Index: bi, Column: ci, Style: template.CSS(fmt.Sprintf("left:%s;top:%s;width:%s;height:%s",
			pct(b.X, lay.Width), pct(b.Y, lay.Height), pct(b.W, lay.Width), pct(b.H, lay.Height)))}
		var err error
		switch c.Kind {
		case "input":
			v.inputBox(p, r, bi, &box)
		case "output":
			v.classBox(p, r, bi, &box)
		default:
			err = v.mapBox(p, r, tr, c.Layer, li, bi, &box)
		}
		if err != nil {
			return col, err
		}
		col.Boxes = append(col.Boxes, box)
	}
	return col, nil
}

// pct is x as a percentage of total, for a CSS length.
func pct(x, total float64) string { return render.Num(x/total*100) + "%" }

// inputBox fills the box of input channel bi.
func (v *views) inputBox(p pageCtx, r *Run, bi int, box *NeuronBox) {
	f, ok := v.figs.activation(r.ID, "", bi, 0)
	if ok {
		box.Img = Img{Src: p.rel(figURL(f)), W: f.Width, H: f.Height, Pixelated: true}
	}
	box.Label = p.lang.Tf("overview.input_channel", "channel", v.channelName(p, bi))
	box.Alt = p.lang.Tf("alt.input_channel", "channel", v.channelName(p, bi))
	t := r.Input.Channel(bi)
	lo, hi := t.MinMax()
	box.Min, box.Max = num(lo, 2), num(hi, 2)
}

// classBox fills the box of output class bi.
func (v *views) classBox(p pageCtx, r *Run, bi int, box *NeuronBox) {
	name := v.net.Classes[bi]
	box.Class = p.lang.Class(name)
	box.Prob = num(r.Probs[bi]*100, 1)
	box.BarStyle = template.CSS("width:" + render.Num(float64(r.Probs[bi])*100) + "%")
	box.Value = num(r.Logits[bi], 4)
	box.Top = bi == r.Pred
	box.Label = p.lang.Tf("overview.class", "class", box.Class, "prob", box.Prob)
	if v.net.Logits >= 0 {
		box.Href = p.rel(v.neuronPath(p.lang, r, v.net.Model.Layers[v.net.Logits].Name(), bi))
	}
}

// mapBox fills the box of channel bi of layer (index li, -1 if none), whose
// map the page can show in every range mode.
func (v *views) mapBox(p pageCtx, r *Run, tr *engine.Trace, layer string, li, bi int, box *NeuronBox) error {
	unit, err := v.figs.mustActivation(r.ID, layer, bi, render.Unit)
	if err != nil {
		return err
	}
	box.Img = Img{Src: p.rel(figURL(unit)), W: unit.Width, H: unit.Height, Pixelated: true}
	box.Range = num(unit.Range[1], 2)
	for _, mode := range []render.Mode{render.Module, render.Global} {
		if err := v.checkRangeMode(p, r.ID, layer, bi, mode, box.Src); err != nil {
			return err
		}
	}
	t := tr.Output(layer).Channel(bi)
	lo, hi := t.MinMax()
	box.Min, box.Max = num(lo, 2), num(hi, 2)
	box.Label = p.lang.Tf("overview.neuron", "layer", layer, "n", bi, "min", box.Min, "max", box.Max)
	box.Alt = box.Label
	if li >= 0 && v.net.hasDetail(li) {
		box.Href = p.rel(v.neuronPath(p.lang, r, layer, bi))
	}
	return nil
}
