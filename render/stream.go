package render

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"cnnexplainer/engine"
	"cnnexplainer/engine/train"
)

// SampleFunc returns sample i of a render. Render asks for each sample
// once, in order, and keeps its trace only while that sample's figures
// are drawn, so a caller can make traces on demand and memory stays
// bounded however many samples there are.
type SampleFunc func(i int) (Sample, error)

// RenderStream is Render with the n samples given one at a time by sample:
// every figure of a sample is drawn before the next sample is asked for.
// The files and the manifest are the same as Render's.
func RenderStream(ctx context.Context, m *engine.Model, n int, sample SampleFunc, hist *train.History, dir string, opt Options) (*Manifest, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := checkLayerNames(m); err != nil {
		return nil, err
	}
	p := newPool(ctx, dir, opt.Workers)
	err := feedAll(p, m, n, sample, hist)
	man, werr := p.finish()
	if werr != nil {
		return nil, werr
	}
	if err != nil {
		return nil, err
	}
	if err := writeManifest(dir, man); err != nil {
		return nil, err
	}
	return man, nil
}

// feedAll plans and feeds every figure: each sample's, then those of the
// model alone, then the legends of every range met (the per-neuron
// intermediate ranges excepted: pages print those ends in HTML).
func feedAll(p *pool, m *engine.Model, n int, sample SampleFunc, hist *train.History) error {
	ids := map[string]bool{}
	legends := newLegendPlan()
	for i := 0; i < n; i++ {
		s, err := sample(i)
		if err != nil {
			return fmt.Errorf("render: sample %d: %w", i, err)
		}
		if err := checkSample(i, s, ids); err != nil {
			return err
		}
		jobs, inter, err := planSample(m, s)
		if err != nil {
			return err
		}
		if err := legends.add(jobs); err != nil {
			return err
		}
		if err := p.feed(append(jobs, inter...)); err != nil {
			return err
		}
	}
	kernels, err := planKernels(m)
	if err != nil {
		return err
	}
	story, err := planTraining(hist)
	if err != nil {
		return err
	}
	model := append(append(kernels, planPlayground()...), story...)
	if err := legends.add(model); err != nil {
		return err
	}
	if err := p.feed(model); err != nil {
		return err
	}
	return p.feed(legends.jobs)
}

// planSample plans the figures of one sample; inter are its intermediate
// maps, which get no legend files.
func planSample(m *engine.Model, s Sample) (jobs, inter []job, err error) {
	one := []Sample{s}
	if jobs, err = planSampleStatic(m, s); err != nil {
		return nil, nil, err
	}
	var anims []job
	if !s.NoAnimations {
		if anims, err = planAnimations(m, one); err != nil {
			return nil, nil, err
		}
	}
	if inter, err = planIntermediates(m, one); err != nil {
		return nil, nil, err
	}
	return append(jobs, anims...), inter, nil
}

func checkSample(i int, s Sample, seen map[string]bool) error {
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
	return nil
}

// pool draws the jobs fed to it on its workers as they come, writing each
// file under dir, and remembers their manifest entries. A job is handed
// over only when a worker is free, so planning stays at most one sample
// ahead of drawing.
type pool struct {
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	next   chan indexed
	wg     sync.WaitGroup
	seen   map[string]bool // files planned so far
	made   map[string]bool // folders made so far
	figs   []Figure
	count  int

	mu    sync.Mutex
	errAt int // job number of err
	err   error
}

type indexed struct {
	i int
	j job
}

func newPool(ctx context.Context, dir string, workers int) *pool {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &pool{ctx: ctx, cancel: cancel, dir: dir, next: make(chan indexed), seen: map[string]bool{}, made: map[string]bool{}}
	for w := 0; w < workers; w++ {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *pool) work() {
	defer p.wg.Done()
	for x := range p.next {
		if p.failed() {
			continue // a job fed after a failure, not run
		}
		if err := writeJob(x.j, p.dir); err != nil {
			p.fail(x.i, err)
		}
	}
}

func (p *pool) failed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err != nil
}

// fail keeps the error of the earliest job: every job fed before a failing
// one has started already, so the error returned does not depend on
// scheduling.
func (p *pool) fail(i int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil || i < p.errAt {
		p.err, p.errAt = err, i
	}
	p.cancel()
}

// feed checks the jobs' paths, makes their folders and hands them to the
// workers, in order.
func (p *pool) feed(jobs []job) error {
	for _, j := range jobs {
		f := j.Figure.File
		if f == "" || path.IsAbs(f) || path.Clean(f) != f || strings.HasPrefix(f, "../") || f == ManifestFile {
			return fmt.Errorf("render: bad figure path %q", f)
		}
		if p.seen[f] {
			return fmt.Errorf("render: two figures share the file %s", f)
		}
		p.seen[f] = true
		if d := path.Dir(f); !p.made[d] {
			p.made[d] = true
			if err := mkdirAll(filepath.Join(p.dir, filepath.FromSlash(d))); err != nil {
				return err
			}
		}
	}
	for _, j := range jobs {
		select {
		case p.next <- indexed{p.count, j}:
		case <-p.ctx.Done():
			return nil // finish reports why
		}
		p.count++
		p.figs = append(append(p.figs, j.Figure), j.Also...)
	}
	return nil
}

// finish waits for the workers and returns the sorted manifest, or the
// first error in job order.
func (p *pool) finish() (*Manifest, error) {
	close(p.next)
	p.wg.Wait()
	defer p.cancel()
	if p.err != nil {
		return nil, p.err
	}
	if err := p.ctx.Err(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	man := &Manifest{Figures: p.figs}
	man.Sort()
	return man, nil
}
