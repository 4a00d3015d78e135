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
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"cnnexplainer/engine"
	"cnnexplainer/engine/train"
)

// Sample is one picture the site explains, with its forward trace.
type Sample struct {
	ID    string // file-name safe: lower-case letters, digits, '-' and '_'
	Label string // class name, or empty when unknown
	Trace *engine.Trace
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
func Render(ctx context.Context, m *engine.Model, samples []Sample, hist *train.History, dir string, opt Options) (*Manifest, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := checkSamples(samples); err != nil {
		return nil, err
	}
	var jobs []job
	static, err := planStatic(m, samples)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, static...)
	anims, err := planAnimations(m, samples)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, anims...)
	jobs = append(jobs, planPlayground()...)
	story, err := planTraining(hist)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, story...)

	legends, err := planLegends(jobs)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, legends...)
	// After the legends: every neuron has its own intermediate range, and
	// the page writes those ends in HTML rather than as 500 legend files.
	inter, err := planIntermediates(m, samples)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, inter...)
	man, err := run(ctx, jobs, dir, opt.Workers)
	if err != nil {
		return nil, err
	}
	data, err := man.MarshalIndented()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
		return nil, fmt.Errorf("render: write manifest: %w", err)
	}
	return man, nil
}

func checkSamples(samples []Sample) error {
	seen := map[string]bool{}
	for i, s := range samples {
		if !validID(s.ID) {
			return fmt.Errorf("render: sample %d: id %q must be non-empty lower-case letters, digits, '-' or '_'", i, s.ID)
		}
		if seen[s.ID] {
			return fmt.Errorf("render: sample id %q appears twice", s.ID)
		}
		seen[s.ID] = true
		if s.Trace == nil || s.Trace.Input == nil {
			return fmt.Errorf("render: sample %s has no trace", s.ID)
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
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	seen := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		f := j.Figure.File
		if f == "" || path.IsAbs(f) || path.Clean(f) != f || strings.HasPrefix(f, "../") || f == ManifestFile {
			return nil, fmt.Errorf("render: bad figure path %q", f)
		}
		if seen[f] {
			return nil, fmt.Errorf("render: two figures share the file %s", f)
		}
		seen[f] = true
	}
	if err := makeDirs(jobs, dir); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if errs[i] = writeJob(jobs[i], dir); errs[i] != nil {
					cancel()
				}
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	man := &Manifest{Figures: make([]Figure, 0, len(jobs))}
	for _, j := range jobs {
		man.Figures = append(append(man.Figures, j.Figure), j.Also...)
	}
	man.Sort()
	return man, nil
}

// makeDirs creates every folder the jobs write into, once, before the
// workers start.
func makeDirs(jobs []job, dir string) error {
	made := map[string]bool{}
	for _, j := range jobs {
		d := path.Dir(j.Figure.File)
		if made[d] {
			continue
		}
		made[d] = true
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return fmt.Errorf("render: %w", err)
		}
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
