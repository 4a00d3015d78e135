package render

import (
	"testing"

	"cnnexplainer/engine"
)

// TestNewKindAnimations draws the animations of the layer kinds TinyVGG
// lacks and reads their output maps back: an average pool's window steps
// by its stride over its padding, and a value-by-value layer's 1x1 window
// shows the layer's own output on the layer's own scale.
func TestNewKindAnimations(t *testing.T) {
	x := engine.NewTensor(5, 6, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%7)/2 - 1.5
	}
	avg := &engine.AvgPool2D{LayerName: "avg", PoolH: 3, PoolW: 2, StrideH: 2, StrideW: 2, Padding: engine.Asymmetric, Pads: [4]int{1, 0, 0, 1}}
	bn := &engine.BatchNorm{LayerName: "bn", C: 1, Epsilon: 1e-5, Gamma: []float32{2}, Beta: []float32{0.5}, Mean: []float32{0.1}, Var: []float32{4}}
	m := &engine.Model{Name: "kinds", Input: engine.Input{Shape: []int{5, 6, 1}, Scale: 1}, Layers: []engine.Layer{
		&engine.LeakyReLU{LayerName: "leaky", Alpha: 0.1}, bn, &engine.Tanh{LayerName: "tanh"}, avg,
		&engine.Sigmoid{LayerName: "sigmoid"}, &engine.Flatten{LayerName: "f"}}}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		layer string
		kind  FigureKind
		k, s  [2]int
	}{
		{"leaky", KindPointAnim, [2]int{1, 1}, [2]int{1, 1}},
		{"bn", KindPointAnim, [2]int{1, 1}, [2]int{1, 1}},
		{"tanh", KindPointAnim, [2]int{1, 1}, [2]int{1, 1}},
		{"avg", KindAvgPoolAnim, [2]int{3, 2}, [2]int{2, 2}},
		{"sigmoid", KindPointAnim, [2]int{1, 1}, [2]int{1, 1}},
	} {
		t.Run(tc.layer, func(t *testing.T) {
			if !AnimLayer(m.Layers[layerIndex(t, m, tc.layer)]) {
				t.Fatal("AnimLayer says no")
			}
			a, err := NewAnim(m, tr, tc.layer, 0, -1)
			if err != nil {
				t.Fatal(err)
			}
			y := tr.Output(tc.layer)
			if a.Kind != tc.kind || a.KH != tc.k[0] || a.KW != tc.k[1] || a.SH != tc.s[0] || a.SW != tc.s[1] || a.Out.H != y.H() || a.Out.W != y.W() {
				t.Fatalf("kind %s window %dx%d stride %dx%d out %dx%d", a.Kind, a.KH, a.KW, a.SH, a.SW, a.Out.H, a.Out.W)
			}
			if tc.layer == "avg" && (a.Top != 1 || a.Right != 1 || a.Bottom != 0 || a.Left != 0) {
				t.Errorf("padding top %d left %d bottom %d right %d, want 1 0 0 1", a.Top, a.Left, a.Bottom, a.Right)
			}
			data, err := a.SVG()
			if err != nil {
				t.Fatal(err)
			}
			d := parseAnimSVG(t, tc.layer, data)
			checkSteps(t, tc.layer, d, a.Out.H, a.Out.W)
			rows := max(a.PadH(), a.Out.H)
			inAt := [2]float64{float64(animMargin + a.Left*animCell), float64(animMargin + (rows-a.PadH())*animCell/2 + a.Top*animCell)}
			outAt := [2]float64{float64(animMargin + a.PadW()*animCell + animGap), float64(animMargin + (rows-a.Out.H)*animCell/2)}
			_, out := d.maps(t, tc.layer, "", inAt, outAt, a.In.H, a.In.W, a.Out.H, a.Out.W)
			readBack(t, tc.layer+" output", out, a.Out.Scale, y.Channel(0).Data)
		})
	}
}
