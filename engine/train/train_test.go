package train

import (
	"math"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

func smallArch() Arch {
	return Arch{Size: 12, Channels: 1, Hidden: 4, Kernel: 3, Padding: 1, Stride: 1,
		Classes: []string{"a", "b", "c", "d"}}
}

func newModel(t testing.TB, a Arch, seed uint64) *engine.Model {
	t.Helper()
	m, err := TinyVGG("test", a)
	if err != nil {
		t.Fatal(err)
	}
	if err := Init(m, seed); err != nil {
		t.Fatal(err)
	}
	return m
}

func params(m *engine.Model) []float32 {
	var all []float32
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			all = append(all, p.Data...)
		}
	}
	return all
}

func TestTinyVGGArch(t *testing.T) {
	m := newModel(t, TinyVGGArch(), 1)
	if n := m.ParamCount(); n != 7740 {
		t.Errorf("%d parameters, want 7,740", n)
	}
	var names []string
	for _, l := range m.Layers {
		names = append(names, l.Name())
	}
	want := []string{"conv_1_1", "relu_1_1", "conv_1_2", "relu_1_2", "max_pool_1", "conv_2_1", "relu_2_1",
		"conv_2_2", "relu_2_2", "max_pool_2", "flatten", "output"}
	if !slices.Equal(names, want) {
		t.Errorf("layers %v, want %v", names, want)
	}
	if d := m.Layer("output").(*engine.Dense); d.In != 490 || d.Act != engine.ActSoftmax {
		t.Errorf("output: %d inputs, activation %s; want 490, softmax", d.In, d.Act)
	}
	cm := newModel(t, CNNExplainerArch(), 1)
	if d := cm.Layer("output").(*engine.Dense); d.In != 1690 {
		t.Errorf("cnn-explainer output has %d inputs, want 1690", d.In)
	}
	if _, err := TinyVGG("bad", Arch{Size: 2, Channels: 1, Hidden: 1, Kernel: 3, Stride: 1, Classes: []string{"a", "b"}}); err == nil {
		t.Error("a 2x2 input with valid 3x3 convolutions was accepted")
	}
}

func TestInit(t *testing.T) {
	a, b, c := newModel(t, TinyVGGArch(), 7), newModel(t, TinyVGGArch(), 7), newModel(t, TinyVGGArch(), 8)
	if !slices.Equal(params(a), params(b)) {
		t.Error("the same seed gave different weights")
	}
	if slices.Equal(params(a), params(c)) {
		t.Error("different seeds gave the same weights")
	}
	for _, l := range a.Layers {
		fanIn := map[string]int{"conv_1_1": 9, "conv_1_2": 90, "conv_2_1": 90, "conv_2_2": 90, "output": 490}[l.Name()]
		for _, p := range l.Params() {
			bound := float32(1 / math.Sqrt(float64(fanIn)))
			lo, hi := slices.Min(p.Data), slices.Max(p.Data)
			if lo < -bound || hi > bound {
				t.Errorf("%s %s in [%v, %v], outside ±%v", l.Name(), p.Name, lo, hi, bound)
			}
			// The draws should fill the interval, not sit in a corner of it.
			if len(p.Data) >= 90 && (hi < bound/2 || lo > -bound/2) {
				t.Errorf("%s %s in [%v, %v] does not spread over ±%v", l.Name(), p.Name, lo, hi, bound)
			}
		}
	}
}

func TestCrossEntropy(t *testing.T) {
	tests := []struct {
		logits []float32
		label  int
		want   float64
	}{
		{[]float32{0, 0}, 0, math.Ln2},
		{[]float32{0, 0, 0, 0}, 3, math.Log(4)},
		{[]float32{2, 0}, 0, math.Log(1 + math.Exp(-2))},
		{[]float32{1000, 0}, 1, 1000}, // no overflow
		{[]float32{-1000, -1000}, 1, math.Ln2},
	}
	for _, tc := range tests {
		if got := CrossEntropy(tc.logits, tc.label); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("CrossEntropy(%v, %d) = %v, want %v", tc.logits, tc.label, got, tc.want)
		}
	}
}

func TestOptimizers(t *testing.T) {
	// Adam's first step moves every weight by lr against the sign of its
	// gradient (m-hat / sqrt(v-hat) = g/|g|), whatever the gradient's size.
	p := []float32{1, 1, 1}
	a := newAdam(3)
	a.step([][]float32{p}, []float32{0.5, -2, 1e-3}, 0.1)
	for i, want := range []float32{0.9, 1.1, 0.9} {
		if math.Abs(float64(p[i]-want)) > 1e-5 {
			t.Errorf("adam step 1: p[%d] = %v, want %v", i, p[i], want)
		}
	}
	// SGD with momentum 0.9: v1 = g, w1 = w0 - lr g; v2 = 0.9 g + g.
	q := []float32{1}
	s := &sgd{momentum: 0.9, v: make([]float32, 1)}
	s.step([][]float32{q}, []float32{1}, 0.1)
	s.step([][]float32{q}, []float32{1}, 0.1)
	if want := float32(1 - 0.1 - 0.19); math.Abs(float64(q[0]-want)) > 1e-6 {
		t.Errorf("sgd after 2 steps: %v, want %v", q[0], want)
	}
}

