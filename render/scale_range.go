package render

import (
	"fmt"

	"cnnexplainer/engine"
)

// Mode says over which set of values an activation scale's range is taken.
type Mode int

const (
	// Unit: one neuron's map.
	Unit Mode = iota + 1
	// Module: every map of one block, the layers up to and including a
	// max-pool (conv_1_1..max_pool_1 in TinyVGG).
	Module
	// Global: every map of the network for this sample.
	Global
)

// Modes lists the range modes in the order figures are planned.
func Modes() []Mode { return []Mode{Unit, Module, Global} }

func (m Mode) String() string {
	switch m {
	case Unit:
		return "unit"
	case Module:
		return "module"
	case Global:
		return "global"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode is the inverse of Mode.String.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("render: unknown range mode %q", s)
}

// MarshalText writes the mode's name, as manifest.json holds it.
func (m Mode) MarshalText() ([]byte, error) {
	if m < Unit || m > Global {
		return nil, fmt.Errorf("render: no range mode %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a mode's name.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	*m = v
	return err
}

// Block is one module of a network: consecutive layers with (H, W, C)
// outputs, closed by a max-pool (or by the end of the maps).
type Block struct {
	Index  int      // 0-based
	Layers []string // in model order
}

// Blocks groups the layers of m that output maps into modules. Layers with
// vector outputs (flatten, dense, softmax) belong to no block.
func Blocks(m *engine.Model) ([]Block, error) {
	shapes, err := m.Shapes()
	if err != nil {
		return nil, err
	}
	var blocks []Block
	var cur []string
	for i, l := range m.Layers {
		if len(shapes[i+1]) != 3 {
			continue
		}
		cur = append(cur, l.Name())
		if l.Kind() == engine.KindMaxPool2D {
			blocks = append(blocks, Block{Index: len(blocks), Layers: cur})
			cur = nil
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, Block{Index: len(blocks), Layers: cur})
	}
	return blocks, nil
}

// Ranges holds the largest |activation| of one trace per neuron, per block
// and for the whole network, from which each mode's scale is built.
type Ranges struct {
	unit   map[string][]float32 // layer -> neuron -> max |v|
	block  map[string]float32   // layer -> max |v| of its block
	global float32
}

// NewRanges measures the map outputs of tr, a trace of m.
func NewRanges(m *engine.Model, tr *engine.Trace) (Ranges, error) {
	blocks, err := Blocks(m)
	if err != nil {
		return Ranges{}, err
	}
	r := Ranges{unit: map[string][]float32{}, block: map[string]float32{}}
	for _, b := range blocks {
		var bm float32
		for _, name := range b.Layers {
			out := tr.Output(name)
			if out == nil || len(out.Shape) != 3 {
				return Ranges{}, fmt.Errorf("render: trace has no map output for layer %s", name)
			}
			per := make([]float32, out.C())
			for i, v := range out.Data {
				// A non-finite value cannot set a range; it draws at an
				// end of the scale (or its middle, for NaN).
				if a := abs32(v); a > per[i%out.C()] && !isInf(a) {
					per[i%out.C()] = a
				}
			}
			r.unit[name] = per
			for _, v := range per {
				bm = max(bm, v)
			}
		}
		for _, name := range b.Layers {
			r.block[name] = bm
		}
		r.global = max(r.global, bm)
	}
	return r, nil
}

// MaxAbs returns the largest |v| of the set mode selects for a neuron.
func (r Ranges) MaxAbs(mode Mode, layer string, neuron int) (float32, error) {
	per, ok := r.unit[layer]
	if !ok {
		return 0, fmt.Errorf("render: layer %s has no map output", layer)
	}
	switch mode {
	case Unit:
		if neuron < 0 || neuron >= len(per) {
			return 0, fmt.Errorf("render: layer %s has no neuron %d", layer, neuron)
		}
		return per[neuron], nil
	case Module:
		return r.block[layer], nil
	case Global:
		return r.global, nil
	}
	return 0, fmt.Errorf("render: unknown range mode %v", mode)
}

// Scale returns the activation scale of a neuron in a mode.
func (r Ranges) Scale(mode Mode, layer string, neuron int) (Scale, error) {
	m, err := r.MaxAbs(mode, layer, neuron)
	if err != nil {
		return Scale{}, err
	}
	return ActivationScale(m), nil
}
