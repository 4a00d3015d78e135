package engine

import "fmt"

// Kind names a layer type. Strings from file formats are parsed into a Kind
// once, in the loaders; everything after that switches on the type.
type Kind int

const (
	KindConv2D Kind = iota + 1
	KindReLU
	KindMaxPool2D
	KindFlatten
	KindDense
	KindSoftmax
	KindIdentity
	KindBatchNorm
	KindAvgPool2D
	KindGlobalAvgPool
	KindLeakyReLU
	KindSigmoid
	KindTanh
)

var kindNames = [...]string{
	KindConv2D:        "conv2d",
	KindReLU:          "relu",
	KindMaxPool2D:     "maxpool2d",
	KindFlatten:       "flatten",
	KindDense:         "dense",
	KindSoftmax:       "softmax",
	KindIdentity:      "identity",
	KindBatchNorm:     "batchnorm",
	KindAvgPool2D:     "avgpool2d",
	KindGlobalAvgPool: "globalavgpool",
	KindLeakyReLU:     "leakyrelu",
	KindSigmoid:       "sigmoid",
	KindTanh:          "tanh",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n != "" && n == s {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("unknown layer type %q", s)
}

// Activation is an activation fused into a Conv2D or Dense layer.
type Activation int

const (
	Linear Activation = iota
	ActReLU
	ActSoftmax
)

func (a Activation) String() string {
	switch a {
	case Linear:
		return "linear"
	case ActReLU:
		return "relu"
	case ActSoftmax:
		return "softmax"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation accepts the Keras names linear (or empty), relu and softmax.
func ParseActivation(s string) (Activation, error) {
	switch s {
	case "", "linear":
		return Linear, nil
	case "relu":
		return ActReLU, nil
	case "softmax":
		return ActSoftmax, nil
	}
	return 0, fmt.Errorf("unsupported activation %q", s)
}

// Param is one named parameter tensor of a layer (for example "kernel").
// Data aliases the layer's own storage.
type Param struct {
	Name  string
	Shape []int
	Data  []float32
}

// Layer is one step of a Sequential model.
//
// Forward writes the layer's output for x into y, which has the shape
// OutputShape returns. Backward takes the gradient dy of the loss with
// respect to y and adds the parameter gradients into grads (aligned with
// Params), and writes the gradient with respect to x into dx unless dx is
// nil. x and y are the tensors Forward saw and produced.
type Layer interface {
	Name() string
	Kind() Kind
	OutputShape(in []int) ([]int, error)
	Forward(x, y *Tensor)
	Backward(x, y, dy, dx *Tensor, grads [][]float32)
	Params() []Param
}

// FLOPs counts multiply-adds as two operations; layers without arithmetic
// worth counting report 0.
type flopCounter interface {
	FLOPs(in []int) int64
}

func need3D(name string, in []int) error {
	if len(in) != 3 {
		return fmt.Errorf("layer %s: needs an (H, W, C) input, got shape %v", name, in)
	}
	return nil
}

// ChannelWise reports whether output channel c of a layer of this kind
// reads input channel c alone (activations, pooling, batch norm), so that
// a diagram joins each channel only to its own.
func (k Kind) ChannelWise() bool {
	switch k {
	case KindReLU, KindMaxPool2D, KindIdentity, KindBatchNorm, KindAvgPool2D, KindGlobalAvgPool,
		KindLeakyReLU, KindSigmoid, KindTanh:
		return true
	}
	return false
}
