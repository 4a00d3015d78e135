package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"cnnexplainer/dataset"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// runStats measures which ReLU units never fire on the whole dataset
// (training and test pictures) and, with a training history, since which
// epoch (on the test pictures), and writes stats.json beside the model. The site build reads that
// file for the chapters' facts about dead units, since it cannot read the
// dataset itself.
func runStats(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "model.json or its folder")
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	images := fs.String("images", "", "use an image folder (train/ and test/) instead")
	out := fs.String("out", "", "folder to write stats.json into (default: the model's folder)")
	workers := fs.Int("workers", 0, "goroutines (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("stats needs -model PATH and no other arguments")
	}
	m, err := modelfile.Load(*modelPath)
	if err != nil {
		return err
	}
	set, err := loadSet(*data, *images, m.Input)
	if err != nil {
		return err
	}
	if !sameInts(set.Test.Shape, m.Input.Shape) {
		return fmt.Errorf("model %s takes inputs of shape %v, the %s images are %v", m.Name, m.Input.Shape, set.Name, set.Test.Shape)
	}
	hist, err := train.LoadHistory(*modelPath)
	if err != nil {
		hist = nil // an imported model has no history: dead_since stays -1
	}
	test := splitData{set.Test, m.Input.Scale}
	all := bothSplits{splitData{set.Train, m.Input.Scale}, test}
	// The snapshots are measured on the test split only: up to fifteen more
	// passes over 70,000 images would take an hour on two cores.
	st, err := train.MeasureUnits(m, all, train.UnitOptions{Workers: *workers, History: hist, SnapshotData: test,
		Progress: func(msg string) { fmt.Fprintln(stderr, "measuring", msg) }})
	if err != nil {
		return err
	}
	st.Dataset = set.Name + " (train + test)"
	st.Command = "go run ./cmd/tinyvgg stats " + strings.Join(args, " ")
	dir := *out
	if dir == "" {
		dir = modelDir(*modelPath)
	}
	for _, l := range st.Layers {
		fmt.Fprintf(stdout, "%-10s %2d units, dead on all %d images: %v (dead since epoch %v)\n", l.Layer, l.Units, st.Images, l.Dead, l.DeadSince)
	}
	if err := st.Save(dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(dir, train.UnitStatsJSON))
	return nil
}

// modelDir is the folder of a model given as a folder or as its model.json.
func modelDir(path string) string {
	if strings.HasSuffix(path, ".json") {
		return filepath.Dir(path)
	}
	return path
}

// bothSplits serves the training split and then the test split.
type bothSplits struct{ a, b splitData }

func (d bothSplits) Len() int { return d.a.Len() + d.b.Len() }

func (d bothSplits) Example(i int, x []float32) int {
	if i < d.a.Len() {
		return d.a.Example(i, x)
	}
	return d.b.Example(i-d.a.Len(), x)
}
