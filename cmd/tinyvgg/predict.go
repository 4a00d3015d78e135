package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/npy"
)

const predictUsage = `usage: tinyvgg predict -model PATH -input FILE [-trace DIR] [-top N]

Classifies one input and prints the most probable classes.

FILE is a PNG or JPEG picture, made into the model's input by the rules of
engine/imageio (centre crop to the model's aspect ratio, resize, channels,
values times the model's input scale), or a .npy array of float32 with the
model's input shape in the model's own layout, used exactly as it is
(already scaled): (H, W, C) for our and TensorFlow.js models, (1, C, H, W)
or (C, H, W) for ONNX (PyTorch) models.

With -trace, DIR/<layer>.npy receives every layer's output (float32,
little-endian, C order), and DIR/logits.npy and DIR/probs.npy the scores
before and after softmax. Shapes follow the model's layout: maps (H, W, C)
and vectors (N,) without a batch dimension for our and TF.js models, maps
(1, C, H, W) and vectors (1, N) for ONNX models, as PyTorch prints them.

flags:
`

func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "model.json (ours or TensorFlow.js), an .onnx file, or the folder holding one")
	input := fs.String("input", "", "PNG or JPEG picture, or float32 .npy in the model's layout")
	traceDir := fs.String("trace", "", "write every layer's output, logits and probabilities as .npy files into this folder")
	top := fs.Int("top", 5, "number of classes to print, most probable first")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), predictUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err // flag.ErrHelp for -h, which is errHelp
	}
	if *modelPath == "" || *input == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("predict needs -model PATH and -input FILE and no other arguments")
	}
	if *top < 1 {
		return fmt.Errorf("-top %d: must be at least 1", *top)
	}
	m, err := modelfile.Load(*modelPath)
	if err != nil {
		return err
	}
	x, err := loadInput(*input, m.Input)
	if err != nil {
		return err
	}
	tr, err := m.Forward(x)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	if *traceDir != "" {
		if err := writeTrace(*traceDir, tr, m.Input.Layout); err != nil {
			return err
		}
	}
	preds := m.Top(tr.Probs, *top)
	width := 0
	for _, p := range preds {
		width = max(width, len(p.Class))
	}
	fmt.Fprintf(stdout, "%s: %s\n", *input, m.Name)
	for i, p := range preds {
		line := fmt.Sprintf("%2d. %-*s  %.4f", i+1, width, p.Class, p.Prob)
		if p.Class != fmt.Sprint(p.Index) {
			line += fmt.Sprintf("  (output %d)", p.Index)
		}
		fmt.Fprintln(stdout, line)
	}
	if *traceDir != "" {
		fmt.Fprintf(stdout, "trace: %d layers, logits and probabilities in %s\n", len(tr.Layers), *traceDir)
	}
	return nil
}

// loadInput reads a picture through imageio, or a .npy tensor (told apart
// by its magic bytes, not its name) that must already have the model's
// input shape.
func loadInput(path string, in engine.Input) (*engine.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	head := make([]byte, 6)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if !bytes.Equal(head[:n], []byte("\x93NUMPY")) {
		return imageio.Load(path, in)
	}
	x, err := npy.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if in.Layout == engine.LayoutNCHW {
		h, w, c := in.Shape[0], in.Shape[1], in.Shape[2]
		if !slices.Equal(x.Shape, []int{1, c, h, w}) && !slices.Equal(x.Shape, []int{c, h, w}) {
			return nil, fmt.Errorf("input %s: array of shape %v, the model takes (1, C, H, W) = (1, %d, %d, %d) or (C, H, W)", path, x.Shape, c, h, w)
		}
		if x, err = engine.FromNCHW(x); err != nil {
			return nil, fmt.Errorf("input %s: %w", path, err)
		}
	}
	if !slices.Equal(x.Shape, in.Shape) {
		return nil, fmt.Errorf("input %s: array of shape %v, the model takes (H, W, C) = %v", path, x.Shape, in.Shape)
	}
	for i, v := range x.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("input %s: value %d is %v", path, i, v)
		}
	}
	return x, nil
}

// writeTrace writes one .npy per layer plus logits.npy and probs.npy. A
// layer's name becomes a file name, so it must be a plain name; a layer
// called "logits" or "probs" may share the file only if it holds the same
// numbers. With layout engine.LayoutNCHW tensors are written as PyTorch
// holds them, with a batch of one.
func writeTrace(dir string, tr *engine.Trace, layout string) error {
	files := map[string]*engine.Tensor{}
	var order []string
	add := func(name string, t *engine.Tensor) error {
		if layout == engine.LayoutNCHW {
			t = t.ToCHW()
			t.Shape = append([]int{1}, t.Shape...)
		}
		if name == "" || !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("trace: layer name %q cannot be a file name", name)
		}
		if old, ok := files[name]; ok {
			if !slices.Equal(old.Shape, t.Shape) || !equalBits(old.Data, t.Data) {
				return fmt.Errorf("trace: layer %q would overwrite %s.npy with different numbers", name, name)
			}
			return nil
		}
		files[name] = t
		order = append(order, name)
		return nil
	}
	for _, l := range tr.Layers {
		if err := add(l.Name, l.Output); err != nil {
			return err
		}
	}
	if err := add("logits", &engine.Tensor{Shape: []int{len(tr.Logits)}, Data: tr.Logits}); err != nil {
		return err
	}
	if err := add("probs", &engine.Tensor{Shape: []int{len(tr.Probs)}, Data: tr.Probs}); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	for _, name := range order {
		if err := npy.WriteFile(filepath.Join(dir, name+".npy"), files[name]); err != nil {
			return fmt.Errorf("trace: %w", err)
		}
	}
	return nil
}

func equalBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
