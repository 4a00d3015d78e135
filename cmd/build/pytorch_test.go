package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"
)

// TestBuildPyTorchModel is the "From PyTorch" promise: the seed's CNNModel
// trained in PyTorch and exported to ONNX builds a complete site from the
// usual samples, named by its module paths, with the flatten read in
// PyTorch's order.
func TestBuildPyTorchModel(t *testing.T) {
	dir := t.TempDir()
	p := qgCopyProject(t, filepath.Join(dir, "copy"), filepath.Join(dir, "cache"))
	out := filepath.Join(dir, "public")
	model := filepath.Join(sitetest.Root(t), "engine", "onnx", "testdata", "cnnmodel-fashion", "model.onnx")
	code, _, stderr := qgRun(t, append(p.args(out), "-model", model))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	home := read("index.html")
	for _, want := range []string{"block_1.0", "block_2.4", "classifier.1", "Ankle boot"} {
		if !strings.Contains(home, want) {
			t.Errorf("index.html does not mention %q", want)
		}
	}
	for _, page := range []string{"s/t-shirt-top/block_1.0/0/index.html", "zh-CN/s/t-shirt-top/block_1.0/0/index.html"} {
		read(page)
	}
	// Index 167 of PyTorch's flatten of a (10, 7, 7) map is channel 3,
	// row 2, column 6 (167 = 3*49 + 2*7 + 6); in Keras order it would be
	// row 2, column 2, channel 7.
	class := read("s/t-shirt-top/classifier.1/0/index.html")
	if i := strings.Index(class, "<td>167</td>"); i < 0 || !strings.Contains(class[i:min(i+200, len(class))], "row 2, column 6, channel 3") {
		t.Errorf("the class page does not place index 167 at row 2, column 6, channel 3")
	}
}
