package modelfile

import (
	"bytes"
	"fmt"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// Encode returns the bytes Save would write: model.json and the weights.
// It lets a model travel without a file system (the browser engine).
func Encode(m *engine.Model) (doc, weights []byte, err error) {
	if err := m.Check(); err != nil {
		return nil, nil, fmt.Errorf("encode model: %w", err)
	}
	fj, wf, err := encode(m)
	if err != nil {
		return nil, nil, fmt.Errorf("encode model: %w", err)
	}
	if doc, err = marshal(fj); err != nil {
		return nil, nil, fmt.Errorf("encode model: %w", err)
	}
	var w bytes.Buffer
	if err := safetensors.Write(&w, wf); err != nil {
		return nil, nil, fmt.Errorf("encode model: %w", err)
	}
	return doc, w.Bytes(), nil
}

// Decode builds a model from the two byte slices Encode returns. It
// checks what Load checks; name stands for the file in errors.
func Decode(name string, doc, weights []byte) (*engine.Model, error) {
	return decode(name, doc, func(string) ([]byte, error) { return weights, nil })
}
