package render

import (
	"bytes"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	m := &Manifest{Figures: []Figure{
		{File: "s/b/softmax.svg", Kind: KindSoftmax, Sample: "b", Neuron: -1, Channel: -1, Range: [2]float32{-1.5, 2}, Scale: "oranges", Width: 260, Height: 60},
		{File: "p/5-1-3-2.svg", Kind: "playground", Neuron: -1, Channel: -1, Params: map[string]int{"stride": 2, "size": 5, "pad": 1}, Note: "uneven"},
		{File: "s/a/conv_1_1/unit/0.png", Kind: KindActivation, Sample: "a", Layer: "conv_1_1", Neuron: 0, Channel: -1, Range: [2]float32{-0.3, 0.3}, Scale: "rdbu", Mode: "unit", Width: 26, Height: 26},
		{File: "s/a/conv_1_2/anim.svg", Fragment: "n1c0", Kind: KindConvAnim, Sample: "a", Layer: "conv_1_2", Neuron: 1, Channel: 0, Range: [2]float32{-2, 2}, Scale: "rdbu", Mode: "unit"},
		{File: "s/a/conv_1_2/anim.svg", Fragment: "n0c1", Kind: KindConvAnim, Sample: "a", Layer: "conv_1_2", Neuron: 0, Channel: 1, Range: [2]float32{-1, 1}, Scale: "rdbu", Mode: "unit"},
	}}
	m.Sort()
	data, err := m.MarshalIndented()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalIndented()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Errorf("round trip changed the bytes:\n%s\n%s", data, again)
	}
	if f, ok := back.Lookup("s/a/conv_1_1/unit/0.png"); !ok || f.Range[1] != 0.3 {
		t.Errorf("Lookup = %+v, %v", f, ok)
	}
	if _, ok := back.Lookup("s/a/conv_1_1/unit/1.png"); ok {
		t.Error("Lookup found a file that is not there")
	}
	// A bundle: the bare file is its first figure, a fragment picks one.
	for ref, neuron := range map[string]int{"s/a/conv_1_2/anim.svg": 0, "s/a/conv_1_2/anim.svg#n0c1": 0, "s/a/conv_1_2/anim.svg#n1c0": 1} {
		if f, ok := back.Lookup(ref); !ok || f.Neuron != neuron || ok && f.Ref() != "s/a/conv_1_2/anim.svg#"+f.Fragment {
			t.Errorf("Lookup(%s) = %+v, %v", ref, f, ok)
		}
	}
	for _, ref := range []string{"s/a/conv_1_2/anim.svg#n2c0", "s/a/conv_1_2/anim.svg#", "s/a/conv_1_1/unit/0.png#n0"} {
		if f, ok := back.Lookup(ref); ok {
			t.Errorf("Lookup(%s) found %+v", ref, f)
		}
	}
	if f, ok := back.Find("playground", "", "", -1, -1, ""); !ok || f.Params["pad"] != 1 {
		t.Errorf("Find playground = %+v, %v", f, ok)
	}
}

func TestParseManifestRejects(t *testing.T) {
	for _, bad := range []string{
		``, `{`, `{"figures": 3}`,
		`{"figures": [{"file": "b"}, {"file": "a"}]}`,
		`{"figures": [{"file": "a"}, {"file": "a"}]}`,
		`{"figures": [{"file": "a", "fragment": "n1"}, {"file": "a", "fragment": "n0"}]}`,
		`{"figures": [{"file": "a", "fragment": "n0"}, {"file": "a", "fragment": "n0"}]}`,
	} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// FuzzParseManifest: whatever parses must encode and parse back to the
// same bytes.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"figures": [{"file":"a.png","kind":"input","neuron":-1,"channel":-1,"range":[0,1],"width":2,"height":2}]}`))
	f.Add([]byte(`{"figures": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		out, err := m.MarshalIndented()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := m2.MarshalIndented()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}
