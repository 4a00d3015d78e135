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
	o, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	arch, err := o.arch()
	if err != nil {
		return err
	}
	if err := checkTrain(arch, o.epochs, o.batch, o.limit, o.workers, o.lr, o.momentum); err != nil {
		return err
	}
	opt, err := train.ParseOptimizer(o.optimizer)
	if err != nil {
		return err
	}
	sched, err := train.ParseSchedule(o.schedule)
	if err != nil {
		return err
	}
	in := engine.Input{Shape: []int{arch.Size, arch.Size, arch.Channels}, Scale: 1.0 / 255}
	set, err := o.load(in, &arch)
	if err != nil {
		return err
	}
	name := "tinyvgg"
	if o.images == "" {
		name = "tinyvgg-fashion-mnist"
	}
	m, err := train.TinyVGG(name, arch)
	if err != nil {
		return err
	}
	if err := train.Init(m, o.seed); err != nil {
		return err
	}
	trainSplit := set.Train.Head(o.limit)
	trainData, testData := splitData{trainSplit, in.Scale}, splitData{set.Test, in.Scale}
	fmt.Fprintf(stdout, "model %s: %d parameters; %s: %d training and %d test examples\n",
		m.Name, m.ParamCount(), set.Name, trainData.Len(), testData.Len())

	cfg := o.config(opt, sched, stdout, newProgress(stderr, o.epochs, trainData.Len()))
	start := time.Now()
	hist, err := train.Fit(m, trainData, testData, cfg)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	last := hist.Epochs[len(hist.Epochs)-1]
	m.Provenance = o.provenance(args, set.Name, last.TestAccuracy, opt, sched, trainData.Len())
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := modelfile.Save(m, o.out); err != nil {
		return err
	}
	if err := hist.Save(o.out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test accuracy %.4f after %d epochs in %s; wrote %s\n",
		last.TestAccuracy, o.epochs, elapsed.Round(time.Second), o.out)
	return nil
}

// trainOpts are the train command's flags.
type trainOpts struct {
	preset                                                   string
	size, channels, hidden, kernel, padding, stride, classes int
	epochs, batch, workers, limit                            int
	lr, momentum                                             float64
	optimizer, schedule, data, images, out                   string
	seed                                                     uint64
	snapshots, flip                                          bool
}

