package tfjs

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

func TestTinyBothLayouts(t *testing.T) {
	for _, layout := range []string{"converter", "save"} {
		t.Run(layout, func(t *testing.T) {
			path := writeModel(t, tiny(layout), map[string]string{"classes.txt": "cat\r\n  dog \n\n"})
			m, err := Load(filepath.Dir(path)) // the folder works as well as the file
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != "tiny" || !slices.Equal(m.Input.Shape, []int{2, 2, 1}) || m.Input.Scale != 1.0/255 {
				t.Errorf("name %q input %+v", m.Name, m.Input)
			}
			if strings.Join(m.Classes, ",") != "cat,dog" {
				t.Errorf("classes %q", m.Classes)
			}
			if m.Provenance.Source != Source || !strings.Contains(m.Provenance.Notes, "convertedBy: TensorFlow.js Converter v1.3.1.1") {
				t.Errorf("provenance %+v", m.Provenance)
			}
			wantKinds := []engine.Kind{engine.KindConv2D, engine.KindIdentity, engine.KindFlatten, engine.KindDense, engine.KindSoftmax}
			if len(m.Layers) != len(wantKinds) {
				t.Fatalf("%d layers", len(m.Layers))
			}
			for i, k := range wantKinds {
				if m.Layers[i].Kind() != k {
					t.Errorf("layer %d (%s) is %v, want %v", i, m.Layers[i].Name(), m.Layers[i].Kind(), k)
				}
			}
			// Worked by hand: conv gives relu(2x-1) = 0, 1, 0, 3; the
			// dense layer sums cells 0+2 and 1+3 and adds 0 and 0.5.
			x := &engine.Tensor{Shape: []int{2, 2, 1}, Data: []float32{0.5, 1, 0, 2}}
			tr, err := m.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Output("drop").Data; !equalFloats(got, []float32{0, 1, 0, 3}) {
				t.Errorf("drop output %v", got)
			}
			if !equalFloats(tr.Logits, []float32{0, 4.5}) {
				t.Errorf("logits %v", tr.Logits)
			}
			if p := 1 / (1 + math.Exp(-4.5)); math.Abs(float64(tr.Probs[1])-p) > 1e-6 {
				t.Errorf("probs %v, want p1 = %v", tr.Probs, p)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	base := modelJSONFor(tiny("converter"), "group1-shard1of1.bin")
	shard := shardFor(tiny("converter"))
	cases := []struct {
		name  string
		edits [][2]string
	}{
		{"int kernel and strides", [][2]string{{`"kernel_size":[1,1]`, `"kernel_size":1`}, {`"strides":[1,1]`, `"strides":1`}}},
		{"keras 3 batch_shape and dtype policy", [][2]string{
			{`"batch_input_shape"`, `"batch_shape"`},
			{`"dtype":"float32","filters"`, `"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"}},"filters"`}}},
		{"model prefix on weight names", [][2]string{{`"name":"conv/kernel"`, `"name":"sequential/conv/kernel"`}}},
		{"same padding", [][2]string{{`"padding":"valid"`, `"padding":"same"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := base
			for _, e := range c.edits {
				doc = edit(t, doc, e[0], e[1])
			}
			m, err := decode("model.json", doc, memShards(map[string][]byte{"group1-shard1of1.bin": shard}))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Layers) != 5 || m.Layers[0].(*engine.Conv2D).Kernel[0] != 2 {
				t.Fatalf("model %+v", m)
			}
		})
	}
}

func TestInputLayerAndListConfig(t *testing.T) {
	s := tiny("save")
	s.layers = append([]map[string]any{{"class_name": "InputLayer", "name": "in", "batch_input_shape": []any{nil, 2, 2, 1}, "sparse": false}}, s.layers...)
	doc := modelJSONFor(s, "w.bin")
	// Old Keras wrote the Sequential config as the bare layer list.
	doc = edit(t, doc, `"config":{"layers":[`, `"config":[`)
	doc = edit(t, doc, `],"name":"tiny"}`, `]`)
	m, err := decode("model.json", doc, memShards(map[string][]byte{"w.bin": shardFor(s)}))
	if err != nil {
		t.Fatal(err)
	}
	if m.Layers[0].Name() != "conv" || !slices.Equal(m.Input.Shape, []int{2, 2, 1}) || m.Name != "sequential" {
		t.Fatalf("first layer %s, input %v, name %q", m.Layers[0].Name(), m.Input.Shape, m.Name)
	}
}

func TestBadModels(t *testing.T) {
	s := tiny("converter")
	base := modelJSONFor(s, "group1-shard1of1.bin")
	good := shardFor(s)
	nan := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(nan[4:], math.Float32bits(float32(math.NaN())))
	inf := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(inf[8:], math.Float32bits(float32(math.Inf(1))))
	cases := []struct {
		name  string
		edits [][2]string
		shard []byte
		want  string // every message also names model.json
	}{
		{"not json", [][2]string{{`{`, `[`}}, good, "invalid character"},
		{"graph model", [][2]string{{`"layers-model"`, `"graph-model"`}}, good, "graph models"},
		{"functional", [][2]string{{`"Sequential"`, `"Functional"`}}, good, "only Sequential"},
		{"unsupported layer", [][2]string{{`"Dropout"`, `"LayerNormalization"`}}, good, `layer "drop" (LayerNormalization): layer type "LayerNormalization" is not supported`},
		{"unsupported layer and short shard", [][2]string{{`"Dropout"`, `"Conv3D"`}}, good[:4], `layer "drop" (Conv3D): layer type "Conv3D" is not supported`},
		{"layer dtype", [][2]string{{`"dtype":"float32","filters"`, `"dtype":"float16","filters"`}}, good, `layer "conv" (Conv2D): dtype "float16"`},
		{"weight dtype", [][2]string{{`"dtype":"float32","name":"conv/bias"`, `"dtype":"int32","name":"conv/bias"`}}, good, `weight "conv/bias": dtype "int32"`},
		{"quantized", [][2]string{{`"name":"conv/bias"`, `"name":"conv/bias","quantization":{"dtype":"uint8"}`}}, good, "quantized"},
		{"short shard", nil, good[:len(good)-4], "shorter than the 48"},
		{"long shard", nil, append(append([]byte{}, good...), 0, 0, 0, 0), "longer than the manifest says"},
		{"missing shard file", [][2]string{{`"group1-shard1of1.bin"`, `"other.bin"`}}, good, "shard other.bin"}, // not ErrFormat: a file is missing
		{"escaping shard path", [][2]string{{`"group1-shard1of1.bin"`, `"../x.bin"`}}, good, "stay in its folder"},
		{"absolute shard path", [][2]string{{`"group1-shard1of1.bin"`, `"/etc/x.bin"`}}, good, "stay in its folder"},
		{"missing weight", [][2]string{{`"name":"out/bias"`, `"name":"out/beta"`}}, good, `layer "out" (Dense): weight "out/bias" is missing`},
		{"unused weight", [][2]string{{`"name":"out/bias"`, `"name":"other/bias"`}, {`"units":2,"use_bias":true`, `"units":2,"use_bias":false`}}, good, `weight "other/bias" in the manifest belongs to no layer`},
		{"bias without use_bias", [][2]string{{`"units":2,"use_bias":true`, `"units":2,"use_bias":false`}}, good, `use_bias is false but the manifest has a bias`},
		{"wrong kernel shape", [][2]string{{`"units":2`, `"units":3`}}, good, `layer "out" (Dense): weight "out/kernel" has shape [4 2], the layer needs [4 3]`},
		{"nan", nil, nan, `layer "conv" (Conv2D): weight "conv/bias" value 0 is NaN`},
		{"inf", nil, inf, `layer "out" (Dense): weight "out/kernel" value 0 is +Inf`},
		{"channels first", [][2]string{{`"data_format":"channels_last","dilation_rate"`, `"data_format":"channels_first","dilation_rate"`}}, good, "only channels_last"},
		{"dilation", [][2]string{{`"dilation_rate":[1,1]`, `"dilation_rate":2`}}, good, "dilation_rate 2: only 1"},
		{"activation", [][2]string{{`"activation":"softmax"`, `"activation":"elu"`}}, good, `layer "probs" (Activation): unsupported activation "elu"`},
		{"padding", [][2]string{{`"padding":"valid"`, `"padding":"causal"`}}, good, `padding "causal"`},
		{"no input shape", [][2]string{{`"batch_input_shape"`, `"other_shape"`}}, good, "input shape is unknown"},
		{"dynamic input", [][2]string{{`"batch_input_shape":[null,2,`, `"batch_input_shape":[null,null,`}}, good, "fixed sizes"},
		{"duplicate name", [][2]string{{`"name":"flat"`, `"name":"drop"`}}, good, "used twice"},
		{"no filters", [][2]string{{`"filters":1`, `"filters":0`}}, good, "filters must be"},
		{"no topology", [][2]string{{`"modelTopology"`, `"topology"`}}, good, "no modelTopology"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := base
			for _, e := range c.edits {
				doc = edit(t, doc, e[0], e[1])
			}
			m, err := decode("dir/model.json", doc, memShards(map[string][]byte{"group1-shard1of1.bin": c.shard}))
			if err == nil {
				t.Fatalf("no error; model %+v", m)
			}
			if m != nil {
				t.Error("a model came back with the error")
			}
			if !strings.Contains(err.Error(), "dir/model.json") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to name dir/model.json and say %q", err, c.want)
			}
			if format := c.name != "missing shard file"; errors.Is(err, ErrFormat) != format {
				t.Errorf("errors.Is(%q, ErrFormat) = %v, want %v", err, !format, format)
			}
		})
	}
}

func TestLoadErrorsNameFiles(t *testing.T) {
	path := writeModel(t, tiny("save"), map[string]string{"classes.txt": "a\nb\nc\n"})
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), filepath.Join(filepath.Dir(path), "classes.txt")) || !strings.Contains(err.Error(), "3 class names") || !errors.Is(err, ErrFormat) {
		t.Errorf("classes mismatch: %v", err)
	}
	if err := os.Remove(filepath.Join(filepath.Dir(path), "group1-shard1of1.bin")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "group1-shard1of1.bin") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing shard: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "model.json")
	if _, err := Load(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing model.json: %v", err)
	}
}

func TestAnchorLikeStructure(t *testing.T) {
	s := anchorLike(22, 2)
	m, err := Load(writeModel(t, s, nil))
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := m.Shapes()
	if err != nil {
		t.Fatal(err)
	}
	// 22 -> 20 -> 18 -> 9 -> 7 -> 5 -> 2: the CNN Explainer chain at a smaller size.
	want := [][]int{{22, 22, 3}, {20, 20, 2}, {20, 20, 2}, {18, 18, 2}, {18, 18, 2}, {9, 9, 2}, {7, 7, 2}, {7, 7, 2}, {5, 5, 2}, {5, 5, 2}, {2, 2, 2}, {8}, {10}}
	if len(shapes) != len(want) {
		t.Fatalf("shapes %v", shapes)
	}
	for i := range want {
		if !slices.Equal(shapes[i], want[i]) {
			t.Errorf("shape %d: %v, want %v", i, shapes[i], want[i])
		}
	}
	if d := m.Layer("output").(*engine.Dense); d.Act != engine.ActSoftmax {
		t.Errorf("output activation %v", d.Act)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
