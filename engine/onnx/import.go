package onnx

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"cnnexplainer/engine"
)

// supported lists the ops that can sit on the layer chain, for messages.
const supported = "Conv, Relu, LeakyRelu, Sigmoid, Tanh, MaxPool, AveragePool, GlobalAveragePool, " +
	"BatchNormalization, Flatten, Reshape (to (1, N)), Gemm, MatMul (+ Add), Softmax, Pad (before Conv or AveragePool), Dropout, Identity"

// errDynamic marks a value computed from the image, met where a constant
// was needed.
var errDynamic = errors.New("computed from the image")

type importer struct {
	g          *graphProto
	opset      int64
	inits      map[string]*tensorProto
	producer   map[string]*nodeProto
	consumers  map[string][]*nodeProto
	consts     map[string]*constant
	evaluating map[string]bool
	chain      map[string][]int64 // (N, C, H, W) or (N, F) shape of each value on the layer chain
	m          *engine.Model
	shape      []int  // engine shape of the current chain value
	pad        []int  // pending Pad (top, left, bottom, right), folded into the next layer
	padNode    string // the Pad node, for messages
}

func newImporter(mp *modelProto) *importer {
	im := &importer{g: mp.graph, opset: mp.opsets[""], inits: map[string]*tensorProto{},
		producer: map[string]*nodeProto{}, consumers: map[string][]*nodeProto{}, consts: map[string]*constant{},
		evaluating: map[string]bool{}, chain: map[string][]int64{}, m: &engine.Model{}}
	if v, ok := mp.opsets["ai.onnx"]; ok && im.opset == 0 {
		im.opset = v
	}
	im.m.Provenance.Source = "onnx import"
	if mp.producer != "" {
		im.m.Provenance.Source = "onnx import (" + mp.producer + ")"
	}
	return im
}

// nodeWrap is nodeErr for an error from below, which it wraps, after an
// optional note.
func nodeWrap(n *nodeProto, note string, err error) error {
	if note != "" {
		return fmt.Errorf("node %q (%s): %s: %w", n.name, n.op, note, err)
	}
	return fmt.Errorf("node %q (%s): %w", n.name, n.op, err)
}

// nodeErr names a node and its op in an error.
func nodeErr(n *nodeProto, format string, args ...any) error {
	return fmt.Errorf("node %q (%s): %s", n.name, n.op, fmt.Sprintf(format, args...))
}

func (im *importer) index() error {
	if im.opset < 7 {
		return fmt.Errorf("opset %d of the default domain is not supported (7 or later)", im.opset)
	}
	for _, t := range im.g.inits {
		im.inits[t.name] = t
	}
	for _, n := range im.g.nodes {
		if n.domain != "" && n.domain != "ai.onnx" {
			return nodeErr(n, "domain %q is not supported (only the default ONNX domain)", n.domain)
		}
		for _, o := range n.outputs {
			if o == "" {
				continue
			}
			if p, ok := im.producer[o]; ok {
				return nodeErr(n, "value %q is also the output of node %q", o, p.name)
			}
			im.producer[o] = n
		}
		for _, in := range n.inputs {
			if in != "" && !slices.Contains(im.consumers[in], n) {
				im.consumers[in] = append(im.consumers[in], n)
			}
		}
	}
	return nil
}

// input finds the image input and sets the model's input.
func (im *importer) input() (string, error) {
	var ins []valueInfo
	for _, vi := range im.g.inputs {
		if _, ok := im.inits[vi.name]; !ok {
			ins = append(ins, vi)
		}
	}
	if len(ins) != 1 {
		return "", fmt.Errorf("the graph has %d inputs besides its weights, want one image input", len(ins))
	}
	in := ins[0]
	d := in.dims
	if len(d) == 3 {
		d = append([]int64{1}, d...)
	}
	if len(d) != 4 || (d[0] != 1 && d[0] != -1) {
		return "", fmt.Errorf("input %q has shape %v, want (1, C, H, W)", in.name, in.dims)
	}
	for _, v := range d[1:] {
		if v < 1 || v > 4096 {
			return "", fmt.Errorf("input %q has shape %v: C, H and W must be fixed sizes from 1 to 4096", in.name, in.dims)
		}
	}
	im.m.Input = engine.Input{Shape: []int{int(d[2]), int(d[3]), int(d[1])}, Scale: 1.0 / 255, Layout: engine.LayoutNCHW}
	im.shape = im.m.Input.Shape
	im.chain[in.name] = []int64{1, d[1], d[2], d[3]}
	return in.name, nil
}

