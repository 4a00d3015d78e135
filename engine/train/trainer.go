package train

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"cnnexplainer/engine"
)

// Data is a labelled set of examples. Example writes example i, already
// scaled as the model's Input says, into x and returns its label. It is
// called from several goroutines at once and must not keep x.
type Data interface {
	Len() int
	Example(i int, x []float32) int
}

// Config holds the settings of a run; the zero value of every field but
// Epochs means the default written beside it.
type Config struct {
	Epochs    int
	BatchSize int       // 32
	LR        float64   // 0.001
	Optimizer Optimizer // Adam
	Momentum  float64   // 0.9, for SGD
	Schedule  Schedule  // Constant
	Seed      uint64    // 0 is a seed like any other
	Workers   int       // runtime.GOMAXPROCS(0)
	// Chunks is how many pieces each batch is cut into (8). It fixes the
	// order of every gradient sum, so runs with the same Chunks agree bit
	// for bit whatever Workers is.
	Chunks int
	// Snapshots keeps a copy of every parameter before training and after
	// each epoch in the History.
	Snapshots bool
	// Flip mirrors each training example left to right with probability
	// 1/2 (a PCG stream from Seed decides, in the order examples are
	// drawn), a common augmentation for pictures whose classes do not
	// depend on left and right, such as Fashion-MNIST's clothes.
	Flip bool

	OnBatch func(BatchStats) // called after every batch, from Fit's goroutine
	OnEpoch func(EpochStats) // called after every epoch's evaluation, and for epoch 0
}

func (c Config) withDefaults() Config {
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	if c.LR == 0 {
		c.LR = 0.001
	}
	if c.Optimizer == "" {
		c.Optimizer = Adam
	}
	if c.Momentum == 0 {
		c.Momentum = 0.9
	}
	if c.Schedule == "" {
		c.Schedule = Constant
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Chunks == 0 {
		c.Chunks = 8
	}
	return c
}

// BatchStats reports progress within an epoch.
type BatchStats struct {
	Epoch, Batch, Batches int
	Seen                  int     // training examples seen so far in this epoch
	Loss                  float64 // mean loss over the epoch so far
	LR                    float64
}

// EpochStats are one epoch's figures. Train loss and accuracy are the
// running means over the epoch's batches (as the weights moved); test
// figures come from a full pass after the epoch.
type EpochStats struct {
	Epoch         int     `json:"epoch"`
	LR            float64 `json:"lr"` // learning rate of the epoch's last step
	TrainLoss     float64 `json:"train_loss"`
	TrainAccuracy float64 `json:"train_accuracy"`
	TestLoss      float64 `json:"test_loss"`
	TestAccuracy  float64 `json:"test_accuracy"`
	Seconds       float64 `json:"seconds"` // wall time of the training part
	SamplesPerSec float64 `json:"samples_per_second"`
}

// Fit trains m in place on train for cfg.Epochs epochs, evaluating on test
// (which may be nil) before the first (epoch 0, see InitialStats) and after
// each, and returns the run's History. m's parameters must be initialised
// (see Init).
func Fit(m *engine.Model, train, test Data, cfg Config) (*History, error) {
	cfg = cfg.withDefaults()
	if cfg.Epochs < 1 || cfg.BatchSize < 1 || cfg.Workers < 1 || cfg.Chunks < 1 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("train: bad settings (epochs %d, batch %d, workers %d, chunks %d, lr %v)",
			cfg.Epochs, cfg.BatchSize, cfg.Workers, cfg.Chunks, cfg.LR)
	}
	if train == nil || train.Len() == 0 {
		return nil, errors.New("train: no training examples")
	}
	t, err := newTrainer(m, cfg)
	if err != nil {
		return nil, err
	}
	h := &History{Model: m.Name, Classes: append([]string(nil), m.Classes...),
		Settings: Settings{Optimizer: string(cfg.Optimizer), LR: cfg.LR, Schedule: string(cfg.Schedule),
			Momentum: cfg.Momentum, BatchSize: cfg.BatchSize, Epochs: cfg.Epochs, Seed: cfg.Seed,
			Chunks: cfg.Chunks, Examples: train.Len(), Flip: cfg.Flip}}
	if cfg.Snapshots {
		h.Snapshots = append(h.Snapshots, snapshot(m, 0))
	}
	st0, err := InitialStats(m, train, test, cfg)
	if err != nil {
		return nil, err
	}
	h.Epochs = append(h.Epochs, st0)
	if cfg.OnEpoch != nil {
		cfg.OnEpoch(st0)
	}
	n := train.Len()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	shuffler := newRNG(cfg.Seed, 2)
	flipper := newRNG(cfg.Seed, 3)
	flips := make([]bool, cfg.BatchSize)
	batches := (n + cfg.BatchSize - 1) / cfg.BatchSize
	steps := batches * cfg.Epochs
	for e := 1; e <= cfg.Epochs; e++ {
		shuffler.shuffle(perm)
		start := time.Now()
		var loss float64
		var correct int
		var lr float64
		for b := 0; b < batches; b++ {
			idx := perm[b*cfg.BatchSize : min((b+1)*cfg.BatchSize, n)]
			lr = cfg.Schedule.rate(cfg.LR, (e-1)*batches+b, steps)
			var fl []bool
			if cfg.Flip {
				fl = flips[:len(idx)]
				for j := range fl {
					fl[j] = flipper.src.Uint64()>>63 == 1
				}
			}
			bl, bc, err := t.step(train, idx, fl, lr)
			if err != nil {
				return nil, fmt.Errorf("train: epoch %d batch %d: %w", e, b+1, err)
			}
			if math.IsNaN(bl) || math.IsInf(bl, 0) {
				return nil, fmt.Errorf("train: epoch %d batch %d: the loss is %v; training diverged (try a lower learning rate)", e, b+1, bl)
			}
			loss += bl
			correct += bc
			if cfg.OnBatch != nil {
				seen := min((b+1)*cfg.BatchSize, n)
				cfg.OnBatch(BatchStats{Epoch: e, Batch: b + 1, Batches: batches, Seen: seen, Loss: loss / float64(seen), LR: lr})
			}
		}
		secs := time.Since(start).Seconds()
		st := EpochStats{Epoch: e, LR: lr, TrainLoss: loss / float64(n), TrainAccuracy: float64(correct) / float64(n),
			Seconds: math.Round(secs*100) / 100, SamplesPerSec: math.Round(float64(n) / secs)}
		if test != nil && test.Len() > 0 {
			ev, err := Evaluate(m, test, cfg.Workers)
			if err != nil {
				return nil, err
			}
			st.TestLoss, st.TestAccuracy = ev.Loss, ev.Accuracy
			h.Confusion = ev.Confusion
		}
		h.Epochs = append(h.Epochs, st)
		if cfg.Snapshots {
			h.Snapshots = append(h.Snapshots, snapshot(m, e))
		}
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(st)
		}
	}
	return h, nil
}

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
