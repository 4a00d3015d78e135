package engine

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// Input describes what a model expects: an (H, W, C) map of pixel values
// multiplied by Scale (1/255 for the models here, so pixels lie in [0, 1]).
// Layout records the layout of the framework the model came from:
// LayoutNCHW for PyTorch and ONNX, empty for channels-last. The engine
// always computes in (H, W, C); the layout says how to read and write a
// user's .npy tensors so that they match the framework's own.
type Input struct {
	Shape  []int   `json:"shape"`
	Scale  float32 `json:"scale"`
	Layout string  `json:"layout,omitempty"`
}

// LayoutNCHW marks a model whose framework keeps maps as (N, C, H, W).
const LayoutNCHW = "nchw"

// Provenance records where a model came from, for the site and for people.
type Provenance struct {
	Source       string  `json:"source,omitempty"`  // e.g. "cmd/tinyvgg train" or "tfjs import"
	Dataset      string  `json:"dataset,omitempty"` // e.g. "Fashion-MNIST"
	Command      string  `json:"command,omitempty"` // the command that produced it
	Seed         int64   `json:"seed,omitempty"`
	Epochs       int     `json:"epochs,omitempty"`
	TestAccuracy float64 `json:"test_accuracy,omitempty"`
	Licence      string  `json:"licence,omitempty"`
	Notes        string  `json:"notes,omitempty"`
}

// Model is a Sequential network with what a reader needs to use it.
type Model struct {
	Name       string
	Input      Input
	Classes    []string
	Layers     []Layer
	Provenance Provenance
}

// Shapes returns the input shape followed by each layer's output shape, or
// the first layer whose shapes do not fit.
func (m *Model) Shapes() ([][]int, error) {
	if len(m.Input.Shape) != 3 {
		return nil, fmt.Errorf("model %s: input shape %v is not (H, W, C)", m.Name, m.Input.Shape)
	}
	for _, d := range m.Input.Shape {
		if d < 1 || d > 4096 {
			return nil, fmt.Errorf("model %s: input shape %v out of range", m.Name, m.Input.Shape)
		}
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("model %s: no layers", m.Name)
	}
	shapes := [][]int{append([]int(nil), m.Input.Shape...)}
	seen := map[string]bool{}
	for _, l := range m.Layers {
		if l.Name() == "" || seen[l.Name()] {
			return nil, fmt.Errorf("model %s: layer names must be unique and not empty (%q)", m.Name, l.Name())
		}
		seen[l.Name()] = true
		out, err := l.OutputShape(shapes[len(shapes)-1])
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, out)
	}
	return shapes, nil
}

// Check validates the model: shapes fit, the output is a vector with one
// value per class, and every parameter is finite.
func (m *Model) Check() error {
	shapes, err := m.Shapes()
	if err != nil {
		return err
	}
	out := shapes[len(shapes)-1]
	if len(out) != 1 {
		return fmt.Errorf("model %s: output shape %v is not a vector", m.Name, out)
	}
	if len(m.Classes) != 0 && len(m.Classes) != out[0] {
		return fmt.Errorf("model %s: %d class names for %d outputs", m.Name, len(m.Classes), out[0])
	}
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			for i, v := range p.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("layer %s: %s[%d] is %v", l.Name(), p.Name, i, v)
				}
			}
		}
	}
	return nil
}

// ParamCount is the number of trainable values.
func (m *Model) ParamCount() int {
	n := 0
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			n += len(p.Data)
		}
	}
	return n
}

// FLOPs is the arithmetic of one forward pass (a multiply-add counts two).
func (m *Model) FLOPs() int64 {
	shapes, err := m.Shapes()
	if err != nil {
		return 0
	}
	var n int64
	for i, l := range m.Layers {
		if f, ok := l.(flopCounter); ok {
			n += f.FLOPs(shapes[i])
		}
	}
	return n
}

// Layer returns the layer with the given name, or nil.
func (m *Model) Layer(name string) Layer {
	for _, l := range m.Layers {
		if l.Name() == name {
			return l
		}
	}
	return nil
}

// LayerTrace is one layer's output in a Trace.
type LayerTrace struct {
	Name   string
	Kind   Kind
	Output *Tensor
}

// Trace is everything one forward pass computed: the input, each layer's
// output under its name in order, and the logits and probabilities.
type Trace struct {
	Input  *Tensor
	Layers []LayerTrace
	Logits []float32
	Probs  []float32
	ws     *Workspace // scratch kept for the next ForwardInto
}

// Output returns the output of the named layer, or nil.
func (t *Trace) Output(name string) *Tensor {
	for _, l := range t.Layers {
		if l.Name == name {
			return l.Output
		}
	}
	return nil
}

