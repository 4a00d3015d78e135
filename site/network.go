package site

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// Net is the model being explained and its samples. A sample's full
// trace (megabytes) is made again when a figure or page needs it, through
// a small cache: holding every trace made memory grow by megabytes per
// sample, while a forward pass costs a fraction of a millisecond.
type Net struct {
	Model   *engine.Model
	Shapes  [][]int // input shape, then each layer's output shape
	Classes []string
	Runs    []*Run
	traces  *traceCache
	History *train.History // nil for a model without training history
	// Units are the dead-unit stats of stats.json, nil when the file is
	// missing or was measured on other weights; UnitsNote then says which,
	// and UnitsFix how to make the file.
	Units               *train.UnitStats
	UnitsNote, UnitsFix string
	// Logits is the index of the layer whose outputs are the class scores
	// (the last dense layer), or -1.
	Logits int
}

// Run is one sample with what every page shows of it; Net.trace gives
// the rest.
type Run struct {
	Sample
	Input  *engine.Tensor // the model's input, already scaled
	Logits []float32
	Probs  []float32
	Pred   int
	Image  string // site path of the copied picture
	index  int    // place in Net.Runs
}

func loadNet(cfg Config, set *SampleSet, traced func()) (*Net, error) {
	if cfg.LoadModel == nil {
		cfg.LoadModel = modelfile.Load
	}
	defaultImages := cfg.LoadImage == nil
	if defaultImages {
		cfg.LoadImage = imageio.Load
	}
	modelPath := cfg.Model
	if modelPath == "" {
		modelPath = cfg.Samples
	}
	m, err := cfg.LoadModel(modelPath)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", modelPath, err)
	}
	// Class names in the samples folder win: a TF.js model carries none
	// (its loader numbers them), and the samples know what they show.
	if len(set.Classes) > 0 {
		m.Classes = set.Classes
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("model %s: %w", modelPath, err)
	}
	shapes, err := m.Shapes()
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", modelPath, err)
	}
	// Say once, before any sample, why a model no picture fits (2 input
	// channels, say) cannot get a site: its samples are pictures.
	if defaultImages {
		if err := imageio.CheckInput(m.Input); err != nil {
			return nil, fmt.Errorf("model %s: the site shows pictures to the model: %w", modelPath, err)
		}
	}
	n := &Net{Model: m, Shapes: shapes, Logits: -1, traces: newTraceCache(m, traceCacheSize(cfg.Jobs))}
	if n.History, err = train.LoadHistory(modelPath); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		n.History = nil
	}
	n.Units, n.UnitsNote = loadUnits(modelPath, m)
	n.UnitsFix = "go run ./cmd/tinyvgg stats -model " + filepath.ToSlash(modelPath)
	out := shapes[len(shapes)-1][0]
	n.Classes = make([]string, out)
	for i := range n.Classes {
		if i < len(m.Classes) {
			n.Classes[i] = m.Classes[i]
		} else {
			n.Classes[i] = fmt.Sprint(i)
		}
	}
	for i, l := range m.Layers {
		if l.Kind() == engine.KindDense {
			n.Logits = i
		}
	}
	if err := n.runSamples(set, cfg.LoadImage, traced); err != nil {
		return nil, err
	}
	return n, nil
}

// runSamples loads each sample of set and keeps what the pages show of
// its forward pass.
func (n *Net) runSamples(set *SampleSet, load func(string, engine.Input) (*engine.Tensor, error), traced func()) error {
	m := n.Model
	known := map[string]bool{}
	for _, c := range n.Classes {
		known[c] = true
	}
	var tr engine.Trace // only probabilities are kept: Net.trace makes the rest again
	for _, s := range set.Samples {
		file := filepath.Join(set.Dir, filepath.FromSlash(s.File))
		if s.Label != "" && !known[s.Label] {
			return fmt.Errorf("%s: sample %s: label %q is not a class of the model (%s)", filepath.Join(set.Dir, "samples.json"), s.ID, s.Label, strings.Join(n.Classes, ", "))
		}
		if fi, err := os.Stat(file); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("sample %s: %s is not a regular file", s.ID, file)
		}
		x, err := load(file, m.Input)
		if err != nil {
			return fmt.Errorf("sample %s: %w", s.ID, err)
		}
		if err := m.ForwardInto(&tr, x); err != nil {
			return fmt.Errorf("sample %s (%s): %w", s.ID, file, err)
		}
		for _, p := range tr.Probs {
			if math.IsNaN(float64(p)) {
				return fmt.Errorf("sample %s (%s): the model gives NaN probabilities", s.ID, file)
			}
		}
		// Copies: the next pass overwrites tr.
		run := &Run{Sample: s, Input: x, Logits: slices.Clone(tr.Logits), Probs: slices.Clone(tr.Probs), Pred: argmax(tr.Probs)}
		run.Image = "samples/" + s.ID + strings.ToLower(filepath.Ext(s.File))
		run.index = len(n.Runs)
		n.Runs = append(n.Runs, run)
		traced()
	}
	return nil
}

