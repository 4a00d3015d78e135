package site

import (
	"fmt"

	"cnnexplainer/render"
)

// figKey names a figure the way pages ask for it.
type figKey struct {
	kind            render.FigureKind
	sample, layer   string
	neuron, channel int
	mode            render.Mode
}

// figIndex finds render's figures by what they show. It holds positions
// in the manifest, not copies: a site of hundreds of samples has hundreds
// of thousands of figures.
type figIndex struct {
	byKey    map[figKey]int32
	bySample map[string][]int32 // each sample's figures, in manifest order
	all      []render.Figure
}

func newFigIndex(m *render.Manifest) *figIndex {
	ix := &figIndex{byKey: map[figKey]int32{}, bySample: map[string][]int32{}}
	if m == nil {
		return ix
	}
	ix.all = m.Figures
	for i, f := range m.Figures {
		k := figKey{f.Kind, f.Sample, f.Layer, f.Neuron, f.Channel, f.Mode}
		if _, dup := ix.byKey[k]; !dup {
			ix.byKey[k] = int32(i)
		}
		if f.Sample != "" {
			ix.bySample[f.Sample] = append(ix.bySample[f.Sample], int32(i))
		}
	}
	return ix
}

func (ix *figIndex) find(kind render.FigureKind, sample, layer string, neuron, channel int, mode render.Mode) (render.Figure, bool) {
	i, ok := ix.byKey[figKey{kind, sample, layer, neuron, channel, mode}]
	if !ok {
		return render.Figure{}, false
	}
	return ix.all[i], true
}

// ofSample calls fn with each figure of sample of the given kind, in
// manifest order, until fn returns false.
func (ix *figIndex) ofSample(sample string, kind render.FigureKind, fn func(render.Figure) bool) {
	for _, i := range ix.bySample[sample] {
		if f := ix.all[i]; f.Kind == kind && !fn(f) {
			return
		}
	}
}

// figURL is the site path of a figure: its file, and for a figure inside
// a bundle (the animations) "#" and the fragment that selects it.
func figURL(f render.Figure) string { return "figures/" + f.Ref() }

// activation returns the map of one neuron in one range mode, or the
// input channel for the model input (layer "", any mode).
func (ix *figIndex) activation(sample, layer string, neuron int, mode render.Mode) (render.Figure, bool) {
	if layer == "" {
		return ix.find(render.KindInputChannel, sample, "", -1, neuron, 0)
	}
	return ix.find(render.KindActivation, sample, layer, neuron, -1, mode)
}

func (ix *figIndex) mustActivation(sample, layer string, neuron int, mode render.Mode) (render.Figure, error) {
	f, ok := ix.activation(sample, layer, neuron, mode)
	if !ok {
		return f, fmt.Errorf("render made no %s map for sample %s, layer %q, neuron %d", mode, sample, layer, neuron)
	}
	return f, nil
}

// anyMode finds a figure whatever its range mode (animations carry one).
func (ix *figIndex) anyMode(kind render.FigureKind, sample, layer string, neuron, channel int) (render.Figure, bool) {
	for _, mode := range []render.Mode{0, render.Unit, render.Module, render.Global} {
		if f, ok := ix.find(kind, sample, layer, neuron, channel, mode); ok {
			return f, true
		}
	}
	return render.Figure{}, false
}

// playground finds the animation of one playground setting.
func (ix *figIndex) playground(size, pad, kernel, stride int) (render.Figure, bool) {
	for _, f := range ix.all {
		if f.Kind == render.KindPlayground && f.Params["size"] == size && f.Params["pad"] == pad &&
			f.Params["kernel"] == kernel && f.Params["stride"] == stride {
			return f, true
		}
	}
	return render.Figure{}, false
}

// kinds returns every figure of the given kinds, in manifest order, that
// belongs to layer (any layer when layer is "").
func (ix *figIndex) kinds(layer string, kinds ...render.FigureKind) []render.Figure {
	var out []render.Figure
	for _, f := range ix.all {
		for _, k := range kinds {
			if f.Kind == k && (layer == "" || f.Layer == layer) {
				out = append(out, f)
			}
		}
	}
	return out
}
