package engine

// ReLU is the elementwise max(0, x).
type ReLU struct{ LayerName string }

func (l *ReLU) Name() string                        { return l.LayerName }
func (l *ReLU) Kind() Kind                          { return KindReLU }
func (l *ReLU) Params() []Param                     { return nil }
func (l *ReLU) OutputShape(in []int) ([]int, error) { return append([]int(nil), in...), nil }

// Forward uses the vector kernel in kernels.go: branch-free, which matters
// because about half the inputs are negative in no predictable pattern.
func (l *ReLU) Forward(x, y *Tensor) { reluInto(y.Data, x.Data) }

// Backward passes the gradient where the input was positive (the
// subgradient at 0 is taken as 0, as TensorFlow does).
func (l *ReLU) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	for i, v := range x.Data {
		if v > 0 {
			dx.Data[i] = dy.Data[i]
		} else {
			dx.Data[i] = 0
		}
	}
}