func parseTrain(args []string, stderr io.Writer) (trainOpts, error) {
	var o trainOpts
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.preset, "preset", "tinyvgg", "architecture: tinyvgg (28x28x1, padding 1) or cnn-explainer (64x64x3, valid)")
	fs.IntVar(&o.size, "size", 0, "input height and width (overrides the preset)")
	fs.IntVar(&o.channels, "channels", 0, "input channels (overrides the preset)")
	fs.IntVar(&o.hidden, "hidden", 0, "filters per convolution (overrides the preset)")
	fs.IntVar(&o.kernel, "kernel", 0, "convolution kernel size (overrides the preset)")
	fs.IntVar(&o.padding, "padding", -1, "zeros on every side of each convolution, 0 for valid (overrides the preset)")
	fs.IntVar(&o.stride, "stride", 0, "convolution stride (overrides the preset)")
	fs.IntVar(&o.classes, "classes", 0, "number of classes; must match the data (checked when set)")
	fs.IntVar(&o.epochs, "epochs", defaultEpochs, "passes over the training set")
	fs.IntVar(&o.batch, "batch", defaultBatch, "examples per mini-batch")
	fs.Float64Var(&o.lr, "lr", defaultLR, "learning rate (the peak, with -schedule cosine)")
	fs.StringVar(&o.optimizer, "optimizer", "adam", "adam or sgd")
	fs.Float64Var(&o.momentum, "momentum", 0.9, "momentum for sgd")
	fs.StringVar(&o.schedule, "schedule", defaultSchedule, "learning-rate schedule: cosine (to 0 by the end) or constant")
	fs.Uint64Var(&o.seed, "seed", defaultSeed, "seed for the initial weights and the shuffling")
	fs.IntVar(&o.workers, "workers", 0, "goroutines computing gradients (0: one per core); the result does not depend on it")
	fs.StringVar(&o.data, "data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	fs.StringVar(&o.images, "images", "", "train on an image folder DIR/train/<class>/*.png|jpg and DIR/test/<class>/... instead")
	fs.StringVar(&o.out, "out", "model", "folder to write model.json, model.safetensors and the training history into")
	fs.IntVar(&o.limit, "limit", 0, "train on the first N training examples only (0: all)")
	fs.BoolVar(&o.snapshots, "snapshots", true, "keep per-epoch weight snapshots in history.safetensors")
	fs.BoolVar(&o.flip, "flip", defaultFlip, "mirror training pictures left to right at random (augmentation)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// arch is the preset with the flags that override it.
func (o trainOpts) arch() (train.Arch, error) {
	var arch train.Arch
	switch o.preset {
	case "tinyvgg":
		arch = train.TinyVGGArch()
	case "cnn-explainer":
		arch = train.CNNExplainerArch()
	default:
		return arch, fmt.Errorf("unknown -preset %q (tinyvgg or cnn-explainer)", o.preset)
	}
	for _, f := range []struct {
		v   int
		dst *int
	}{{o.size, &arch.Size}, {o.channels, &arch.Channels}, {o.hidden, &arch.Hidden}, {o.kernel, &arch.Kernel}, {o.stride, &arch.Stride}} {
		if f.v != 0 {
			*f.dst = f.v
		}
	}
	if o.padding >= 0 {
		arch.Padding = o.padding
	} else if o.padding != -1 {
		return arch, fmt.Errorf("-padding %d must not be negative", o.padding)
	}
	return arch, nil
}

// load reads the training data, checks it fits the input and -classes,
// and sets arch's classes from it.
func (o trainOpts) load(in engine.Input, arch *train.Arch) (*dataset.Set, error) {
	var set *dataset.Set
	var err error
	if o.images != "" {
		set, err = dataset.ImageFolder(o.images, in)
	} else {
		set, err = dataset.FashionMNIST(o.data)
	}
	if err != nil {
		return nil, err
	}
	if !sameInts(set.Train.Shape, in.Shape) {
		return nil, fmt.Errorf("the data has images of shape %v but the architecture expects %v (set -size and -channels)", set.Train.Shape, in.Shape)
	}
	if o.classes != 0 && o.classes != len(set.Classes) {
		return nil, fmt.Errorf("-classes %d, but the data has %d classes", o.classes, len(set.Classes))
	}
	arch.Classes = set.Classes
	return set, nil
}

// config is the trainer's configuration, reporting to prog and stdout.
func (o trainOpts) config(opt train.Optimizer, sched train.Schedule, stdout io.Writer, prog *progress) train.Config {
	return train.Config{
		Epochs: o.epochs, BatchSize: o.batch, LR: o.lr, Optimizer: opt, Momentum: o.momentum, Schedule: sched,
		Seed: o.seed, Workers: o.workers, Snapshots: o.snapshots, Flip: o.flip,
		OnBatch: prog.batch,
		OnEpoch: func(s train.EpochStats) {
			prog.epochDone()
			fmt.Fprintf(stdout, "epoch %d/%d: train loss %.4f acc %.4f, test loss %.4f acc %.4f, %.1fs (%.0f samples/s)\n",
				s.Epoch, o.epochs, s.TrainLoss, s.TrainAccuracy, s.TestLoss, s.TestAccuracy, s.Seconds, s.SamplesPerSec)
		},
	}
}

// provenance records how the model was made, for its model card.
func (o trainOpts) provenance(args []string, setName string, acc float64, opt train.Optimizer, sched train.Schedule, examples int) engine.Provenance {
	return engine.Provenance{
		Source:       "cmd/tinyvgg train",
		Dataset:      setName,
		Command:      strings.TrimSpace("go run ./cmd/tinyvgg train " + strings.Join(args, " ")),
		Seed:         int64(o.seed),
		Epochs:       o.epochs,
		TestAccuracy: math.Round(acc*1e4) / 1e4,
		Licence:      "MIT",
		Notes: fmt.Sprintf("%s, lr %g (%s schedule), batch %d, %d training examples%s, PyTorch-style uniform initialisation",
			opt, o.lr, sched, o.batch, examples, map[bool]string{true: ", random left-right flips"}[o.flip]),
	}
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