// LayerInput returns the tensor that layer i read: the model input for the
// first layer, otherwise the previous layer's output.
func (t *Trace) LayerInput(i int) *Tensor {
	if i == 0 {
		return t.Input
	}
	return t.Layers[i-1].Output
}

// ErrInputShape is returned when Forward gets a tensor of the wrong shape.
var ErrInputShape = errors.New("input shape does not match the model")

// Forward runs x, an input already scaled, through every layer.
func (m *Model) Forward(x *Tensor) (*Trace, error) {
	tr := new(Trace)
	if err := m.ForwardInto(tr, x); err != nil {
		return nil, err
	}
	return tr, nil
}

// ForwardInto is Forward writing into tr. The tensors and slices a
// previous call left in tr are reused where their shapes fit, with the
// scratch memory of the convolutions, so tracing input after input makes no
// garbage; each call overwrites what the last one wrote (Clone what must
// outlive it). A zero Trace is ready to use. tr.Input is x itself, not a
// copy. Not safe for concurrent use of one tr.
func (m *Model) ForwardInto(tr *Trace, x *Tensor) error {
	shapes, err := m.Shapes()
	if err != nil {
		return err
	}
	if !slices.Equal(x.Shape, shapes[0]) || len(x.Data) != NumElements(shapes[0]) {
		return fmt.Errorf("%w: got %v, want %v", ErrInputShape, x.Shape, shapes[0])
	}
	if tr.ws == nil {
		tr.ws = new(Workspace)
	}
	if len(tr.Layers) != len(m.Layers) {
		tr.Layers = make([]LayerTrace, len(m.Layers))
	}
	tr.Input = x
	cur := x
	out := m.outputLayer()
	haveLogits := false
	for i, l := range m.Layers {
		y := tr.Layers[i].Output
		if y == nil || !slices.Equal(y.Shape, shapes[i+1]) {
			y = NewTensor(shapes[i+1]...)
		}
		// Every layer writes all of y, so a reused tensor needs no clearing.
		switch l := l.(type) {
		case *Conv2D:
			l.ForwardWith(tr.ws, cur, y)
		case *Dense:
			if i == out && l.Act == ActSoftmax {
				// Dense.Forward's steps, keeping the logits that outputs
				// would otherwise compute a second time.
				tr.Logits = slices.Grow(tr.Logits[:0], l.Out)[:l.Out]
				l.Logits(cur.Data, tr.Logits)
				SoftmaxInto(tr.Logits, y.Data)
				haveLogits = true
			} else {
				l.Forward(cur, y)
			}
		default:
			l.Forward(cur, y)
		}
		tr.Layers[i] = LayerTrace{Name: l.Name(), Kind: l.Kind(), Output: y}
		cur = y
	}
	if haveLogits {
		tr.Probs = append(tr.Probs[:0], tr.Layers[out].Output.Data...)
	} else {
		tr.Logits, tr.Probs = m.outputs(tr, tr.Logits[:0], tr.Probs[:0])
	}
	return nil
}

// outputLayer is the index of the layer that makes the model's output:
// the last one, looking through trailing identities (a Dropout after the
// softmax, say), which change nothing.
func (m *Model) outputLayer() int {
	n := len(m.Layers)
	for n > 1 && m.Layers[n-1].Kind() == KindIdentity {
		n--
	}
	return n - 1
}

// outputs finds the logits (what goes into the final softmax) and the
// probabilities, appended to logits and probs. A model that ends without a
// softmax gets one applied.
func (m *Model) outputs(tr *Trace, logits, probs []float32) ([]float32, []float32) {
	n := m.outputLayer() + 1
	out := tr.Layers[n-1].Output.Data
	switch l := m.Layers[n-1].(type) {
	case *Softmax:
		return append(logits, tr.LayerInput(n-1).Data...), append(probs, out...)
	case *Dense:
		if l.Act == ActSoftmax {
			logits = slices.Grow(logits, l.Out)[:l.Out]
			l.Logits(tr.LayerInput(n-1).Data, logits)
			return logits, append(probs, out...)
		}
	}
	logits = append(logits, out...)
	probs = slices.Grow(probs, len(out))[:len(out)]
	SoftmaxInto(logits, probs)
	return logits, probs
}

// Prediction is one class and its probability.
type Prediction struct {
	Index int
	Class string
	Prob  float32
}

// Top returns the k most probable classes, best first (ties by index).
func (m *Model) Top(probs []float32, k int) []Prediction {
	p := make([]Prediction, len(probs))
	for i, v := range probs {
		p[i] = Prediction{Index: i, Prob: v, Class: fmt.Sprint(i)}
		if i < len(m.Classes) {
			p[i].Class = m.Classes[i]
		}
	}
	sort.SliceStable(p, func(a, b int) bool { return p[a].Prob > p[b].Prob })
	return p[:min(k, len(p))]
}
