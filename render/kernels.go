package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"cnnexplainer/engine"
)

// KernelValues is the content of m/kernels.json: every convolution layer's
// kernels and biases, for hover text and accessible tables on the page.
type KernelValues struct {
	Layers map[string]KernelLayer `json:"layers"`
}

// KernelLayer holds one convolution layer. Kernels[o][c] is the row-major
// (KH, KW) slice that connects input channel c to output channel (neuron) o.
type KernelLayer struct {
	KH     int           `json:"kh"`
	KW     int           `json:"kw"`
	Range  [2]float32    `json:"range"` // the BrBG scale the kernel PNGs use
	Kernel [][][]float32 `json:"kernel"`
	Bias   []float32     `json:"bias"`
}

// DenseValues is the content of m/<layer>/weights.json. Weights[o] holds
// the In weights into output o in input (Keras flatten) order; when the
// layer reads a flattened map, Map is that map's (H, W, C) shape.
type DenseValues struct {
	In      int         `json:"in"`
	Out     int         `json:"out"`
	Map     []int       `json:"map,omitempty"`
	Range   [2]float32  `json:"range"`
	Weights [][]float32 `json:"weights"`
	Bias    []float32   `json:"bias"`
}

// KernelFile is the figure path of one kernel slice.
func KernelFile(layer string, neuron, channel int) string {
	return "m/" + layer + "/" + strconv.Itoa(neuron) + "/" + strconv.Itoa(channel) + ".png"
}

// DenseFile is the figure path of the weights into output o from one
// channel of the flattened map.
func DenseFile(layer string, out, channel int) string { return KernelFile(layer, out, channel) }

// planKernels plans the kernel and dense-weight heatmaps and their values.
func planKernels(m *engine.Model) ([]job, error) {
	shapes, err := m.Shapes()
	if err != nil {
		return nil, err
	}
	var jobs []job
	values := KernelValues{Layers: map[string]KernelLayer{}}
	for i, l := range m.Layers {
		switch l := l.(type) {
		case *engine.Conv2D:
			sc := KernelScale(l)
			kl := KernelLayer{KH: l.KH, KW: l.KW, Range: sc.Range(), Bias: append([]float32(nil), l.Bias...)}
			for o := 0; o < l.OutC; o++ {
				var per [][]float32
				for c := 0; c < l.InC; c++ {
					slice := l.KernelSlice(o, c)
					per = append(per, slice)
					jobs = append(jobs, job{
						Figure: Figure{File: KernelFile(l.Name(), o, c), Kind: KindKernel, Layer: l.Name(),
							Neuron: o, Channel: c, Range: sc.Range(), Scale: sc.Scheme, Width: l.KW, Height: l.KH},
						Draw: func() ([]byte, error) { return GridPNG(l.KW, l.KH, slice, sc) },
					})
				}
				kl.Kernel = append(kl.Kernel, per)
			}
			values.Layers[l.Name()] = kl
		case *engine.Dense:
			js, err := planDense(m, l, shapes, i)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, js...)
		}
	}
	if len(values.Layers) > 0 {
		jobs = append(jobs, job{
			Figure: Figure{File: "m/kernels.json", Kind: KindKernelValues, Neuron: -1, Channel: -1},
			Draw:   func() ([]byte, error) { return marshalJSON(values) },
		})
	}
	return jobs, nil
}

// planDense plans, for a dense layer, the whole weight matrix (one row per
// output) and, when its input is a flattened map, the weights into each
// output laid back onto that map, one PNG per map channel.
func planDense(m *engine.Model, l *engine.Dense, shapes [][]int, i int) ([]job, error) {
	sc := WeightScale(maxAbs(l.Kernel))
	dv := DenseValues{In: l.In, Out: l.Out, Range: sc.Range(), Bias: append([]float32(nil), l.Bias...)}
	for o := 0; o < l.Out; o++ {
		row := make([]float32, l.In)
		for k := range row {
			row[k] = l.Kernel[k*l.Out+o]
		}
		dv.Weights = append(dv.Weights, row)
	}
	matrix := make([]float32, 0, l.In*l.Out)
	for _, row := range dv.Weights {
		matrix = append(matrix, row...)
	}
	name := l.Name()
	jobs := []job{
		{
			Figure: Figure{File: "m/" + name + "/matrix.png", Kind: KindDenseWeights, Layer: name, Neuron: -1, Channel: -1,
				Range: sc.Range(), Scale: sc.Scheme, Width: l.In, Height: l.Out},
			Draw: func() ([]byte, error) { return GridPNG(l.In, l.Out, matrix, sc) },
		},
	}
	// The map a flatten directly before this layer read.
	if i >= 1 && m.Layers[i-1].Kind() == engine.KindFlatten && len(shapes[i-1]) == 3 {
		mp := shapes[i-1]
		h, w, cs := mp[0], mp[1], mp[2]
		fl, _ := m.Layers[i-1].(*engine.Flatten)
		index := func(y, x, c int) int { return engine.FlatIndex(y, x, c, w, cs) }
		if fl != nil {
			index = func(y, x, c int) int { return fl.Index(y, x, c, mp) }
		}
		dv.Map = []int{h, w, cs}
		for o := 0; o < l.Out; o++ {
			for c := 0; c < cs; c++ {
				grid := make([]float32, h*w)
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						grid[y*w+x] = dv.Weights[o][index(y, x, c)]
					}
				}
				jobs = append(jobs, job{
					Figure: Figure{File: DenseFile(name, o, c), Kind: KindDenseWeights, Layer: name, Neuron: o, Channel: c,
						Range: sc.Range(), Scale: sc.Scheme, Width: w, Height: h},
					Draw: func() ([]byte, error) { return GridPNG(w, h, grid, sc) },
				})
			}
		}
	}
	jobs = append(jobs, job{
		Figure: Figure{File: "m/" + name + "/weights.json", Kind: KindDenseValues, Layer: name, Neuron: -1, Channel: -1},
		Draw:   func() ([]byte, error) { return marshalJSON(dv) },
	})
	return jobs, nil
}

// marshalJSON encodes v compactly with a final newline; map keys come out
// sorted, so the bytes are deterministic.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return buf.Bytes(), nil
}
