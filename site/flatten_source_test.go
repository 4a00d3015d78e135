package site

import (
	"testing"

	"cnnexplainer/engine"
)

// TestFlattenBefore: a class view shows maps (and names the map cell of
// each term) only for a dense layer that reads a flattened map, through a
// Dropout if need be, never for the second layer of a dense stack.
func TestFlattenBefore(t *testing.T) {
	dense := func(name string, in, out int) *engine.Dense {
		return &engine.Dense{LayerName: name, In: in, Out: out, Kernel: make([]float32, in*out), Bias: make([]float32, out)}
	}
	relu := &engine.ReLU{LayerName: "relu"}
	flat := &engine.Flatten{LayerName: "flat", ChannelsFirst: true}
	tests := []struct {
		name   string
		layers []engine.Layer
		li     int
		mapIdx int // -2: no flatten
	}{
		{"flatten then dense", []engine.Layer{relu, flat, dense("fc", 8, 2)}, 2, 0},
		{"dropout between", []engine.Layer{relu, flat, &engine.Identity{LayerName: "drop"}, dense("fc", 8, 2)}, 3, 0},
		{"second of a dense stack", []engine.Layer{relu, flat, dense("fc1", 8, 4), &engine.ReLU{LayerName: "r2"}, dense("fc2", 4, 2)}, 4, -2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &engine.Model{Name: "m", Input: engine.Input{Shape: []int{2, 2, 2}, Scale: 1}, Layers: tc.layers}
			shapes, err := m.Shapes()
			if err != nil {
				t.Fatal(err)
			}
			n := &Net{Model: m, Shapes: shapes}
			fl, ms := n.flattenBefore(tc.li)
			if tc.mapIdx == -2 {
				if fl != nil {
					t.Errorf("found flatten %s reading layer %d", fl.Name(), ms)
				}
				return
			}
			if fl != flat || ms != tc.mapIdx {
				t.Errorf("got %v, %d; want the flatten reading layer %d", fl, ms, tc.mapIdx)
			}
		})
	}
}
