package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"cnnexplainer/engine"
)

// UnitStatsJSON is the file name of a saved UnitStats inside the model's
// folder. It is written by "tinyvgg stats" (which needs the dataset) and
// read by the site build (which must not).
const UnitStatsJSON = "stats.json"

// UnitStats says, for every ReLU layer, which units never fire on a whole
// dataset and since when: the facts about dead units that the chapters
// state and that only a pass over every picture can establish.
type UnitStats struct {
	Model   string `json:"model"`
	Digest  string `json:"weights_sha256"` // ParamDigest of the model measured
	Dataset string `json:"dataset"`
	Images  int    `json:"images"`
	Command string `json:"command,omitempty"`
	// SnapshotEpochs lists the training snapshots that were measured too
	// (empty when the model has no history), on SnapshotImages images.
	SnapshotEpochs []int       `json:"snapshot_epochs,omitempty"`
	SnapshotImages int         `json:"snapshot_images,omitempty"`
	Layers         []UnitLayer `json:"layers"`
}

// UnitLayer is one ReLU layer.
type UnitLayer struct {
	Layer string `json:"layer"`
	Units int    `json:"units"`
	// MaxInput is, per unit, the largest value that reached the ReLU over
	// every position of every image: a unit is dead when it is <= 0.
	MaxInput []float64 `json:"max_input"`
	Dead     []int     `json:"dead"`
	// DeadSince is, per dead unit, the first snapshot epoch from which the
	// unit is dead in every later snapshot and in the final model (0: dead
	// from initialisation). -1 when the model has no snapshots.
	DeadSince []int `json:"dead_since"`
	// DeadAtStart lists the units dead at initialisation (the first
	// snapshot, on the snapshot images): with Dead it tells which units
	// came back to life during training. Nil without snapshots.
	DeadAtStart []int `json:"dead_at_start"`
}

// Layer returns the stats of the named ReLU layer, or nil.
func (s *UnitStats) Layer(name string) *UnitLayer {
	for i := range s.Layers {
		if s.Layers[i].Layer == name {
			return &s.Layers[i]
		}
	}
	return nil
}

