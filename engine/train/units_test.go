package train

import (
	"slices"
	"testing"

	"cnnexplainer/engine"
)

// pixels serves n 2x2 one-channel images, image i filled with i/n.
type pixels int

func (p pixels) Len() int { return int(p) }
func (p pixels) Example(i int, x []float32) int {
	for k := range x {
		x[k] = float32(i) / float32(p)
	}
	return 0
}

// unitModel is a 1x1 convolution with three units over 2x2 inputs in
// [0, 1): unit 0 is x - 0.5 (fires on bright images), unit 1 is -x - 0.1
// (never fires), unit 2 is 0.2 - x (fires on dark ones).
func unitModel() *engine.Model {
	return &engine.Model{Name: "units", Input: engine.Input{Shape: []int{2, 2, 1}, Scale: 1},
		Classes: []string{"a", "b", "c"},
		Layers: []engine.Layer{
			&engine.Conv2D{LayerName: "conv", KH: 1, KW: 1, InC: 1, OutC: 3, StrideH: 1, StrideW: 1, Padding: engine.Valid,
				Kernel: []float32{1, -1, -1}, Bias: []float32{-0.5, -0.1, 0.2}},
			&engine.ReLU{LayerName: "relu"},
			&engine.Flatten{LayerName: "flatten"},
			&engine.Dense{LayerName: "out", In: 12, Out: 3, Kernel: make([]float32, 36), Bias: make([]float32, 3)},
		}}
}

func TestMeasureUnits(t *testing.T) {
	m := unitModel()
	before := ParamDigest(m)
	st, err := MeasureUnits(m, pixels(10), UnitOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	l := st.Layer("relu")
	if l == nil || l.Units != 3 || !slices.Equal(l.Dead, []int{1}) || !slices.Equal(l.DeadSince, []int{-1}) {
		t.Fatalf("stats %+v", st.Layers)
	}
	// The brightest image is 0.9: unit 0 peaks at 0.4, unit 1 at -0.1.
	if d := l.MaxInput[0] - 0.4; d > 1e-6 || d < -1e-6 || l.MaxInput[1] > -0.099 {
		t.Errorf("max inputs %v", l.MaxInput)
	}
	if st.Images != 10 || st.Digest != before {
		t.Errorf("images %d, digest %s, want 10 and %s", st.Images, st.Digest, before)
	}
}

// TestMeasureUnitsDeadSince: a unit alive at initialisation that dies in
// epoch 2 is dead since 2; one dead from the start is dead since 0; the
// model's own weights are restored afterwards.
func TestMeasureUnitsDeadSince(t *testing.T) {
	m := unitModel()
	conv := m.Layers[0].(*engine.Conv2D)
	epoch := func(e int, bias2 float32) Snapshot {
		s := snapshot(m, e)
		s.Param("conv", "bias").Data[2] = bias2
		return s
	}
	conv.Bias[2] = -0.3 // unit 2 dead in the final model
	hist := &History{Settings: Settings{Epochs: 3}, Snapshots: []Snapshot{epoch(0, 0.2), epoch(1, 0.1), epoch(2, -0.2), epoch(3, -0.3)}}
	digest := ParamDigest(m)
	st, err := MeasureUnits(m, pixels(10), UnitOptions{Workers: 2, History: hist})
	if err != nil {
		t.Fatal(err)
	}
	l := st.Layer("relu")
	if !slices.Equal(l.Dead, []int{1, 2}) || !slices.Equal(l.DeadSince, []int{0, 2}) {
		t.Errorf("dead %v since %v, want [1 2] since [0 2]", l.Dead, l.DeadSince)
	}
	if ParamDigest(m) != digest || conv.Bias[2] != -0.3 {
		t.Errorf("weights not restored: bias %v", conv.Bias)
	}
	if !slices.Equal(l.DeadAtStart, []int{1}) {
		t.Errorf("dead at start %v, want [1]", l.DeadAtStart)
	}
	if !slices.Equal(st.SnapshotEpochs, []int{0, 1, 2, 3}) {
		t.Errorf("snapshot epochs %v", st.SnapshotEpochs)
	}
}

func TestUnitStatsRoundTrip(t *testing.T) {
	st, err := MeasureUnits(unitModel(), pixels(4), UnitOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := st.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadUnitStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != st.Digest || !slices.Equal(got.Layers[0].Dead, st.Layers[0].Dead) {
		t.Errorf("round trip: %+v, want %+v", got, st)
	}
}
