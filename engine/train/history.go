package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// File names of a saved History inside the model's folder.
const (
	HistoryJSON    = "history.json"
	HistoryWeights = "history.safetensors"
)

// Settings records how a run was configured.
type Settings struct {
	Optimizer string  `json:"optimizer"`
	LR        float64 `json:"lr"`
	Schedule  string  `json:"schedule"`
	Momentum  float64 `json:"momentum,omitempty"`
	BatchSize int     `json:"batch_size"`
	Epochs    int     `json:"epochs"`
	Seed      uint64  `json:"seed"`
	Chunks    int     `json:"chunks"`
	Examples  int     `json:"examples"`
	Flip      bool    `json:"flip,omitempty"`
}

// History is what a training run leaves for the site: settings, per-epoch
// figures, the final test confusion matrix and, if asked for, snapshots of
// the weights before training (epoch 0) and after each epoch.
type History struct {
	Model    string   `json:"model"`
	Classes  []string `json:"classes"`
	Settings Settings `json:"settings"`
	// Epochs starts with epoch 0, the untrained model (histories written
	// before epoch 0 was recorded start at 1).
	Epochs    []EpochStats `json:"epochs"`
	Confusion [][]int      `json:"confusion,omitempty"` // [true][predicted], test set, after the last epoch
	// SnapshotEpochs lists the epochs whose weights history.safetensors
	// holds (0 is the initialisation); it is filled in by Save.
	SnapshotEpochs []int `json:"snapshot_epochs,omitempty"`
	// SnapshotParams lists the snapshot tensors of one epoch as
	// "<layer>/<param>" in model order; LoadHistory keeps that order.
	SnapshotParams []string   `json:"snapshot_params,omitempty"`
	Snapshots      []Snapshot `json:"-"`
}

// Snapshot is every parameter of the model at the end of an epoch.
type Snapshot struct {
	Epoch  int
	Params []ParamSnapshot
}

// ParamSnapshot is one parameter tensor of one layer.
type ParamSnapshot struct {
	Layer, Name string
	Shape       []int
	Data        []float32
}

// Param returns the snapshot of layer's parameter name, or nil.
func (s *Snapshot) Param(layer, name string) *ParamSnapshot {
	for i := range s.Params {
		if s.Params[i].Layer == layer && s.Params[i].Name == name {
			return &s.Params[i]
		}
	}
	return nil
}

func snapshot(m *engine.Model, epoch int) Snapshot {
	s := Snapshot{Epoch: epoch}
	for _, l := range m.Layers {
		for _, p := range l.Params() {
			s.Params = append(s.Params, ParamSnapshot{Layer: l.Name(), Name: p.Name,
				Shape: append([]int(nil), p.Shape...), Data: append([]float32(nil), p.Data...)})
		}
	}
	return s
}

// snapshotName is the tensor name of one parameter in history.safetensors,
// e.g. "epoch_03/conv_1_1/kernel".
func snapshotName(epoch int, layer, param string) string {
	return fmt.Sprintf("epoch_%02d/%s/%s", epoch, layer, param)
}

// Save writes h to dir/history.json and its snapshots, stored as float16
// (plenty for pictures of kernels, and a quarter of the size), to
// dir/history.safetensors.
func (h *History) Save(dir string) error {
	h.SnapshotEpochs, h.SnapshotParams = nil, nil
	if len(h.Snapshots) > 0 {
		for _, p := range h.Snapshots[0].Params {
			h.SnapshotParams = append(h.SnapshotParams, p.Layer+"/"+p.Name)
		}
	}
	f := &safetensors.File{DType: safetensors.F16, Tensors: map[string]*engine.Tensor{},
		Metadata: map[string]string{"format": "cnnexplainer training history", "model": h.Model}}
	for _, s := range h.Snapshots {
		h.SnapshotEpochs = append(h.SnapshotEpochs, s.Epoch)
		for _, p := range s.Params {
			t, err := engine.FromData(p.Data, p.Shape...)
			if err != nil {
				return fmt.Errorf("save history: epoch %d layer %s %s: %w", s.Epoch, p.Layer, p.Name, err)
			}
			f.Tensors[snapshotName(s.Epoch, p.Layer, p.Name)] = t
		}
	}
	if err := h.SaveJSON(dir); err != nil {
		return err
	}
	if len(h.Snapshots) == 0 {
		return nil
	}
	if err := safetensors.WriteFile(filepath.Join(dir, HistoryWeights), f); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	return nil
}

// SaveJSON writes only dir/history.json, leaving history.safetensors as it
// is: for amending the figures of a saved run (SnapshotEpochs and
// SnapshotParams are written as they stand).
func (h *History) SaveJSON(dir string) error {
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryJSON), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	return nil
}

// LoadHistory reads the History that Save wrote into dir (the folder of
// the model, or the path of its model.json). Snapshots are loaded when
// history.safetensors exists, in epoch order, each with its parameters in
// model order.
func LoadHistory(dir string) (*History, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	path := filepath.Join(dir, HistoryJSON)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	h := &History{}
	if err := json.Unmarshal(data, h); err != nil {
		return nil, fmt.Errorf("load history %s: %w", path, err)
	}
	if len(h.Epochs) == 0 {
		return nil, fmt.Errorf("load history %s: no epochs", path)
	}
	wpath := filepath.Join(dir, HistoryWeights)
	f, err := safetensors.ReadFile(wpath)
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	byEpoch := map[int]*Snapshot{}
	for _, name := range f.Names() {
		parts := strings.Split(name, "/")
		if len(parts) != 3 || !strings.HasPrefix(parts[0], "epoch_") {
			return nil, fmt.Errorf("load history %s: unexpected tensor %q", wpath, name)
		}
		e, err := strconv.Atoi(strings.TrimPrefix(parts[0], "epoch_"))
		if err != nil || e < 0 {
			return nil, fmt.Errorf("load history %s: bad epoch in tensor %q", wpath, name)
		}
		s := byEpoch[e]
		if s == nil {
			s = &Snapshot{Epoch: e}
			byEpoch[e] = s
		}
		t := f.Tensors[name]
		s.Params = append(s.Params, ParamSnapshot{Layer: parts[1], Name: parts[2], Shape: t.Shape, Data: t.Data})
	}
	epochs := make([]int, 0, len(byEpoch))
	for e := range byEpoch {
		epochs = append(epochs, e)
	}
	slices.Sort(epochs)
	rank := map[string]int{}
	for i, n := range h.SnapshotParams {
		rank[n] = i + 1
	}
	for _, e := range epochs {
		s := byEpoch[e]
		// Model order from history.json; names it does not list go last,
		// in name order (the file's order).
		slices.SortStableFunc(s.Params, func(a, b ParamSnapshot) int {
			ra, rb := rank[a.Layer+"/"+a.Name], rank[b.Layer+"/"+b.Name]
			if ra == 0 {
				ra = len(rank) + 1
			}
			if rb == 0 {
				rb = len(rank) + 1
			}
			return ra - rb
		})
		h.Snapshots = append(h.Snapshots, *s)
	}
	return h, nil
}
