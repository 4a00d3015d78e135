package render

import (
	"fmt"
	"strconv"

	"cnnexplainer/engine"
)

// Overview geometry in viewBox units.
const (
	ovBox     = 32 // side of a neuron's map
	ovGap     = 6  // vertical gap between boxes
	ovPitch   = 84 // distance between column left edges
	ovMargin  = 8
	ovOutW    = 64 // width of an output bar at probability 1
	ovOutH    = 12 // height of an output row
	ovOutGap  = 10
	ovEdgeCol = "#c8c8c8"
)

// Layout is the fixed geometry of the network overview, shared by the
// standalone overview figure and the page's interactive version.
type Layout struct {
	Width, Height float64
	Columns       []Column
	Edges         []Edge
}

// Column is one layer of the overview: the input, each layer with map
// outputs, then the output (class) column. Vector layers in between
// (flatten, hidden dense layers) are not drawn.
type Column struct {
	Layer string // layer name; "input" for the input column
	Kind  string // "input", "output" or the layer kind (conv2d, relu, maxpool2d)
	Shape []int  // the column's tensor shape
	Boxes []Box  // one per neuron (channel, or class in the output column)
}

// Box is a rectangle in viewBox units.
type Box struct{ X, Y, W, H float64 }

// Edge joins box FromBox of column FromCol to box ToBox of column ToCol,
// from the middle of the source's right side to the middle of the target's
// left side.
type Edge struct {
	FromCol, FromBox, ToCol, ToBox int
	X1, Y1, X2, Y2                 float64
}

// Path is the SVG path of the edge: a cubic curve leaving and entering
// horizontally.
func (e Edge) Path() string {
	mx := (e.X1 + e.X2) / 2
	return "M" + Num(e.X1) + " " + Num(e.Y1) + "C" + Num(mx) + " " + Num(e.Y1) + " " + Num(mx) + " " + Num(e.Y2) +
		" " + Num(e.X2) + " " + Num(e.Y2)
}

// OverviewLayout places every column, box and edge of m's overview. A
// model that fails Check gets an empty layout.
func OverviewLayout(m *engine.Model) Layout {
	shapes, err := m.Shapes()
	if err != nil || len(shapes[0]) != 3 {
		return Layout{}
	}
	type col struct {
		name, kind string
		shape      []int
		n          int
	}
	cols := []col{{"input", "input", shapes[0], shapes[0][2]}}
	for i, l := range m.Layers {
		if len(shapes[i+1]) == 3 {
			cols = append(cols, col{l.Name(), l.Kind().String(), shapes[i+1], shapes[i+1][2]})
		}
	}
	out := shapes[len(shapes)-1]
	outName := outputLayer(m)
	cols = append(cols, col{outName, "output", out, out[0]})

	var lay Layout
	var tallest float64
	heights := make([]float64, len(cols))
	for i, c := range cols {
		bh, gap := float64(ovBox), float64(ovGap)
		if c.kind == "output" {
			bh, gap = ovOutH, ovOutGap
		}
		heights[i] = float64(c.n)*bh + float64(c.n-1)*gap
		tallest = max(tallest, heights[i])
	}
	for i, c := range cols {
		x := ovMargin + float64(i*ovPitch)
		y0 := ovMargin + (tallest-heights[i])/2
		column := Column{Layer: c.name, Kind: c.kind, Shape: append([]int(nil), c.shape...)}
		for k := 0; k < c.n; k++ {
			b := Box{X: x, Y: y0 + float64(k)*(ovBox+ovGap), W: ovBox, H: ovBox}
			if c.kind == "output" {
				b = Box{X: x, Y: y0 + float64(k)*(ovOutH+ovOutGap), W: ovOutW, H: ovOutH}
			}
			column.Boxes = append(column.Boxes, b)
		}
		lay.Columns = append(lay.Columns, column)
		lay.Width = x + column.Boxes[0].W + ovMargin
	}
	lay.Height = tallest + 2*ovMargin
	for t := 1; t < len(lay.Columns); t++ {
		src, dst := lay.Columns[t-1], lay.Columns[t]
		// Convolutions and the output read every neuron of the column
		// before; activations, pooling and batch norm only their own channel.
		k, err := engine.ParseKind(dst.Kind)
		oneToOne := err == nil && k.ChannelWise()
		for j, b := range dst.Boxes {
			for i, a := range src.Boxes {
				if oneToOne && i != j {
					continue
				}
				lay.Edges = append(lay.Edges, Edge{FromCol: t - 1, FromBox: i, ToCol: t, ToBox: j,
					X1: a.X + a.W, Y1: a.Y + a.H/2, X2: b.X, Y2: b.Y + b.H/2})
			}
		}
	}
	return lay
}

