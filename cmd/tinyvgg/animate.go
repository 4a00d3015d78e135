package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/render"
)

const animateUsage = `usage: tinyvgg animate -model PATH -input FILE -layer NAME -neuron N [-channel C]
                       [-frame K] -out FILE.gif|FILE.png|FILE.svg|DIR [-scale PIXELS] [-delay MS] [-hold MS]

Draws the sliding-window animation of one neuron of a convolution, ReLU or
max-pool layer on the real forward pass of one picture, as the site shows
it: the window moves over the (padded) input map while the output map fills
in cell by cell. A convolution's output is the contribution of one input
channel (-channel) to the neuron, without bias or activation.

Step k (0 <= k < S, S = output cells) puts the window on output cell k, in
row-major order, with cells 0..k filled in; frame S is the finished map
with no window. The output depends on -out:

  FILE.gif  every frame as a looping animated GIF (-delay per step, the
            finished map held for -hold)
  FILE.png  the single frame -frame (default: the finished map)
  FILE.svg  the self-contained animated SVG the site uses
  DIR       every frame as DIR/frame-0000.png, frame-0001.png, ...

Frames have no text: cells, hatched padding (and hatched leftover cells a
stride does not reach), the window and the current output cell outlined.

flags:
`

func runAnimate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("animate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "model.json (ours or TensorFlow.js), an .onnx file, or the folder holding one")
	input := fs.String("input", "", "PNG or JPEG picture, made into the model's input like predict does")
	layer := fs.String("layer", "", "name of a convolution, ReLU or max-pool layer, e.g. conv_1_1")
	neuron := fs.Int("neuron", -1, "output channel (neuron) of the layer, from 0; required")
	channel := fs.Int("channel", -1, "input channel of a convolution, from 0; -1 means 0 for a convolution and the neuron's own channel for ReLU and max-pool")
	frame := fs.Int("frame", -1, "with a .png output: the step to draw, 0..S; -1 draws S, the finished map")
	out := fs.String("out", "", "output: FILE.gif, FILE.png, FILE.svg, or a folder for every frame as PNG")
	scale := fs.Int("scale", 12, fmt.Sprintf("pixels per cell of raster frames, 1..%d", render.MaxFrameScale))
	delay := fs.Int("delay", 120, "GIF: milliseconds per step, at least 10 (GIF counts in hundredths of a second)")
	hold := fs.Int("hold", 1500, "GIF: milliseconds the finished map is held before the loop restarts, at least 10")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), animateUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err // flag.ErrHelp for -h, which is errHelp
	}
	if *modelPath == "" || *input == "" || *layer == "" || *out == "" || *neuron < 0 || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("animate needs -model, -input, -layer, -neuron and -out, and no other arguments")
	}
	kind := outputKind(*out)
	if *frame != -1 && kind != ".png" {
		return fmt.Errorf("-frame %d: only a .png output draws a single frame, not %s", *frame, *out)
	}
	a, err := loadAnim(*modelPath, *input, *layer, *neuron, *channel)
	if err != nil {
		return err
	}
	if *frame < -1 || *frame > a.Steps() {
		return fmt.Errorf("-frame %d: layer %s has steps 0..%d", *frame, *layer, a.Steps())
	}
	var data []byte
	switch kind {
	case ".gif":
		data, err = a.GIF(*scale, *delay, *hold)
	case ".png":
		k := *frame
		if k == -1 {
			k = a.Steps()
		}
		data, err = a.FramePNG(k, *scale)
	case ".svg":
		data, err = a.SVG()
	default:
		return writeFrames(a, *out, *scale, stdout)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d steps, %d bytes\n", *out, a.Steps(), len(data))
	return nil
}

// loadAnim runs the picture at input through the model at modelPath and
// returns the animation of one neuron of layer; channel -1 is the default
// that -channel describes.
func loadAnim(modelPath, input, layer string, neuron, channel int) (*render.Anim, error) {
	m, err := modelfile.Load(modelPath)
	if err != nil {
		return nil, err
	}
	x, err := imageio.Load(input, m.Input)
	if err != nil {
		return nil, err
	}
	tr, err := m.Forward(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", input, err)
	}
	l := m.Layer(layer)
	if l == nil {
		return nil, fmt.Errorf("model %s has no layer %q", modelPath, layer)
	}
	if !render.AnimLayer(l) {
		return nil, fmt.Errorf("layer %s is a %s layer; only convolution, ReLU and max-pool layers have animations", layer, l.Kind())
	}
	ch := channel
	if ch == -1 && l.Kind() == engine.KindConv2D {
		ch = 0
	}
	a, err := render.NewAnim(m, tr, layer, neuron, ch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	return a, nil
}

// outputKind is the lower-case extension of a file output, or "" for a
// folder of frames.
func outputKind(out string) string {
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".gif", ".png", ".svg":
		return ext
	}
	return ""
}

// writeFrames writes every frame into dir as a numbered PNG, wide enough
// numbers that the files sort in step order.
func writeFrames(a *render.Anim, dir string, scale int, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("frames folder: %w", err)
	}
	digits := max(4, len(fmt.Sprint(a.Steps())))
	err := a.EachFramePNG(scale, func(k int, data []byte) error {
		name := filepath.Join(dir, fmt.Sprintf("frame-%0*d.png", digits, k))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return fmt.Errorf("write %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d frames\n", dir, a.Steps()+1)
	return nil
}
