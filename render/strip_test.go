package render

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// TestStripsHoldTheIntermediateMaps: a sample rendered with Strips gets,
// per convolution neuron, one picture whose rows are, channel by channel,
// the pixels of the maps the same sample gets as a file per channel, on
// the same range; and no file per channel.
func TestStripsHoldTheIntermediateMaps(t *testing.T) {
	m := testModel(t)
	s := testSamples(t, m, 1)[0]
	strip := s
	strip.ID, strip.Strips = s.ID+"-strip", true
	dir := t.TempDir()
	man, err := Render(context.Background(), m, []Sample{s, strip}, nil, dir, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(file string) image.Image {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return img
	}
	checked := 0
	for _, l := range m.Layers {
		conv, ok := l.(*engine.Conv2D)
		if !ok {
			continue
		}
		for n := 0; n < conv.OutC; n++ {
			f, ok := man.Find(KindIntermediateStrip, strip.ID, l.Name(), n, -1, 0)
			if !ok {
				t.Fatalf("%s n%d: no strip", l.Name(), n)
			}
			if _, ok := man.Find(KindIntermediate, strip.ID, l.Name(), n, 0, 0); ok {
				t.Errorf("%s n%d: a strip sample also got a file per channel", l.Name(), n)
			}
			got := decode(f.File)
			for c := 0; c < conv.InC; c++ {
				one, ok := man.Find(KindIntermediate, s.ID, l.Name(), n, c, 0)
				if !ok {
					t.Fatalf("%s n%d c%d: no intermediate map", l.Name(), n, c)
				}
				if one.Range != f.Range || one.Width != f.Width || one.Height*conv.InC != f.Height {
					t.Fatalf("%s n%d: strip %dx%d on %v, channel map %dx%d on %v", l.Name(), n, f.Width, f.Height, f.Range, one.Width, one.Height, one.Range)
				}
				want := decode(one.File)
				for y := 0; y < one.Height; y++ {
					for x := 0; x < one.Width; x++ {
						if a, b := got.At(x, c*one.Height+y), want.At(x, y); a != b {
							t.Fatalf("%s n%d c%d (%d,%d): strip %v, channel map %v", l.Name(), n, c, y, x, a, b)
						}
					}
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("the test model has no convolution")
	}
}
