package train

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"cnnexplainer/engine"
)

// head says where the loss gradient enters the network.
type head int

const (
	// headLogits: the last layer's output are the logits.
	headLogits head = iota
	// headDenseSoftmax: the last layer is Dense with a fused softmax; the
	// gradient p - onehot enters at its pre-activation.
	headDenseSoftmax
	// headSoftmax: the last layer is a Softmax layer; p - onehot enters at
	// its input and the layer itself is skipped.
	headSoftmax
)

type trainer struct {
	m       *engine.Model
	cfg     Config
	shapes  [][]int
	head    head
	classes int
	params  [][]float32 // every parameter slice, layer by layer
	size    int         // total parameter count
	opt     updater
	chunks  []*chunk
	workers []*scratch
	total   []float32
}

// chunk is one fixed piece of a batch: its own gradient buffer and sums.
type chunk struct {
	grad   []float32
	layers [][][]float32 // per layer, per parameter, aliasing grad
	loss   float64
	right  int
	err    error
}

// scratch is one worker's preallocated tensors for one example.
type scratch struct {
	acts   []*engine.Tensor // acts[0] input, acts[i+1] output of layer i
	grads  []*engine.Tensor // gradient with respect to acts[i]
	logits []float32
	probs  []float32
	ws     engine.Workspace
}

func newTrainer(m *engine.Model, cfg Config) (*trainer, error) {
	shapes, err := m.Shapes()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	out := shapes[len(shapes)-1]
	if len(out) != 1 || out[0] < 2 {
		return nil, fmt.Errorf("train: model %s: output shape %v is not a vector of class scores", m.Name, out)
	}
	t := &trainer{m: m, cfg: cfg, shapes: shapes, classes: out[0]}
	switch l := m.Layers[len(m.Layers)-1].(type) {
	case *engine.Dense:
		if l.Act == engine.ActSoftmax {
			t.head = headDenseSoftmax
		} else if l.Act != engine.Linear {
			return nil, fmt.Errorf("train: model %s ends in %s with activation %s; the loss needs logits or a softmax", m.Name, l.Name(), l.Act)
		}
	case *engine.Softmax:
		t.head = headSoftmax
	}
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			t.params = append(t.params, p.Data)
			t.size += len(p.Data)
		}
	}
	switch cfg.Optimizer {
	case Adam:
		t.opt = newAdam(t.size)
	case SGD:
		t.opt = &sgd{momentum: cfg.Momentum, v: make([]float32, t.size)}
	default:
		return nil, fmt.Errorf("train: unknown optimizer %q", cfg.Optimizer)
	}
	t.chunks = make([]*chunk, cfg.Chunks)
	for c := range t.chunks {
		ch := &chunk{grad: make([]float32, t.size)}
		off := 0
		for _, l := range m.Layers {
			var ps [][]float32
			for _, p := range l.Params() {
				ps = append(ps, ch.grad[off:off+len(p.Data):off+len(p.Data)])
				off += len(p.Data)
			}
			ch.layers = append(ch.layers, ps)
		}
		t.chunks[c] = ch
	}
	t.workers = make([]*scratch, cfg.Workers)
	for w := range t.workers {
		t.workers[w] = newScratch(shapes, t.classes)
	}
	t.total = make([]float32, t.size)
	return t, nil
}

func newScratch(shapes [][]int, classes int) *scratch {
	s := &scratch{logits: make([]float32, classes), probs: make([]float32, classes)}
	for _, sh := range shapes {
		s.acts = append(s.acts, engine.NewTensor(sh...))
		s.grads = append(s.grads, engine.NewTensor(sh...))
	}
	return s
}

// step trains on the examples idx and returns their summed loss and the
// number classified right before the update;
// flips, if not nil, says which of them to mirror.
func (t *trainer) step(d Data, idx []int, flips []bool, lr float64) (float64, int, error) {
	n := len(idx)
	nc := min(len(t.chunks), n)
	for c := 0; c < nc; c++ {
		ch := t.chunks[c]
		clear(ch.grad)
		ch.loss, ch.right, ch.err = 0, 0, nil
	}
	work := func(s *scratch, c int) {
		ch := t.chunks[c]
		for j := c * n / nc; j < (c+1)*n/nc; j++ {
			flip := flips != nil && flips[j]
			loss, right, err := t.example(s, d, idx[j], flip, ch.layers)
			if err != nil {
				ch.err = err
				return
			}
			ch.loss += loss
			if right {
				ch.right++
			}
		}
	}
	t.parallel(nc, work)
	var loss float64
	var right int
	copy(t.total, t.chunks[0].grad)
	for c := 0; c < nc; c++ {
		ch := t.chunks[c]
		if ch.err != nil {
			return 0, 0, ch.err
		}
		if c > 0 {
			for k, g := range ch.grad {
				t.total[k] += g
			}
		}
		loss += ch.loss
		right += ch.right
	}
	scale := 1 / float32(n)
	for k := range t.total {
		t.total[k] *= scale
	}
	t.opt.step(t.params, t.total, lr)
	return loss, right, nil
}

