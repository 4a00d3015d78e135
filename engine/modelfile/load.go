package modelfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// decode builds a model from model.json's bytes; file names the JSON in
// errors and readWeights returns the bytes of the weights file it names.
func decode(file string, doc []byte, readWeights func(name string) ([]byte, error)) (*engine.Model, error) {
	var fj fileJSON
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fj); err != nil {
		return nil, fmt.Errorf("load model %s: %w", file, err)
	}
	if fj.Format != Format {
		return nil, fmt.Errorf("load model %s: format %q, want %q", file, fj.Format, Format)
	}
	if fj.Version != Version {
		return nil, fmt.Errorf("load model %s: format version %d is not supported (this program reads version %d)", file, fj.Version, Version)
	}
	if s := float64(fj.Input.Scale); !(s > 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("load model %s: input scale %v must be a positive number", file, fj.Input.Scale)
	}
	if fj.Weights == "" || !filepath.IsLocal(fj.Weights) {
		return nil, fmt.Errorf("load model %s: weights %q must name a file in the model's folder", file, fj.Weights)
	}
	weightsPath := filepath.Join(filepath.Dir(file), fj.Weights)
	data, err := readWeights(fj.Weights)
	if err != nil {
		return nil, fmt.Errorf("load model %s: weights: %w", file, err)
	}
	wf, err := safetensors.Read(data)
	if err != nil {
		return nil, fmt.Errorf("load model %s: weights %s: %w", file, weightsPath, err)
	}
	m := &engine.Model{Name: fj.Name, Input: fj.Input, Classes: fj.Classes, Provenance: fj.Provenance}
	if len(m.Input.Shape) != 3 {
		return nil, fmt.Errorf("load model %s: input shape %v is not [H, W, C]", file, m.Input.Shape)
	}
	if err := checkShape(m.Input.Shape); err != nil {
		return nil, fmt.Errorf("load model %s: input shape: %w", file, err)
	}
	if len(fj.Layers) == 0 {
		return nil, fmt.Errorf("load model %s: no layers", file)
	}
	used := map[string]bool{}
	shape := m.Input.Shape
	for _, lj := range fj.Layers {
		if lj.Name == "" || m.Layer(lj.Name) != nil {
			return nil, errLayer(file, lj.Name, "layer names must be unique and not empty")
		}
		l, err := buildLayer(lj, shape, wf, used)
		if err != nil {
			return nil, errLayer(file, lj.Name, "%v", err)
		}
		if shape, err = l.OutputShape(shape); err != nil {
			return nil, errLayer(file, lj.Name, "%v", err)
		}
		m.Layers = append(m.Layers, l)
	}
	for _, n := range wf.Names() {
		if !used[n] {
			return nil, fmt.Errorf("load model %s: weights %s: tensor %q belongs to no layer", file, weightsPath, n)
		}
	}
	if len(m.Classes) == 0 && len(shape) == 1 {
		for i := range shape[0] {
			m.Classes = append(m.Classes, fmt.Sprint(i))
		}
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("load model %s: %w", file, err)
	}
	return m, nil
}

