package tfjs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"cnnexplainer/engine"
)

// modelJSON is the part of model.json the import reads.
type modelJSON struct {
	Format          string          `json:"format"`
	GeneratedBy     string          `json:"generatedBy"`
	ConvertedBy     string          `json:"convertedBy"`
	ModelTopology   json.RawMessage `json:"modelTopology"`
	WeightsManifest []weightGroup   `json:"weightsManifest"`
}

// topology is a Keras model config: {class_name, config}.
type topology struct {
	ClassName   string          `json:"class_name"`
	Config      json.RawMessage `json:"config"`
	ModelConfig *topology       `json:"model_config"`
}

// kerasLayer is one entry of a Sequential layer list.
type kerasLayer struct {
	ClassName string      `json:"class_name"`
	Config    layerConfig `json:"config"`
}

// layerConfig holds every hyperparameter the supported layers use. Fields
// that Keras writes either as an int or as a list stay raw until the layer
// type says how to read them.
type layerConfig struct {
	Name            string          `json:"name"`
	BatchInputShape json.RawMessage `json:"batch_input_shape"`
	BatchShape      json.RawMessage `json:"batch_shape"` // Keras 3
	DType           json.RawMessage `json:"dtype"`
	Filters         *int            `json:"filters"`
	KernelSize      json.RawMessage `json:"kernel_size"`
	Strides         json.RawMessage `json:"strides"`
	Padding         *string         `json:"padding"`
	DataFormat      *string         `json:"data_format"`
	DilationRate    json.RawMessage `json:"dilation_rate"`
	Activation      *string         `json:"activation"`
	UseBias         *bool           `json:"use_bias"`
	PoolSize        json.RawMessage `json:"pool_size"`
	Units           *int            `json:"units"`
	// BatchNormalization, LeakyReLU, GlobalAveragePooling2D (layers.go).
	Axis          json.RawMessage `json:"axis"`
	Epsilon       *float64        `json:"epsilon"`
	Center        *bool           `json:"center"`
	Scale         *bool           `json:"scale"`
	Alpha         *float64        `json:"alpha"`
	NegativeSlope *float64        `json:"negative_slope"` // Keras 3's name for alpha
	KeepDims      *bool           `json:"keepdims"`
}

type weightGroup struct {
	Paths   []string     `json:"paths"`
	Weights []weightSpec `json:"weights"`
}

type weightSpec struct {
	Name         string          `json:"name"`
	Shape        []int           `json:"shape"`
	DType        string          `json:"dtype"`
	Quantization json.RawMessage `json:"quantization"`
}

const supportedList = "InputLayer, Conv2D, Activation, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, " +
	"BatchNormalization, LeakyReLU, Flatten, Dense, Dropout"

// supported reports whether the import understands a Keras layer class.
func supported(class string) bool {
	switch class {
	case "InputLayer", "Conv2D", "Activation", "MaxPooling2D", "Flatten", "Dense", "Dropout",
		"BatchNormalization", "AveragePooling2D", "GlobalAveragePooling2D", "LeakyReLU":
		return true
	}
	return false
}

// shardReader returns the shard named in a manifest (a path relative to
// model.json), or an error wrapping errTooLong if it holds more than max
// bytes.
type shardReader func(name string, max int64) ([]byte, error)

// weight is one decoded weight and whether a layer has claimed it.
type weight struct {
	shape []int
	data  []float32
	used  bool
}

// decoder carries the file name into every error.
type decoder struct {
	file    string
	weights map[string]*weight // by "<layer>/<kernel|bias>"
}

// errf reports a malformed or unsupported model (ErrFormat).
func (d *decoder) errf(format string, args ...any) error {
	return &formatError{fmt.Sprintf("tfjs %s: %s", d.file, fmt.Sprintf(format, args...))}
}

func (d *decoder) layerErr(l kerasLayer, format string, args ...any) error {
	return &formatError{fmt.Sprintf("tfjs %s: layer %q (%s): %s", d.file, l.Config.Name, l.ClassName, fmt.Sprintf(format, args...))}
}

