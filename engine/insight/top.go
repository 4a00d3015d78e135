package insight

import (
	"fmt"
	"sort"
	"sync"

	"cnnexplainer/engine"
)

// Probe is a labelled picture set, each picture already scaled for the model.
type Probe struct {
	Pictures []*engine.Tensor
	Labels   []int
}

// Rect is a window of input pixels, rows Y0..Y1-1 and columns X0..X1-1. It
// may reach past the picture where a layer padded its input.
type Rect struct{ Y0, X0, Y1, X1 int }

// Hit is one probe picture's strongest response of a neuron: the largest
// value of the neuron's map, at (Y, X) of that map (the first such cell in
// row-major order), and the input pixels that cell sees.
type Hit struct {
	Picture int
	Value   float32
	Y, X    int
	Field   Rect
}

// Neuron is one channel of a layer with the probe pictures that excite it
// most, strongest first (ties go to the lower picture index). Dead says that
// no probe picture makes it positive anywhere.
type Neuron struct {
	Hits []Hit
	Dead bool
}

// LayerTop is the top pictures of every neuron of one spatial layer.
type LayerTop struct {
	Layer   string
	Index   int // position in the model's layers
	Kind    engine.Kind
	Neurons []Neuron
}

// Result is everything Analyse computed over the probe set.
type Result struct {
	Layers []LayerTop
	// FeatureLayer names the layer whose outputs are Features: the Flatten
	// layer, or else the input of the last layer.
	FeatureLayer string
	Features     [][]float32
	Predicted    []int
}

// Analyse runs every probe picture through m and keeps, for every neuron of
// every Conv2D, ReLU and MaxPool2D layer, the k pictures whose maximum is
// largest. Pictures are split between workers goroutines; each writes only
// its own pictures' slots, so the result does not depend on workers.
func Analyse(m *engine.Model, p Probe, k, workers int) (*Result, error) {
	shapes, err := m.Shapes()
	if err != nil {
		return nil, err
	}
	if len(p.Pictures) == 0 || len(p.Labels) != len(p.Pictures) {
		return nil, fmt.Errorf("insight: %d pictures with %d labels", len(p.Pictures), len(p.Labels))
	}
	var spatial []int
	for i, l := range m.Layers {
		switch l.Kind() {
		case engine.KindConv2D, engine.KindReLU, engine.KindMaxPool2D:
			if len(shapes[i+1]) == 3 {
				spatial = append(spatial, i)
			}
		}
	}
	feat := featureLayer(m)
	n := len(p.Pictures)
	// best[s][c][pic] is picture pic's maximum of channel c of layer spatial[s].
	best := make([][][]Hit, len(spatial))
	for s, li := range spatial {
		best[s] = make([][]Hit, shapes[li+1][2])
		for c := range best[s] {
			best[s][c] = make([]Hit, n)
		}
	}
	res := &Result{FeatureLayer: m.Layers[feat].Name(), Features: make([][]float32, n), Predicted: make([]int, n)}
	errs := make([]error, max(workers, 1))
	var wg sync.WaitGroup
	chunk := (n + len(errs) - 1) / len(errs)
	for w := range errs {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for pic := lo; pic < hi; pic++ {
				tr, err := m.Forward(p.Pictures[pic])
				if err != nil {
					errs[w] = fmt.Errorf("probe picture %d: %w", pic, err)
					return
				}
				for s, li := range spatial {
					for c := range best[s] {
						best[s][c][pic] = channelMax(tr.Layers[li].Output, c, pic)
					}
				}
				res.Features[pic] = tr.Layers[feat].Output.Data
				res.Predicted[pic] = argmax(tr.Logits)
			}
		}(min(w*chunk, n), min((w+1)*chunk, n))
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for s, li := range spatial {
		lt := LayerTop{Layer: m.Layers[li].Name(), Index: li, Kind: m.Layers[li].Kind(), Neurons: make([]Neuron, len(best[s]))}
		for c, hits := range best[s] {
			sort.SliceStable(hits, func(a, b int) bool { return hits[a].Value > hits[b].Value })
			top := append([]Hit(nil), hits[:min(k, n)]...)
			for h := range top {
				top[h].Field = ReceptiveField(m, shapes, li, top[h].Y, top[h].X)
			}
			lt.Neurons[c] = Neuron{Hits: top, Dead: top[0].Value <= 0}
		}
		res.Layers = append(res.Layers, lt)
	}
	return res, nil
}

// channelMax finds the largest value of channel c, first in row-major order.
func channelMax(t *engine.Tensor, c, pic int) Hit {
	w, ch := t.Shape[1], t.Shape[2]
	h := Hit{Picture: pic, Value: t.Data[c]}
	for i := c; i < len(t.Data); i += ch {
		if v := t.Data[i]; v > h.Value {
			h.Value, h.Y, h.X = v, (i/ch)/w, (i/ch)%w
		}
	}
	return h
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

func featureLayer(m *engine.Model) int {
	for i, l := range m.Layers {
		if l.Kind() == engine.KindFlatten {
			return i
		}
	}
	return max(len(m.Layers)-2, 0)
}

// windowed is a layer that slides a window over its input.
type windowed interface {
	Windows(in []int) (engine.Window, engine.Window, error)
}

// ReceptiveField is the input window that cell (y, x) of layer li's output
// depends on, walking the windows of every layer below it; shapes are
// m.Shapes().
func ReceptiveField(m *engine.Model, shapes [][]int, li, y, x int) Rect {
	r := Rect{y, x, y + 1, x + 1}
	for i := li; i >= 0; i-- {
		l, ok := m.Layers[i].(windowed)
		if !ok {
			continue // elementwise: the same cells
		}
		wy, wx, err := l.Windows(shapes[i])
		if err != nil {
			continue // Shapes succeeded, so this cannot happen
		}
		r = Rect{r.Y0*wy.Stride - wy.Before, r.X0*wx.Stride - wx.Before,
			(r.Y1-1)*wy.Stride - wy.Before + wy.K, (r.X1-1)*wx.Stride - wx.Before + wx.K}
	}
	return r
}
