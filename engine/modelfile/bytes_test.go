package modelfile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Encode gives exactly the files Save writes, and Decode reads them back
// to the same model, so the browser engine loads what the build used.
func TestEncodeDecodeMatchSaveLoad(t *testing.T) {
	m := sample()
	dir := t.TempDir()
	if err := Save(m, dir); err != nil {
		t.Fatal(err)
	}
	doc, weights, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{JSONFile: doc, WeightsFile: weights} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Encode's %s differs from the file Save wrote", name)
		}
	}
	back, err := Decode("model.json", doc, weights)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Layers) != len(m.Layers) || back.ParamCount() != m.ParamCount() {
		t.Fatalf("decoded %d layers / %d params, want %d / %d", len(back.Layers), back.ParamCount(), len(m.Layers), m.ParamCount())
	}
	for i, l := range m.Layers {
		for j, p := range l.Params() {
			if !slices.Equal(back.Layers[i].Params()[j].Data, p.Data) {
				t.Errorf("layer %s %s differs after Decode", l.Name(), p.Name)
			}
		}
	}
}

func TestDecodeErrorsNameTheModel(t *testing.T) {
	doc, weights, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		doc, weights []byte
	}{
		{"not json", []byte("{"), weights},
		{"truncated weights", doc, weights[:len(weights)/2]},
		{"no weights", doc, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode("try/model.js", tc.doc, tc.weights)
			if err == nil || m != nil {
				t.Fatalf("Decode = %v, %v; want an error", m, err)
			}
			if !strings.Contains(err.Error(), "try/model.js") {
				t.Errorf("error %q does not name the model", err)
			}
		})
	}
}
