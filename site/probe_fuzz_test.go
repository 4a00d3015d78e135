package site

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadProbe feeds probe.json variants beside a valid sprite: loading
// must fail with an error or give one picture of the model's shape per
// label, never panic.
func FuzzLoadProbe(f *testing.F) {
	f.Add([]byte(`{"tile":[12,12,1],"columns":4,"classes":["Coat","Trouser","Bag"],"labels":[0,1,2,0],"indices":[1,2,3,4]}`))
	f.Add([]byte(`{"tile":[12,12,1],"columns":0,"classes":[],"labels":[],"indices":[]}`))
	f.Add([]byte(`{"tile":[12,12,1],"columns":1,"classes":["Bag"],"labels":[0,0,0,0,0,0,0,0,0],"indices":[0,0,0,0,0,0,0,0,0]}`))
	f.Add([]byte(`{"tile":[12,12],"columns":-3,"classes":["Bag"],"labels":[-1],"indices":[0]}`))
	m, err := tinyModel()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		dir := t.TempDir()
		writeProbe(t, dir, 7) // a 4x2 sprite of 12x12 tiles
		if err := os.WriteFile(filepath.Join(dir, ProbeDir, "probe.json"), doc, 0o644); err != nil {
			t.Fatal(err)
		}
		ps, err := loadProbe(dir, m, m.Classes, nil)
		if err != nil {
			return
		}
		if ps == nil || len(ps.Pictures) != len(ps.Labels) || len(ps.Labels) == 0 {
			t.Fatalf("loaded %v without an error", ps)
		}
		for _, p := range ps.Pictures {
			if p.H != 12 || p.W != 12 || len(p.Pix) != 144 {
				t.Fatalf("picture of %dx%d with %d values", p.H, p.W, len(p.Pix))
			}
		}
		for _, l := range ps.Labels {
			if l < 0 || l >= len(m.Classes) {
				t.Fatalf("label %d of %d classes", l, len(m.Classes))
			}
		}
	})
}
