package main

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
	"cnnexplainer/render"
)

// animateFixture saves a small seeded TinyVGG (8x8 grey input, padding 1)
// and a grey picture, and returns their paths.
func animateFixture(t *testing.T) (modelDir, picture string) {
	t.Helper()
	dir := t.TempDir()
	m, err := train.TinyVGG("anim", train.Arch{Size: 8, Channels: 1, Hidden: 2, Kernel: 3, Padding: 1, Stride: 1,
		Classes: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := train.Init(m, 7); err != nil {
		t.Fatal(err)
	}
	modelDir = filepath.Join(dir, "model")
	if err := modelfile.Save(m, modelDir); err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37 % 256)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	picture = filepath.Join(dir, "in.png")
	if err := os.WriteFile(picture, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return modelDir, picture
}

func TestAnimateOutputs(t *testing.T) {
	model, pic := animateFixture(t)
	out := t.TempDir()
	base := []string{"animate", "-model", model, "-input", pic, "-layer", "conv_1_2", "-neuron", "1", "-channel", "1", "-scale", "4"}
	// The same animation through the library, to compare with.
	m, err := modelfile.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	x, err := imageio.Load(pic, m.Input)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	a, err := render.NewAnim(m, tr, "conv_1_2", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	steps := a.Steps() // 8x8 output with padding 1

	gifPath := filepath.Join(out, "a.gif")
	if _, stderr, code := run(t, append(base, "-out", gifPath, "-delay", "50")...); code != 0 {
		t.Fatalf("gif: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(gifPath)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if steps != 64 || len(g.Image) != steps+1 || g.Delay[0] != 5 {
		t.Errorf("gif: %d frames (delay %d) for %d steps", len(g.Image), g.Delay[0], steps)
	}

	pngPath := filepath.Join(out, "f.png")
	if _, stderr, code := run(t, append(base, "-out", pngPath, "-frame", "9")...); code != 0 {
		t.Fatalf("png: exit %d: %s", code, stderr)
	}
	got := decodeFile(t, pngPath)
	want, err := a.Frame(9, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !samePixels(got, want) {
		t.Error("png frame 9 differs from render's Frame(9)")
	}

	dir := filepath.Join(out, "frames")
	if _, stderr, code := run(t, append(base, "-out", dir)...); code != 0 {
		t.Fatalf("frames: exit %d: %s", code, stderr)
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != steps+1 || files[0].Name() != "frame-0000.png" || files[steps].Name() != "frame-0064.png" {
		t.Errorf("frames folder holds %d files (%s..)", len(files), files[0].Name())
	}
	last, err := a.Frame(steps, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !samePixels(decodeFile(t, filepath.Join(dir, "frame-0064.png")), last) {
		t.Error("last frame in the folder is not the finished map")
	}

	svgPath := filepath.Join(out, "a.svg")
	if _, stderr, code := run(t, append(base, "-out", svgPath)...); code != 0 {
		t.Fatalf("svg: exit %d: %s", code, stderr)
	}
	svg, _ := os.ReadFile(svgPath)
	if wantSVG, _ := a.SVG(); !bytes.Equal(svg, wantSVG) {
		t.Error("svg differs from render's SVG")
	}

	// ReLU and max-pool take the neuron as their channel.
	for _, layer := range []string{"relu_1_1", "max_pool_2"} {
		p := filepath.Join(out, layer+".png")
		if _, stderr, code := run(t, "animate", "-model", model, "-input", pic, "-layer", layer, "-neuron", "0", "-out", p); code != 0 {
			t.Errorf("%s: exit %d: %s", layer, code, stderr)
		}
	}
}

func TestAnimateErrors(t *testing.T) {
	model, pic := animateFixture(t)
	out := filepath.Join(t.TempDir(), "x.gif")
	missing := filepath.Join(t.TempDir(), "nope.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-out", out}, "needs -model"},
		{[]string{"-model", model, "-input", missing, "-layer", "conv_1_1", "-neuron", "0", "-out", out}, missing},
		{[]string{"-model", missing, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-out", out}, missing},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_9", "-neuron", "0", "-out", out}, `no layer "conv_9"`},
		{[]string{"-model", model, "-input", pic, "-layer", "flatten", "-neuron", "0", "-out", out}, "only convolution, ReLU and max-pool"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "5", "-out", out}, "no neuron 5"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-channel", "3", "-out", out}, "no input channel 3"},
		{[]string{"-model", model, "-input", pic, "-layer", "relu_1_1", "-neuron", "0", "-channel", "1", "-out", out}, "channel must be"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-frame", "2", "-out", out}, "only a .png output"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-frame", "65", "-out", out + ".png"}, "steps 0..64"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-scale", "0", "-out", out}, "scale 0"},
		{[]string{"-model", model, "-input", pic, "-layer", "conv_1_1", "-neuron", "0", "-out", filepath.Join(missing, "a.svg")}, missing},
	} {
		_, stderr, code := run(t, append([]string{"animate"}, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("animate %v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestAnimateHelp(t *testing.T) {
	_, stderr, code := run(t, "animate", "-h")
	if code != 0 {
		t.Fatalf("-h exits %d", code)
	}
	for _, flag := range []string{"-model", "-input", "-layer", "-neuron", "-channel", "-frame", "-out", "-scale", "-delay", "-hold"} {
		if !strings.Contains(stderr, "\n  "+flag+" ") {
			t.Errorf("help does not document %s:\n%s", flag, stderr)
		}
	}
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}
