package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// TestStatsFindsDeadUnit: on a folder of black and white pictures, a 1x1
// convolution unit computing -x - 0.1 never fires, and stats says so in
// stats.json beside the model, tied to its weights.
func TestStatsFindsDeadUnit(t *testing.T) {
	data := t.TempDir()
	for _, f := range []struct {
		path string
		v    uint8
	}{{"train/a/1.png", 0}, {"train/b/1.png", 255}, {"test/a/1.png", 0}, {"test/b/1.png", 255}} {
		img := image.NewGray(image.Rect(0, 0, 4, 4))
		for i := range img.Pix {
			img.Pix[i] = f.v
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(data, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := &engine.Model{Name: "units", Input: engine.Input{Shape: []int{4, 4, 1}, Scale: 1.0 / 255}, Classes: []string{"a", "b"},
		Layers: []engine.Layer{
			&engine.Conv2D{LayerName: "conv", KH: 1, KW: 1, InC: 1, OutC: 2, StrideH: 1, StrideW: 1, Padding: engine.Valid,
				Kernel: []float32{1, -1}, Bias: []float32{-0.5, -0.1}},
			&engine.ReLU{LayerName: "relu"},
			&engine.Flatten{LayerName: "flatten"},
			&engine.Dense{LayerName: "out", In: 32, Out: 2, Kernel: make([]float32, 64), Bias: make([]float32, 2), Act: engine.ActSoftmax},
		}}
	dir := t.TempDir()
	if err := modelfile.Save(m, dir); err != nil {
		t.Fatal(err)
	}
	runOK(t, "stats", "-model", dir, "-images", data, "-workers", "1")
	st, err := train.LoadUnitStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := st.Layer("relu")
	if st.Images != 4 || l == nil || !slices.Equal(l.Dead, []int{1}) || !slices.Equal(l.DeadSince, []int{-1}) {
		t.Fatalf("stats %+v", st)
	}
	loaded, err := modelfile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Digest != train.ParamDigest(loaded) {
		t.Error("stats.json digest differs from the saved model's")
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"stats"}, &stdout, &stderr); code == 0 {
		t.Error("stats without -model succeeded")
	}
}
