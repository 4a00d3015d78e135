package tfjs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
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

func (d *decoder) conv2D(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	if len(in) != 3 {
		return nil, d.layerErr(l, "needs an (H, W, C) input, gets shape %v", in)
	}
	if c.Filters == nil || *c.Filters < 1 {
		return nil, d.layerErr(l, "filters must be a positive number")
	}
	k, err := pair(c.KernelSize, [2]int{})
	if err != nil || k[0] < 1 || k[1] < 1 {
		return nil, d.layerErr(l, "kernel_size %s: %v", c.KernelSize, orInvalid(err))
	}
	stride, err := pair(c.Strides, [2]int{1, 1})
	if err != nil || stride[0] < 1 || stride[1] < 1 {
		return nil, d.layerErr(l, "strides %s: %v", c.Strides, orInvalid(err))
	}
	dil, err := pair(c.DilationRate, [2]int{1, 1})
	if err != nil || dil != [2]int{1, 1} {
		return nil, d.layerErr(l, "dilation_rate %s: only 1 is supported", c.DilationRate)
	}
	pad, err := padding(c.Padding)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	act, err := activation(c.Activation)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	if act == engine.ActSoftmax {
		return nil, d.layerErr(l, "a softmax activation on a convolution is not supported")
	}
	filters := *c.Filters
	if k[0] > 4096 || k[1] > 4096 || filters > 1<<16 {
		return nil, d.layerErr(l, "kernel %v with %d filters is too large", k, filters)
	}
	kernel, err := d.take(l, "kernel", []int{k[0], k[1], in[2], filters})
	if err != nil {
		return nil, err
	}
	bias, err := d.bias(l, filters)
	if err != nil {
		return nil, err
	}
	return &engine.Conv2D{
		LayerName: c.Name, KH: k[0], KW: k[1], InC: in[2], OutC: filters,
		StrideH: stride[0], StrideW: stride[1], Padding: pad,
		Kernel: kernel, Bias: bias, Act: act,
	}, nil
}

func (d *decoder) dense(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	if len(in) != 1 {
		return nil, d.layerErr(l, "needs a vector input, gets shape %v (add a Flatten layer)", in)
	}
	if c.Units == nil || *c.Units < 1 || *c.Units > 1<<20 {
		return nil, d.layerErr(l, "units must be a positive number")
	}
	act, err := activation(c.Activation)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	kernel, err := d.take(l, "kernel", []int{in[0], *c.Units})
	if err != nil {
		return nil, err
	}
	bias, err := d.bias(l, *c.Units)
	if err != nil {
		return nil, err
	}
	return &engine.Dense{LayerName: c.Name, In: in[0], Out: *c.Units, Kernel: kernel, Bias: bias, Act: act}, nil
}

// bias returns the layer's bias, or zeros when use_bias is false (the
// engine always adds one).
func (d *decoder) bias(l kerasLayer, n int) ([]float32, error) {
	if l.Config.UseBias != nil && !*l.Config.UseBias {
		if _, ok := d.weights[l.Config.Name+"/bias"]; ok {
			return nil, d.layerErr(l, "use_bias is false but the manifest has a bias")
		}
		return make([]float32, n), nil
	}
	return d.take(l, "bias", []int{n})
}

// take claims the layer's weight of the given role and checks its shape and
// values.
func (d *decoder) take(l kerasLayer, role string, shape []int) ([]float32, error) {
	name := l.Config.Name + "/" + role
	w, ok := d.weights[name]
	if !ok {
		return nil, d.layerErr(l, "weight %q is missing from the manifest", name)
	}
	if w.used {
		return nil, d.layerErr(l, "weight %q claimed twice", name)
	}
	if !slices.Equal(w.shape, shape) {
		return nil, d.layerErr(l, "weight %q has shape %v, the layer needs %v", name, w.shape, shape)
	}
	for i, v := range w.data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, d.layerErr(l, "weight %q value %d is %v", name, i, v)
		}
	}
	w.used = true
	return w.data, nil
}

