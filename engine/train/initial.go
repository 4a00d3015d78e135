package train

import (
	"fmt"

	"cnnexplainer/engine"
)

// InitialStats measures m before any training step: epoch 0 of a History.
// A later epoch's training figures are running means over its batches,
// each measured before that batch's update; with no update at all they are
// one pass over every training example, which is what this takes. When
// cfg.Flip is set, each example is mirrored with probability 1/2 from a
// stream of its own, so the figures see the same kind of pictures training
// sees and the training draws (shuffles, flips) stay those of a run without
// epoch 0. Test figures come from a full pass over test (which may be nil),
// as after every epoch. LR, Seconds and SamplesPerSec stay 0: no step ran.
func InitialStats(m *engine.Model, train, test Data, cfg Config) (EpochStats, error) {
	cfg = cfg.withDefaults()
	st := EpochStats{Epoch: 0}
	var d Data = train
	if cfg.Flip {
		shapes, err := m.Shapes()
		if err != nil {
			return st, fmt.Errorf("train: %w", err)
		}
		fl := newRNG(cfg.Seed, 4)
		f := flipped{Data: train, shape: shapes[0], flip: make([]bool, train.Len())}
		for i := range f.flip {
			f.flip[i] = fl.src.Uint64()>>63 == 1
		}
		d = f
	}
	ev, err := Evaluate(m, d, cfg.Workers)
	if err != nil {
		return st, fmt.Errorf("train: epoch 0 on the training set: %w", err)
	}
	st.TrainLoss, st.TrainAccuracy = ev.Loss, ev.Accuracy
	if test != nil && test.Len() > 0 {
		ev, err := Evaluate(m, test, cfg.Workers)
		if err != nil {
			return st, fmt.Errorf("train: epoch 0 on the test set: %w", err)
		}
		st.TestLoss, st.TestAccuracy = ev.Loss, ev.Accuracy
	}
	return st, nil
}

// flipped serves Data with the examples marked in flip mirrored left to
// right.
type flipped struct {
	Data
	shape []int
	flip  []bool
}

func (f flipped) Example(i int, x []float32) int {
	label := f.Data.Example(i, x)
	if f.flip[i] {
		mirror(&engine.Tensor{Shape: f.shape, Data: x})
	}
	return label
}