// decode builds a model from model.json's bytes; file names the JSON in
// errors and shard reads the weight files.
func decode(file string, data []byte, shard shardReader) (*engine.Model, error) {
	d := &decoder{file: file}
	var mj modelJSON
	if err := json.Unmarshal(data, &mj); err != nil {
		return nil, d.errf("%v", err)
	}
	if mj.Format != "" && mj.Format != "layers-model" {
		return nil, d.errf("format %q is not a layers model (graph models cannot be imported)", mj.Format)
	}
	layers, name, err := d.sequential(mj.ModelTopology)
	if err != nil {
		return nil, err
	}
	// Refuse unknown layer types before reading any shard: that is the
	// more useful message when both are wrong.
	for _, l := range layers {
		if !supported(l.ClassName) {
			return nil, d.layerErr(l, "layer type %q is not supported (%s)", l.ClassName, supportedList)
		}
	}
	if err := d.readWeights(mj.WeightsManifest, shard); err != nil {
		return nil, err
	}
	m := &engine.Model{Name: name, Provenance: provenance(mj)}
	if len(layers) == 0 {
		return nil, d.errf("the model has no layers")
	}
	var shape []int
	for i, l := range layers {
		shape, err = d.inputShape(l, i, shape)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			m.Input = engine.Input{Shape: shape, Scale: 1.0 / 255}
		}
		if l.ClassName == "InputLayer" {
			continue
		}
		layer, err := d.layer(l, shape)
		if err != nil {
			return nil, err
		}
		if m.Layer(layer.Name()) != nil {
			return nil, d.layerErr(l, "layer name used twice")
		}
		shape, err = layer.OutputShape(shape)
		if err != nil {
			return nil, d.layerErr(l, "%v", err)
		}
		m.Layers = append(m.Layers, layer)
	}
	for _, n := range sortedKeys(d.weights) {
		if !d.weights[n].used {
			return nil, d.errf("weight %q in the manifest belongs to no layer", n)
		}
	}
	if len(m.Layers) == 0 {
		return nil, d.errf("the model has only an input layer")
	}
	if len(shape) != 1 {
		return nil, d.errf("the last layer's output has shape %v, not a vector of class scores", shape)
	}
	for i := range shape[0] {
		m.Classes = append(m.Classes, fmt.Sprint(i))
	}
	return m, nil
}

func provenance(mj modelJSON) engine.Provenance {
	var notes []string
	if mj.GeneratedBy != "" {
		notes = append(notes, "generatedBy: "+mj.GeneratedBy)
	}
	if mj.ConvertedBy != "" {
		notes = append(notes, "convertedBy: "+mj.ConvertedBy)
	}
	return engine.Provenance{Source: Source, Notes: strings.Join(notes, "; ")}
}

// sequential finds the layer list in either topology layout.
func (d *decoder) sequential(raw json.RawMessage) ([]kerasLayer, string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "", d.errf("no modelTopology")
	}
	var top topology
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, "", d.errf("modelTopology: %v", err)
	}
	if top.ModelConfig != nil {
		top = *top.ModelConfig
	}
	if top.ClassName != "Sequential" {
		return nil, "", d.errf("model class %q: only Sequential models can be imported", top.ClassName)
	}
	// The config is either the layer list itself (older Keras) or
	// {name, layers}.
	var layers []kerasLayer
	var withName struct {
		Name   string       `json:"name"`
		Layers []kerasLayer `json:"layers"`
	}
	cfg := bytes.TrimSpace(top.Config)
	switch {
	case len(cfg) > 0 && cfg[0] == '[':
		if err := json.Unmarshal(cfg, &layers); err != nil {
			return nil, "", d.errf("layers: %v", err)
		}
	case len(cfg) > 0 && cfg[0] == '{':
		if err := json.Unmarshal(cfg, &withName); err != nil {
			return nil, "", d.errf("layers: %v", err)
		}
		layers = withName.Layers
	default:
		return nil, "", d.errf("Sequential config is neither a layer list nor {name, layers}")
	}
	name := withName.Name
	if name == "" {
		name = "sequential"
	}
	return layers, name, nil
}

