package modelfile

import (
	"bytes"
	"reflect"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// FuzzDecode feeds arbitrary model.json text and weight bytes to our
// loader. It must never panic; a model it accepts must pass Check, run
// forward, and come back unchanged through Save's encoding.
func FuzzDecode(f *testing.F) {
	fj, wf, err := encode(sample())
	if err != nil {
		f.Fatal(err)
	}
	doc, _ := marshal(fj)
	var weights bytes.Buffer
	if err := safetensors.Write(&weights, wf); err != nil {
		f.Fatal(err)
	}
	f.Add(doc, weights.Bytes())
	f.Fuzz(func(t *testing.T, doc, weights []byte) {
		m, err := decode("model.json", doc, func(string) ([]byte, error) { return weights, nil })
		if err != nil {
			if m != nil {
				t.Fatal("a model came back with an error")
			}
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("accepted a model that fails Check: %v", err)
		}
		fj, wf, err := encode(m)
		if err != nil {
			t.Fatalf("accepted a model that cannot be saved: %v", err)
		}
		doc2, err := marshal(fj)
		if err != nil {
			t.Fatal(err)
		}
		var w2 bytes.Buffer
		if err := safetensors.Write(&w2, wf); err != nil {
			t.Fatal(err)
		}
		m2, err := decode("model.json", doc2, func(string) ([]byte, error) { return w2.Bytes(), nil })
		if err != nil {
			t.Fatalf("re-load of the saved model: %v\n%s", err, doc2)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("model changed through save and load:\n%s", doc2)
		}
		if engine.NumElements(m.Input.Shape) > 1<<14 || m.FLOPs() > 1e7 {
			return
		}
		if _, err := m.Forward(engine.NewTensor(m.Input.Shape...)); err != nil {
			t.Fatalf("forward: %v", err)
		}
	})
}
