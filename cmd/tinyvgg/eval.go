package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"cnnexplainer/dataset"
	"cnnexplainer/engine"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/train"
)

// evalReport is what eval -json prints.
type evalReport struct {
	Model            string    `json:"model"`
	Dataset          string    `json:"dataset"`
	Accuracy         float64   `json:"accuracy"`
	Loss             float64   `json:"loss"`
	Parameters       int       `json:"parameters"`
	Examples         int       `json:"examples"`
	Classes          []string  `json:"classes"`
	PerClassAccuracy []float64 `json:"per_class_accuracy"`
	Confusion        [][]int   `json:"confusion"` // [true][predicted]
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "model.json (ours or TF.js), an .onnx file, or its folder")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	images := fs.String("images", "", "evaluate on the test/ half of an image folder instead")
	workers := fs.Int("workers", 0, "goroutines (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("eval needs -model PATH and no other arguments")
	}
	m, set, ev, err := loadAndEvaluate(*modelPath, *data, *images, *workers)
	if err != nil {
		return err
	}
	rep := evalReport{Model: m.Name, Dataset: set.Name, Accuracy: ev.Accuracy, Loss: round6(ev.Loss), Parameters: m.ParamCount(),
		Examples: ev.Examples, Classes: m.Classes, PerClassAccuracy: ev.ClassAccuracy(), Confusion: ev.Confusion}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeEvalText(stdout, rep)
	return nil
}

// loadSet reads Fashion-MNIST from data, or the image folder images with
// pictures brought to the model's input shape.
// loadAndEvaluate loads a model and its test set and runs the model over it:
// the common start of eval and samples.
func loadAndEvaluate(modelPath, data, images string, workers int) (*engine.Model, *dataset.Set, *train.Evaluation, error) {
	m, err := modelfile.Load(modelPath)
	if err != nil {
		return nil, nil, nil, err
	}
	set, err := loadSet(data, images, m.Input)
	if err != nil {
		return nil, nil, nil, err
	}
	ev, err := evaluateOn(m, set, workers)
	if err != nil {
		return nil, nil, nil, err
	}
	return m, set, ev, nil
}

func loadSet(data, images string, in engine.Input) (*dataset.Set, error) {
	if images != "" {
		return dataset.ImageFolder(images, in)
	}
	return dataset.FashionMNIST(data)
}

// evaluateOn checks that the model fits the set and runs the test split.
func evaluateOn(m *engine.Model, set *dataset.Set, workers int) (*train.Evaluation, error) {
	if !sameInts(set.Test.Shape, m.Input.Shape) {
		return nil, fmt.Errorf("model %s takes inputs of shape %v, the %s images are %v", m.Name, m.Input.Shape, set.Name, set.Test.Shape)
	}
	if len(m.Classes) != len(set.Classes) {
		return nil, fmt.Errorf("model %s has %d classes, %s has %d", m.Name, len(m.Classes), set.Name, len(set.Classes))
	}
	return train.Evaluate(m, splitData{set.Test, m.Input.Scale}, workers)
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func writeEvalText(w io.Writer, r evalReport) {
	fmt.Fprintf(w, "model %s (%d parameters) on %s: %d test examples\n", r.Model, r.Parameters, r.Dataset, r.Examples)
	fmt.Fprintf(w, "accuracy %.4f, mean loss %.4f\n\nper class:\n", r.Accuracy, r.Loss)
	width := 0
	for _, c := range r.Classes {
		width = max(width, len(c))
	}
	for i, c := range r.Classes {
		fmt.Fprintf(w, "  %-*s  %.4f\n", width, c, r.PerClassAccuracy[i])
	}
	fmt.Fprintf(w, "\nconfusion matrix (rows: true class, columns: predicted, in class order):\n")
	for i, row := range r.Confusion {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = fmt.Sprintf("%5d", v)
		}
		fmt.Fprintf(w, "  %-*s %s\n", width, r.Classes[i], strings.Join(cells, ""))
	}
}
