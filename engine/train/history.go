package train

import (
	"cnnexplainer/engine"
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
}

// History is what a training run leaves for the site: settings, per-epoch
// figures, the final test confusion matrix and, if asked for, snapshots of
// the weights before training (epoch 0) and after each epoch.
type History struct {
	Model     string       `json:"model"`
	Classes   []string     `json:"classes"`
	Settings  Settings     `json:"settings"`
	Epochs    []EpochStats `json:"epochs"`
	Confusion [][]int      `json:"confusion,omitempty"` // [true][predicted], test set, after the last epoch
	Snapshots []Snapshot   `json:"-"`
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
