package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// spec describes a small model for the tests; modelJSONFor writes it out as
// a TF.js model.json in one of the two topology layouts.
type spec struct {
	layout  string // "converter" (model_config) or "save" (direct)
	name    string
	input   [3]int
	layers  []map[string]any // each with "class_name" and config fields
	weights []wspec
}

type wspec struct {
	name  string
	shape []int
	data  []float32
}

// modelJSONFor renders s as model.json text. The converter layout follows
// the structure of the Keras 2.2.4 converter output used by CNN Explainer
// (model_config, keras_version, backend, per-layer dtype and initialisers).
func modelJSONFor(s spec, shard string) []byte {
	var layers []any
	for i, l := range s.layers {
		cfg := map[string]any{"trainable": true, "dtype": "float32"}
		for k, v := range l {
			if k != "class_name" {
				cfg[k] = v
			}
		}
		if i == 0 {
			if _, ok := cfg["batch_input_shape"]; !ok && l["class_name"] != "InputLayer" {
				cfg["batch_input_shape"] = []any{nil, s.input[0], s.input[1], s.input[2]}
			}
		}
		if l["class_name"] == "Conv2D" || l["class_name"] == "Dense" {
			cfg["kernel_initializer"] = map[string]any{"class_name": "GlorotUniform", "config": map[string]any{"seed": nil}}
			cfg["bias_initializer"] = map[string]any{"class_name": "Zeros", "config": map[string]any{}}
			cfg["kernel_regularizer"] = nil
		}
		layers = append(layers, map[string]any{"class_name": l["class_name"], "config": cfg})
	}
	top := map[string]any{"class_name": "Sequential", "config": map[string]any{"name": s.name, "layers": layers}}
	var topology map[string]any
	if s.layout == "save" {
		topology = top
		topology["keras_version"] = "tfjs-layers 4.22.0"
		topology["backend"] = "tensor_flow.js"
	} else {
		topology = map[string]any{"keras_version": "2.2.4-tf", "backend": "tensorflow", "model_config": top}
	}
	var ws []any
	for _, w := range s.weights {
		ws = append(ws, map[string]any{"name": w.name, "shape": w.shape, "dtype": "float32"})
	}
	doc := map[string]any{
		"format":          "layers-model",
		"generatedBy":     "keras v2.2.4-tf",
		"convertedBy":     "TensorFlow.js Converter v1.3.1.1",
		"modelTopology":   topology,
		"weightsManifest": []any{map[string]any{"paths": []string{shard}, "weights": ws}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

func shardFor(s spec) []byte {
	var b []byte
	for _, w := range s.weights {
		for _, v := range w.data {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return b
}

// writeModel writes s into a new folder and returns the model.json path.
func writeModel(t testing.TB, s spec, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"model.json":           modelJSONFor(s, "group1-shard1of1.bin"),
		"group1-shard1of1.bin": shardFor(s),
	}
	for k, v := range extra {
		files[k] = []byte(v)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "model.json")
}

// tiny is a 2x2x1 model small enough to work out by hand:
// conv (1x1, one filter, weight 2, bias -1, relu) -> flatten -> dense (4 -> 2).
func tiny(layout string) spec {
	return spec{
		layout: layout,
		name:   "tiny",
		input:  [3]int{2, 2, 1},
		layers: []map[string]any{
			{"class_name": "Conv2D", "name": "conv", "filters": 1, "kernel_size": []int{1, 1}, "strides": []int{1, 1},
				"padding": "valid", "data_format": "channels_last", "dilation_rate": []int{1, 1}, "activation": "relu", "use_bias": true},
			{"class_name": "Dropout", "name": "drop", "rate": 0.5},
			{"class_name": "Flatten", "name": "flat", "data_format": "channels_last"},
			{"class_name": "Dense", "name": "out", "units": 2, "activation": "linear", "use_bias": true},
			{"class_name": "Activation", "name": "probs", "activation": "softmax"},
		},
		weights: []wspec{
			{"conv/kernel", []int{1, 1, 1, 1}, []float32{2}},
			{"conv/bias", []int{1}, []float32{-1}},
			{"out/kernel", []int{4, 2}, []float32{1, 0, 0, 1, 1, 0, 0, 1}},
			{"out/bias", []int{2}, []float32{0, 0.5}},
		},
	}
}

// anchorLike is the CNN Explainer TinyVGG layer structure (names, types,
// hyperparameters) at a smaller size: input side and filter count are
// parameters, weights are a deterministic ramp.
func anchorLike(side, filters int) spec {
	conv := func(name string) map[string]any {
		return map[string]any{"class_name": "Conv2D", "name": name, "filters": filters, "kernel_size": []int{3, 3},
			"strides": []int{1, 1}, "padding": "valid", "data_format": "channels_last", "dilation_rate": []int{1, 1},
			"activation": "linear", "use_bias": true}
	}
	relu := func(name string) map[string]any {
		return map[string]any{"class_name": "Activation", "name": name, "activation": "relu"}
	}
	pool := func(name string) map[string]any {
		return map[string]any{"class_name": "MaxPooling2D", "name": name, "pool_size": []int{2, 2}, "padding": "valid",
			"strides": []int{2, 2}, "data_format": "channels_last"}
	}
	s := spec{layout: "converter", name: "sequential", input: [3]int{side, side, 3}}
	s.layers = []map[string]any{
		conv("conv_1_1"), relu("relu_1_1"), conv("conv_1_2"), relu("relu_1_2"), pool("max_pool_1"),
		conv("conv_2_1"), relu("relu_2_1"), conv("conv_2_2"), relu("relu_2_2"), pool("max_pool_2"),
		{"class_name": "Flatten", "name": "flatten", "data_format": "channels_last"},
		{"class_name": "Dense", "name": "output", "units": 10, "activation": "softmax", "use_bias": true},
	}
	in := 3
	k := 0
	ramp := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32((k*7+i*13)%17-8) / 64
		}
		k++
		return v
	}
	for _, name := range []string{"conv_1_1", "conv_1_2", "conv_2_1", "conv_2_2"} {
		s.weights = append(s.weights,
			wspec{name + "/kernel", []int{3, 3, in, filters}, ramp(9 * in * filters)},
			wspec{name + "/bias", []int{filters}, ramp(filters)})
		in = filters
	}
	after := ((side-4)/2 - 4) / 2
	flat := after * after * filters
	s.weights = append(s.weights,
		wspec{"output/kernel", []int{flat, 10}, ramp(flat * 10)},
		wspec{"output/bias", []int{10}, ramp(10)})
	return s
}

// edit applies a string replacement to compact model.json text (keys in
// sorted order) and fails the test
// if the text to replace is absent, so a case cannot silently test nothing.
func edit(t testing.TB, doc []byte, old, new string) []byte {
	t.Helper()
	if !strings.Contains(string(doc), old) {
		t.Fatalf("edit: %q not in model.json", old)
	}
	return []byte(strings.Replace(string(doc), old, new, 1))
}

func memShards(files map[string][]byte) shardReader {
	return func(name string, max int64) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: %w", name, os.ErrNotExist)
		}
		if int64(len(b)) > max {
			return nil, fmt.Errorf("%s: %w", name, errTooLong)
		}
		return b, nil
	}
}
