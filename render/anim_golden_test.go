package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// TestAnimGolden compares small animations (a padded, strided convolution
// with a leftover column, a ReLU, the bundle of a two-channel,
// two-neuron convolution, a ReLU bundle drawn over its input) and two
// playground figures with
// testdata/golden/anim; run go test ./render -update to rewrite them.
func TestAnimGolden(t *testing.T) {
	x := engine.NewTensor(4, 5, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%6)/5 - 0.3
	}
	l := &engine.Conv2D{LayerName: "conv", KH: 3, KW: 3, InC: 1, OutC: 1, StrideH: 2, StrideW: 2, Padding: engine.Explicit, Pad: 1,
		Kernel: []float32{0.5, -1, 0.25, 1, 0, -0.5, -0.25, 0.75, 1}, Bias: []float32{0.1}}
	m := &engine.Model{Name: "golden", Input: engine.Input{Shape: []int{4, 5, 1}, Scale: 1.0 / 255},
		Layers: []engine.Layer{l, &engine.ReLU{LayerName: "relu"}, &engine.Flatten{LayerName: "flat"}}}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := NewAnim(m, tr, "conv", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	relu, err := NewAnim(m, tr, "relu", 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	bundle := goldenBundle(t)
	ranges, err := NewRanges(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	reluBundle, err := layerBundle(m, tr, ranges, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, draw := range map[string]func() ([]byte, error){
		"conv.svg":        conv.SVG,
		"relu.svg":        relu.SVG,
		"bundle.svg":      bundle.svg,
		"relu-bundle.svg": reluBundle.svg,
		"i5-p1-k3-s2.svg": Playground{Size: 5, Pad: 1, Kernel: 3, Stride: 2}.Anim().SVG,
		"i4-p2-k2-s3.svg": Playground{Size: 4, Pad: 2, Kernel: 2, Stride: 3}.Anim().SVG,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := draw()
			if err != nil {
				t.Fatal(err)
			}
			again, _ := draw()
			if !bytes.Equal(got, again) {
				t.Fatal("two renders differ")
			}
			path := filepath.Join("testdata", "golden", "anim", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("differs from %s at %s (run go test ./render -update and review the diff)", path, firstDiff(got, want))
			}
		})
	}
}

// goldenBundle is the bundle of a 3x3 convolution, stride 1, no padding,
// from two input channels into two neurons over a 4x4 picture: four
// members, two shared input maps.
func goldenBundle(t *testing.T) animBundle {
	t.Helper()
	x := engine.NewTensor(4, 4, 2)
	for i := range x.Data {
		x.Data[i] = float32((i*7)%11) / 10
	}
	k := make([]float32, 3*3*2*2)
	for i := range k {
		k[i] = float32(i%5)/4 - 0.5
	}
	l := &engine.Conv2D{LayerName: "conv", KH: 3, KW: 3, InC: 2, OutC: 2, StrideH: 1, StrideW: 1, Padding: engine.Valid,
		Kernel: k, Bias: []float32{0, 0.1}}
	m := &engine.Model{Name: "bundle", Input: engine.Input{Shape: []int{4, 4, 2}, Scale: 1.0 / 255},
		Layers: []engine.Layer{l, &engine.Flatten{LayerName: "flat"}}}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := NewRanges(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := layerBundle(m, tr, ranges, 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