// trace returns the full forward trace of r. It is shared: callers must
// not change it.
func (n *Net) trace(r *Run) (*engine.Trace, error) {
	tr, err := n.traces.get(r)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %w", r.ID, err)
	}
	return tr, nil
}

// traceCacheSize keeps a few traces per worker: the jobs of one sample
// come one after another, so each worker mostly asks for the sample it
// or its neighbour just traced.
func traceCacheSize(workers int) int { return 2*max(workers, 1) + 2 }

// traceCache keeps the most recently used traces, at most size of them.
type traceCache struct {
	model  *engine.Model
	size   int
	mu     sync.Mutex
	recent []*traceEntry // least recently used first
}

// traceEntry is one sample's trace, made once by whoever asks first.
type traceEntry struct {
	run  *Run
	once sync.Once
	tr   *engine.Trace
	err  error
}

func newTraceCache(m *engine.Model, size int) *traceCache {
	return &traceCache{model: m, size: size}
}

func (c *traceCache) get(r *Run) (*engine.Trace, error) {
	e := c.entry(r)
	e.once.Do(func() { e.tr, e.err = c.model.Forward(r.Input) })
	return e.tr, e.err
}

// entry finds or adds r's entry and marks it most recently used.
func (c *traceCache) entry(r *Run) *traceEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.recent {
		if e.run == r {
			c.recent = append(append(c.recent[:i:i], c.recent[i+1:]...), e)
			return e
		}
	}
	e := &traceEntry{run: r}
	if len(c.recent) >= c.size {
		c.recent = append(c.recent[:0:0], c.recent[1:]...)
	}
	c.recent = append(c.recent, e)
	return e
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// run returns the sample with the given id ("" gives the first).
func (n *Net) run(id string) *Run {
	if id == "" {
		return n.Runs[0]
	}
	for _, r := range n.Runs {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// layerIndex returns the index of the named layer, or -1.
func (n *Net) layerIndex(name string) int {
	for i, l := range n.Model.Layers {
		if l.Name() == name {
			return i
		}
	}
	return -1
}

// isMap reports whether layer i outputs an (H, W, C) map.
func (n *Net) isMap(i int) bool { return len(n.Shapes[i+1]) == 3 }

// hasDetail reports whether layer i has a detail page per neuron.
func (n *Net) hasDetail(i int) bool {
	switch n.Model.Layers[i].Kind() {
	case engine.KindConv2D, engine.KindMaxPool2D, engine.KindAvgPool2D, engine.KindGlobalAvgPool:
		return n.isMap(i)
	case engine.KindReLU, engine.KindBatchNorm, engine.KindLeakyReLU, engine.KindSigmoid, engine.KindTanh:
		return n.isMap(i) || len(n.Shapes[i+1]) == 1 // value by value, also between dense layers
	case engine.KindDense: // the class scores, and the hidden layers of a dense stack
		return true
	}
	return false
}

// sourceLayer is the layer whose output layer i reads ("" for the input).
func (n *Net) sourceLayer(i int) string {
	if i == 0 {
		return ""
	}
	return n.Model.Layers[i-1].Name()
}

// mapSource walks back from layer i to the last layer that outputs a map
// (flatten reads one); -1 means the model input.
func (n *Net) mapSource(i int) int {
	for j := i - 1; j >= 0; j-- {
		if n.isMap(j) {
			return j
		}
	}
	return -1
}

func shapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// loadUnits reads the stats.json that "tinyvgg stats" wrote beside the
// model, if it was measured on exactly these weights.
func loadUnits(modelPath string, m *engine.Model) (*train.UnitStats, string) {
	st, err := train.LoadUnitStats(modelPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "the model has no stats.json"
	}
	if err != nil {
		return nil, err.Error()
	}
	if st.Digest != train.ParamDigest(m) {
		return nil, "stats.json was measured on other weights"
	}
	return st, ""
}
