package engine

import (
	"fmt"
	"math"
)

// BatchNorm is batch normalisation at inference time, channel by channel,
// with the statistics gathered in training:
//
//	y[.., c] = Gamma[c] * (x[.., c] - Mean[c]) / sqrt(Var[c] + Epsilon) + Beta[c]
//
// It works on maps (H, W, C) and on vectors (N), where each value is its
// own channel. Exporters usually fold a batch norm into the convolution
// before it; this layer is for the ones that stay (after an activation, say).
type BatchNorm struct {
	LayerName string
	C         int
	Epsilon   float32
	Gamma     []float32 // (C) scale
	Beta      []float32 // (C) shift
	Mean      []float32 // (C) moving mean
	Var       []float32 // (C) moving variance
}

func (l *BatchNorm) Name() string { return l.LayerName }
func (l *BatchNorm) Kind() Kind   { return KindBatchNorm }

// Params names the four tensors as Keras does.
func (l *BatchNorm) Params() []Param {
	return []Param{
		{Name: "gamma", Shape: []int{l.C}, Data: l.Gamma},
		{Name: "beta", Shape: []int{l.C}, Data: l.Beta},
		{Name: "moving_mean", Shape: []int{l.C}, Data: l.Mean},
		{Name: "moving_variance", Shape: []int{l.C}, Data: l.Var},
	}
}

func (l *BatchNorm) OutputShape(in []int) ([]int, error) {
	if len(in) != 3 && len(in) != 1 {
		return nil, fmt.Errorf("layer %s: batch norm needs an (H, W, C) or vector input, got shape %v", l.LayerName, in)
	}
	if in[len(in)-1] != l.C {
		return nil, fmt.Errorf("layer %s: %d channels in the statistics, input has %d", l.LayerName, l.C, in[len(in)-1])
	}
	for _, p := range l.Params() {
		if len(p.Data) != l.C {
			return nil, fmt.Errorf("layer %s: %s has %d values for %d channels", l.LayerName, p.Name, len(p.Data), l.C)
		}
	}
	for c, v := range l.Var {
		if !(v+l.Epsilon > 0) {
			return nil, fmt.Errorf("layer %s: variance %v + epsilon %v of channel %d is not positive", l.LayerName, v, l.Epsilon, c)
		}
	}
	return append([]int(nil), in...), nil
}

// invStd returns 1/sqrt(Var[c] + Epsilon), computed in float64.
func (l *BatchNorm) invStd(c int) float32 {
	return float32(1 / math.Sqrt(float64(l.Var[c])+float64(l.Epsilon)))
}

func (l *BatchNorm) Forward(x, y *Tensor) {
	C := l.C
	for c := 0; c < C; c++ {
		a := l.Gamma[c] * l.invStd(c)
		for i := c; i < len(x.Data); i += C {
			y.Data[i] = (x.Data[i]-l.Mean[c])*a + l.Beta[c]
		}
	}
}

// Backward also gives the gradients of the statistics, so that a gradient
// check covers every parameter; training a model with frozen statistics
// simply ignores the last two.
func (l *BatchNorm) Backward(x, y, dy, dx *Tensor, grads [][]float32) {
	C := l.C
	for c := 0; c < C; c++ {
		s := l.invStd(c)
		var dg, db, dxhat float32
		for i := c; i < len(x.Data); i += C {
			xhat := (x.Data[i] - l.Mean[c]) * s
			dg += dy.Data[i] * xhat
			db += dy.Data[i]
			dxhat += dy.Data[i] * xhat
			if dx != nil {
				dx.Data[i] = dy.Data[i] * l.Gamma[c] * s
			}
		}
		grads[0][c] += dg
		grads[1][c] += db
		grads[2][c] += -l.Gamma[c] * s * db
		// d/dVar of (x-mean) * (var+eps)^-1/2 is -1/2 * xhat / (var+eps).
		grads[3][c] += -0.5 * l.Gamma[c] * dxhat * s * s
	}
}
