package render

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

func TestBlocksAndRanges(t *testing.T) {
	m := testModel(t)
	blocks, err := Blocks(m)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"conv_1_1", "relu_1_1", "max_pool_1"}, {"conv_2_1", "relu_2_1", "max_pool_2"}}
	if len(blocks) != len(want) {
		t.Fatalf("blocks %v, want %v", blocks, want)
	}
	for i := range want {
		if len(blocks[i].Layers) != len(want[i]) {
			t.Fatalf("block %d: %v, want %v", i, blocks[i].Layers, want[i])
		}
		for j := range want[i] {
			if blocks[i].Layers[j] != want[i][j] {
				t.Errorf("block %d: %v, want %v", i, blocks[i].Layers, want[i])
			}
		}
	}
	tr := testSamples(t, m, 1)[0].Trace
	r, err := NewRanges(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	// Compute each set's max |v| directly from the trace.
	var global float32
	for _, b := range want {
		var block float32
		for _, name := range b {
			out := tr.Output(name)
			for n := 0; n < out.C(); n++ {
				var unit float32
				for i := n; i < len(out.Data); i += out.C() {
					unit = max(unit, abs32(out.Data[i]))
				}
				if got, _ := r.MaxAbs(Unit, name, n); got != unit {
					t.Errorf("%s/%d unit max %v, want %v", name, n, got, unit)
				}
				block = max(block, unit)
			}
		}
		for _, name := range b {
			if got, _ := r.MaxAbs(Module, name, 0); got != block {
				t.Errorf("%s module max %v, want %v", name, got, block)
			}
		}
		global = max(global, block)
	}
	if got, _ := r.MaxAbs(Global, "relu_2_1", 2); got != global {
		t.Errorf("global max %v, want %v", got, global)
	}
	if global == 0 {
		t.Fatal("test trace is all zeros")
	}
	if _, err := r.MaxAbs(Unit, "flatten", 0); err == nil {
		t.Error("a vector layer got a map range")
	}
	if _, err := r.MaxAbs(Unit, "conv_1_1", 4); err == nil {
		t.Error("neuron 4 of a 4-neuron layer got a range")
	}
}

// TestMapPixelsReadBack renders everything, then decodes every activation
// and input-channel PNG and maps each pixel back through the scale named in
// the manifest: it must equal the trace value within one quantisation step.
func TestMapPixelsReadBack(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 2)
	dir := t.TempDir()
	man, err := Render(context.Background(), m, samples, nil, dir, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	traces := map[string]*Sample{}
	for i := range samples {
		traces[samples[i].ID] = &samples[i]
	}
	checked := map[FigureKind]int{}
	for _, f := range man.Figures {
		want := expectedValue(t, m, traces, f)
		if want == nil {
			continue
		}
		sc, err := NewScale(f.Scale, f.Range[0], f.Range[1])
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, filepath.Join(dir, filepath.FromSlash(f.File)))
		if b := img.Bounds(); b.Dx() != f.Width || b.Dy() != f.Height {
			t.Fatalf("%s: image %v, manifest %dx%d", f.File, b, f.Width, f.Height)
		}
		tol := float64(f.Range[1]-f.Range[0]) / 255
		for y := 0; y < f.Height; y++ {
			for x := 0; x < f.Width; x++ {
				got, want := sc.Value(img.At(x, y)), want(x, y)
				if math.Abs(float64(got-want)) > tol {
					t.Fatalf("%s (%d,%d): pixel reads %v, model has %v (tolerance %v)", f.File, x, y, got, want, tol)
				}
			}
		}
		checked[f.Kind]++
	}
	wantCounts := map[FigureKind]int{
		// 2 samples x 3 channels; 2 samples x 3 modes x 6 layers x 4 neurons.
		KindInputChannel: 2 * 3, KindActivation: 2 * 3 * 6 * 4,
		// conv_1_1 has 4x3 slices, conv_2_1 4x4; the dense layer has the
		// matrix plus 3 classes x 4 channels.
		KindKernel: 4*3 + 4*4, KindDenseWeights: 1 + 3*4,
		// One per sample, neuron and input channel of each convolution.
		KindIntermediate: 2 * (4*3 + 4*4),
	}
	for k, n := range wantCounts {
		if checked[k] != n {
			t.Errorf("checked %d %s figures, want %d", checked[k], k, n)
		}
	}
}

