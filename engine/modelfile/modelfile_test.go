package modelfile

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// ramp fills n values deterministically with small positive and negative
// numbers.
func ramp(n, seed int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32((seed*31+i*17)%23-11) / 32
	}
	return v
}

// sample uses every layer type and padding mode the format stores.
func sample() *engine.Model {
	return &engine.Model{
		Name:    "sample",
		Input:   engine.Input{Shape: []int{7, 6, 2}, Scale: 1.0 / 255},
		Classes: []string{"T-shirt/top", "bag & co", "ankle boot"},
		Layers: []engine.Layer{
			&engine.Conv2D{LayerName: "conv_1", KH: 3, KW: 3, InC: 2, OutC: 3, StrideH: 1, StrideW: 1,
				Padding: engine.Explicit, Pad: 1, Kernel: ramp(54, 1), Bias: ramp(3, 2), Act: engine.ActReLU},
			&engine.MaxPool2D{LayerName: "pool_1", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: engine.Same},
			&engine.Conv2D{LayerName: "conv_2", KH: 2, KW: 1, InC: 3, OutC: 2, StrideH: 2, StrideW: 1,
				Padding: engine.Valid, Kernel: ramp(12, 3), Bias: ramp(2, 4)},
			&engine.ReLU{LayerName: "relu_2"},
			&engine.Conv2D{LayerName: "conv_3", KH: 3, KW: 3, InC: 2, OutC: 2, StrideH: 1, StrideW: 1,
				Padding: engine.Same, Kernel: ramp(36, 5), Bias: ramp(2, 6)},
			&engine.Flatten{LayerName: "flatten"},
			&engine.Identity{LayerName: "dropout"},
			&engine.Dense{LayerName: "hidden", In: 12, Out: 4, Kernel: ramp(48, 7), Bias: ramp(4, 8), Act: engine.ActReLU},
			&engine.Dense{LayerName: "output", In: 4, Out: 3, Kernel: ramp(12, 9), Bias: ramp(3, 10)},
			&engine.Softmax{LayerName: "probs"},
		},
		Provenance: engine.Provenance{Source: "modelfile test", Dataset: "none", Seed: 42, Epochs: 3, TestAccuracy: 0.5},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := sample()
	dir := filepath.Join(t.TempDir(), "out")
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip changed the model:\n got %#v\nwant %#v", got, m)
	}
	// Same model, same bytes.
	dir2 := filepath.Join(t.TempDir(), "again")
	if err := Save(got, dir2); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JSONFile, WeightsFile} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(dir2, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two saves of the same model", f)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left in %s: %v", dir, entries)
	}
	golden := filepath.Join("testdata", "golden", "sample.model.json")
	doc, _ := os.ReadFile(filepath.Join(dir, JSONFile))
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("model.json differs from %s (go test -update rewrites it after review):\n%s", golden, doc)
	}
}

