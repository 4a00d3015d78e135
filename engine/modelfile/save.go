package modelfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// Save writes m to dir/model.json and dir/model.safetensors, creating dir.
// Each file goes to a temporary name first and is renamed into place, the
// weights before model.json, so a reader never finds a model.json whose
// weights are half written.
func Save(m *engine.Model, dir string) error {
	if err := m.Check(); err != nil {
		return fmt.Errorf("save model %s: %w", dir, err)
	}
	fj, wf, err := encode(m)
	if err != nil {
		return fmt.Errorf("save model %s: %w", dir, err)
	}
	doc, err := marshal(fj)
	if err != nil {
		return fmt.Errorf("save model %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	if err := safetensors.WriteFile(filepath.Join(dir, WeightsFile), wf); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, JSONFile), doc); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// encode splits m into the JSON description and the weight tensors.
func encode(m *engine.Model) (*fileJSON, *safetensors.File, error) {
	fj := &fileJSON{
		Format: Format, Version: Version, Name: m.Name, Input: m.Input,
		Classes: m.Classes, Weights: WeightsFile, Provenance: m.Provenance,
	}
	wf := &safetensors.File{
		Metadata: map[string]string{"format": Format},
		Tensors:  map[string]*engine.Tensor{},
	}
	for _, l := range m.Layers {
		lj := layerJSON{Name: l.Name(), Type: l.Kind().String()}
		switch l := l.(type) {
		case *engine.Conv2D:
			lj.Pads = savePads(l.Padding, l.Pads)
			lj.Filters = l.OutC
			lj.Kernel = []int{l.KH, l.KW}
			lj.Strides = []int{l.StrideH, l.StrideW}
			lj.Padding = l.Padding.String()
			if l.Padding == engine.Explicit {
				lj.Pad = l.Pad
			}
			lj.Activation = l.Act.String()
		case *engine.Dense:
			lj.Units = l.Out
			lj.Activation = l.Act.String()
		case *engine.MaxPool2D:
			lj.Pool = []int{l.PoolH, l.PoolW}
			lj.Strides = []int{l.StrideH, l.StrideW}
			lj.Padding = l.Padding.String()
			if l.Padding == engine.Explicit {
				lj.Pad = l.Pad
			}
			lj.Pads = savePads(l.Padding, l.Pads)
		case *engine.Flatten:
			if l.ChannelsFirst {
				lj.Order = orderCHW
			}
		case *engine.ReLU, *engine.Softmax, *engine.Identity:
		default:
			if encodeExtra(l, &lj) {
				break
			}
			return nil, nil, fmt.Errorf("layer %s: type %T cannot be saved", l.Name(), l)
		}
		for _, p := range l.Params() {
			wf.Tensors[l.Name()+"/"+p.Name] = &engine.Tensor{Shape: p.Shape, Data: p.Data}
		}
		fj.Layers = append(fj.Layers, lj)
	}
	return fj, wf, nil
}

// marshal renders model.json for people as well as programs: one line per
// top-level field and one per layer, ", " and ": " between items, no HTML
// escaping (class names may hold "&"), a final newline.
func marshal(fj *fileJSON) ([]byte, error) {
	fields := []struct {
		key string
		val any
	}{
		{"format", fj.Format}, {"version", fj.Version}, {"name", fj.Name}, {"input", fj.Input},
		{"classes", fj.Classes}, {"layers", nil}, {"weights", fj.Weights}, {"provenance", fj.Provenance},
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, f := range fields {
		fmt.Fprintf(&b, "  %q: ", f.key)
		if f.key == "layers" {
			b.WriteString("[\n")
			for j, l := range fj.Layers {
				v, err := compact(l)
				if err != nil {
					return nil, err
				}
				b.WriteString("    ")
				b.Write(v)
				if j < len(fj.Layers)-1 {
					b.WriteByte(',')
				}
				b.WriteByte('\n')
			}
			b.WriteString("  ]")
		} else {
			v, err := compact(f.val)
			if err != nil {
				return nil, err
			}
			b.Write(v)
		}
		if i < len(fields)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// compact marshals v on one line with a space after each ':' and ','
// that is not inside a string.
func compact(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	src := bytes.TrimRight(raw.Bytes(), "\n")
	out := make([]byte, 0, len(src)+len(src)/4)
	inString, escaped := false, false
	for _, c := range src {
		out = append(out, c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ':' || c == ','):
			out = append(out, ' ')
		}
	}
	return out, nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*-"+filepath.Base(path))
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
