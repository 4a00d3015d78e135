package onnx

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/npy"
)

// TestReference runs the models tools/onnxref/gen.py exported from PyTorch
// 1.13 and compares every layer with what PyTorch computed (testdata/<model>
// /ref/<layer>.npy, in PyTorch's (1, C, H, W) layout), and the logits.
func TestReference(t *testing.T) {
	tests := []struct {
		model  string
		layers []string // every layer the import must keep, in order
	}{
		{"cnnmodel", []string{"block_1.0", "block_1.1", "block_1.2", "block_1.3", "block_1.4",
			"block_2.0", "block_2.1", "block_2.2", "block_2.3", "block_2.4", "classifier.0", "classifier.1"}},
		{"kinds", []string{"features.0", "features.1", "features.2", "features.3", "features.5", "features.6",
			"features.7", "features.8", "features.9", "head.0", "head.1", "head.2"}},
		{"viewed", []string{"conv", "act", "pool", "Reshape", "fc1", "relu", "MatMul"}},
		// The same with a dynamic batch: the flatten's shape comes from a
		// Shape -> Gather -> Unsqueeze -> Concat chain.
		{"viewed-dynamic", []string{"conv", "act", "pool", "Reshape", "fc1", "relu", "MatMul"}},
	}
	for _, tc := range tests {
		t.Run(tc.model, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.model)
			m, err := Load(filepath.Join(dir, "model.onnx"))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, l := range m.Layers {
				names = append(names, l.Name())
			}
			if !slices.Equal(names, tc.layers) {
				t.Fatalf("layers %v, want %v", names, tc.layers)
			}
			in, err := npy.ReadFile(filepath.Join(dir, "input.npy"))
			if err != nil {
				t.Fatal(err)
			}
			x, err := engine.FromNCHW(in)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := m.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			compared := 0
			for _, lt := range tr.Layers {
				want, err := npy.ReadFile(filepath.Join(dir, "ref", lt.Name+".npy"))
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				compared++
				got := lt.Output.ToCHW()
				if shape := append([]int{1}, got.Shape...); !slices.Equal(shape, want.Shape) {
					t.Errorf("%s: shape %v, PyTorch %v", lt.Name, shape, want.Shape)
				}
				closeTo(t, lt.Name, got.Data, want.Data)
			}
			if compared < len(tr.Layers)-1 {
				t.Errorf("only %d of %d layers have reference outputs", compared, len(tr.Layers))
			}
			logits, err := npy.ReadFile(filepath.Join(dir, "logits.npy"))
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, "output", tr.Layers[len(tr.Layers)-1].Output.Data, logits.Data)
		})
	}
}

// closeTo checks got against PyTorch's want within 1e-4 relative to the
// layer's largest value (float32 sums in another order differ by ulps).
func closeTo(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, PyTorch has %d", what, len(got), len(want))
		return
	}
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(float64(v)))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > 1e-4*max(scale, 1e-6) {
			t.Errorf("%s[%d] = %v, PyTorch %v (off by %.3g of %.3g)", what, i, got[i], want[i], d, scale)
			return
		}
	}
}