func TestWeightsReadableAsSafetensors(t *testing.T) {
	dir := t.TempDir()
	if err := Save(sample(), dir); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(filepath.Join(dir, WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"conv_1/bias", "conv_1/kernel", "conv_2/bias", "conv_2/kernel", "conv_3/bias", "conv_3/kernel",
		"hidden/bias", "hidden/kernel", "output/bias", "output/kernel"}
	if !reflect.DeepEqual(f.Names(), want) || f.Metadata["format"] != Format || f.DType != safetensors.F32 {
		t.Fatalf("names %v metadata %v dtype %v", f.Names(), f.Metadata, f.DType)
	}
	if s := f.Tensors["conv_1/kernel"].Shape; !reflect.DeepEqual(s, []int{3, 3, 2, 3}) {
		t.Errorf("conv_1/kernel shape %v, want the Keras layout [3 3 2 3]", s)
	}
}

// tinyTFJS is a hand-written TF.js model.json (tfjs model.save layout) with
// one Dense layer; its shard holds the 2x2 kernel and the bias.
const tinyTFJS = `{"format":"layers-model","generatedBy":"hand","convertedBy":null,
"modelTopology":{"class_name":"Sequential","config":{"name":"hand","layers":[
 {"class_name":"Flatten","config":{"name":"flat","batch_input_shape":[null,1,1,2]}},
 {"class_name":"Dense","config":{"name":"out","units":2,"activation":"softmax","use_bias":true}}]}},
"weightsManifest":[{"paths":["w.bin"],"weights":[
 {"name":"out/kernel","shape":[2,2],"dtype":"float32"},{"name":"out/bias","shape":[2],"dtype":"float32"}]}]}`

func TestLoadSniffsTFJS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "model.json"), []byte(tinyTFJS), 0o644); err != nil {
		t.Fatal(err)
	}
	var shard []byte
	for _, v := range []float32{1, 0, 0, 1, 0, 0} {
		shard = append(shard, le32(v)...)
	}
	if err := os.WriteFile(filepath.Join(dir, "w.bin"), shard, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "hand" || m.Provenance.Source != "TensorFlow.js import" || len(m.Layers) != 2 {
		t.Fatalf("model %+v", m)
	}
	// Converted models save and load as our format without change.
	out := t.TempDir()
	if err := Save(m, out); err != nil {
		t.Fatal(err)
	}
	again, err := Load(filepath.Join(out, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, m) {
		t.Fatalf("TF.js model changed through our format:\n got %#v\nwant %#v", again, m)
	}
}

func le32(v float32) []byte {
	b := math.Float32bits(v)
	return []byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Save(sample(), dir); err != nil {
		t.Fatal(err)
	}
	doc, _ := os.ReadFile(filepath.Join(dir, JSONFile))
	weights, _ := os.ReadFile(filepath.Join(dir, WeightsFile))
	wf, err := safetensors.Read(weights)
	if err != nil {
		t.Fatal(err)
	}
	withTensors := func(change func(map[string]*engine.Tensor)) []byte {
		f := &safetensors.File{Tensors: map[string]*engine.Tensor{}}
		for k, v := range wf.Tensors {
			f.Tensors[k] = v.Clone()
		}
		change(f.Tensors)
		var b bytes.Buffer
		if err := safetensors.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	cases := []struct {
		name    string
		old     string // replaced in model.json (must occur)
		new     string
		weights []byte
		want    string
	}{
		{"version", `"version": 1`, `"version": 2`, weights, "version 2 is not supported"},
		{"unknown field", `"name": "sample"`, `"name": "sample", "colour": "red"`, weights, `unknown field "colour"`},
		{"scale", `"scale": 0.003921569`, `"scale": 0`, weights, "scale"},
		{"unknown type", `"type": "relu"`, `"type": "gelu"`, weights, `layer "relu_2": unknown layer type "gelu"`},
		{"field for another type", `"type": "relu"`, `"type": "relu", "units": 3`, weights, `layer "relu_2": field "units" does not apply to a relu layer`},
		{"pad without explicit", `"padding": "explicit"`, `"padding": "same"`, weights, `layer "conv_1": pad 1 needs padding "explicit"`},
		{"bad padding", `"padding": "valid"`, `"padding": "full"`, weights, `layer "conv_2": unsupported padding "full"`},
		{"escaping weights path", `"weights": "model.safetensors"`, `"weights": "../x.safetensors"`, weights, "must name a file in the model's folder"},
		{"missing weights file", `"weights": "model.safetensors"`, `"weights": "other.safetensors"`, weights, "other.safetensors"},
		{"duplicate name", `"name": "relu_2"`, `"name": "conv_2"`, weights, `layer "conv_2": layer names must be unique`},
		{"shape mismatch", `"units": 4`, `"units": 5`, weights, `layer "hidden": tensor "hidden/kernel" has shape [12 4], the layer needs [12 5]`},
		{"corrupt weights", "", "", weights[:len(weights)-1], "model.safetensors: safetensors: malformed"},
		{"missing tensor", "", "", withTensors(func(m map[string]*engine.Tensor) { delete(m, "output/bias") }), `layer "output": tensor "output/bias" is missing`},
		{"extra tensor", "", "", withTensors(func(m map[string]*engine.Tensor) { m["ghost/kernel"] = engine.NewTensor(1) }), `tensor "ghost/kernel" belongs to no layer`},
		{"nan", "", "", withTensors(func(m map[string]*engine.Tensor) { m["conv_3/bias"].Data[1] = float32(math.NaN()) }), "layer conv_3: bias[1] is NaN"},
		{"class count", `"ankle boot"`, `"ankle boot", "extra"`, weights, "4 class names for 3 outputs"},
		{"neither format", `"format": "tinyvgg-model"`, `"format": "other"`, weights, "neither"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			text := string(doc)
			if c.old != "" {
				if !strings.Contains(text, c.old) {
					t.Fatalf("%q not in model.json", c.old)
				}
				text = strings.Replace(text, c.old, c.new, 1)
			}
			path := filepath.Join(d, JSONFile)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, WeightsFile), c.weights, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Load(path)
			if err == nil {
				t.Fatalf("no error; model %+v", m)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to name %s and say %q", err, path, c.want)
			}
		})
	}
}

