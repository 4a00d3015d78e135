package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// FuzzDecode asks that no input panics and that a model that comes back
// passes its own check and runs.
func FuzzDecode(f *testing.F) {
	for _, m := range []string{"cnnmodel", "kinds", "viewed"} {
		b, err := os.ReadFile(filepath.Join("testdata", m, "model.onnx"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	nodes, inits := convNet()
	f.Add(encodeModel(nodes, inits, "y"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("Decode returned a model that fails Check: %v", err)
		}
		if m.FLOPs() > 1e9 {
			return
		}
		if _, err := m.Forward(newInput(m.Input.Shape)); err != nil {
			t.Fatal(err)
		}
	})
}

func newInput(shape []int) *engine.Tensor { return engine.NewTensor(shape...) }
