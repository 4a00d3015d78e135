package main

import (
	"encoding/json"
	"math"
	"testing"
)

// TestEvalPyTorchModel evaluates the seed's CNNModel trained in PyTorch by
// tools/onnxref/train_cnnmodel.py (2 epochs). PyTorch 1.13 measured a test
// accuracy of 0.8787 on the same 10,000 pictures; the engine must agree,
// allowing two pictures whose top two scores are within rounding.
func TestEvalPyTorchModel(t *testing.T) {
	needFashionMNIST(t)
	out := runOK(t, "eval", "-model", "../../engine/onnx/testdata/cnnmodel-fashion/model.onnx", "-json")
	var rep struct {
		Model      string   `json:"model"`
		Accuracy   float64  `json:"accuracy"`
		Parameters int      `json:"parameters"`
		Examples   int      `json:"examples"`
		Classes    []string `json:"classes"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval -json: %v\n%s", err, out)
	}
	if math.Abs(rep.Accuracy-0.8787) > 0.0002 || rep.Parameters != 7740 || rep.Examples != 10000 {
		t.Errorf("accuracy %v, %d parameters, %d examples; PyTorch: 0.8787, 7740, 10000", rep.Accuracy, rep.Parameters, rep.Examples)
	}
	if rep.Model != "cnnmodel-fashion" || len(rep.Classes) != 10 || rep.Classes[9] != "Ankle boot" {
		t.Errorf("model %q, classes %v (from classes.txt)", rep.Model, rep.Classes)
	}
}
