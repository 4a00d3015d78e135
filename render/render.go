// Package render draws the figures of the explainer from a model and the
// traces of its sample images: activation maps, kernels, diagrams and
// animations, every one language-neutral, plus a manifest that says what
// each file shows and how its colours map back to values.
//
// Render plans every output file as a job, runs the jobs in parallel and
// writes dir/manifest.json. Output bytes depend only on the inputs.
package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"cnnexplainer/engine"
	"cnnexplainer/engine/train"
)

// Sample is one picture the site explains, with its forward trace.
type Sample struct {
	ID    string // file-name safe: lower-case letters, digits, '-' and '_'
	Label string // class name, or empty when unknown
	Trace *engine.Trace
	// NoAnimations leaves out the sample's animation bundles (a bundle per
	// layer): a site whose pages show no animation of this sample.
	NoAnimations bool
	// Strips draws each convolution neuron's intermediate maps as one
	// KindIntermediateStrip picture instead of a file per input channel.
	Strips bool
}

// Options tunes a render. The zero value works.
type Options struct {
	// Workers is the number of goroutines drawing figures; 0 means
	// runtime.NumCPU().
	Workers int
}

// job is one output file: its manifest entry and how to draw its bytes.
// A file that holds several figures, told apart by fragment (an animation
// bundle), lists the others in Also.
type job struct {
	Figure Figure
	Also   []Figure
	Draw   func() ([]byte, error)
}

// ManifestFile is the name of the manifest inside the figures directory.
const ManifestFile = "manifest.json"

// Render draws every figure for m and samples into dir and writes
// dir/manifest.json. dir is created if needed; files are overwritten. hist
// is the model's training history, or nil for a model without one.
// RenderStream does the same with samples given one at a time.
func Render(ctx context.Context, m *engine.Model, samples []Sample, hist *train.History, dir string, opt Options) (*Manifest, error) {
	if err := checkSamples(samples); err != nil {
		return nil, err
	}
	return RenderStream(ctx, m, len(samples), func(i int) (Sample, error) { return samples[i], nil }, hist, dir, opt)
}

func writeManifest(dir string, man *Manifest) error {
	data, err := man.MarshalIndented()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
		return fmt.Errorf("render: write manifest: %w", err)
	}
	return nil
}

func checkSamples(samples []Sample) error {
	seen := map[string]bool{}
	for i, s := range samples {
		if err := checkSample(i, s, seen); err != nil {
			return err
		}
	}
	return nil
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// run draws jobs on workers goroutines and writes each file under dir. It
// returns the sorted manifest, or the first error in job order.
func run(ctx context.Context, jobs []job, dir string, workers int) (*Manifest, error) {
	p := newPool(ctx, dir, workers)
	err := p.feed(jobs)
	man, werr := p.finish()
	if werr != nil {
		return nil, werr
	}
	if err != nil {
		return nil, err
	}
	return man, nil
}

func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

func writeJob(j job, dir string) error {
	data, err := j.Draw()
	if err != nil {
		return fmt.Errorf("render: %s: %w", j.Figure.File, err)
	}
	name := filepath.Join(dir, filepath.FromSlash(j.Figure.File))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}