// inputShape returns the shape entering layer i: the declared batch input
// shape for the first layer, otherwise the previous output. A later layer
// may repeat a batch input shape (Keras allows it); it must then agree.
func (d *decoder) inputShape(l kerasLayer, i int, prev []int) ([]int, error) {
	raw := l.Config.BatchInputShape
	if len(raw) == 0 || string(raw) == "null" {
		raw = l.Config.BatchShape
	}
	if l.ClassName == "InputLayer" && i != 0 {
		return nil, d.layerErr(l, "an InputLayer can only come first")
	}
	if len(raw) == 0 || string(raw) == "null" {
		if i == 0 {
			return nil, d.layerErr(l, "the first layer has no batch_input_shape, so the input shape is unknown")
		}
		return prev, nil
	}
	var dims []*int
	if err := json.Unmarshal(raw, &dims); err != nil {
		return nil, d.layerErr(l, "batch_input_shape: %v", err)
	}
	if len(dims) != 4 {
		return nil, d.layerErr(l, "batch_input_shape %s is not [batch, height, width, channels]", raw)
	}
	shape := make([]int, 3)
	for k, p := range dims[1:] {
		if p == nil || *p < 1 || *p > 4096 {
			return nil, d.layerErr(l, "batch_input_shape %s needs fixed sizes from 1 to 4096", raw)
		}
		shape[k] = *p
	}
	if i > 0 && !slices.Equal(shape, prev) {
		return nil, d.layerErr(l, "batch_input_shape %v does not match the previous output %v", shape, prev)
	}
	return shape, nil
}

// layer converts one Keras layer; in is the shape it receives.
func (d *decoder) layer(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	if c.Name == "" {
		return nil, d.layerErr(l, "no name")
	}
	if err := checkDType(c.DType); err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	if c.DataFormat != nil && *c.DataFormat != "channels_last" {
		return nil, d.layerErr(l, "data_format %q: only channels_last is supported", *c.DataFormat)
	}
	switch l.ClassName {
	case "Conv2D":
		return d.conv2D(l, in)
	case "Dense":
		return d.dense(l, in)
	case "MaxPooling2D":
		pool, err := pair(c.PoolSize, [2]int{2, 2})
		if err != nil {
			return nil, d.layerErr(l, "pool_size: %v", err)
		}
		stride, err := pair(c.Strides, pool)
		if err != nil {
			return nil, d.layerErr(l, "strides: %v", err)
		}
		pad, err := padding(c.Padding)
		if err != nil {
			return nil, d.layerErr(l, "%v", err)
		}
		return &engine.MaxPool2D{LayerName: c.Name, PoolH: pool[0], PoolW: pool[1], StrideH: stride[0], StrideW: stride[1], Padding: pad}, nil
	case "Flatten":
		return &engine.Flatten{LayerName: c.Name}, nil
	case "Dropout":
		return &engine.Identity{LayerName: c.Name}, nil
	case "Activation":
		if c.Activation != nil && *c.Activation == "sigmoid" {
			return &engine.Sigmoid{LayerName: c.Name}, nil
		}
		if c.Activation != nil && *c.Activation == "tanh" {
			return &engine.Tanh{LayerName: c.Name}, nil
		}
		act, err := activation(c.Activation)
		if err != nil {
			return nil, d.layerErr(l, "%v", err)
		}
		switch act {
		case engine.ActReLU:
			return &engine.ReLU{LayerName: c.Name}, nil
		case engine.ActSoftmax:
			return &engine.Softmax{LayerName: c.Name}, nil
		}
		return &engine.Identity{LayerName: c.Name}, nil
	}
	if l, err, ok := d.extraLayer(l, in); ok {
		return l, err
	}
	return nil, d.layerErr(l, "layer type %q is not supported (%s)", l.ClassName, supportedList)
}

// shortName keeps the last two parts of a weight name: the converter for
// some Keras versions writes "<model>/<layer>/kernel".
func shortName(n string) string {
	parts := strings.Split(n, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}

// pair reads a Keras int-or-pair field; a missing or null field gives def.
func pair(raw json.RawMessage, def [2]int) ([2]int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var one int
	if err := json.Unmarshal(raw, &one); err == nil {
		return [2]int{one, one}, nil
	}
	var two []int
	if err := json.Unmarshal(raw, &two); err != nil || len(two) != 2 {
		return def, fmt.Errorf("%s is neither a number nor a pair", raw)
	}
	return [2]int{two[0], two[1]}, nil
}

func padding(p *string) (engine.PadMode, error) {
	if p == nil {
		return engine.Valid, nil
	}
	switch *p {
	case "valid":
		return engine.Valid, nil
	case "same":
		return engine.Same, nil
	}
	return 0, fmt.Errorf("padding %q is not supported (valid or same)", *p)
}

func activation(a *string) (engine.Activation, error) {
	if a == nil {
		return engine.Linear, nil
	}
	return engine.ParseActivation(*a)
}

func orInvalid(err error) error {
	if err == nil {
		return errors.New("must be positive")
	}
	return err
}