// expectedValue returns, for a figure that maps values to pixels, the value
// behind pixel (x, y), read straight from the model or trace; nil for other
// kinds.
func expectedValue(t *testing.T, m *engine.Model, traces map[string]*Sample, f Figure) func(x, y int) float32 {
	switch f.Kind {
	case KindInputChannel:
		in := traces[f.Sample].Trace.Input
		return func(x, y int) float32 { return in.At(y, x, f.Channel) }
	case KindActivation:
		out := traces[f.Sample].Trace.Output(f.Layer)
		if out.W() != f.Width || out.H() != f.Height {
			t.Fatalf("%s: %dx%d for a %v map", f.File, f.Width, f.Height, out.Shape)
		}
		return func(x, y int) float32 { return out.At(y, x, f.Neuron) }
	case KindKernel:
		l := m.Layer(f.Layer).(*engine.Conv2D)
		return func(x, y int) float32 { return l.Kernel[((y*l.KW+x)*l.InC+f.Channel)*l.OutC+f.Neuron] }
	case KindIntermediate:
		l := m.Layer(f.Layer).(*engine.Conv2D)
		part := l.ChannelContribution(layerInput(m, traces[f.Sample].Trace, f.Layer), f.Neuron, f.Channel)
		return func(x, y int) float32 { return part.At(y, x, 0) }
	case KindDenseWeights:
		l := m.Layer(f.Layer).(*engine.Dense)
		if f.Neuron < 0 {
			return func(x, y int) float32 { return l.Kernel[x*l.Out+y] }
		}
		// The dense layer reads max_pool_2, a 2x2x4 map.
		return func(x, y int) float32 { return l.Kernel[engine.FlatIndex(y, x, f.Channel, 2, 4)*l.Out+f.Neuron] }
	}
	return nil
}

// TestNonFiniteActivations: a trace holding NaN and Inf still renders; the
// range comes from the finite values and the odd ones draw at the ends
// (Inf) or the middle (NaN) of the scale.
func TestNonFiniteActivations(t *testing.T) {
	m := testModel(t)
	s := testSamples(t, m, 1)[0]
	out := s.Trace.Output("conv_1_1")
	want, _ := NewRanges(m, s.Trace)
	wantMax, _ := want.MaxAbs(Unit, "conv_1_1", 0)
	out.Data[0] = float32(math.NaN())
	out.Data[4] = float32(math.Inf(1)) // neuron 0 at pixel (1, 0)
	r, err := NewRanges(m, s.Trace)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.MaxAbs(Unit, "conv_1_1", 0); got > wantMax || got == 0 {
		t.Errorf("unit max %v with NaN and Inf, want a finite value up to %v", got, wantMax)
	}
	man, err := Render(context.Background(), m, []Sample{s}, nil, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := man.Find(KindActivation, s.ID, "conv_1_1", 0, -1, Unit); !ok {
		t.Error("no map for the neuron with NaN and Inf")
	}
}

func TestInputPictureKeepsPixels(t *testing.T) {
	m := testModel(t)
	s := testSamples(t, m, 1)[0]
	sc, _ := NewScale(Greys, 0, 1)
	data, err := inputPNG(s.Trace.Input, sc)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	x := s.Trace.Input
	for y := 0; y < x.H(); y++ {
		for xx := 0; xx < x.W(); xx++ {
			r, g, b, _ := img.At(xx, y).RGBA()
			for c, v := range []uint32{r >> 8, g >> 8, b >> 8} {
				if want := uint32(math.Round(float64(x.At(y, xx, c) * 255))); v != want {
					t.Fatalf("(%d,%d,%d) = %d, want %d", xx, y, c, v, want)
				}
			}
		}
	}
}

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// layerInput is what the named layer of m read in trace tr.
func layerInput(m *engine.Model, tr *engine.Trace, layer string) *engine.Tensor {
	for i, l := range m.Layers {
		if l.Name() == layer {
			return tr.LayerInput(i)
		}
	}
	return nil
}
