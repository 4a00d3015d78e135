package engine

import "math"

// LeakyReLU is x for x > 0 and Alpha*x otherwise (PyTorch's
// negative_slope, Keras's alpha).
type LeakyReLU struct {
	LayerName string
	Alpha     float32
}

func (l *LeakyReLU) Name() string                        { return l.LayerName }
func (l *LeakyReLU) Kind() Kind                          { return KindLeakyReLU }
func (l *LeakyReLU) Params() []Param                     { return nil }
func (l *LeakyReLU) OutputShape(in []int) ([]int, error) { return append([]int(nil), in...), nil }

func (l *LeakyReLU) Forward(x, y *Tensor) {
	for i, v := range x.Data {
		if v > 0 {
			y.Data[i] = v
		} else {
			y.Data[i] = l.Alpha * v
		}
	}
}

func (l *LeakyReLU) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	for i, v := range x.Data {
		if v > 0 {
			dx.Data[i] = dy.Data[i]
		} else {
			dx.Data[i] = l.Alpha * dy.Data[i]
		}
	}
}

// Sigmoid is the logistic function 1 / (1 + e^-x).
type Sigmoid struct{ LayerName string }

func (l *Sigmoid) Name() string                        { return l.LayerName }
func (l *Sigmoid) Kind() Kind                          { return KindSigmoid }
func (l *Sigmoid) Params() []Param                     { return nil }
func (l *Sigmoid) OutputShape(in []int) ([]int, error) { return append([]int(nil), in...), nil }

func (l *Sigmoid) Forward(x, y *Tensor) {
	for i, v := range x.Data {
		y.Data[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

// Backward uses the output: d sigmoid/dx = y (1 - y).
func (l *Sigmoid) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	for i, s := range y.Data {
		dx.Data[i] = dy.Data[i] * s * (1 - s)
	}
}

// Tanh is the hyperbolic tangent.
type Tanh struct{ LayerName string }

func (l *Tanh) Name() string                        { return l.LayerName }
func (l *Tanh) Kind() Kind                          { return KindTanh }
func (l *Tanh) Params() []Param                     { return nil }
func (l *Tanh) OutputShape(in []int) ([]int, error) { return append([]int(nil), in...), nil }

func (l *Tanh) Forward(x, y *Tensor) {
	for i, v := range x.Data {
		y.Data[i] = float32(math.Tanh(float64(v)))
	}
}

// Backward uses the output: d tanh/dx = 1 - y^2.
func (l *Tanh) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	for i, t := range y.Data {
		dx.Data[i] = dy.Data[i] * (1 - t*t)
	}
}
