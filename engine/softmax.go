package engine

import (
	"fmt"
	"math"
)

// Softmax turns a vector of logits into probabilities. It subtracts the
// largest logit first, so large logits cannot overflow exp.
type Softmax struct{ LayerName string }

func (l *Softmax) Name() string    { return l.LayerName }
func (l *Softmax) Kind() Kind      { return KindSoftmax }
func (l *Softmax) Params() []Param { return nil }

func (l *Softmax) OutputShape(in []int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("layer %s: softmax needs a vector input, got shape %v", l.LayerName, in)
	}
	return []int{in[0]}, nil
}

func (l *Softmax) Forward(x, y *Tensor) { SoftmaxInto(x.Data, y.Data) }

func (l *Softmax) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx != nil {
		softmaxGrad(y.Data, dy.Data, dx.Data)
	}
}

// SoftmaxInto writes exp(z_i - max z) / sum_j exp(z_j - max z) into p; p may
// alias z. The sum is kept in float64.
func SoftmaxInto(z, p []float32) {
	if len(z) == 0 {
		return
	}
	m := z[0]
	for _, v := range z {
		m = max(m, v)
	}
	var sum float64
	for i, v := range z {
		e := math.Exp(float64(v - m))
		p[i] = float32(e)
		sum += e
	}
	for i := range p {
		p[i] = float32(float64(p[i]) / sum)
	}
}

// softmaxGrad: dz_i = p_i (dy_i - sum_j dy_j p_j).
func softmaxGrad(p, dy, dz []float32) {
	var s float32
	for j := range p {
		s += dy[j] * p[j]
	}
	for i := range p {
		dz[i] = p[i] * (dy[i] - s)
	}
}
