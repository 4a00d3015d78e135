package train

import (
	"fmt"

	"cnnexplainer/engine"
)

// fashionMNISTClasses returns the ten Fashion-MNIST labels in label order,
// a new slice each time so that no caller can change another's.
func fashionMNISTClasses() []string {
	return []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
}

// Arch describes a TinyVGG: two blocks of (conv, ReLU, conv, ReLU,
// max-pool 2x2), a flatten and one dense layer with a fused softmax.
type Arch struct {
	Size     int      // input height and width
	Channels int      // input channels
	Hidden   int      // filters in every convolution
	Kernel   int      // square kernel size
	Padding  int      // zeros on every side; 0 means valid
	Stride   int      // convolution stride
	Classes  []string // one name per output
}

// TinyVGGArch is the PyTorch TinyVGG the project started from, on
// Fashion-MNIST: 28x28x1, 10 filters of 3x3 with padding 1. It has 7,740
// parameters.
func TinyVGGArch() Arch {
	return Arch{Size: 28, Channels: 1, Hidden: 10, Kernel: 3, Padding: 1, Stride: 1, Classes: fashionMNISTClasses()}
}

// CNNExplainerArch is CNN Explainer's network: 64x64x3, 3x3 valid
// convolutions with 10 filters, and its ten Tiny ImageNet classes.
func CNNExplainerArch() Arch {
	return Arch{Size: 64, Channels: 3, Hidden: 10, Kernel: 3, Padding: 0, Stride: 1,
		Classes: []string{"lifeboat", "ladybug", "pizza", "bell pepper", "school bus", "koala", "espresso", "red panda", "orange", "sport car"}}
}

// TinyVGG builds the model for a with zero weights (see Init), with CNN
// Explainer's layer names: conv_1_1, relu_1_1, conv_1_2, relu_1_2,
// max_pool_1, the same with 2, flatten and output.
func TinyVGG(name string, a Arch) (*engine.Model, error) {
	if a.Size < 1 || a.Channels < 1 || a.Hidden < 1 || a.Kernel < 1 || a.Padding < 0 || a.Stride < 1 || len(a.Classes) < 2 {
		return nil, fmt.Errorf("tinyvgg: bad architecture %+v (sizes must be positive, at least 2 classes)", a)
	}
	conv := func(n string, in int) *engine.Conv2D {
		l := &engine.Conv2D{LayerName: n, KH: a.Kernel, KW: a.Kernel, InC: in, OutC: a.Hidden,
			StrideH: a.Stride, StrideW: a.Stride, Padding: engine.Valid,
			Kernel: make([]float32, a.Kernel*a.Kernel*in*a.Hidden), Bias: make([]float32, a.Hidden)}
		if a.Padding > 0 {
			l.Padding, l.Pad = engine.Explicit, a.Padding
		}
		return l
	}
	pool := func(n string) *engine.MaxPool2D {
		return &engine.MaxPool2D{LayerName: n, PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2, Padding: engine.Valid}
	}
	m := &engine.Model{
		Name:    name,
		Input:   engine.Input{Shape: []int{a.Size, a.Size, a.Channels}, Scale: 1.0 / 255},
		Classes: append([]string(nil), a.Classes...),
		Layers: []engine.Layer{
			conv("conv_1_1", a.Channels), &engine.ReLU{LayerName: "relu_1_1"},
			conv("conv_1_2", a.Hidden), &engine.ReLU{LayerName: "relu_1_2"},
			pool("max_pool_1"),
			conv("conv_2_1", a.Hidden), &engine.ReLU{LayerName: "relu_2_1"},
			conv("conv_2_2", a.Hidden), &engine.ReLU{LayerName: "relu_2_2"},
			pool("max_pool_2"),
			&engine.Flatten{LayerName: "flatten"},
		},
	}
	// The dense layer's width follows from the shapes before it.
	shapes, err := (&engine.Model{Name: name, Input: m.Input, Layers: m.Layers}).Shapes()
	if err != nil {
		return nil, fmt.Errorf("tinyvgg: %w", err)
	}
	in := shapes[len(shapes)-1][0]
	k := len(a.Classes)
	m.Layers = append(m.Layers, &engine.Dense{LayerName: "output", In: in, Out: k, Act: engine.ActSoftmax,
		Kernel: make([]float32, in*k), Bias: make([]float32, k)})
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("tinyvgg: %w", err)
	}
	return m, nil
}
