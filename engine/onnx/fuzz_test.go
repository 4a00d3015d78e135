package onnx

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// FuzzDecode asks that no input panics and that a model that comes back
// passes its own check and runs.
func FuzzDecode(f *testing.F) {
	// The two smaller exports cover all but a few ops the import reads; the TinyVGG
	// file adds only size.
	for _, m := range []string{"kinds", "viewed-dynamic"} {
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
		// Run only models of a size a test can afford (a mutated input
		// shape may declare 4096 x 4096 x 4096 values).
		shapes, _ := m.Shapes()
		for _, sh := range shapes {
			if engine.NumElements(sh) > 1<<20 {
				return
			}
		}
		if m.FLOPs() > 1e8 {
			return
		}
		if _, err := m.Forward(newInput(m.Input.Shape)); err != nil {
			t.Fatal(err)
		}
	})
}

func newInput(shape []int) *engine.Tensor { return engine.NewTensor(shape...) }

// TestDecodeMutations is a deterministic slice of what FuzzDecode does, for
// every plain test run: each reference file cut at every length, and with a
// few random bytes changed, must give a model that checks or an error.
func TestDecodeMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	for _, name := range []string{"cnnmodel", "kinds", "viewed"} {
		b, err := os.ReadFile(filepath.Join("testdata", name, "model.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(b); n += 1 + n/64 {
			if _, err := Decode(b[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes decodes", name, n, len(b))
			}
		}
		for range 1000 {
			c := append([]byte(nil), b...)
			for range 1 + r.IntN(4) {
				c[r.IntN(len(c))] = byte(r.IntN(256))
			}
			if m, err := Decode(c); err == nil {
				if err := m.Check(); err != nil {
					t.Fatalf("%s mutated: a model that fails Check: %v", name, err)
				}
			}
		}
	}
}
