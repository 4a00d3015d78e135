package insight

import (
	"fmt"

	"cnnexplainer/engine"
)

// CAMLayer is the layer whose maps Grad-CAM weighs: the last Conv2D, or the
// ReLU right after it when the activation is a layer of its own (Grad-CAM's
// maps are the rectified ones). It returns -1 if the model has no Conv2D.
func CAMLayer(m *engine.Model) int {
	at := -1
	for i, l := range m.Layers {
		if l.Kind() == engine.KindConv2D {
			at = i
		}
	}
	if at >= 0 && at+1 < len(m.Layers) && m.Layers[at+1].Kind() == engine.KindReLU {
		at++
	}
	return at
}

// CAM is a Grad-CAM map at the resolution of its layer, (h, w, 1), with the
// per-channel weights it summed.
type CAM struct {
	Layer   string
	Map     *engine.Tensor
	Weights []float32
}

// GradCAM weighs each map A_k of the CAM layer by the spatial mean of the
// class logit's gradient over it, sums and rectifies:
// ReLU(sum_k mean(dy/dA_k) A_k), as in Selvaraju et al. (2017).
func GradCAM(m *engine.Model, tr *engine.Trace, class int) (CAM, error) {
	at := CAMLayer(m)
	if at < 0 {
		return CAM{}, fmt.Errorf("insight: model %s has no convolution for Grad-CAM", m.Name)
	}
	g, err := InputGrads(m, tr, class)
	if err != nil {
		return CAM{}, err
	}
	a, da := tr.Layers[at].Output, g[at+1]
	h, w, c := a.Shape[0], a.Shape[1], a.Shape[2]
	weights := make([]float32, c)
	for p := 0; p < h*w; p++ {
		for k := 0; k < c; k++ {
			weights[k] += da.Data[p*c+k]
		}
	}
	for k := range weights {
		weights[k] /= float32(h * w)
	}
	out := engine.NewTensor(h, w, 1)
	for p := 0; p < h*w; p++ {
		var s float32
		for k := 0; k < c; k++ {
			s += weights[k] * a.Data[p*c+k]
		}
		out.Data[p] = max(s, 0)
	}
	return CAM{Layer: m.Layers[at].Name(), Map: out, Weights: weights}, nil
}

// LayerCAM keeps the gradient where Grad-CAM averages it away: each cell is
// ReLU(sum_k ReLU(dy/dA_k) A_k) at that cell (Jiang et al., 2021). A model
// whose maps feed a Dense layer directly, as TinyVGG's do, weighs every
// cell separately, so Grad-CAM's spatial mean of the gradient is often
// negative for every channel and its map empty; LayerCAM still shows which
// cells speak for the class.
func LayerCAM(m *engine.Model, tr *engine.Trace, class int) (CAM, error) {
	at := CAMLayer(m)
	if at < 0 {
		return CAM{}, fmt.Errorf("insight: model %s has no convolution for LayerCAM", m.Name)
	}
	g, err := InputGrads(m, tr, class)
	if err != nil {
		return CAM{}, err
	}
	a, da := tr.Layers[at].Output, g[at+1]
	h, w, c := a.Shape[0], a.Shape[1], a.Shape[2]
	out := engine.NewTensor(h, w, 1)
	for p := 0; p < h*w; p++ {
		var s float32
		for k := 0; k < c; k++ {
			s += max(da.Data[p*c+k], 0) * a.Data[p*c+k]
		}
		out.Data[p] = max(s, 0)
	}
	return CAM{Layer: m.Layers[at].Name(), Map: out}, nil
}
