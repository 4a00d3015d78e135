package train

import (
	"errors"
	"fmt"
	"math"
	"runtime"
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
	o := newOrder(train.Len(), cfg)
	for e := 1; e <= cfg.Epochs; e++ {
		st, err := t.epoch(train, o, e)
		if err != nil {
			return nil, err
		}
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

// order is the run's drawing of examples, carried from epoch to epoch: the
// permutation reshuffled each epoch and the stream deciding flips.
type order struct {
	perm              []int
	shuffler, flipper *rng
	flips             []bool
	batches, steps    int
}

func newOrder(n int, cfg Config) *order {
	o := &order{perm: make([]int, n), shuffler: newRNG(cfg.Seed, 2), flipper: newRNG(cfg.Seed, 3),
		flips: make([]bool, cfg.BatchSize)}
	for i := range o.perm {
		o.perm[i] = i
	}
	o.batches = (n + cfg.BatchSize - 1) / cfg.BatchSize
	o.steps = o.batches * cfg.Epochs
	return o
}

// epoch runs training epoch e (from 1) over d and returns its training
// figures; the test figures are left for Fit to fill.
func (t *trainer) epoch(d Data, o *order, e int) (EpochStats, error) {
	cfg := t.cfg
	n := len(o.perm)
	o.shuffler.shuffle(o.perm)
	start := time.Now()
	var loss float64
	var correct int
	var lr float64
	for b := 0; b < o.batches; b++ {
		idx := o.perm[b*cfg.BatchSize : min((b+1)*cfg.BatchSize, n)]
		lr = cfg.Schedule.rate(cfg.LR, (e-1)*o.batches+b, o.steps)
		var fl []bool
		if cfg.Flip {
			fl = o.flips[:len(idx)]
			for j := range fl {
				fl[j] = o.flipper.src.Uint64()>>63 == 1
			}
		}
		bl, bc, err := t.step(d, idx, fl, lr)
		if err != nil {
			return EpochStats{}, fmt.Errorf("train: epoch %d batch %d: %w", e, b+1, err)
		}
		if math.IsNaN(bl) || math.IsInf(bl, 0) {
			return EpochStats{}, fmt.Errorf("train: epoch %d batch %d: the loss is %v; training diverged (try a lower learning rate)", e, b+1, bl)
		}
		loss += bl
		correct += bc
		if cfg.OnBatch != nil {
			seen := min((b+1)*cfg.BatchSize, n)
			cfg.OnBatch(BatchStats{Epoch: e, Batch: b + 1, Batches: o.batches, Seen: seen, Loss: loss / float64(seen), LR: lr})
		}
	}
	secs := time.Since(start).Seconds()
	return EpochStats{Epoch: e, LR: lr, TrainLoss: loss / float64(n), TrainAccuracy: float64(correct) / float64(n),
		Seconds: math.Round(secs*100) / 100, SamplesPerSec: math.Round(float64(n) / secs)}, nil
}
