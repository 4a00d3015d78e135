package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"

	"cnnexplainer/dataset"
	"cnnexplainer/engine"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// runEpoch0 adds epoch 0 (the untrained model) to a history written before
// the trainer recorded it, without retraining: it rebuilds the initial
// weights from the run's seed, checks them against the epoch-0 snapshot and
// measures them as train.Fit now does. Only history.json changes.
func runEpoch0(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("epoch0", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("model", "", "the folder holding model.json, history.json and history.safetensors")
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files the run trained on")
	workers := fs.Int("workers", 0, "goroutines (0: one per core); the result does not depend on it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("epoch0 needs -model DIR and no other arguments")
	}
	h, err := train.LoadHistory(*dir)
	if err != nil {
		return err
	}
	if h.Epochs[0].Epoch == 0 {
		fmt.Fprintf(stdout, "%s already records epoch 0; nothing to do\n", *dir)
		return nil
	}
	m, err := initialModel(*dir, h)
	if err != nil {
		return err
	}
	set, err := dataset.FashionMNIST(*data)
	if err != nil {
		return err
	}
	if h.Settings.Examples > set.Train.Len() {
		return fmt.Errorf("%s: the run trained on %d examples, %s has %d", *dir, h.Settings.Examples, *data, set.Train.Len())
	}
	scale := m.Input.Scale
	st, err := train.InitialStats(m, splitData{set.Train.Head(h.Settings.Examples), scale}, splitData{set.Test, scale},
		train.Config{Seed: h.Settings.Seed, Flip: h.Settings.Flip, Workers: *workers})
	if err != nil {
		return err
	}
	h.Epochs = slices.Insert(h.Epochs, 0, st)
	if err := h.SaveJSON(*dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "epoch 0: train loss %.4f acc %.4f, test loss %.4f acc %.4f; wrote %s/%s\n",
		st.TrainLoss, st.TrainAccuracy, st.TestLoss, st.TestAccuracy, *dir, train.HistoryJSON)
	return nil
}

// initialModel loads the model in dir and sets its parameters to the
// initialisation of the run's seed, after checking that they are what the
// epoch-0 snapshot stored (to float16 precision).
func initialModel(dir string, h *train.History) (*engine.Model, error) {
	if len(h.Snapshots) == 0 || h.Snapshots[0].Epoch != 0 {
		return nil, fmt.Errorf("%s: %s holds no epoch-0 snapshot", dir, train.HistoryWeights)
	}
	m, err := modelfile.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := train.Init(m, h.Settings.Seed); err != nil {
		return nil, err
	}
	snap := &h.Snapshots[0]
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			s := snap.Param(l.Name(), p.Name)
			if s == nil || len(s.Data) != len(p.Data) {
				return nil, fmt.Errorf("%s: the epoch-0 snapshot has no %s %s of %d values", dir, l.Name(), p.Name, len(p.Data))
			}
			for i, v := range p.Data {
				// float16 keeps 11 significant bits; tiny values are subnormal.
				if d := math.Abs(float64(v - s.Data[i])); d > math.Abs(float64(v))/2048+1.0/(1<<24) {
					return nil, fmt.Errorf("%s: layer %s %s[%d]: seed %d initialises %g, the epoch-0 snapshot holds %g; not the same run",
						dir, l.Name(), p.Name, i, h.Settings.Seed, v, s.Data[i])
				}
			}
		}
	}
	return m, nil
}
