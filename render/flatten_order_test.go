package render

import (
	"testing"

	"cnnexplainer/engine"
)

// TestFlattenLayoutChannelsFirst: for a PyTorch-style flatten the figure's
// index of each map cell is where the layer really puts its value.
func TestFlattenLayoutChannelsFirst(t *testing.T) {
	for _, cf := range []bool{false, true} {
		fl := &engine.Flatten{LayerName: "flat", ChannelsFirst: cf}
		m := &engine.Model{Name: "m", Input: engine.Input{Shape: []int{2, 3, 2}, Scale: 1},
			Layers: []engine.Layer{&engine.ReLU{LayerName: "relu"}, fl,
				&engine.Dense{LayerName: "fc", In: 12, Out: 2, Kernel: make([]float32, 24), Bias: make([]float32, 2)}}}
		f, ok := NewFlattenLayout(m)
		if !ok || f.ChannelsFirst != cf {
			t.Fatalf("layout %+v, ok %v", f, ok)
		}
		x := engine.NewTensor(2, 3, 2)
		for i := range x.Data {
			x.Data[i] = float32(i + 1)
		}
		y := engine.NewTensor(12)
		fl.Forward(x, y)
		for yy := range 2 {
			for xx := range 3 {
				for c := range 2 {
					if got, want := y.Data[f.Index(yy, xx, c)], x.At(yy, xx, c); got != want {
						t.Errorf("channels first %v: Index(%d, %d, %d) holds %v, the map %v", cf, yy, xx, c, got, want)
					}
				}
			}
		}
	}
}