func TestCosineSchedule(t *testing.T) {
	for _, tc := range []struct {
		step, steps int
		want        float64
	}{{0, 10, 1}, {5, 10, 0.5}, {10, 10, 0}, {3, 0, 1}} {
		if got := Cosine.rate(1, tc.step, tc.steps); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("cosine at %d/%d = %v, want %v", tc.step, tc.steps, got, tc.want)
		}
	}
	if got := Constant.rate(0.3, 5, 10); got != 0.3 {
		t.Errorf("constant = %v", got)
	}
}

func TestShuffleIsPermutation(t *testing.T) {
	p := make([]int, 1000)
	for i := range p {
		p[i] = i
	}
	r := newRNG(3, 2)
	r.shuffle(p)
	moved := 0
	for i, v := range p {
		if v != i {
			moved++
		}
	}
	q := slices.Clone(p)
	slices.Sort(q)
	for i, v := range q {
		if v != i {
			t.Fatalf("shuffle lost or duplicated %d", i)
		}
	}
	if moved < 900 {
		t.Errorf("only %d of 1000 moved", moved)
	}
}

// TestFitLearns trains a small TinyVGG on an easy synthetic set and checks
// that the loss falls and the test accuracy beats chance by far.
func TestFitLearns(t *testing.T) {
	m := newModel(t, smallArch(), 1)
	train, test := newSynthetic(256, 12, 1, 4, 1), newSynthetic(64, 12, 1, 4, 2)
	h, err := Fit(m, train, test, Config{Epochs: 4, BatchSize: 8, LR: 0.005, Seed: 1, Snapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
	if !(last.TrainLoss < first.TrainLoss*0.7) {
		t.Errorf("train loss went from %v to %v", first.TrainLoss, last.TrainLoss)
	}
	if last.TestAccuracy < 0.9 {
		t.Errorf("test accuracy %v after %d epochs", last.TestAccuracy, len(h.Epochs))
	}
	if len(h.Snapshots) != 5 || h.Snapshots[0].Epoch != 0 || h.Snapshots[4].Epoch != 4 {
		t.Fatalf("snapshots %d", len(h.Snapshots))
	}
	for i, e := range h.Epochs {
		if e.Epoch != i {
			t.Fatalf("epochs %+v: want 0 to 4 in order", h.Epochs)
		}
	}
	final := h.Snapshots[4].Param("conv_1_1", "kernel")
	if final == nil || !slices.Equal(final.Data, m.Layer("conv_1_1").Params()[0].Data) {
		t.Error("the last snapshot is not the final weights")
	}
	total := 0
	for _, row := range h.Confusion {
		for _, v := range row {
			total += v
		}
	}
	if total != test.Len() {
		t.Errorf("confusion matrix counts %d examples, want %d", total, test.Len())
	}
}

// TestFitDeterministic trains the same model with 1, 2 and 3 workers and
// demands identical bits: the chunking, not the workers, fixes the sums.
func TestFitDeterministic(t *testing.T) {
	data := newSynthetic(100, 12, 1, 4, 3)
	var ref []float32
	for _, workers := range []int{1, 2, 3} {
		for _, opt := range []Optimizer{Adam, SGD} {
			m := newModel(t, smallArch(), 5)
			// 100 is not a multiple of 32: the last batch is short.
			if _, err := Fit(m, data, nil, Config{Epochs: 2, BatchSize: 32, Optimizer: opt, LR: 0.01, Seed: 9, Workers: workers}); err != nil {
				t.Fatal(err)
			}
			if opt == SGD {
				continue
			}
			got := params(m)
			if ref == nil {
				ref = got
				continue
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
					t.Fatalf("%d workers: parameter %d is %v, with 1 worker %v", workers, i, got[i], ref[i])
				}
			}
		}
	}
}

func TestMirror(t *testing.T) {
	x, _ := engine.FromData([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2)
	mirror(x)
	if want := []float32{5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8}; !slices.Equal(x.Data, want) {
		t.Errorf("mirror = %v, want %v", x.Data, want)
	}
}

// TestFlipDeterministic: with augmentation the result still does not depend
// on the workers, and it differs from a run without it.
func TestFlipDeterministic(t *testing.T) {
	data := newSynthetic(64, 12, 1, 4, 4)
	var runs [][]float32
	for _, c := range []struct {
		workers int
		flip    bool
	}{{1, true}, {2, true}, {2, false}} {
		m := newModel(t, smallArch(), 5)
		if _, err := Fit(m, data, nil, Config{Epochs: 1, BatchSize: 16, Seed: 3, Workers: c.workers, Flip: c.flip}); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, params(m))
	}
	if !slices.Equal(runs[0], runs[1]) {
		t.Error("flip: 1 and 2 workers differ")
	}
	if slices.Equal(runs[1], runs[2]) {
		t.Error("flip made no difference")
	}
}

func TestFitErrors(t *testing.T) {
	m := newModel(t, smallArch(), 1)
	data := newSynthetic(8, 12, 1, 4, 1)
	for _, cfg := range []Config{{}, {Epochs: 1, LR: -1}, {Epochs: 1, Optimizer: "rmsprop"}} {
		if _, err := Fit(m, data, nil, cfg); err == nil {
			t.Errorf("Fit accepted %+v", cfg)
		}
	}
	// A learning rate this large sends the weights to infinity at once.
	if _, err := Fit(newModel(t, smallArch(), 1), data, nil, Config{Epochs: 3, Optimizer: SGD, LR: 1e30}); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("a diverging run returned %v", err)
	}
	bad := newSynthetic(8, 12, 1, 4, 1)
	bad.y[3] = 7
	if _, err := Fit(m, bad, nil, Config{Epochs: 1}); err == nil {
		t.Error("Fit accepted a label outside the classes")
	}
}

