// Package modelfile reads and writes the project's model format, and loads
// TensorFlow.js models through the same entry point.
//
// A model is a folder with two files (docs/model-format.md has the full
// description):
//
//   - model.json: {"format": "tinyvgg-model", "version": 1, name, input,
//     classes, layers, weights, provenance}, everything except the numbers;
//   - model.safetensors: one float32 tensor per parameter, named
//     "<layer>/kernel" and "<layer>/bias", in the Keras layouts the engine
//     uses (conv kernel (KH, KW, C, O), dense kernel (In, Out)).
//
// Save writes the same bytes for the same model. Load accepts our
// model.json, a TF.js model.json, an ONNX model, or a folder holding
// model.json or model.onnx, telling them apart by content: an ONNX file is
// a protobuf (engine/onnx.Sniff), and a TF.js JSON has "modelTopology".
package modelfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"cnnexplainer/engine"
	"cnnexplainer/engine/onnx"
	"cnnexplainer/engine/tfjs"
)

// Format is the marker in every model.json this package writes.
const Format = "tinyvgg-model"

// Version is the format version written; Load accepts only this one.
const Version = 1

// Names of the two files Save writes.
const (
	JSONFile    = "model.json"
	WeightsFile = "model.safetensors"
)

// maxJSON bounds the size of model.json read into memory.
const maxJSON = 32 << 20

// fileJSON is model.json. Field order here is the order in the file.
type fileJSON struct {
	Format     string            `json:"format"`
	Version    int               `json:"version"`
	Name       string            `json:"name"`
	Input      engine.Input      `json:"input"`
	Classes    []string          `json:"classes"`
	Layers     []layerJSON       `json:"layers"`
	Weights    string            `json:"weights"`
	Provenance engine.Provenance `json:"provenance"`
}

// layerJSON is one layer: its name, its type (engine.Kind.String()) and the
// hyperparameters that type uses; the others stay absent.
type layerJSON struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Filters    int    `json:"filters,omitempty"`
	Units      int    `json:"units,omitempty"`
	Kernel     []int  `json:"kernel,omitempty"`
	Pool       []int  `json:"pool,omitempty"`
	Strides    []int  `json:"strides,omitempty"`
	Padding    string `json:"padding,omitempty"`
	Pad        int    `json:"pad,omitempty"`
	Activation string `json:"activation,omitempty"`
	// Fields of the layers ONNX and Keras imports bring (extra.go).
	Pads     []int    `json:"pads,omitempty"`      // [top, left, bottom, right] for padding "asymmetric"
	Order    string   `json:"order,omitempty"`     // flatten: "chw" for PyTorch's order
	Alpha    *float32 `json:"alpha,omitempty"`     // leakyrelu
	Epsilon  *float32 `json:"epsilon,omitempty"`   // batchnorm
	CountPad bool     `json:"count_pad,omitempty"` // avgpool2d: padding counts in the average
	Vector   bool     `json:"vector,omitempty"`    // globalavgpool: a vector, not a (1, 1, C) map
}

// ONNXFile is the name Load looks for in a folder without model.json.
const ONNXFile = "model.onnx"

// Load reads a model from path: our model.json, a TF.js model.json, an
// ONNX file, or a folder holding model.json or model.onnx.
func Load(path string) (*engine.Model, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, JSONFile)
		if _, err := os.Stat(path); err != nil {
			if alt := filepath.Join(filepath.Dir(path), ONNXFile); fileExists(alt) {
				path = alt
			}
		}
	}
	if isONNX(path) {
		return onnx.Load(path)
	}
	doc, err := readLimited(path, maxJSON)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	var sniff map[string]json.RawMessage
	if err := json.Unmarshal(doc, &sniff); err != nil {
		return nil, fmt.Errorf("load model %s: neither a JSON object (our format, TensorFlow.js) nor an ONNX model: %w", path, err)
	}
	if _, ok := sniff["modelTopology"]; ok {
		return tfjs.Load(path)
	}
	var format string
	json.Unmarshal(sniff["format"], &format) // a missing or odd marker fails below
	if format != Format {
		return nil, fmt.Errorf("load model %s: neither a %q file nor a TensorFlow.js layers model (no modelTopology)", path, Format)
	}
	dir := filepath.Dir(path)
	weights := func(name string) ([]byte, error) {
		return readLimited(filepath.Join(dir, name), 1<<30)
	}
	return decode(path, doc, weights)
}

// isONNX looks at the first bytes of path; errors are left to the reader
// that follows.
func isONNX(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	n, _ := f.Read(head)
	return onnx.Sniff(head[:n])
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes is over the %d byte limit", path, st.Size(), max)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// errLayer names the file and the layer.
func errLayer(file, layer, format string, args ...any) error {
	return fmt.Errorf("load model %s: layer %q: %s", file, layer, fmt.Sprintf(format, args...))
}
