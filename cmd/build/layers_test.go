package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/sitecheck"
	"cnnexplainer/sitecheck/sitetest"
)

// TestBuildNewLayerKinds builds a site for the PyTorch model made of the
// layer kinds TinyVGG lacks (tools/onnxref/train_layers.py) and checks that
// each kind has its detail page in both languages, showing the numbers the
// engine computes, that the overview names the kinds in the page's
// language, and that no link is broken.
func TestBuildNewLayerKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a whole site")
	}
	dir := t.TempDir()
	p := qgCopyProject(t, filepath.Join(dir, "copy"), filepath.Join(dir, "cache"))
	samples := filepath.Join(dir, "pictures")
	if err := os.MkdirAll(samples, 0o755); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(samples, "coat.png")
	src, err := os.ReadFile(filepath.Join(p.samples, "images", "coat.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pic, src, 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(sitetest.Root(t), "engine", "onnx", "testdata", "layers-fashion", "model.onnx")
	out := filepath.Join(dir, "public")
	code, _, stderr := qgRun(t, append(p.args(out), "-samples", samples, "-model", model, "-try=false"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	m, err := modelfile.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	x, err := imageio.Load(pic, m.Input)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		layer string
		kind  engine.Kind
		// want gives numbers the page must show for neuron 0 at its peak.
		want func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32
	}{
		{"features.1", engine.KindLeakyReLU, nil},
		{"features.2", engine.KindBatchNorm, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			bn := l.(*engine.BatchNorm)
			return []float32{bn.Mean[0], bn.Std(0), bn.Gamma[0], bn.Beta[0], bn.Normalised(0, in.At(py, px, 0))}
		}},
		{"features.3", engine.KindAvgPool2D, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			w, err := l.(*engine.AvgPool2D).WindowAt(in, 0, py, px)
			if err != nil {
				t.Fatal(err)
			}
			return []float32{w.Sum}
		}},
		{"features.5", engine.KindConv2D, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			ct, err := l.(*engine.Conv2D).TermsAt(in, 0, py, px)
			if err != nil {
				t.Fatal(err)
			}
			return []float32{ct.Z}
		}},
		{"features.6", engine.KindTanh, nil},
		{"features.8", engine.KindSigmoid, nil},
		{"features.9", engine.KindGlobalAvgPool, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			sum, _, err := l.(*engine.GlobalAvgPool).SumOf(in, 0)
			if err != nil {
				t.Fatal(err)
			}
			return []float32{float32(sum)}
		}},
		{"head.1", engine.KindDense, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			dt, err := l.(*engine.Dense).TermsOf(in.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			return []float32{dt.Z}
		}},
		// The ReLU between the two dense layers: one value in, one out.
		{"head.2", engine.KindReLU, func(l engine.Layer, in, y *engine.Tensor, py, px int) []float32 {
			return []float32{in.Data[0]}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.layer, func(t *testing.T) {
			li := -1
			for i, l := range m.Layers {
				if l.Name() == tc.layer {
					li = i
				}
			}
			if li < 0 || m.Layers[li].Kind() != tc.kind {
				t.Fatalf("the model has no %s layer %s", tc.kind, tc.layer)
			}
			in, y := tr.LayerInput(li), tr.Layers[li].Output
			var py, px int
			want := []float32{y.Data[0]}
			if len(y.Shape) == 3 {
				py, px = peakOf(y)
				want[0] = y.At(py, px, 0)
			}
			if tc.want != nil {
				want = append(want, tc.want(m.Layers[li], in, y, py, px)...)
			}
			for _, lang := range []string{"", "zh-CN/"} {
				page := read(lang + "s/coat/" + tc.layer + "/0/index.html")
				for _, v := range want {
					if s := strconv.FormatFloat(float64(v), 'f', 4, 32); !strings.Contains(page, s) {
						t.Errorf("%ss/coat/%s/0/index.html does not show %s", lang, tc.layer, s)
					}
				}
			}
		})
	}
	// The strided convolution after ZeroPad2d((0, 1, 1, 0)) says where
	// its zeros are and how its window steps.
	if conv := read("s/coat/features.5/0/index.html"); !strings.Contains(conv, "1 row(s) of zeros at the top and 0 at the bottom, 0 column(s) on the left and 1 on the right") ||
		!strings.Contains(conv, "steps 2 row(s) down and 2 column(s) across") {
		t.Error("the strided convolution's page does not give its stride and its uneven padding")
	}
	home, zh := read("index.html"), read("zh-CN/index.html")
	for _, w := range []string{"batch norm", "average pooling", "global average pooling", "leaky ReLU", "sigmoid", "tanh"} {
		if !strings.Contains(home, w) {
			t.Errorf("the overview does not name %q", w)
		}
	}
	if strings.Contains(zh, ">batch norm<") {
		t.Errorf("the Chinese overview names a kind in English")
	}
	rep, err := sitecheck.Check(out, sitecheck.Options{HomeBudget: -1, PageBudget: -1, JSBudget: -1, TryBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range rep.Problems {
		if pr.Rule == sitecheck.RuleBroken || pr.Rule == sitecheck.RuleFragment || pr.Rule == sitecheck.RuleHTML {
			t.Error(pr)
		}
	}
}

// peakOf is the cell of channel 0 with the largest value, first in row
// order: the position a detail page is built at.
func peakOf(t *engine.Tensor) (int, int) {
	best, by, bx := float32(math.Inf(-1)), 0, 0
	for y := 0; y < t.H(); y++ {
		for x := 0; x < t.W(); x++ {
			if v := t.At(y, x, 0); v > best {
				best, by, bx = v, y, x
			}
		}
	}
	return by, bx
}

// TestBuildTwoChannelModel: a model no picture fits gets one clear error
// naming the model and why, before any page is made.
func TestBuildTwoChannelModel(t *testing.T) {
	dir := t.TempDir()
	p := qgCopyProject(t, filepath.Join(dir, "copy"), filepath.Join(dir, "cache"))
	samples := filepath.Join(dir, "pictures")
	if err := os.MkdirAll(samples, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(p.samples, "images", "coat.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(samples, "coat.png"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(sitetest.Root(t), "engine", "onnx", "testdata", "viewed", "model.onnx")
	out := filepath.Join(dir, "public")
	code, _, stderr := qgRun(t, append(p.args(out), "-samples", samples, "-model", model, "-try=false"))
	if code == 0 {
		t.Fatal("a 2-channel model built a site of pictures")
	}
	for _, w := range []string{"viewed/model.onnx", "1 (grey) or 3 (RGB) channels, not 2"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("the error does not say %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the failed build wrote its output folder")
	}
}
