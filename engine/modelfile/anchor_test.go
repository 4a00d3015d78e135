package modelfile

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// TestCNNExplainerThroughOurFormat converts the CNN Explainer TF.js model
// (kept beside the repository in ../shared, never copied into it) to our
// format and checks that every layer computes the same bits afterwards.
func TestCNNExplainerThroughOurFormat(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(filepath.Join(src, "model.json")); err != nil {
		t.Skipf("CNN Explainer anchor model not found at %s (../shared beside the repository): %v", src, err)
	}
	tf, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Save(tf, dir); err != nil {
		t.Fatal(err)
	}
	ours, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	x := engine.NewTensor(tf.Input.Shape...)
	for i := range x.Data {
		x.Data[i] = float32(i%256) / 255
	}
	a, err := tf.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ours.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Layers) != 12 || len(b.Layers) != len(a.Layers) {
		t.Fatalf("%d and %d layers", len(a.Layers), len(b.Layers))
	}
	for i, la := range a.Layers {
		lb := b.Layers[i]
		if la.Name != lb.Name || la.Kind != lb.Kind {
			t.Fatalf("layer %d: %s/%v became %s/%v", i, la.Name, la.Kind, lb.Name, lb.Kind)
		}
		for j := range la.Output.Data {
			if math.Float32bits(la.Output.Data[j]) != math.Float32bits(lb.Output.Data[j]) {
				t.Fatalf("layer %s value %d: %v became %v", la.Name, j, la.Output.Data[j], lb.Output.Data[j])
			}
		}
	}
	if ours.Provenance != tf.Provenance {
		t.Errorf("provenance %+v became %+v", tf.Provenance, ours.Provenance)
	}
}