func (im *importer) run() (*engine.Model, error) {
	if err := im.index(); err != nil {
		return nil, err
	}
	cur, err := im.input()
	if err != nil {
		return nil, err
	}
	if len(im.g.outputs) != 1 {
		return nil, fmt.Errorf("the graph has %d outputs, want one", len(im.g.outputs))
	}
	out := im.g.outputs[0].name
	visited := map[*nodeProto]bool{}
	for cur != out {
		n, err := im.next(cur)
		if err != nil {
			return nil, err
		}
		if visited[n] {
			return nil, nodeErr(n, "the graph has a cycle")
		}
		visited[n] = true
		if cur, err = im.layer(n, cur, visited); err != nil {
			return nil, err
		}
	}
	if im.pad != nil {
		return nil, fmt.Errorf("node %q (Pad) ends the graph; a Pad is supported only before a Conv or AveragePool", im.padNode)
	}
	if len(im.m.Layers) == 0 {
		return nil, errors.New("the graph has no layers")
	}
	if len(im.shape) == 1 {
		for i := range im.shape[0] {
			im.m.Classes = append(im.m.Classes, fmt.Sprint(i))
		}
	}
	if err := im.m.Check(); err != nil {
		return nil, err
	}
	return im.m, nil
}

// next returns the one node that reads chain value v (Shape nodes aside:
// they only read its static shape).
func (im *importer) next(v string) (*nodeProto, error) {
	var cons []*nodeProto
	for _, n := range im.consumers[v] {
		if n.op != "Shape" {
			cons = append(cons, n)
		}
	}
	switch len(cons) {
	case 0:
		return nil, fmt.Errorf("value %q is read by no node and is not the graph's output", v)
	case 1:
		return cons[0], nil
	}
	var names []string
	for _, n := range cons {
		names = append(names, fmt.Sprintf("%q (%s)", n.name, n.op))
	}
	return nil, fmt.Errorf("the graph branches at value %q, read by nodes %s: only a single chain of layers is supported (no residual Add or Concat)",
		v, strings.Join(names, ", "))
}

// constOf evaluates a value that must be known at import time.
func (im *importer) constOf(name string) (*constant, error) {
	if c, ok := im.consts[name]; ok {
		return c, nil
	}
	if t, ok := im.inits[name]; ok {
		c, err := constFrom(t)
		if err != nil {
			return nil, err
		}
		im.consts[name] = c
		return c, nil
	}
	if _, ok := im.chain[name]; ok {
		return nil, fmt.Errorf("value %q is %w", name, errDynamic)
	}
	p, ok := im.producer[name]
	if !ok {
		return nil, fmt.Errorf("value %q is neither an initializer nor the output of a node (missing initializer?)", name)
	}
	if im.evaluating[name] {
		return nil, nodeErr(p, "the graph has a cycle through value %q", name)
	}
	im.evaluating[name] = true
	defer delete(im.evaluating, name)
	ins := make([]*constant, len(p.inputs))
	for i, in := range p.inputs {
		if in == "" {
			continue
		}
		if p.op == "Shape" {
			if _, ok := im.chain[in]; ok {
				continue
			}
		}
		c, err := im.constOf(in)
		if err != nil {
			return nil, err
		}
		ins[i] = c
	}
	c, err := evalConst(p, ins, func(v string) ([]int64, bool) { s, ok := im.chain[v]; return s, ok })
	if err != nil {
		return nil, nodeWrap(p, "", err)
	}
	if len(c.vals) > maxConst {
		return nil, nodeErr(p, "constant of %d values is too large", len(c.vals))
	}
	im.consts[name] = c
	return c, nil
}

// weight returns input i of n, which must be a float32 initializer (or a
// constant) of the given shape; nil shape accepts any.
func (im *importer) weight(n *nodeProto, i int, shape []int64) ([]float32, []int64, error) {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil, nil, nodeErr(n, "input %d is missing", i)
	}
	name := n.inputs[i]
	var data []float32
	var dims []int64
	if t, ok := im.inits[name]; ok {
		f, err := t.float32Data()
		if err != nil {
			return nil, nil, nodeWrap(n, "", err)
		}
		data, dims = f, t.dims
	} else {
		c, err := im.constOf(name)
		if errors.Is(err, errDynamic) {
			return nil, nil, nodeErr(n, "input %q is computed from the image: the graph joins two branches here, and only a single chain of layers is supported", name)
		}
		if err != nil {
			return nil, nil, nodeWrap(n, fmt.Sprintf("input %q", name), err)
		}
		dims = c.dims
		for _, v := range c.vals {
			data = append(data, float32(v))
		}
	}
	if shape != nil && !slices.Equal(dims, shape) {
		return nil, nil, nodeErr(n, "input %q has shape %v, want %v", name, dims, shape)
	}
	return data, dims, nil
}

// add appends a layer named after n and moves the chain to n's output.
func (im *importer) add(n *nodeProto, l engine.Layer) (string, error) {
	out, err := l.OutputShape(im.shape)
	if err != nil {
		return "", nodeWrap(n, "", err)
	}
	im.m.Layers = append(im.m.Layers, l)
	im.shape = out
	next := n.outputs[0]
	if len(out) == 3 {
		im.chain[next] = []int64{1, int64(out[2]), int64(out[0]), int64(out[1])}
	} else {
		im.chain[next] = []int64{1, int64(out[0])}
	}
	return next, nil
}

// uniqueName is n's module path, with a suffix if a layer has it already.
func (im *importer) uniqueName(n *nodeProto) string {
	base := layerName(n.name)
	if base == "" {
		base = strings.ToLower(n.op)
	}
	name := base
	for i := 2; im.m.Layer(name) != nil; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}
