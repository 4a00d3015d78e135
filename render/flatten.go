package render

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"cnnexplainer/engine"
)

// Flatten figure geometry in viewBox units.
const (
	flMap     = 48 // side of the longer edge of each map
	flGap     = 8
	flVectorX = 200
	flVectorW = 10
	flMargin  = 8
)

// FlattenLayout is the geometry of the flatten diagram: the maps a Flatten
// layer reads, stacked in channel order, and the vector it writes, drawn
// top to bottom. Index i of the vector holds map cell (y, x, c) with
// i = (y*W + x)*C + c (Keras channels-last order), or i = (c*H + y)*W + x
// for a PyTorch model's flatten (ChannelsFirst).
type FlattenLayout struct {
	Layer         string // the Flatten layer
	From          string // the layer whose (H, W, C) output it reads
	H, W, C       int
	ChannelsFirst bool
	Width, Height float64
	Maps          []Box   // one per channel
	Cell          float64 // side of one map cell
	Vector        Box
}

// NewFlattenLayout returns the flatten geometry of m's first Flatten layer
// that reads a map, and false when there is none.
func NewFlattenLayout(m *engine.Model) (FlattenLayout, bool) {
	shapes, err := m.Shapes()
	if err != nil {
		return FlattenLayout{}, false
	}
	for i, l := range m.Layers {
		in := shapes[i]
		if l.Kind() != engine.KindFlatten || len(in) != 3 || i == 0 {
			continue
		}
		f := FlattenLayout{Layer: l.Name(), From: m.Layers[i-1].Name(), H: in[0], W: in[1], C: in[2]}
		if fl, ok := l.(*engine.Flatten); ok {
			f.ChannelsFirst = fl.ChannelsFirst
		}
		f.Cell = flMap / float64(max(f.H, f.W))
		mh, mw := f.Cell*float64(f.H), f.Cell*float64(f.W)
		for c := 0; c < f.C; c++ {
			f.Maps = append(f.Maps, Box{X: flMargin, Y: flMargin + float64(c)*(mh+flGap), W: mw, H: mh})
		}
		last := f.Maps[f.C-1]
		f.Height = last.Y + last.H + flMargin
		f.Vector = Box{X: flVectorX, Y: flMargin, W: flVectorW, H: f.Height - 2*flMargin}
		f.Width = flVectorX + flVectorW + 40
		return f, true
	}
	return FlattenLayout{}, false
}

// N is the length of the flattened vector.
func (f FlattenLayout) N() int { return f.H * f.W * f.C }

// Index is the vector index of map cell (y, x, c).
func (f FlattenLayout) Index(y, x, c int) int {
	fl := engine.Flatten{ChannelsFirst: f.ChannelsFirst}
	return fl.Index(y, x, c, []int{f.H, f.W, f.C})
}

// CellCenter is the centre of map cell (y, x, c).
func (f FlattenLayout) CellCenter(y, x, c int) (float64, float64) {
	b := f.Maps[c]
	return b.X + (float64(x)+0.5)*f.Cell, b.Y + (float64(y)+0.5)*f.Cell
}

// IndexY is the vertical centre of vector index i.
func (f FlattenLayout) IndexY(i int) float64 {
	return f.Vector.Y + (float64(i)+0.5)*f.Vector.H/float64(f.N())
}

// FlattenFile is the path of a sample's flatten figure.
func FlattenFile(sample string) string { return "s/" + sample + "/flatten.svg" }

// FlattenSVG draws the flatten diagram of one sample: the maps (module
// range), the vector in the same colours as a one-pixel-wide strip, and a
// line from every cell of each map's first row to its vector index, which
// shows the channel-interleaved order. The vector's first and last index
// are written beside it.
func FlattenSVG(f FlattenLayout, maps *engine.Tensor, sc Scale) ([]byte, error) {
	return flattenSVG(f, maps, sc, func(c int) ([]byte, error) { return MapPNG(maps, c, sc) })
}

// flattenSVG draws the figure with channel c's map PNG from mapPNG(c).
func flattenSVG(f FlattenLayout, maps *engine.Tensor, sc Scale, mapPNG func(c int) ([]byte, error)) ([]byte, error) {
	if len(maps.Shape) != 3 || maps.H() != f.H || maps.W() != f.W || maps.C() != f.C {
		return nil, fmt.Errorf("flatten figure: map shape %v, layout (%d, %d, %d)", maps.Shape, f.H, f.W, f.C)
	}
	s := NewSVG(f.Width, f.Height)
	for c, b := range f.Maps {
		data, err := mapPNG(c)
		if err != nil {
			return nil, err
		}
		embedPNG(s, b, data, A("data-channel", strconv.Itoa(c)))
	}
	// The vector: a 1 x N image, pixel i = flattened value i.
	flat := make([]float32, f.N())
	for i, v := range maps.Data {
		flat[f.Index(i/f.C/f.W, i/f.C%f.W, i%f.C)] = v
	}
	vec, err := GridPNG(1, f.N(), flat, sc)
	if err != nil {
		return nil, err
	}
	embedPNG(s, f.Vector, vec)
	s.Open("g", A("fill", "none"), A("stroke", "#666"), A("stroke-width", "0.3"))
	for c := 0; c < f.C; c++ {
		for x := 0; x < f.W; x++ {
			cx, cy := f.CellCenter(0, x, c)
			s.Elem("line", F("x1", cx), F("y1", cy), F("x2", f.Vector.X), F("y2", f.IndexY(f.Index(0, x, c))),
				A("data-index", strconv.Itoa(f.Index(0, x, c))))
		}
	}
	s.Close()
	s.Open("g", A("font-family", "sans-serif"), A("font-size", "8"), A("fill", "#333"))
	tx := f.Vector.X + f.Vector.W + 4
	s.Text("text", "0", F("x", tx), F("y", f.Vector.Y+8))
	s.Text("text", strconv.Itoa(f.N()-1), F("x", tx), F("y", f.Vector.Y+f.Vector.H))
	s.Close()
	return s.Bytes()
}

func embedPNG(s *SVG, b Box, data []byte, extra ...Attr) {
	attrs := append([]Attr{F("x", b.X), F("y", b.Y), F("width", b.W), F("height", b.H),
		A("preserveAspectRatio", "none"), A("style", "image-rendering:pixelated")}, extra...)
	attrs = append(attrs, A("href", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(data)))
	s.Elem("image", attrs...)
}

// planFlatten plans a sample's flatten figure, if m has a flatten layer
// reading a map.
func planFlatten(m *engine.Model, s Sample, shared mapCache) ([]job, error) {
	f, ok := NewFlattenLayout(m)
	if !ok {
		return nil, nil
	}
	ranges, err := NewRanges(m, s.Trace)
	if err != nil {
		return nil, err
	}
	sc, err := ranges.Scale(OverviewMode, f.From, 0)
	if err != nil {
		return nil, err
	}
	maps := s.Trace.Output(f.From)
	return []job{{
		Figure: Figure{File: FlattenFile(s.ID), Kind: KindFlatten, Sample: s.ID, Layer: f.Layer, Neuron: -1, Channel: -1,
			Range: sc.Range(), Scale: sc.Scheme, Mode: OverviewMode,
			Width: int(f.Width + 0.5), Height: int(f.Height + 0.5)},
		Draw: func() ([]byte, error) {
			return flattenSVG(f, maps, sc, func(c int) ([]byte, error) { return shared.get(s.Trace, ranges, f.From, c) })
		},
	}}, nil
}