// readWeights reads every group's shards and cuts the weights from them.
// Weights are keyed by their last two name parts ("<layer>/<role>"), which
// drops the model-name prefix some converters add.
func (d *decoder) readWeights(groups []weightGroup, shard shardReader) error {
	d.weights = map[string]*weight{}
	var total int64
	for gi, g := range groups {
		var need int64
		for _, ws := range g.Weights {
			if ws.DType != "float32" {
				return d.errf("weight %q: dtype %q is not supported (float32 only)", ws.Name, ws.DType)
			}
			if len(ws.Quantization) > 0 && string(ws.Quantization) != "null" {
				return d.errf("weight %q: quantized weights are not supported", ws.Name)
			}
			n, ok := count(ws.Shape)
			if !ok {
				return d.errf("weight %q: bad shape %v", ws.Name, ws.Shape)
			}
			need += 4 * n
			if total+need > MaxWeights {
				return d.errf("weights exceed %d bytes", int64(MaxWeights))
			}
		}
		total += need
		if len(g.Paths) == 0 && need > 0 {
			return d.errf("weight group %d lists weights but no shard files", gi+1)
		}
		// Not preallocated: need comes from the manifest, the bytes from
		// the shards, and only the shards are checked against the disk.
		var buf []byte
		for _, p := range g.Paths {
			if p == "" || path.IsAbs(p) || !localPath(p) {
				return d.errf("shard path %q must be relative to model.json and stay in its folder", p)
			}
			b, err := shard(p, need-int64(len(buf)))
			if errors.Is(err, errTooLong) {
				return d.errf("shard %s: longer than the manifest says (weight group %d needs %d bytes in all): %v", p, gi+1, need, err)
			}
			if err != nil {
				return fmt.Errorf("tfjs %s: shard %s: %w", d.file, p, err) // reading, not the format
			}
			buf = append(buf, b...)
		}
		if int64(len(buf)) != need {
			return d.errf("shards %s hold %d bytes, shorter than the %d the manifest lists", strings.Join(g.Paths, ", "), len(buf), need)
		}
		off := 0
		for _, ws := range g.Weights {
			n, _ := count(ws.Shape)
			data := make([]float32, n)
			for i := range data {
				data[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[off+4*i:]))
			}
			off += 4 * int(n)
			key := shortName(ws.Name)
			if _, dup := d.weights[key]; dup {
				return d.errf("weight %q appears twice in the manifest", ws.Name)
			}
			d.weights[key] = &weight{shape: append([]int{}, ws.Shape...), data: data}
		}
	}
	return nil
}

// localPath reports whether a slash-separated relative path stays inside
// its folder.
func localPath(p string) bool {
	c := path.Clean(p)
	return c != ".." && !strings.HasPrefix(c, "../") && !strings.Contains(p, "\\") && !strings.ContainsRune(p, 0)
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

// count is the number of elements of shape, false if a dimension is
// negative or the total is absurd.
func count(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || d > MaxWeights {
			return 0, false
		}
		n *= int64(d)
		if n > MaxWeights {
			return 0, false
		}
	}
	return n, true
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

// checkDType accepts a missing dtype, "float32", or a Keras 3 dtype policy
// object naming float32.
func checkDType(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var policy struct {
			Config struct {
				Name string `json:"name"`
			} `json:"config"`
		}
		if err := json.Unmarshal(raw, &policy); err != nil {
			return fmt.Errorf("dtype %s is not understood", raw)
		}
		s = policy.Config.Name
	}
	if s != "float32" {
		return fmt.Errorf("dtype %q is not supported (float32 only)", s)
	}
	return nil
}

func orInvalid(err error) error {
	if err == nil {
		return errors.New("must be positive")
	}
	return err
}

func sortedKeys(m map[string]*weight) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
