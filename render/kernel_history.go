package render

import (
	"cnnexplainer/engine/train"
	"fmt"
	"image"
)

// The kernel history: each first-layer kernel as training changed it,
// epoch by epoch, from the training history's snapshots.

// KernelHistoryValues is the content of a kernel history's values file:
// every kernel slice of the first convolution at every snapshot epoch.
type KernelHistoryValues struct {
	Layer   string          `json:"layer"`
	KH      int             `json:"kh"`
	KW      int             `json:"kw"`
	Epochs  []int           `json:"epochs"`
	Kernels []KernelHistory `json:"kernels"` // neuron-major, then input channel
}

// KernelHistory is one kernel slice over the epochs; Values[e] is the
// row-major slice at Epochs[e], drawn on BrBG over Range. Range is the
// same for every kernel and epoch of the layer: with a range per kernel a
// dead kernel's tiny weights would look as strong as a working one's.
type KernelHistory struct {
	Neuron  int         `json:"neuron"`
	Channel int         `json:"channel"`
	Range   [2]float32  `json:"range"`
	Values  [][]float32 `json:"values"`
}

// KernelEpochFile is the figure path of one kernel slice at one epoch.
func KernelEpochFile(layer string, neuron, channel, epoch int) string {
	return fmt.Sprintf("t/kernels/%s/%d/%d/%d.png", layer, neuron, channel, epoch)
}

// planKernelHistory plans the first convolution's kernels at every
// snapshot epoch: one PNG per kernel slice per epoch, the grid of all of
// them (rows epochs, columns kernels) and their values.
func planKernelHistory(h *train.History) ([]job, error) {
	if len(h.Snapshots) == 0 {
		return nil, nil
	}
	kv, err := kernelHistory(h)
	if err != nil || kv == nil {
		return nil, err
	}
	var jobs []job
	for _, k := range kv.Kernels {
		sc := WeightScale(max(abs32(k.Range[0]), abs32(k.Range[1])))
		for e, vals := range k.Values {
			jobs = append(jobs, job{
				Figure: Figure{File: KernelEpochFile(kv.Layer, k.Neuron, k.Channel, kv.Epochs[e]), Kind: KindKernelEpoch,
					Layer: kv.Layer, Neuron: k.Neuron, Channel: k.Channel, Range: sc.Range(), Scale: sc.Scheme,
					Width: kv.KW, Height: kv.KH, Params: map[string]int{"epoch": kv.Epochs[e]}},
				Draw: func() ([]byte, error) { return GridPNG(kv.KW, kv.KH, vals, sc) },
			})
		}
	}
	gw, gh := len(kv.Kernels)*(kv.KW+1)-1, len(kv.Epochs)*(kv.KH+1)-1
	dir := "t/kernels/" + kv.Layer + "/"
	jobs = append(jobs,
		job{
			// One range for the layer, so the page can give it a legend.
			Figure: Figure{File: dir + "grid.png", Kind: KindKernelHistory, Layer: kv.Layer, Neuron: -1, Channel: -1,
				Scale: BrBG, Range: kv.Kernels[0].Range, Width: gw, Height: gh,
				Params: map[string]int{"epochs": len(kv.Epochs), "kernels": len(kv.Kernels), "kh": kv.KH, "kw": kv.KW, "gap": 1}},
			Draw: func() ([]byte, error) { return kernelGridPNG(kv) },
		},
		job{
			Figure: Figure{File: dir + "history.json", Kind: KindKernelHistoryV, Layer: kv.Layer, Neuron: -1, Channel: -1},
			Draw:   func() ([]byte, error) { return marshalJSON(kv) },
		})
	return jobs, nil
}

// kernelHistory collects the first 4-D kernel of the snapshots (the first
// convolution, (KH, KW, InC, OutC)) at every epoch, or nil if there is
// none.
func kernelHistory(h *train.History) (*KernelHistoryValues, error) {
	var layer string
	var shape []int
	for _, p := range h.Snapshots[0].Params {
		if p.Name == "kernel" && len(p.Shape) == 4 {
			layer, shape = p.Layer, p.Shape
			break
		}
	}
	if layer == "" {
		return nil, nil
	}
	kh, kw, in, out := shape[0], shape[1], shape[2], shape[3]
	kv := &KernelHistoryValues{Layer: layer, KH: kh, KW: kw}
	for o := 0; o < out; o++ {
		for c := 0; c < in; c++ {
			kv.Kernels = append(kv.Kernels, KernelHistory{Neuron: o, Channel: c})
		}
	}
	for _, snap := range h.Snapshots {
		p := snap.Param(layer, "kernel")
		if p == nil || len(p.Shape) != 4 || p.Shape[0] != kh || p.Shape[1] != kw || p.Shape[2] != in || p.Shape[3] != out ||
			len(p.Data) != kh*kw*in*out {
			return nil, fmt.Errorf("render: history snapshot of epoch %d has no %s kernel of shape %v", snap.Epoch, layer, shape)
		}
		kv.Epochs = append(kv.Epochs, snap.Epoch)
		for i := range kv.Kernels {
			k := &kv.Kernels[i]
			vals := make([]float32, 0, kh*kw)
			for ky := 0; ky < kh; ky++ {
				for kx := 0; kx < kw; kx++ {
					vals = append(vals, p.Data[((ky*kw+kx)*in+k.Channel)*out+k.Neuron])
				}
			}
			k.Values = append(k.Values, vals)
		}
	}
	var m float32
	for _, k := range kv.Kernels {
		for _, vals := range k.Values {
			m = max(m, maxAbs(vals))
		}
	}
	for i := range kv.Kernels {
		kv.Kernels[i].Range = WeightScale(m).Range()
	}
	return kv, nil
}

// kernelGridPNG draws every kernel at every epoch: row e is epoch
// Epochs[e], column j kernel j, each in its own shared range, with a
// one-pixel transparent gap between them, all in the layer's range.
func kernelGridPNG(kv *KernelHistoryValues) ([]byte, error) {
	gw, gh := len(kv.Kernels)*(kv.KW+1)-1, len(kv.Epochs)*(kv.KH+1)-1
	img := image.NewNRGBA(image.Rect(0, 0, gw, gh))
	for j, k := range kv.Kernels {
		sc := WeightScale(k.Range[1])
		for e, vals := range k.Values {
			for i, v := range vals {
				img.SetNRGBA(j*(kv.KW+1)+i%kv.KW, e*(kv.KH+1)+i/kv.KW, sc.Color(v))
			}
		}
	}
	return encodePNG(img)
}