// parallel runs work for jobs 0..jobs-1 on the workers; which worker runs
// which job does not matter to the result.
func (t *trainer) parallel(jobs int, work func(s *scratch, job int)) {
	nw := min(len(t.workers), jobs)
	if nw <= 1 {
		for j := 0; j < jobs; j++ {
			work(t.workers[0], j)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func(s *scratch) {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= jobs {
					return
				}
				work(s, j)
			}
		}(t.workers[w])
	}
	wg.Wait()
}

// mirror flips an (H, W, C) map left to right in place.
func mirror(x *engine.Tensor) {
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	for y := 0; y < h; y++ {
		row := x.Data[y*w*c : (y+1)*w*c]
		for a, b := 0, w-1; a < b; a, b = a+1, b-1 {
			for k := 0; k < c; k++ {
				row[a*c+k], row[b*c+k] = row[b*c+k], row[a*c+k]
			}
		}
	}
}

// example runs example i (mirrored if flip) forward and backward, adding its parameter
// gradients into grads, and returns its loss and whether it was right.
func (t *trainer) example(s *scratch, d Data, i int, flip bool, grads [][][]float32) (float64, bool, error) {
	label := d.Example(i, s.acts[0].Data)
	if flip {
		mirror(s.acts[0])
	}
	if label < 0 || label >= t.classes {
		return 0, false, fmt.Errorf("example %d: label %d outside 0..%d", i, label, t.classes-1)
	}
	layers := t.m.Layers
	L := len(layers)
	for k, l := range layers {
		forward(s, l, s.acts[k], s.acts[k+1])
	}
	loss, pred := t.logitsAndLoss(s, label)
	// p - onehot is the gradient of the cross-entropy at the logits.
	var g *engine.Tensor
	last := L - 1 // the layer whose output gradient g holds
	switch t.head {
	case headLogits:
		g = s.grads[L]
	case headSoftmax:
		g = s.grads[L-1]
		last = L - 2
	case headDenseSoftmax:
		g = s.grads[L] // holds the gradient at the pre-activation
	}
	copy(g.Data, s.probs)
	g.Data[label]--
	if t.head == headDenseSoftmax {
		var dx *engine.Tensor
		if L > 1 {
			dx = s.grads[L-1]
		}
		layers[L-1].(*engine.Dense).BackwardLogits(s.acts[L-1], g, dx, grads[L-1])
		last = L - 2
	}
	for k := last; k >= 0; k-- {
		k -= t.backward(s, k, grads)
	}
	return loss, pred == label, nil
}

// logitsAndLoss fills s.logits and s.probs from the forward pass in s and
// returns the cross-entropy for label and the predicted class.
func (t *trainer) logitsAndLoss(s *scratch, label int) (float64, int) {
	L := len(t.m.Layers)
	switch t.head {
	case headDenseSoftmax:
		t.m.Layers[L-1].(*engine.Dense).Logits(s.acts[L-1].Data, s.logits)
		copy(s.probs, s.acts[L].Data)
	case headSoftmax:
		copy(s.logits, s.acts[L-1].Data)
		copy(s.probs, s.acts[L].Data)
	default:
		copy(s.logits, s.acts[L].Data)
		engine.SoftmaxInto(s.logits, s.probs)
	}
	return CrossEntropy(s.logits, label), argmax(s.probs)
}

// CrossEntropy is -log softmax(logits)[label], computed in float64 as
// log-sum-exp minus the label's logit, so it stays finite for any logits.
func CrossEntropy(logits []float32, label int) float64 {
	m := float64(logits[0])
	for _, v := range logits {
		m = max(m, float64(v))
	}
	var s float64
	for _, v := range logits {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s) - float64(logits[label])
}

// argmax returns the first index of the largest value.
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
