package train

import (
	"fmt"
	"math"

	"cnnexplainer/engine"
)

// Init sets every parameter of m the way PyTorch initialises Conv2d and
// Linear by default: the kernel is Kaiming-uniform with a = sqrt(5), which
// works out to U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and the bias is drawn
// from the same interval. fanIn is KH*KW*InC for a convolution and In for a
// dense layer. Values come from a PCG stream seeded with seed, layer by
// layer in model order, kernel before bias, in storage order.
func Init(m *engine.Model, seed uint64) error {
	r := newRNG(seed, 1)
	for _, l := range m.Layers {
		var fanIn int
		switch l := l.(type) {
		case *engine.Conv2D:
			fanIn = l.KH * l.KW * l.InC
		case *engine.Dense:
			fanIn = l.In
		default:
			if len(l.Params()) != 0 {
				return fmt.Errorf("init: layer %s (%s) has parameters but no initialisation rule", l.Name(), l.Kind())
			}
			continue
		}
		if fanIn < 1 {
			return fmt.Errorf("init: layer %s has no inputs", l.Name())
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		for _, p := range l.Params() {
			for i := range p.Data {
				p.Data[i] = float32((2*r.uniform() - 1) * bound)
			}
		}
	}
	return nil
}
