package insight

import (
	"fmt"

	"cnnexplainer/engine"
)

// InputGrads backpropagates the logit of class through the model for one
// forward pass tr and returns, for every layer i, the gradient of that logit
// with respect to the layer's input (index 0 is the picture itself). The
// last entry is the gradient at the logits: a one-hot vector.
//
// The logit is the value before the softmax, whether the softmax is its own
// layer or fused into the last Dense layer, so saliency measures evidence
// for the class rather than against the others.
func InputGrads(m *engine.Model, tr *engine.Trace, class int) ([]*engine.Tensor, error) {
	n := len(m.Layers)
	if class < 0 || class >= len(tr.Logits) {
		return nil, fmt.Errorf("insight: class %d out of range [0, %d)", class, len(tr.Logits))
	}
	grads := make([]*engine.Tensor, n+1)
	last := n
	if _, ok := m.Layers[n-1].(*engine.Softmax); ok {
		last = n - 1 // the softmax layer's input holds the logits
	}
	onehot := engine.NewTensor(len(tr.Logits))
	onehot.Data[class] = 1
	grads[last] = onehot
	for i := last - 1; i >= 0; i-- {
		l := m.Layers[i]
		x, y := tr.LayerInput(i), tr.Layers[i].Output
		dx := engine.NewTensor(x.Shape...)
		scratch := paramScratch(l)
		if d, ok := l.(*engine.Dense); ok && d.Act == engine.ActSoftmax {
			d.BackwardLogits(x, grads[i+1], dx, scratch)
		} else {
			l.Backward(x, y, grads[i+1], dx, scratch)
		}
		grads[i] = dx
	}
	if last == n-1 {
		grads[n] = onehot
	}
	return grads, nil
}

// paramScratch is somewhere for Backward to add parameter gradients we do
// not need.
func paramScratch(l engine.Layer) [][]float32 {
	ps := l.Params()
	g := make([][]float32, len(ps))
	for i, p := range ps {
		g[i] = make([]float32, len(p.Data))
	}
	return g
}

// Saliency is the gradient of the class logit with respect to each input
// pixel, reduced over channels by the largest absolute value: an (H, W, 1)
// map of how much a small change of that pixel would move the logit.
// Signed is the raw gradient (H, W, C).
type Saliency struct {
	Map, Signed *engine.Tensor
}

// SaliencyOf computes the saliency of class for the forward pass tr.
func SaliencyOf(m *engine.Model, tr *engine.Trace, class int) (Saliency, error) {
	g, err := InputGrads(m, tr, class)
	if err != nil {
		return Saliency{}, err
	}
	in := g[0]
	h, w, c := in.Shape[0], in.Shape[1], in.Shape[2]
	s := engine.NewTensor(h, w, 1)
	for p := 0; p < h*w; p++ {
		for k := 0; k < c; k++ {
			s.Data[p] = max(s.Data[p], abs32(in.Data[p*c+k]))
		}
	}
	return Saliency{Map: s, Signed: in}, nil
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
