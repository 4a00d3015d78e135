package render

import (
	"math/rand/v2"
	"testing"

	"cnnexplainer/engine"
)

// testModel builds a small TinyVGG-shaped network with seeded weights, so
// render's tests do not depend on model files: 14x14x3 input, two blocks of
// conv + ReLU + max-pool, flatten and a three-class dense softmax.
func testModel(t testing.TB) *engine.Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	vals := func(n int, scale float32) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = (rng.Float32()*2 - 1) * scale
		}
		return v
	}
	conv := func(name string, in, out int) *engine.Conv2D {
		return &engine.Conv2D{LayerName: name, KH: 3, KW: 3, InC: in, OutC: out, StrideH: 1, StrideW: 1,
			Padding: engine.Valid, Kernel: vals(9*in*out, 0.5), Bias: vals(out, 0.1)}
	}
	pool := func(name string) *engine.MaxPool2D {
		return &engine.MaxPool2D{LayerName: name, PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: engine.Valid}
	}
	m := &engine.Model{
		Name:    "test",
		Input:   engine.Input{Shape: []int{14, 14, 3}, Scale: 1.0 / 255},
		Classes: []string{"a", "b", "c"},
		Layers: []engine.Layer{
			conv("conv_1_1", 3, 4), &engine.ReLU{LayerName: "relu_1_1"}, pool("max_pool_1"),
			conv("conv_2_1", 4, 4), &engine.ReLU{LayerName: "relu_2_1"}, pool("max_pool_2"),
			&engine.Flatten{LayerName: "flatten"},
			&engine.Dense{LayerName: "output", In: 16, Out: 3, Kernel: vals(48, 0.5), Bias: vals(3, 0.1), Act: engine.ActSoftmax},
		},
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	return m
}

// testSamples runs n seeded pictures (whole pixel levels, as decoded images
// are) through m.
func testSamples(t testing.TB, m *engine.Model, n int) []Sample {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	var out []Sample
	for i := 0; i < n; i++ {
		x := engine.NewTensor(m.Input.Shape...)
		for j := range x.Data {
			x.Data[j] = float32(rng.IntN(256)) * m.Input.Scale
		}
		tr, err := m.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Sample{ID: []string{"one", "two", "three", "four"}[i%4], Label: m.Classes[i%3], Trace: tr})
	}
	return out
}