// TestFitEpochZero checks that a run's epoch 0 is the untrained model:
// the same figures as evaluating a freshly initialised copy, on the
// training set (mirrored when the run flips) and on the test set.
func TestFitEpochZero(t *testing.T) {
	train, test := newSynthetic(64, 12, 1, 4, 1), newSynthetic(32, 12, 1, 4, 2)
	for _, flip := range []bool{false, true} {
		h, err := Fit(newModel(t, smallArch(), 1), train, test, Config{Epochs: 1, BatchSize: 8, Seed: 1, Flip: flip})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Epochs) != 2 || h.Epochs[0].Epoch != 0 || h.Epochs[1].Epoch != 1 {
			t.Fatalf("flip %v: epochs %+v, want 0 and 1", flip, h.Epochs)
		}
		init := newModel(t, smallArch(), 1)
		te, err := Evaluate(init, test, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := h.Epochs[0]
		if got.TestLoss != te.Loss || got.TestAccuracy != te.Accuracy || got.LR != 0 {
			t.Errorf("flip %v: epoch 0 %+v, want test loss %v accuracy %v and lr 0", flip, got, te.Loss, te.Accuracy)
		}
		tr, err := Evaluate(init, train, 1)
		if err != nil {
			t.Fatal(err)
		}
		if sameTrain := got.TrainLoss == tr.Loss; sameTrain == flip {
			t.Errorf("flip %v: epoch 0 train loss %v, unflipped pass %v", flip, got.TrainLoss, tr.Loss)
		}
		again, err := InitialStats(init, train, test, Config{Seed: 1, Flip: flip, Workers: 2})
		if err != nil || again != got {
			t.Errorf("flip %v: InitialStats gives %+v (%v), Fit recorded %+v", flip, again, err, got)
		}
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	m := newModel(t, smallArch(), 1)
	h, err := Fit(m, newSynthetic(32, 12, 1, 4, 1), newSynthetic(16, 12, 1, 4, 2), Config{Epochs: 2, Seed: 1, Snapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := h.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Epochs) != 3 || got.Epochs[1].TestAccuracy != h.Epochs[1].TestAccuracy || !slices.Equal(got.SnapshotEpochs, []int{0, 1, 2}) {
		t.Errorf("loaded %+v", got)
	}
	if len(got.Snapshots) != 3 {
		t.Fatalf("%d snapshots", len(got.Snapshots))
	}
	for _, s := range got.Snapshots {
		want := h.Snapshots[s.Epoch]
		for i, p := range want.Params {
			if s.Params[i].Layer != p.Layer || s.Params[i].Name != p.Name {
				t.Fatalf("epoch %d: parameter %d is %s/%s, want %s/%s (model order)", s.Epoch, i, s.Params[i].Layer, s.Params[i].Name, p.Layer, p.Name)
			}
		}
		for _, p := range want.Params {
			q := s.Param(p.Layer, p.Name)
			if q == nil || !slices.Equal(q.Shape, p.Shape) {
				t.Fatalf("epoch %d %s/%s missing or misshapen", s.Epoch, p.Layer, p.Name)
			}
			for i := range p.Data {
				// float16 keeps 11 significant bits.
				if d := math.Abs(float64(q.Data[i] - p.Data[i])); d > 1e-3*math.Abs(float64(p.Data[i]))+1e-6 {
					t.Fatalf("epoch %d %s/%s[%d] = %v, saved %v", s.Epoch, p.Layer, p.Name, i, q.Data[i], p.Data[i])
				}
			}
		}
	}
	if _, err := LoadHistory(t.TempDir()); err == nil {
		t.Error("LoadHistory of an empty folder succeeded")
	}
}
