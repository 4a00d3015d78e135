package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"cnnexplainer/dataset"
	"cnnexplainer/engine"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// The defaults of the train command are the settings of the committed
// model in samples/fashion-mnist, which adds -flip (off by default because
// not every image folder may be mirrored).
const (
	defaultEpochs   = 15
	defaultBatch    = 32
	defaultLR       = 0.003
	defaultSeed     = 1
	defaultSchedule = "cosine"
	defaultFlip     = false
)

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "tinyvgg", "architecture: tinyvgg (28x28x1, padding 1) or cnn-explainer (64x64x3, valid)")
	size := fs.Int("size", 0, "input height and width (overrides the preset)")
	channels := fs.Int("channels", 0, "input channels (overrides the preset)")
	hidden := fs.Int("hidden", 0, "filters per convolution (overrides the preset)")
	kernel := fs.Int("kernel", 0, "convolution kernel size (overrides the preset)")
	padding := fs.Int("padding", -1, "zeros on every side of each convolution, 0 for valid (overrides the preset)")
	stride := fs.Int("stride", 0, "convolution stride (overrides the preset)")
	classes := fs.Int("classes", 0, "number of classes; must match the data (checked when set)")
	epochs := fs.Int("epochs", defaultEpochs, "passes over the training set")
	batch := fs.Int("batch", defaultBatch, "examples per mini-batch")
	lr := fs.Float64("lr", defaultLR, "learning rate (the peak, with -schedule cosine)")
	optimizer := fs.String("optimizer", "adam", "adam or sgd")
	momentum := fs.Float64("momentum", 0.9, "momentum for sgd")
	schedule := fs.String("schedule", defaultSchedule, "learning-rate schedule: cosine (to 0 by the end) or constant")
	seed := fs.Uint64("seed", defaultSeed, "seed for the initial weights and the shuffling")
	workers := fs.Int("workers", 0, "goroutines computing gradients (0: one per core); the result does not depend on it")
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	images := fs.String("images", "", "train on an image folder DIR/train/<class>/*.png|jpg and DIR/test/<class>/... instead")
	out := fs.String("out", "model", "folder to write model.json, model.safetensors and the training history into")
	limit := fs.Int("limit", 0, "train on the first N training examples only (0: all)")
	snapshots := fs.Bool("snapshots", true, "keep per-epoch weight snapshots in history.safetensors")
	flip := fs.Bool("flip", defaultFlip, "mirror training pictures left to right at random (augmentation)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var arch train.Arch
	switch *preset {
	case "tinyvgg":
		arch = train.TinyVGGArch()
	case "cnn-explainer":
		arch = train.CNNExplainerArch()
	default:
		return fmt.Errorf("unknown -preset %q (tinyvgg or cnn-explainer)", *preset)
	}
	for _, o := range []struct {
		v   int
		dst *int
	}{{*size, &arch.Size}, {*channels, &arch.Channels}, {*hidden, &arch.Hidden}, {*kernel, &arch.Kernel}, {*stride, &arch.Stride}} {
		if o.v != 0 {
			*o.dst = o.v
		}
	}
	if *padding >= 0 {
		arch.Padding = *padding
	} else if *padding != -1 {
		return fmt.Errorf("-padding %d must not be negative", *padding)
	}
	if err := checkTrain(arch, *epochs, *batch, *limit, *workers, *lr, *momentum); err != nil {
		return err
	}
	opt, err := train.ParseOptimizer(*optimizer)
	if err != nil {
		return err
	}
	sched, err := train.ParseSchedule(*schedule)
	if err != nil {
		return err
	}

	in := engine.Input{Shape: []int{arch.Size, arch.Size, arch.Channels}, Scale: 1.0 / 255}
	var set *dataset.Set
	if *images != "" {
		set, err = dataset.ImageFolder(*images, in)
	} else {
		set, err = dataset.FashionMNIST(*data)
	}
	if err != nil {
		return err
	}
	if !sameInts(set.Train.Shape, in.Shape) {
		return fmt.Errorf("the data has images of shape %v but the architecture expects %v (set -size and -channels)", set.Train.Shape, in.Shape)
	}
	if *classes != 0 && *classes != len(set.Classes) {
		return fmt.Errorf("-classes %d, but the data has %d classes", *classes, len(set.Classes))
	}
	arch.Classes = set.Classes
	name := "tinyvgg"
	if *images == "" {
		name = "tinyvgg-fashion-mnist"
	}
	m, err := train.TinyVGG(name, arch)
	if err != nil {
		return err
	}
	if err := train.Init(m, *seed); err != nil {
		return err
	}
	trainSplit := set.Train.Head(*limit)
	trainData, testData := splitData{trainSplit, in.Scale}, splitData{set.Test, in.Scale}
	fmt.Fprintf(stdout, "model %s: %d parameters; %s: %d training and %d test examples\n",
		m.Name, m.ParamCount(), set.Name, trainData.Len(), testData.Len())

	prog := newProgress(stderr, *epochs, trainData.Len())
	cfg := train.Config{
		Epochs: *epochs, BatchSize: *batch, LR: *lr, Optimizer: opt, Momentum: *momentum, Schedule: sched,
		Seed: *seed, Workers: *workers, Snapshots: *snapshots, Flip: *flip,
		OnBatch: prog.batch,
		OnEpoch: func(s train.EpochStats) {
			prog.epochDone()
			fmt.Fprintf(stdout, "epoch %d/%d: train loss %.4f acc %.4f, test loss %.4f acc %.4f, %.1fs (%.0f samples/s)\n",
				s.Epoch, *epochs, s.TrainLoss, s.TrainAccuracy, s.TestLoss, s.TestAccuracy, s.Seconds, s.SamplesPerSec)
		},
	}
	start := time.Now()
	hist, err := train.Fit(m, trainData, testData, cfg)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	last := hist.Epochs[len(hist.Epochs)-1]
	m.Provenance = engine.Provenance{
		Source:       "cmd/tinyvgg train",
		Dataset:      set.Name,
		Command:      strings.TrimSpace("go run ./cmd/tinyvgg train " + strings.Join(args, " ")),
		Seed:         int64(*seed),
		Epochs:       *epochs,
		TestAccuracy: math.Round(last.TestAccuracy*1e4) / 1e4,
		Licence:      "MIT",
		Notes: fmt.Sprintf("%s, lr %g (%s schedule), batch %d, %d training examples%s, PyTorch-style uniform initialisation",
			opt, *lr, sched, *batch, trainData.Len(), map[bool]string{true: ", random left-right flips"}[*flip]),
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := modelfile.Save(m, *out); err != nil {
		return err
	}
	if err := hist.Save(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test accuracy %.4f after %d epochs in %s; wrote %s\n",
		last.TestAccuracy, *epochs, elapsed.Round(time.Second), *out)
	return nil
}

// splitData serves a dataset split to the trainer, scaling pixels on the
// fly so the set stays in bytes.
type splitData struct {
	s     dataset.Split
	scale float32
}

func (d splitData) Len() int { return d.s.Len() }

func (d splitData) Example(i int, x []float32) int {
	d.s.Float32(i, d.scale, x)
	return d.s.Labels[i]
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// progress shows a bar on a terminal and, elsewhere (or with CI set), a
// plain line every fifth of an epoch.
type progress struct {
	w        io.Writer
	bar      *progressbar.ProgressBar
	epochs   int
	examples int
	next     int // next Seen at which a plain line is due
}

func newProgress(w io.Writer, epochs, examples int) *progress {
	p := &progress{w: w, epochs: epochs, examples: examples}
	if isTerminal(w) && os.Getenv("CI") == "" {
		p.bar = progressbar.NewOptions(examples*epochs,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("samples"),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progress) batch(s train.BatchStats) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f", s.Epoch, p.epochs, s.Loss))
		p.bar.Set((s.Epoch-1)*p.examples + s.Seen)
		return
	}
	if s.Seen >= p.next {
		fmt.Fprintf(p.w, "epoch %d/%d: %d/%d examples, loss %.4f, lr %.2g\n", s.Epoch, p.epochs, s.Seen, p.examples, s.Loss, s.LR)
		p.next += max(p.examples/5, 1)
	}
}

func (p *progress) epochDone() {
	p.next = 0
	if p.bar != nil {
		p.bar.Clear()
	}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
