package render

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	m := &Manifest{Figures: []Figure{
		{File: "s/b/softmax.svg", Kind: KindSoftmax, Sample: "b", Neuron: -1, Channel: -1, Range: [2]float32{-1.5, 2}, Scale: Oranges, Width: 260, Height: 60},
		{File: "p/5-1-3-2.svg", Kind: "playground", Neuron: -1, Channel: -1, Params: map[string]int{"stride": 2, "size": 5, "pad": 1}, Note: "uneven"},
		{File: "s/a/conv_1_1/unit/0.png", Kind: KindActivation, Sample: "a", Layer: "conv_1_1", Neuron: 0, Channel: -1, Range: [2]float32{-0.3, 0.3}, Scale: RdBu, Mode: Unit, Width: 26, Height: 26},
		{File: "s/a/conv_1_2/anim.svg", Fragment: "n1c0", Kind: KindConvAnim, Sample: "a", Layer: "conv_1_2", Neuron: 1, Channel: 0, Range: [2]float32{-2, 2}, Scale: RdBu, Mode: Unit},
		{File: "s/a/conv_1_2/anim.svg", Fragment: "n0c1", Kind: KindConvAnim, Sample: "a", Layer: "conv_1_2", Neuron: 0, Channel: 1, Range: [2]float32{-1, 1}, Scale: RdBu, Mode: Unit},
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
	if f, ok := back.Find("playground", "", "", -1, -1, 0); !ok || f.Params["pad"] != 1 {
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

// indexFixture has a figure of each shape the index must keep: a bundle
// member, parameters, a note, no scale or mode, negative and fractional
// ranges.
func indexFixture() *Manifest {
	m := &Manifest{Figures: []Figure{
		{File: "s/b/softmax.svg", Kind: KindSoftmax, Sample: "b", Neuron: -1, Channel: -1, Range: [2]float32{-1.5, 2}, Scale: Oranges, Width: 260, Height: 60},
		{File: "p/5-1-3-2.svg", Kind: KindPlayground, Neuron: -1, Channel: -1, Params: map[string]int{"stride": 2, "size": 5, "pad": -1}, Note: "uneven"},
		{File: "s/a/conv_1_1/global/0.png", Kind: KindActivation, Sample: "a", Layer: "conv_1_1", Neuron: 0, Channel: -1, Range: [2]float32{-0.3, 1e-7}, Scale: RdBu, Mode: Global, Width: 26, Height: 26},
		{File: "s/a/conv_1_2/anim.svg", Fragment: "n1c0", Kind: KindConvAnim, Sample: "a", Layer: "conv_1_2", Neuron: 1, Channel: 0, Range: [2]float32{-2, 2}, Scale: BrBG, Mode: Module},
		{File: "t/loss.svg", Kind: KindLossCurve, Neuron: -1, Channel: -1, Range: [2]float32{0.25, 2.375}, Width: 640, Height: 360, Params: map[string]int{"epochs": 11}},
	}}
	m.Sort()
	return m
}

func TestIndexRoundTrip(t *testing.T) {
	m := indexFixture()
	data, err := m.MarshalIndex()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("index round trip:\n got %+v\nwant %+v", back.Figures, m.Figures)
	}
	// The index says the same as manifest.json.
	j1, _ := m.MarshalIndented()
	j2, _ := back.MarshalIndented()
	if !bytes.Equal(j1, j2) {
		t.Errorf("manifest.json differs after the index:\n%s\n%s", j1, j2)
	}
	if empty, err := ParseIndex([]byte(indexHeader)); err != nil || len(empty.Figures) != 0 {
		t.Errorf("empty index: %+v, %v", empty, err)
	}
}

func TestIndexRejects(t *testing.T) {
	good, _ := indexFixture().MarshalIndex()
	lines := strings.SplitAfter(string(good), "\n")
	line, softmax := lines[1], lines[len(lines)-3] // p/5-1-3-2.svg, s/b/softmax.svg
	tests := []struct{ name, data, want string }{
		{"no header", strings.TrimPrefix(string(good), indexHeader), "first line"},
		{"cut short", strings.TrimSuffix(string(good), "\n"), "cut short"},
		{"few fields", indexHeader + "a\tb\n", "line 2: 2 fields"},
		{"bad number", indexHeader + strings.Replace(line, "\t-1\t", "\tx\t", 1), "line 2"},
		{"bad scheme", indexHeader + strings.Replace(softmax, "\toranges\t", "\trainbow\t", 1), "colour scheme"},
		{"bad param", indexHeader + strings.Replace(line, "pad=-1", "pad", 1), "not name=number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseIndex([]byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseIndex error = %v, want %q", err, tt.want)
			}
		})
	}
	bad := &Manifest{Figures: []Figure{{File: "a\tb.png"}}}
	if _, err := bad.MarshalIndex(); err == nil {
		t.Error("MarshalIndex wrote a file name with a tab")
	}
}

// FuzzParseIndex: what the reader accepts, the writer writes, and the
// reader reads back to the same bytes.
func FuzzParseIndex(f *testing.F) {
	good, _ := indexFixture().MarshalIndex()
	f.Add(good)
	f.Add([]byte(indexHeader))
	f.Add([]byte(indexHeader + "a\t\tk\t\t\t1\t2\t\t3\t4\t\tx=1,y=2\tNaN\t+Inf\tnote\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseIndex(data)
		if err != nil {
			return
		}
		out, err := m.MarshalIndex()
		if err != nil {
			t.Fatalf("parsed, but cannot write it back: %v", err)
		}
		m2, err := ParseIndex(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := m2.MarshalIndex()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}