// ParamDigest is a SHA-256 of every parameter of m in layer order, as
// float32 bits: it ties a UnitStats to the weights it was measured on,
// whatever file format they were loaded from.
func ParamDigest(m *engine.Model) string {
	h := sha256.New()
	var b [4]byte
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			for _, v := range p.Data {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
				h.Write(b[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// UnitOptions are the optional parts of MeasureUnits; the zero value
// measures the final model only, on every core.
type UnitOptions struct {
	Workers int
	// History, when it has snapshots, is used to find since when each dead
	// unit has been dead, measured on SnapshotData (default: all of data;
	// a smaller set keeps the fifteen extra passes affordable).
	History      *History
	SnapshotData Data
	Progress     func(msg string) // called before each pass, if set
}

// MeasureUnits runs every example of data through m and records each ReLU
// unit's largest input. With History snapshots it then finds, for the dead
// units, the epoch since which they have been dead. m's parameters are
// restored before it returns.
func MeasureUnits(m *engine.Model, data Data, opt UnitOptions) (*UnitStats, error) {
	hist, workers := opt.History, opt.Workers
	if opt.Progress == nil {
		opt.Progress = func(string) {}
	}
	relus := reluLayers(m)
	if len(relus) == 0 {
		return nil, fmt.Errorf("measure units: model %s has no ReLU layer", m.Name)
	}
	shapes, err := m.Shapes()
	if err != nil {
		return nil, fmt.Errorf("measure units: %w", err)
	}
	st := &UnitStats{Model: m.Name, Digest: ParamDigest(m), Images: data.Len()}
	opt.Progress(fmt.Sprintf("final model on %d images", data.Len()))
	maxIn := maxInputs(m, shapes, data, relus, len(m.Layers), nil, workers)
	for j, li := range relus {
		ul := UnitLayer{Layer: m.Layers[li].Name(), Units: len(maxIn[j]), MaxInput: maxIn[j]}
		for u, v := range maxIn[j] {
			if v <= 0 {
				ul.Dead = append(ul.Dead, u)
				ul.DeadSince = append(ul.DeadSince, -1)
			}
		}
		st.Layers = append(st.Layers, ul)
	}
	if hist != nil && len(hist.Snapshots) > 0 {
		snapData := opt.SnapshotData
		if snapData == nil {
			snapData = data
		}
		st.SnapshotImages = snapData.Len()
		if err := deadSince(m, shapes, snapData, hist, relus, st, workers, opt.Progress); err != nil {
			return nil, err
		}
		if err := deadAtStart(m, shapes, snapData, hist, relus, st, workers, opt.Progress); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// deadSince walks the snapshots from the last to the first, measuring only
// the units still dead, and stops at the first epoch where none is.
func deadSince(m *engine.Model, shapes [][]int, data Data, hist *History, relus []int, st *UnitStats, workers int, progress func(string)) error {
	saved := snapshot(m, -1)
	defer func() { _ = loadSnapshot(m, &saved) }()
	for j := range st.Layers {
		for k := range st.Layers[j].DeadSince {
			st.Layers[j].DeadSince[k] = len(hist.Snapshots) // dead in the final model
		}
	}
	for s := len(hist.Snapshots) - 1; s >= 0; s-- {
		snap := &hist.Snapshots[s]
		st.SnapshotEpochs = append([]int{snap.Epoch}, st.SnapshotEpochs...)
		// which[j][u]: unit u of relu j is dead at every later snapshot.
		which := make([][]bool, len(relus))
		deepest := -1
		for j, ul := range st.Layers {
			which[j] = make([]bool, ul.Units)
			for k, u := range ul.Dead {
				if ul.DeadSince[k] == s+1 {
					which[j][u] = true
					deepest = relus[j] + 1
				}
			}
		}
		if deepest < 0 {
			break
		}
		if err := loadSnapshot(m, snap); err != nil {
			return err
		}
		progress(fmt.Sprintf("snapshot of epoch %d on %d images", snap.Epoch, data.Len()))
		maxIn := maxInputs(m, shapes, data, relus, deepest, which, workers)
		for j := range st.Layers {
			ul := &st.Layers[j]
			for k, u := range ul.Dead {
				if which[j][u] && maxIn[j][u] <= 0 {
					ul.DeadSince[k] = s
				}
			}
		}
	}
	for j := range st.Layers {
		for k, s := range st.Layers[j].DeadSince {
			if s < len(hist.Snapshots) {
				st.Layers[j].DeadSince[k] = hist.Snapshots[s].Epoch
			} else {
				st.Layers[j].DeadSince[k] = hist.Settings.Epochs
			}
		}
	}
	return nil
}

// deadAtStart measures every unit at the first snapshot.
func deadAtStart(m *engine.Model, shapes [][]int, data Data, hist *History, relus []int, st *UnitStats, workers int, progress func(string)) error {
	saved := snapshot(m, -1)
	defer func() { _ = loadSnapshot(m, &saved) }()
	first := &hist.Snapshots[0]
	if err := loadSnapshot(m, first); err != nil {
		return err
	}
	progress(fmt.Sprintf("every unit at epoch %d on %d images", first.Epoch, data.Len()))
	maxIn := maxInputs(m, shapes, data, relus, relus[len(relus)-1]+1, nil, workers)
	for j := range st.Layers {
		st.Layers[j].DeadAtStart = []int{}
		for u, v := range maxIn[j] {
			if v <= 0 {
				st.Layers[j].DeadAtStart = append(st.Layers[j].DeadAtStart, u)
			}
		}
	}
	return nil
}

func loadSnapshot(m *engine.Model, s *Snapshot) error {
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			ps := s.Param(l.Name(), p.Name)
			if ps == nil || len(ps.Data) != len(p.Data) {
				return fmt.Errorf("measure units: snapshot of epoch %d has no %s %s of %d values", s.Epoch, l.Name(), p.Name, len(p.Data))
			}
			copy(p.Data, ps.Data)
		}
	}
	return nil
}

func reluLayers(m *engine.Model) []int {
	var idx []int
	for i, l := range m.Layers {
		if l.Kind() == engine.KindReLU {
			idx = append(idx, i)
		}
	}
	return idx
}

// maxInputs runs the first `upto` layers over every example and returns,
// per ReLU layer and unit, the largest input value. With watch set it
// stops early once every watched unit has fired: then only "fired or not"
// is known for them, which is all deadSince needs.
func maxInputs(m *engine.Model, shapes [][]int, data Data, relus []int, upto int, watch [][]bool, workers int) [][]float64 {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := data.Len()
	results := make([][][]float64, workers)
	var stop sync.Once
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			acts := make([]*engine.Tensor, upto+1)
			for k := range acts {
				acts[k] = engine.NewTensor(shapes[k]...)
			}
			best := newMax(m, shapes, relus)
			results[w] = best
			for i := w; i < n; i += workers {
				select {
				case <-done:
					return
				default:
				}
				data.Example(i, acts[0].Data)
				for k := 0; k < upto; k++ {
					m.Layers[k].Forward(acts[k], acts[k+1])
				}
				for j, li := range relus {
					if li < upto {
						foldMax(acts[li].Data, best[j])
					}
				}
				if watch != nil && allFired(best, watch) {
					stop.Do(func() { close(done) })
					return
				}
			}
		}(w)
	}
	wg.Wait()
	out := newMax(m, shapes, relus)
	for _, r := range results {
		for j := range r {
			for u, v := range r[j] {
				out[j][u] = math.Max(out[j][u], v)
			}
		}
	}
	return out
}

func newMax(m *engine.Model, shapes [][]int, relus []int) [][]float64 {
	best := make([][]float64, len(relus))
	for j, li := range relus {
		s := shapes[li]
		best[j] = make([]float64, s[len(s)-1])
		for u := range best[j] {
			best[j][u] = math.Inf(-1)
		}
	}
	return best
}

// foldMax folds a channels-last tensor into per-channel maxima.
func foldMax(x []float32, best []float64) {
	c := len(best)
	for i, v := range x {
		if float64(v) > best[i%c] {
			best[i%c] = float64(v)
		}
	}
}

func allFired(best [][]float64, watch [][]bool) bool {
	for j := range watch {
		for u, w := range watch[j] {
			if w && best[j][u] <= 0 {
				return false
			}
		}
	}
	return true
}

// Save writes s to dir/stats.json.
func (s *UnitStats) Save(dir string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("save unit stats: %w", err)
	}
	path := filepath.Join(dir, UnitStatsJSON)
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("save unit stats: %w", err)
	}
	return nil
}

// LoadUnitStats reads dir/stats.json (dir may also be the model.json path).
func LoadUnitStats(dir string) (*UnitStats, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	path := filepath.Join(dir, UnitStatsJSON)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load unit stats: %w", err)
	}
	s := &UnitStats{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("load unit stats %s: %w", path, err)
	}
	for _, l := range s.Layers {
		if len(l.MaxInput) != l.Units || len(l.DeadSince) != len(l.Dead) {
			return nil, fmt.Errorf("load unit stats %s: layer %s: %d units, %d maxima, %d dead, %d dead_since", path, l.Layer, l.Units, len(l.MaxInput), len(l.Dead), len(l.DeadSince))
		}
	}
	return s, nil
}
