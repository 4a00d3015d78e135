package train

import (
	"fmt"
	"math"
)

// Optimizer names the update rule.
type Optimizer string

const (
	// Adam follows Kingma and Ba, "Adam: A Method for Stochastic
	// Optimization" (ICLR 2015), Algorithm 1, with bias correction and eps
	// added to sqrt(v-hat), as torch.optim.Adam does without weight decay.
	Adam Optimizer = "adam"
	// SGD is stochastic gradient descent with heavy-ball momentum as
	// torch.optim.SGD defines it (no dampening, no Nesterov):
	// v = momentum*v + g; w -= lr*v.
	SGD Optimizer = "sgd"
)

// ParseOptimizer accepts "adam" and "sgd".
func ParseOptimizer(s string) (Optimizer, error) {
	switch Optimizer(s) {
	case Adam, SGD:
		return Optimizer(s), nil
	}
	return "", fmt.Errorf("unknown optimizer %q (want adam or sgd)", s)
}

// updater applies one step to the flat parameter list given the mean
// gradient (flat, in the same order).
type updater interface {
	step(params [][]float32, grad []float32, lr float64)
}

type adam struct {
	beta1, beta2, eps float64
	t                 int
	m, v              []float32
}

func newAdam(n int) *adam {
	return &adam{beta1: 0.9, beta2: 0.999, eps: 1e-8, m: make([]float32, n), v: make([]float32, n)}
}

func (a *adam) step(params [][]float32, grad []float32, lr float64) {
	a.t++
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	k := 0
	for _, p := range params {
		for i := range p {
			g := float64(grad[k])
			m := a.beta1*float64(a.m[k]) + (1-a.beta1)*g
			v := a.beta2*float64(a.v[k]) + (1-a.beta2)*g*g
			a.m[k], a.v[k] = float32(m), float32(v)
			p[i] -= float32(lr * (m / c1) / (math.Sqrt(v/c2) + a.eps))
			k++
		}
	}
}

type sgd struct {
	momentum float64
	v        []float32
}

func (s *sgd) step(params [][]float32, grad []float32, lr float64) {
	k := 0
	for _, p := range params {
		for i := range p {
			v := s.momentum*float64(s.v[k]) + float64(grad[k])
			s.v[k] = float32(v)
			p[i] -= float32(lr * v)
			k++
		}
	}
}

// Schedule shapes the learning rate over the run.
type Schedule string

const (
	// Constant keeps the learning rate fixed.
	Constant Schedule = "constant"
	// Cosine decays it from lr to 0 along half a cosine, step by step:
	// lr * (1 + cos(pi * step / steps)) / 2 (SGDR without restarts).
	Cosine Schedule = "cosine"
)

// ParseSchedule accepts "constant" and "cosine".
func ParseSchedule(s string) (Schedule, error) {
	switch Schedule(s) {
	case Constant, Cosine:
		return Schedule(s), nil
	}
	return "", fmt.Errorf("unknown schedule %q (want constant or cosine)", s)
}

// rate is the learning rate at step (0-based) of steps.
func (s Schedule) rate(lr float64, step, steps int) float64 {
	if s == Cosine && steps > 0 {
		return lr * (1 + math.Cos(math.Pi*float64(step)/float64(steps))) / 2
	}
	return lr
}