func TestSaveRejects(t *testing.T) {
	m := sample()
	m.Layers[0].(*engine.Conv2D).Bias[0] = float32(math.Inf(1))
	if err := Save(m, t.TempDir()); err == nil || !strings.Contains(err.Error(), "conv_1") {
		t.Errorf("saving a model with Inf: %v", err)
	}
}

// TestONNXThroughOurFormat: the PyTorch exports, with their batch norm,
// leaky ReLU, per-side padding, counted average pooling and channels-first
// flatten, survive Save and Load bit for bit, and Save is deterministic.
func TestONNXThroughOurFormat(t *testing.T) {
	for _, name := range []string{"cnnmodel", "kinds", "viewed"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("..", "onnx", "testdata", name)
			m, err := Load(filepath.Join(src, "model.onnx"))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := Save(m, dir); err != nil {
				t.Fatal(err)
			}
			back, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Input, m.Input) {
				t.Errorf("input %+v, saved %+v", back.Input, m.Input)
			}
			x := engine.NewTensor(m.Input.Shape...)
			for i := range x.Data {
				x.Data[i] = float32(i%17) / 17
			}
			a, err := m.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			b, err := back.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range a.Layers {
				if !reflect.DeepEqual(l.Output.Data, b.Layers[i].Output.Data) || l.Name != b.Layers[i].Name {
					t.Fatalf("layer %s differs after Save and Load", l.Name)
				}
			}
			again := t.TempDir()
			if err := Save(back, again); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{JSONFile, WeightsFile} {
				x, _ := os.ReadFile(filepath.Join(dir, f))
				y, _ := os.ReadFile(filepath.Join(again, f))
				if !bytes.Equal(x, y) {
					t.Errorf("%s differs between two saves", f)
				}
			}
		})
	}
}

// TestLoadONNXByContent: an ONNX file is recognised by its bytes, whatever
// its name, and a folder holding model.onnx loads it.
func TestLoadONNXByContent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "onnx", "testdata", "cnnmodel", "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	misnamed := filepath.Join(t.TempDir(), "model.json")
	folder := t.TempDir()
	for _, p := range []string{misnamed, filepath.Join(folder, ONNXFile)} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{misnamed, folder} {
		m, err := Load(p)
		if err != nil {
			t.Fatalf("Load(%s): %v", p, err)
		}
		if m.Input.Layout != engine.LayoutNCHW || m.Layers[0].Name() != "block_1.0" {
			t.Errorf("Load(%s): layout %q, first layer %q", p, m.Input.Layout, m.Layers[0].Name())
		}
	}
}
