// Package tfjs imports TensorFlow.js layers models: a model.json holding the
// Keras topology and a weights manifest, plus the binary weight shards it
// lists.
//
// Both topology layouts are read: the Keras converter's
// modelTopology.model_config.{class_name, config} and tfjs model.save's
// modelTopology.{class_name, config}. Only Sequential models of the layers
// the engine has are accepted: InputLayer, Conv2D, Activation (relu,
// softmax, linear), MaxPooling2D, Flatten, Dense and Dropout. Dropout and a
// linear Activation become engine.Identity layers, so every source layer
// keeps its name in the trace.
//
// Weights are read group by group: each group's shards (paths relative to
// model.json, which must stay inside its folder) are concatenated in order
// and the weights of that group's list are cut from the result in order.
// Only float32 weights are accepted, and the shards must hold exactly the
// bytes the manifest describes.
//
// TF.js models do not record their preprocessing; the import assumes pixels
// scaled by 1/255 (as the CNN Explainer model was trained), and takes class
// names from a classes.txt beside model.json (one per line) when there is
// one, otherwise "0", "1", ...
package tfjs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cnnexplainer/engine"
)

// MaxJSON bounds the size of model.json read into memory.
const MaxJSON = 32 << 20

// MaxWeights bounds the total size of the weights a manifest may list.
const MaxWeights = 1 << 30

// Source is the Provenance.Source of every imported model.
const Source = "TensorFlow.js import"

// ErrFormat is wrapped by every error about a malformed or unsupported
// model, as opposed to a file that cannot be read.
var ErrFormat = errors.New("tfjs: malformed or unsupported model")

// formatError keeps the message it was made with and unwraps to ErrFormat.
type formatError struct{ msg string }

func (e *formatError) Error() string { return e.msg }
func (e *formatError) Unwrap() error { return ErrFormat }

// ClassesFile is the optional class-name list beside model.json.
const ClassesFile = "classes.txt"

// Load reads a TF.js layers model from path, a model.json or the folder
// holding one.
func Load(path string) (*engine.Model, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "model.json")
	}
	data, err := readLimited(path, MaxJSON)
	if err != nil {
		return nil, fmt.Errorf("tfjs: %w", err)
	}
	dir := filepath.Dir(path)
	shard := func(name string, max int64) ([]byte, error) {
		return readLimited(filepath.Join(dir, filepath.FromSlash(name)), max)
	}
	m, err := decode(path, data, shard)
	if err != nil {
		return nil, err
	}
	classes, err := readClasses(filepath.Join(dir, ClassesFile))
	if err != nil {
		return nil, err
	}
	if classes != nil {
		if len(classes) != len(m.Classes) {
			return nil, &formatError{fmt.Sprintf("tfjs %s: %d class names for the model's %d outputs", filepath.Join(dir, ClassesFile), len(classes), len(m.Classes))}
		}
		m.Classes = classes
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("tfjs %s: %w", path, err)
	}
	return m, nil
}

// errTooLong marks a file larger than its caller's limit.
var errTooLong = errors.New("file is larger than expected")

// readLimited reads a whole file, refusing one over max bytes before
// reading it.
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
		return nil, fmt.Errorf("%s: %w (%d bytes, at most %d)", path, errTooLong, st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w (grew while read)", path, errTooLong)
	}
	return data, nil
}

// readClasses reads classes.txt: one name per line, surrounding blanks
// trimmed, blank lines skipped. A missing file gives nil and no error.
func readClasses(path string) ([]string, error) {
	data, err := readLimited(path, 1<<20)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tfjs classes: %w", err)
	}
	var classes []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			classes = append(classes, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tfjs classes %s: %w", path, err)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("tfjs classes %s: no class names", path)
	}
	return classes, nil
}