// buildLayer makes the engine layer for lj, which receives shape in, taking
// its parameters from wf and marking them in used.
func buildLayer(lj layerJSON, in []int, wf *safetensors.File, used map[string]bool) (engine.Layer, error) {
	kind, err := engine.ParseKind(lj.Type)
	if err != nil {
		return nil, err
	}
	// Fields a type does not use must be absent, so that a typo in the type
	// or a field meant for another layer is not silently ignored.
	allowed := map[engine.Kind][]string{
		engine.KindConv2D:    {"filters", "kernel", "strides", "padding", "pad", "pads", "activation"},
		engine.KindMaxPool2D: {"pool", "strides", "padding", "pad", "pads"},
		engine.KindDense:     {"units", "activation"},
	}[kind]
	allowed = append(allowed, extraFields[kind]...)
	for field, set := range map[string]bool{
		"filters": lj.Filters != 0, "units": lj.Units != 0, "kernel": lj.Kernel != nil, "pool": lj.Pool != nil,
		"strides": lj.Strides != nil, "padding": lj.Padding != "", "pad": lj.Pad != 0, "activation": lj.Activation != "",
		"pads": lj.Pads != nil, "order": lj.Order != "", "alpha": lj.Alpha != nil, "epsilon": lj.Epsilon != nil,
		"count_pad": lj.CountPad, "vector": lj.Vector,
	} {
		if set && !slices.Contains(allowed, field) {
			return nil, fmt.Errorf("field %q does not apply to a %s layer", field, kind)
		}
	}
	switch kind {
	case engine.KindConv2D:
		return buildConv(lj, in, wf, used)
	case engine.KindDense:
		if len(in) != 1 {
			return nil, fmt.Errorf("dense needs a vector input, gets shape %v", in)
		}
		if lj.Units < 1 {
			return nil, fmt.Errorf("units must be positive")
		}
		act, err := engine.ParseActivation(lj.Activation)
		if err != nil {
			return nil, err
		}
		kernel, err := param(wf, used, lj.Name+"/kernel", []int{in[0], lj.Units})
		if err != nil {
			return nil, err
		}
		bias, err := param(wf, used, lj.Name+"/bias", []int{lj.Units})
		if err != nil {
			return nil, err
		}
		return &engine.Dense{LayerName: lj.Name, In: in[0], Out: lj.Units, Kernel: kernel, Bias: bias, Act: act}, nil
	case engine.KindMaxPool2D:
		pool, stride, mode, pads, err := window(lj)
		if err != nil {
			return nil, err
		}
		return &engine.MaxPool2D{LayerName: lj.Name, PoolH: pool[0], PoolW: pool[1], StrideH: stride[0], StrideW: stride[1],
			Padding: mode, Pad: lj.Pad, Pads: pads}, nil
	case engine.KindReLU:
		return &engine.ReLU{LayerName: lj.Name}, nil
	case engine.KindFlatten:
		if lj.Order != "" && lj.Order != orderCHW {
			return nil, fmt.Errorf("order %q: only %q (PyTorch's) or none (Keras's)", lj.Order, orderCHW)
		}
		return &engine.Flatten{LayerName: lj.Name, ChannelsFirst: lj.Order == orderCHW}, nil
	case engine.KindSoftmax:
		return &engine.Softmax{LayerName: lj.Name}, nil
	case engine.KindIdentity:
		return &engine.Identity{LayerName: lj.Name}, nil
	}
	return buildExtra(kind, lj, in, wf, used)
}

func buildConv(lj layerJSON, in []int, wf *safetensors.File, used map[string]bool) (engine.Layer, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("conv2d needs an (H, W, C) input, gets shape %v", in)
	}
	if lj.Filters < 1 {
		return nil, fmt.Errorf("filters must be positive")
	}
	k, err := pair("kernel", lj.Kernel, nil)
	if err != nil {
		return nil, err
	}
	stride, err := pair("strides", lj.Strides, []int{1, 1})
	if err != nil {
		return nil, err
	}
	pad, err := padMode(lj.Padding)
	if err != nil {
		return nil, err
	}
	if lj.Pad != 0 && pad != engine.Explicit {
		return nil, fmt.Errorf("pad %d needs padding \"explicit\"", lj.Pad)
	}
	pads, err := loadPads(pad, lj.Pads)
	if err != nil {
		return nil, err
	}
	act, err := engine.ParseActivation(lj.Activation)
	if err != nil {
		return nil, err
	}
	kernel, err := param(wf, used, lj.Name+"/kernel", []int{k[0], k[1], in[2], lj.Filters})
	if err != nil {
		return nil, err
	}
	bias, err := param(wf, used, lj.Name+"/bias", []int{lj.Filters})
	if err != nil {
		return nil, err
	}
	return &engine.Conv2D{
		LayerName: lj.Name, KH: k[0], KW: k[1], InC: in[2], OutC: lj.Filters,
		StrideH: stride[0], StrideW: stride[1], Padding: pad, Pad: lj.Pad, Pads: pads,
		Kernel: kernel, Bias: bias, Act: act,
	}, nil
}

// param returns the tensor name from wf, checking its shape.
func param(wf *safetensors.File, used map[string]bool, name string, shape []int) ([]float32, error) {
	t, ok := wf.Tensors[name]
	if !ok {
		return nil, fmt.Errorf("tensor %q is missing from the weights", name)
	}
	if !slices.Equal(t.Shape, shape) {
		return nil, fmt.Errorf("tensor %q has shape %v, the layer needs %v", name, t.Shape, shape)
	}
	used[name] = true
	return t.Data, nil
}

// pair reads a [h, w] field of positive sizes; def is used when absent (nil
// def makes the field required).
func pair(field string, v, def []int) ([]int, error) {
	if v == nil {
		if def == nil {
			return nil, fmt.Errorf("%s is required", field)
		}
		return def, nil
	}
	if len(v) != 2 || v[0] < 1 || v[1] < 1 || v[0] > 4096 || v[1] > 4096 {
		return nil, fmt.Errorf("%s %v must be two sizes from 1 to 4096", field, v)
	}
	return v, nil
}

func padMode(s string) (engine.PadMode, error) {
	if s == "" {
		return engine.Valid, nil
	}
	return engine.ParsePadMode(s)
}

func checkShape(shape []int) error {
	for _, d := range shape {
		if d < 1 || d > 4096 {
			return fmt.Errorf("%v has a size outside 1..4096", shape)
		}
	}
	return nil
}
