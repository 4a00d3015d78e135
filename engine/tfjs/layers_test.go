package tfjs

import (
	"math"
	"testing"

	"cnnexplainer/engine"
)

// TestKerasExtraLayers imports BatchNormalization, LeakyReLU,
// AveragePooling2D, GlobalAveragePooling2D and sigmoid/tanh activations and
// checks the numbers on a 4x4x1 input worked out by hand.
func TestKerasExtraLayers(t *testing.T) {
	s := spec{
		layout: "save",
		name:   "extra",
		input:  [3]int{4, 4, 1},
		layers: []map[string]any{
			{"class_name": "BatchNormalization", "name": "bn", "axis": -1, "epsilon": 0.0, "center": true, "scale": true},
			{"class_name": "LeakyReLU", "name": "leaky", "alpha": 0.5},
			{"class_name": "AveragePooling2D", "name": "avg", "pool_size": []int{2, 2}, "padding": "valid"},
			{"class_name": "Activation", "name": "tanh", "activation": "tanh"},
			{"class_name": "GlobalAveragePooling2D", "name": "gap"},
			{"class_name": "Dense", "name": "out", "units": 2, "activation": "linear", "use_bias": true},
			{"class_name": "Activation", "name": "sig", "activation": "sigmoid"},
		},
		weights: []wspec{
			{"bn/gamma", []int{1}, []float32{2}},
			{"bn/beta", []int{1}, []float32{0}},
			{"bn/moving_mean", []int{1}, []float32{1}},
			{"bn/moving_variance", []int{1}, []float32{4}},
			{"out/kernel", []int{1, 2}, []float32{1, -1}},
			{"out/bias", []int{2}, []float32{0, 0}},
		},
	}
	m, err := Load(writeModel(t, s, nil))
	if err != nil {
		t.Fatal(err)
	}
	kinds := []engine.Kind{engine.KindBatchNorm, engine.KindLeakyReLU, engine.KindAvgPool2D, engine.KindTanh,
		engine.KindGlobalAvgPool, engine.KindDense, engine.KindSigmoid}
	for i, k := range kinds {
		if m.Layers[i].Kind() != k {
			t.Fatalf("layer %d is %v, want %v", i, m.Layers[i].Kind(), k)
		}
	}
	// bn: (x-1)*2/2 = x-1, so 0 -> -1 and 3 -> 2; leaky: -1 -> -0.5.
	// Input: the top half 0, the bottom half 3: avg gives -0.5 -0.5 / 2 2.
	x := engine.NewTensor(4, 4, 1)
	for i := 8; i < 16; i++ {
		x.Data[i] = 3
	}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Output("avg").Data; !equalFloats(got, []float32{-0.5, -0.5, 2, 2}) {
		t.Errorf("avg %v", got)
	}
	g := (math.Tanh(-0.5) + math.Tanh(2)) / 2
	if got := tr.Output("gap"); len(got.Shape) != 1 || math.Abs(float64(got.Data[0])-g) > 1e-6 {
		t.Errorf("gap %v %v, want [%v]", got.Shape, got.Data, g)
	}
	if got, want := tr.Output("sig").Data[1], 1/(1+math.Exp(g)); math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("sigmoid %v, want %v", got, want)
	}
}
