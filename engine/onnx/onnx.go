// Package onnx imports ONNX models (torch.onnx.export, tf2onnx) into the
// engine.
//
// It reads the protobuf with google.golang.org/protobuf's protowire and
// accepts the graphs a small sequential CNN exports to: one chain of Conv,
// Relu, LeakyRelu, Sigmoid, Tanh, MaxPool, AveragePool, GlobalAveragePool,
// BatchNormalization, Flatten or Reshape, Gemm, MatMul (+ Add), Softmax,
// Dropout and Identity nodes, from one image input (1, C, H, W) to one
// vector output. The quirks of PyTorch's default export are understood: a
// Pad before an AveragePool or a Conv is folded into that layer's padding,
// and the shapes that Shape/Gather/Concat/Slice... chains compute are
// evaluated at import time. Anything else (a branch, an unsupported op or
// attribute) is an error that names the node and its op.
//
// PyTorch keeps maps as (N, C, H, W) and the engine as (H, W, C). Weights
// are transposed once here, and a flatten keeps PyTorch's C, H, W order
// (engine.Flatten.ChannelsFirst), so every layer computes the same numbers
// PyTorch does and the dense weights keep their meaning. The model's
// Input.Layout is engine.LayoutNCHW.
//
// Layers are named by module path: the node "/block_1/block_1.0/Conv" is
// layer "block_1.0", "/fc1/Gemm" is "fc1".
package onnx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cnnexplainer/engine"
)

// maxFile bounds the size of an .onnx file read into memory.
const maxFile = 1 << 30

// Load reads the ONNX model in path.
func Load(path string) (*engine.Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	if st.Size() > maxFile {
		return nil, fmt.Errorf("load model %s: %d bytes is over the %d byte limit", path, st.Size(), maxFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	// "model.onnx" says nothing; its folder usually names the model.
	m.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if dir := filepath.Base(filepath.Dir(path)); m.Name == "model" && dir != "." && dir != string(filepath.Separator) {
		m.Name = dir
	}
	classes, err := readClasses(filepath.Join(filepath.Dir(path), ClassesFile))
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	if classes != nil {
		if len(classes) != len(m.Classes) {
			return nil, fmt.Errorf("load model %s: %s names %d classes, the model has %d outputs", path, ClassesFile, len(classes), len(m.Classes))
		}
		m.Classes = classes
	}
	return m, nil
}

// ClassesFile beside the model names its classes, one per line, as for a
// TensorFlow.js model (ONNX files carry no class names).
const ClassesFile = "classes.txt"

// readClasses reads one name per line, blanks trimmed and blank lines
// skipped; a missing file gives nil.
func readClasses(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("%s: over 1 MiB", path)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if s := strings.TrimSpace(line); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no class names", path)
	}
	return out, nil
}

// Decode builds a model from the bytes of an .onnx file. Class names are
// the indices 0, 1, ...; callers with better names set Model.Classes.
func Decode(b []byte) (*engine.Model, error) {
	mp, err := parseModel(b)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	m, err := newImporter(mp).run()
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return m, nil
}

// Sniff reports whether b starts like an ONNX model: a protobuf whose first
// field is ModelProto's ir_version (field 1, a varint), which every
// exporter writes first. JSON and safetensors files never start with 0x08.
func Sniff(b []byte) bool {
	return len(b) > 1 && b[0] == 0x08
}

// layerName maps a node name to the module path PyTorch users know:
// "/block_1/block_1.0/Conv" -> "block_1.0", "/fc1/Gemm" -> "fc1"; a node
// outside any module ("/Reshape") or from another exporter keeps its name.
func layerName(node string) string {
	parts := strings.FieldsFunc(node, func(r rune) bool { return r == '/' })
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return parts[len(parts)-2]
}
