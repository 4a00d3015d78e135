package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/render"
)

const samples = "../../samples/fashion-mnist"

// newTestSession loads the committed model the way the page does: through
// Encode's bytes, not the files.
func newTestSession(t testing.TB) (*session, *engine.Model) {
	t.Helper()
	m, err := modelfile.Load(samples)
	if err != nil {
		t.Fatal(err)
	}
	doc, weights, err := modelfile.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(doc, weights)
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, "images", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// An upload gives the trace the build computes for the same file, and its
// maps are the build's PNGs byte for byte.
func TestRunImageIsTheBuildsTrace(t *testing.T) {
	s, m := newTestSession(t)
	x, err := imageio.Load(filepath.Join(samples, "images", "bag.png"), m.Input)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.runImage(readSample(t, "bag.png"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Probs, want.Probs) {
		t.Fatalf("probabilities %v, want %v", res.Probs, want.Probs)
	}
	for i := range m.Layers {
		got, _ := s.tensor(i)
		if !slices.Equal(got.Data, want.Layers[i].Output.Data) {
			t.Errorf("layer %s differs from the native trace", m.Layers[i].Name())
		}
	}
	ranges, err := render.NewRanges(m, want)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range render.Modes() {
		sc, _ := ranges.Scale(mode, "conv_1_2", 4)
		wantPNG, _ := render.MapPNG(want.Output("conv_1_2"), 4, sc)
		got, err := s.mapPNG(2, 4, mode.String())
		if err != nil || !bytes.Equal(got, wantPNG) {
			t.Errorf("mapPNG(conv_1_2, 4, %s) is not the build's figure (err %v)", mode, err)
		}
	}
}

// A canvas is preprocessed like a file of the same pixels.
func TestRunRGBAMatchesTheSameImageAsAFile(t *testing.T) {
	s, _ := newTestSession(t)
	img := image.NewNRGBA(image.Rect(0, 0, 280, 280))
	for y := 0; y < 280; y++ {
		for x := 0; x < 280; x++ {
			v := uint8(0)
			if x > 90 && x < 190 && y > 40 && y < 240 {
				v = 230
			}
			img.SetNRGBA(x, y, color.NRGBA{v, v, v, 255})
		}
	}
	var file bytes.Buffer
	if err := png.Encode(&file, img); err != nil {
		t.Fatal(err)
	}
	a, err := s.runRGBA(280, 280, slices.Clone(img.Pix))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.runImage(file.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Probs, b.Probs) {
		t.Errorf("canvas gives %v, the same picture as a PNG %v", a.Probs, b.Probs)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	s, _ := newTestSession(t)
	if _, err := s.mapPNG(0, 0, "unit"); err == nil {
		t.Error("a map before any run: no error")
	}
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"text as a picture", func() error { _, err := s.runImage([]byte("hello")); return err }, "PNG or JPEG"},
		{"short canvas", func() error { _, err := s.runRGBA(10, 10, make([]byte, 10)); return err }, "RGBA"},
		{"no layer", func() error { _, err := s.detail(99, 0, 0, 0); return err }, "no layer"},
		{"no neuron", func() error { _, err := s.mapPNG(0, 99, "unit"); return err }, "no map"},
		{"no mode", func() error { _, err := s.mapPNG(0, 0, "loud"); return err }, "mode"},
		{"not a conv", func() error { _, err := s.kernelPNG(1, 0, 0); return err }, "no kernel"},
	} {
		if _, err := s.runImage(readSample(t, "bag.png")); err != nil {
			t.Fatal(err)
		}
		if err := tc.run(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := newSession([]byte("{}"), nil); err == nil {
		t.Error("an empty model loads")
	}
}

// The detail's terms add up to the trace's value (the engine may sum in
// another order, so within float32 rounding).
func TestConvDetailAddsUp(t *testing.T) {
	s, m := newTestSession(t)
	if _, err := s.runImage(readSample(t, "sneaker.png")); err != nil {
		t.Fatal(err)
	}
	for _, pos := range [][2]int{{0, 0}, {13, 7}, {25, 25}} {
		d, err := s.detail(2, 3, pos[0], pos[1])
		if err != nil {
			t.Fatal(err)
		}
		l := m.Layers[2].(*engine.Conv2D)
		if len(d.Terms) != l.InC || len(d.Terms[0].Window) != l.KH*l.KW {
			t.Fatalf("%d terms of %d values, want %d of %d", len(d.Terms), len(d.Terms[0].Window), l.InC, l.KH*l.KW)
		}
		if diff := d.Sum - d.Out; diff > 1e-5 || diff < -1e-5 {
			t.Errorf("at %v: terms add up to %g, the trace holds %g", pos, d.Sum, d.Out)
		}
	}
	d, err := s.detail(4, 2, 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "maxpool2d" || !slices.Contains(d.Window, d.Out) {
		t.Errorf("max-pool detail %+v: the output is not one of the window's values", d)
	}
}

// BenchmarkRunImage is the native side of docs/performance.md's browser
// comparison: decode, preprocess, forward and ranges, as the page calls it.
func BenchmarkRunImage(b *testing.B) {
	s, _ := newTestSession(b)
	data := readSample(b, "bag.png")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.runImage(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/run")
}

// The page loads whatever model the site was built with: the CNN Explainer
// model (TF.js, RGB 64x64) goes through Encode and the browser session and
// gives the native trace for a colour JPEG.
func TestRGBModelThroughTheSession(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "anchors", "cnn-explainer")
	m, err := modelfile.Load(dir)
	if err != nil {
		t.Skipf("CNN Explainer model not found beside the repository: %v", err)
	}
	doc, weights, err := modelfile.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(doc, weights)
	if err != nil {
		t.Fatal(err)
	}
	if in := s.info().Input; in[2] != 3 {
		t.Fatalf("input %v, want 3 channels", in)
	}
	file := filepath.Join(dir, "koala_1.jpeg")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	x, err := imageio.Load(file, m.Input)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.runImage(data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Probs, want.Probs) {
		t.Errorf("probabilities %v, want %v", res.Probs, want.Probs)
	}
	for c := 0; c < 3; c++ {
		if _, err := s.mapPNG(-1, c, ""); err != nil {
			t.Errorf("input channel %d: %v", c, err)
		}
	}
}