// outputLayer names the layer whose output the overview's last column
// shows: the last dense layer (which holds the logits), else the last layer.
func outputLayer(m *engine.Model) string {
	for i := len(m.Layers) - 1; i >= 0; i-- {
		if m.Layers[i].Kind() == engine.KindDense {
			return m.Layers[i].Name()
		}
	}
	return m.Layers[len(m.Layers)-1].Name()
}

// OverviewFile is the path of a sample's overview figure.
func OverviewFile(sample string) string { return "s/" + sample + "/overview.svg" }

// OverviewMode is the range mode of the maps drawn in the overview.
const OverviewMode = Module

// OverviewSVG draws the overview of one sample: each neuron as its map
// (embedded PNG, module range), curved edges, and the output column as
// probability bars on the Oranges scale.
func OverviewSVG(m *engine.Model, s Sample) ([]byte, error) { return overviewSVG(m, s, nil) }

func overviewSVG(m *engine.Model, s Sample, shared mapCache) ([]byte, error) {
	lay := OverviewLayout(m)
	if len(lay.Columns) == 0 {
		return nil, fmt.Errorf("model %s has no overview layout", m.Name)
	}
	ranges, err := NewRanges(m, s.Trace)
	if err != nil {
		return nil, err
	}
	pc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	top := inputRange(m)
	svg := NewSVG(lay.Width, lay.Height)
	svg.Open("g", A("fill", "none"), A("stroke", ovEdgeCol), A("stroke-width", "0.5"))
	for _, e := range lay.Edges {
		svg.Elem("path", A("d", e.Path()))
	}
	svg.Close()
	for ci, col := range lay.Columns {
		svg.Open("g", A("data-layer", col.Layer))
		for k, b := range col.Boxes {
			var data []byte
			switch {
			case col.Kind == "output":
				p := float32(0)
				if k < len(s.Trace.Probs) {
					p = min(max(s.Trace.Probs[k], 0), 1)
				}
				svg.Elem("rect", F("x", b.X), F("y", b.Y), F("width", b.W), F("height", b.H), A("fill", "#eee"))
				svg.Elem("rect", F("x", b.X), F("y", b.Y), F("width", b.W*float64(p)), F("height", b.H), A("fill", pc.Hex(p)))
				continue
			case ci == 0:
				sc, err := NewScale(channelScheme(k, col.Shape[2]), 0, top)
				if err != nil {
					return nil, err
				}
				data, err = MapPNG(s.Trace.Input, k, sc)
				if err != nil {
					return nil, err
				}
			default:
				data, err = shared.get(s.Trace, ranges, col.Layer, k)
				if err != nil {
					return nil, err
				}
			}
			embedPNG(svg, b, data, A("data-neuron", strconv.Itoa(k)))
		}
		svg.Close()
	}
	return svg.Bytes()
}

// planOverview plans a sample's overview figure.
func planOverview(m *engine.Model, s Sample, shared mapCache) []job {
	lay := OverviewLayout(m)
	return []job{{
		Figure: Figure{File: OverviewFile(s.ID), Kind: KindOverview, Sample: s.ID, Neuron: -1, Channel: -1,
			Mode: OverviewMode, Width: int(lay.Width + 0.5), Height: int(lay.Height + 0.5)},
		Draw: func() ([]byte, error) { return overviewSVG(m, s, shared) },
	}}
}
