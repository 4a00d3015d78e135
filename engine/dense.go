package engine

import "fmt"

// Dense is a fully connected layer, y = act(x K + b), with K of shape
// (In, Out) as Keras stores it.
type Dense struct {
	LayerName string
	In, Out   int
	Kernel    []float32 // (In, Out)
	Bias      []float32 // (Out)
	Act       Activation
}

func (l *Dense) Name() string { return l.LayerName }
func (l *Dense) Kind() Kind   { return KindDense }

func (l *Dense) Params() []Param {
	return []Param{
		{Name: "kernel", Shape: []int{l.In, l.Out}, Data: l.Kernel},
		{Name: "bias", Shape: []int{l.Out}, Data: l.Bias},
	}
}

func (l *Dense) OutputShape(in []int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("layer %s: dense needs a vector input, got shape %v (add a flatten layer)", l.LayerName, in)
	}
	if in[0] != l.In {
		return nil, fmt.Errorf("layer %s: kernel expects %d inputs, got %d", l.LayerName, l.In, in[0])
	}
	if len(l.Kernel) != l.In*l.Out || len(l.Bias) != l.Out {
		return nil, fmt.Errorf("layer %s: kernel or bias size does not match (%d,%d)", l.LayerName, l.In, l.Out)
	}
	return []int{l.Out}, nil
}

func (l *Dense) FLOPs(in []int) int64 { return 2 * int64(l.In) * int64(l.Out) }

// Logits computes x K + b without the activation.
func (l *Dense) Logits(x []float32, z []float32) {
	denseForward(x, l.Kernel, l.Bias, z, bestDense())
}

func (l *Dense) Forward(x, y *Tensor) {
	l.Logits(x.Data, y.Data)
	switch l.Act {
	case ActReLU:
		relu(y.Data)
	case ActSoftmax:
		SoftmaxInto(y.Data, y.Data)
	}
}

func (l *Dense) Backward(x, y, dy, dx *Tensor, grads [][]float32) {
	dz := dy.Data
	switch l.Act {
	case ActReLU:
		dz = reluGrad(y.Data, dy.Data)
	case ActSoftmax:
		dz = make([]float32, len(dy.Data))
		softmaxGrad(y.Data, dy.Data, dz)
	}
	l.backwardPre(x.Data, dz, dx, grads)
}
