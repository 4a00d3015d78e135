package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/dataset"
	"cnnexplainer/engine/train"
)

// needFashionMNIST skips a test when the dataset is not installed, except
// in CI, where its absence is a failure.
func needFashionMNIST(t *testing.T) {
	t.Helper()
	if _, err := dataset.FashionMNIST(dataset.FashionMNISTDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Fashion-MNIST is required in CI: %v", err)
		}
		t.Skipf("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Main(args, &stdout, &stderr); code != 0 {
		t.Fatalf("tinyvgg %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestTrainDeterministicAcrossWorkers is the reproducibility promise: the
// same seed writes byte-identical weights with 1 and 2 workers.
func TestTrainDeterministicAcrossWorkers(t *testing.T) {
	needFashionMNIST(t)
	var files [2][]byte
	for i, workers := range []string{"1", "2"} {
		dir := t.TempDir()
		runOK(t, "train", "-limit", "2000", "-epochs", "1", "-workers", workers, "-out", dir)
		b, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
		if _, err := train.LoadHistory(dir); err != nil {
			t.Errorf("history: %v", err)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("1 and 2 workers wrote different model.safetensors")
	}
}

// TestEvalCommittedModel checks the model the site is built from.
func TestEvalCommittedModel(t *testing.T) {
	needFashionMNIST(t)
	out := runOK(t, "eval", "-model", "../../samples/fashion-mnist", "-json")
	var rep struct {
		Accuracy   float64 `json:"accuracy"`
		Parameters int     `json:"parameters"`
		Examples   int     `json:"examples"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval -json: %v\n%s", err, out)
	}
	if rep.Accuracy < 0.90 || rep.Parameters != 7740 || rep.Examples != 10000 {
		t.Errorf("committed model: accuracy %v, %d parameters, %d examples; want >= 0.90, 7740, 10000", rep.Accuracy, rep.Parameters, rep.Examples)
	}
}

func TestTrainHelpAndErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, cmd := range []string{"train", "eval", "samples"} {
		if code := Main([]string{cmd, "-h"}, &stdout, &stderr); code != 0 {
			t.Errorf("%s -h: exit %d", cmd, code)
		}
	}
	missing := t.TempDir()
	for _, args := range [][]string{
		{"train", "-data", missing, "-out", t.TempDir()},
		{"train", "-preset", "resnet"},
		{"train", "-optimizer", "rmsprop"},
		{"eval"},
		{"samples", "-model", "x"},
	} {
		stderr.Reset()
		if code := Main(args, &stdout, &stderr); code == 0 {
			t.Errorf("%v succeeded", args)
		}
	}
	// The missing-data error says how to install the set.
	stderr.Reset()
	Main([]string{"train", "-data", missing}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "fashion") && !strings.Contains(stderr.String(), "Fashion") {
		t.Errorf("missing data: %q does not name the dataset", stderr.String())
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"T-shirt/top": "t-shirt-top", "Ankle boot": "ankle-boot", "Bag": "bag", "  a  b ": "a-b", "école": "cole", "///": "class",
		"An extremely long class name that goes on": "an-extremely-long-class",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCurate applies the sample rule to a made-up evaluation of eight
// examples over four classes.
func TestCurate(t *testing.T) {
	classes := []string{"A", "B", "C", "D"}
	ev := &train.Evaluation{
		Labels: []int{0, 0, 1, 1, 2, 2, 2, 3},
		Logits: [][]float32{
			{2, 0, 0, 0}, // A right
			{5, 0, 0, 0}, // A right, more confident: picked
			{0, 3, 0, 0}, // B right: picked
			{4, 0, 0, 0}, // B as A
			{0, 6, 0, 0}, // C as B, confident: picked for C-as-B
			{0, 1, 0, 0}, // C as B
			{0, 0, 1, 0}, // C right: picked
			{0, 0, 0, 1}, // D right: picked
		},
		// C->B (2) is the largest confusion; B->A (1) shares B with it and
		// is skipped; nothing else is left.
		Confusion: [][]int{{2, 0, 0, 0}, {1, 1, 0, 0}, {0, 2, 1, 0}, {0, 0, 0, 1}},
	}
	ev.Probs = make([][]float32, len(ev.Logits))
	ev.Losses = make([]float64, len(ev.Logits))
	for i, z := range ev.Logits {
		// Only the argmax of the probabilities matters to curate.
		ev.Probs[i] = z
		ev.Losses[i] = train.CrossEntropy(z, ev.Labels[i])
	}
	got := curate(ev, classes, 3)
	var ids []string
	var idx []int
	for _, s := range got {
		ids = append(ids, s.ID+":"+s.Note)
		idx = append(idx, s.Index)
	}
	want := "a:correct b:correct c:correct d:correct mistake-c-as-b:mistake"
	if strings.Join(ids, " ") != want {
		t.Errorf("picked %v, want %s", ids, want)
	}
	if wantIdx := []int{1, 2, 6, 7, 4}; !slices.Equal(idx, wantIdx) {
		t.Errorf("indices %v, want %v", idx, wantIdx)
	}
	if m := got[len(got)-1]; m.File != "images/mistake-c-as-b.png" || m.Label != "C" || m.Predicted != "B" {
		t.Errorf("entry %+v", m)
	}
}

// TestCurateDistinctIDs: class names that slug alike still give distinct ids.
func TestCurateDistinctIDs(t *testing.T) {
	ev := &train.Evaluation{
		Labels:    []int{0, 1},
		Logits:    [][]float32{{1, 0}, {0, 1}},
		Probs:     [][]float32{{1, 0}, {0, 1}},
		Losses:    []float64{0.3, 0.3},
		Confusion: [][]int{{1, 0}, {0, 1}},
	}
	got := curate(ev, []string{"T shirt", "t-shirt"}, 3)
	if len(got) != 2 || got[0].ID != "t-shirt-0" || got[1].ID != "t-shirt-1" {
		t.Errorf("ids %+v", got)
	}
}

// TestCloseCalls: the right answer with the smallest lead over the runner-up
// comes first; wrong answers never count, however close.
func TestCloseCalls(t *testing.T) {
	ev := &train.Evaluation{
		Labels: []int{0, 1, 1, 2},
		Logits: [][]float32{
			{3, 0, 0},   // right, clear
			{1, 1.2, 0}, // right by 0.2 over class 0: the closest right answer
			{0, 0.9, 1}, // wrong, closer still: skipped
			{0, 0.5, 1}, // right by 0.5 over class 1
		},
	}
	ev.Probs = ev.Logits // only the argmax matters here
	got := closeCalls(ev, []string{"A", "B", "C"}, 2)
	if len(got) != 2 || got[0].ID != "close-call-b-vs-a" || got[0].Index != 1 || got[1].ID != "close-call-c-vs-b" || got[1].Index != 3 {
		t.Fatalf("close calls %+v", got)
	}
	if got[0].Label != "B" || got[0].Predicted != "B" || got[0].File != "images/close-call-b-vs-a.png" {
		t.Errorf("entry %+v", got[0])
	}
}

// TestTrainFlagBounds: each out-of-range flag is refused by name before
// any data is read (-data points nowhere, so reaching it would fail with
// another message).
func TestTrainFlagBounds(t *testing.T) {
	missing := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-hidden", "100000"}, "-hidden 100000 is out of range"},
		{[]string{"-padding", "100000"}, "-padding 100000 is out of range"},
		{[]string{"-padding", "-5"}, "-padding -5 must not be negative"},
		{[]string{"-limit", "-5"}, "-limit -5 is out of range"},
		{[]string{"-epochs", "0"}, "-epochs 0 is out of range"},
		{[]string{"-batch", "-1"}, "-batch -1 is out of range"},
		{[]string{"-size", "100000"}, "-size 100000 is out of range"},
		{[]string{"-kernel", "9", "-size", "4", "-padding", "0"}, "does not fit"},
		{[]string{"-lr", "-1"}, "-lr -1 must be a positive number"},
		{[]string{"-momentum", "1"}, "-momentum 1 must be in [0, 1)"},
		{[]string{"-hidden", "512", "-size", "512", "-batch", "4096"}, "GB of activations"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(append([]string{"train", "-data", missing, "-out", t.TempDir()}, tt.args...), &stdout, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr.String(), tt.want)
			}
		})
	}
}

// TestEpoch0Backfill checks that epoch0 gives an older history (one
// without epoch 0) the epoch 0 that train now records, and touches only
// history.json.
func TestEpoch0Backfill(t *testing.T) {
	needFashionMNIST(t)
	dir := t.TempDir()
	runOK(t, "train", "-limit", "2000", "-epochs", "1", "-flip", "-out", dir)
	want, err := train.LoadHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want.Epochs[0].Epoch != 0 || len(want.Epochs) != 2 {
		t.Fatalf("train recorded epochs %+v, want 0 and 1", want.Epochs)
	}
	weights, err := os.ReadFile(filepath.Join(dir, train.HistoryWeights))
	if err != nil {
		t.Fatal(err)
	}
	old := *want
	old.Epochs = old.Epochs[1:]
	if err := old.SaveJSON(dir); err != nil {
		t.Fatal(err)
	}
	runOK(t, "epoch0", "-model", dir)
	got, err := train.LoadHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Epochs, want.Epochs) {
		t.Errorf("after epoch0: %+v\nwant %+v", got.Epochs, want.Epochs)
	}
	after, err := os.ReadFile(filepath.Join(dir, train.HistoryWeights))
	if err != nil || !bytes.Equal(after, weights) {
		t.Errorf("epoch0 changed %s (%v)", train.HistoryWeights, err)
	}
	if out := runOK(t, "epoch0", "-model", dir); !strings.Contains(out, "already records epoch 0") {
		t.Errorf("a second run printed %q", out)
	}
}
