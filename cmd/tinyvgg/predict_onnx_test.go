package main

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine/npy"
)

// TestPredictONNXMatchesPyTorch runs predict -trace on the PyTorch exports
// of engine/onnx/testdata and compares every file it writes with the
// outputs PyTorch recorded (same names, same (1, C, H, W) shapes).
func TestPredictONNXMatchesPyTorch(t *testing.T) {
	for _, model := range []string{"cnnmodel", "kinds", "viewed", "viewed-dynamic"} {
		t.Run(model, func(t *testing.T) {
			src := filepath.Join("..", "..", "engine", "onnx", "testdata", model)
			trace := t.TempDir()
			out, errs, code := run(t, "predict", "-model", filepath.Join(src, "model.onnx"),
				"-input", filepath.Join(src, "input.npy"), "-trace", trace)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, "1. ") {
				t.Errorf("no prediction printed: %q", out)
			}
			refs, err := filepath.Glob(filepath.Join(src, "ref", "*.npy"))
			if err != nil || len(refs) < 5 {
				t.Fatalf("reference files: %v %v", refs, err)
			}
			matched := 0
			for _, ref := range refs {
				got, err := npy.ReadFile(filepath.Join(trace, filepath.Base(ref)))
				if os.IsNotExist(err) || (err != nil && strings.Contains(err.Error(), "no such file")) {
					continue // a module folded into the next layer (a ZeroPad2d)
				}
				if err != nil {
					t.Fatal(err)
				}
				want, err := npy.ReadFile(ref)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Shape, want.Shape) {
					t.Errorf("%s: shape %v, PyTorch %v", filepath.Base(ref), got.Shape, want.Shape)
					continue
				}
				var scale float64
				for _, v := range want.Data {
					scale = max(scale, math.Abs(float64(v)))
				}
				for i := range got.Data {
					if math.Abs(float64(got.Data[i]-want.Data[i])) > 1e-4*scale {
						t.Errorf("%s[%d] = %v, PyTorch %v", filepath.Base(ref), i, got.Data[i], want.Data[i])
						break
					}
				}
				matched++
			}
			if matched < len(refs)-1 {
				t.Errorf("only %d of %d PyTorch outputs have a trace file", matched, len(refs))
			}
		})
	}
}

func TestPredictONNXInputLayout(t *testing.T) {
	model := filepath.Join("..", "..", "engine", "onnx", "testdata", "cnnmodel", "model.onnx")
	chw := writeNpy(t, []int{1, 28, 28}, make([]float32, 28*28)...)
	if _, errs, code := run(t, "predict", "-model", model, "-input", chw); code != 0 {
		t.Errorf("(C, H, W) input refused: %s", errs)
	}
	hwc := writeNpy(t, []int{28, 28, 1}, make([]float32, 28*28)...)
	_, errs, code := run(t, "predict", "-model", model, "-input", hwc)
	if code == 0 || !strings.Contains(errs, "(1, C, H, W) = (1, 1, 28, 28)") {
		t.Errorf("(H, W, C) input to an ONNX model: exit %d, %q", code, errs)
	}
}
