package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/engine/npy"
)

// cnnExplainerDir is the CNN Explainer TF.js model kept beside the
// repository, in <repo>/../shared (never copied into the project).
func cnnExplainerDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		t.Skipf("CNN Explainer anchor model not found at %s (../shared beside the repository): %v", dir, err)
	}
	return dir
}

// The model's classes in output order, and for each sample the class and
// probability its README lists (CNN Explainer's src/config.js order).
var (
	explainerClasses = []string{"lifeboat", "ladybug", "pizza", "bell pepper", "school bus", "koala", "espresso", "red panda", "orange", "sport car"}
	explainerSamples = []struct {
		file  string
		class string
		p     float64
	}{
		{"boat_1.jpeg", "lifeboat", 0.817},
		{"bug_1.jpeg", "ladybug", 0.984},
		{"pizza_1.jpeg", "pizza", 0.992},
		{"pepper_1.jpeg", "bell pepper", 0.706},
		{"bus_1.jpeg", "school bus", 0.993},
		{"koala_1.jpeg", "koala", 0.952},
		{"espresso_1.jpeg", "espresso", 0.874},
		{"panda_1.jpeg", "red panda", 0.958},
		{"orange_1.jpeg", "orange", 0.985},
		{"car_1.jpeg", "sport car", 0.968},
	}
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(args, &o, &e)
	return o.String(), e.String(), code
}

func TestPredictCNNExplainerSamples(t *testing.T) {
	dir := cnnExplainerDir(t)
	m, err := modelfile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range explainerSamples {
		t.Run(s.file, func(t *testing.T) {
			trace := t.TempDir()
			out, errOut, code := run(t, "predict", "-model", dir, "-input", filepath.Join(dir, s.file), "-trace", trace, "-top", "3")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			probs, err := npy.ReadFile(filepath.Join(trace, "probs.npy"))
			if err != nil {
				t.Fatal(err)
			}
			best := 0
			for i, p := range probs.Data {
				if p > probs.Data[best] {
					best = i
				}
			}
			if got := explainerClasses[best]; got != s.class {
				t.Fatalf("predicted %s (%.4f), want %s", got, probs.Data[best], s.class)
			}
			if d := math.Abs(float64(probs.Data[best]) - s.p); d > 1e-2 {
				t.Errorf("p(%s) = %.4f, README says %.3f", s.class, probs.Data[best], s.p)
			}
			// The printed first line is the same class and probability.
			lines := strings.Split(strings.TrimSpace(out), "\n")
			want := fmt.Sprintf(" 1. %d  %.4f", best, probs.Data[best])
			if len(lines) != 5 || lines[1] != want {
				t.Errorf("output:\n%s\nwant second line %q and 3 classes", out, want)
			}
			checkTrace(t, m, trace)
		})
	}
}

// checkTrace compares every file of a trace folder with a fresh forward
// pass of the first sample's shape: same names, shapes as documented.
func checkTrace(t *testing.T, m *engine.Model, dir string) {
	t.Helper()
	shapes, err := m.Shapes()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(m.Layers)+2 {
		t.Errorf("%d files in the trace, want %d layers + logits + probs", len(entries), len(m.Layers))
	}
	for i, l := range m.Layers {
		x, err := npy.ReadFile(filepath.Join(dir, l.Name()+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x.Shape, shapes[i+1]) {
			t.Errorf("%s.npy has shape %v, want %v", l.Name(), x.Shape, shapes[i+1])
		}
	}
	for _, name := range []string{"logits", "probs"} {
		x, err := npy.ReadFile(filepath.Join(dir, name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x.Shape, []int{len(explainerClasses)}) {
			t.Errorf("%s.npy has shape %v", name, x.Shape)
		}
	}
}

func TestPredictNpyInputMatchesPicture(t *testing.T) {
	dir := cnnExplainerDir(t)
	m, err := modelfile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(dir, "koala_1.jpeg")
	x, err := imageio.Load(pic, m.Input)
	if err != nil {
		t.Fatal(err)
	}
	// A misleading extension: .npy is recognised by content.
	arr := filepath.Join(t.TempDir(), "koala.bin")
	if err := npy.WriteFile(arr, x); err != nil {
		t.Fatal(err)
	}
	a, errA, codeA := run(t, "predict", "-model", filepath.Join(dir, "model.json"), "-input", pic)
	b, errB, codeB := run(t, "predict", "-model", filepath.Join(dir, "model.json"), "-input", arr)
	if codeA != 0 || codeB != 0 {
		t.Fatalf("exit %d %d: %s %s", codeA, codeB, errA, errB)
	}
	// Same numbers; only the first line (the input's name) differs.
	if _, restA, _ := strings.Cut(a, "\n"); !strings.HasSuffix(b, restA) || strings.Count(restA, "\n") != 5 {
		t.Errorf("picture:\n%s\narray:\n%s", a, b)
	}
}

// smallModel is a 2x2x1 model saved in our format with named classes.
func smallModel(t *testing.T, lastName string) string {
	t.Helper()
	m := &engine.Model{
		Name:    "small",
		Input:   engine.Input{Shape: []int{2, 2, 1}, Scale: 1.0 / 255},
		Classes: []string{"dark", "bright"},
		Layers: []engine.Layer{
			&engine.Flatten{LayerName: "flatten"},
			&engine.Dense{LayerName: lastName, In: 4, Out: 2, Kernel: []float32{-1, 1, -1, 1, -1, 1, -1, 1}, Bias: []float32{2, -2}},
		},
	}
	dir := t.TempDir()
	if err := modelfile.Save(m, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeNpy(t *testing.T, shape []int, data ...float32) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := npy.WriteFile(path, &engine.Tensor{Shape: shape, Data: data}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPredictSmallModel(t *testing.T) {
	model := smallModel(t, "output")
	in := writeNpy(t, []int{2, 2, 1}, 1, 1, 1, 1) // logits: -4+2, 4-2
	trace := filepath.Join(t.TempDir(), "new", "trace")
	out, errOut, code := run(t, "predict", "-model", model, "-input", in, "-trace", trace)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p := 1 / (1 + math.Exp(-4))
	want := fmt.Sprintf("%s: small\n 1. bright  %.4f  (output 1)\n 2. dark    %.4f  (output 0)\ntrace: 2 layers, logits and probabilities in %s\n", in, p, 1-p, trace)
	if out != want {
		t.Errorf("output:\n%q\nwant\n%q", out, want)
	}
	logits, err := npy.ReadFile(filepath.Join(trace, "logits.npy"))
	if err != nil || !equalBits(logits.Data, []float32{-2, 2}) {
		t.Errorf("logits %v %v", logits, err)
	}
	flat, err := npy.ReadFile(filepath.Join(trace, "flatten.npy"))
	if err != nil || !slices.Equal(flat.Shape, []int{4}) {
		t.Errorf("flatten %v %v", flat, err)
	}
}

func TestPredictErrors(t *testing.T) {
	model := smallModel(t, "output")
	good := writeNpy(t, []int{2, 2, 1}, 0, 0, 0, 0)
	garbage := filepath.Join(t.TempDir(), "x.png")
	if err := os.WriteFile(garbage, []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "needs -model PATH and -input FILE"},
		{"extra argument", []string{"-model", model, "-input", good, "more"}, "no other arguments"},
		{"unknown flag", []string{"-colour"}, "flag provided but not defined"},
		{"top", []string{"-model", model, "-input", good, "-top", "0"}, "-top 0"},
		{"missing model", []string{"-model", "/nonexistent/model.json", "-input", good}, "/nonexistent/model.json"},
		{"missing input", []string{"-model", model, "-input", "/nonexistent.png"}, "/nonexistent.png"},
		{"not a picture", []string{"-model", model, "-input", garbage}, garbage},
		{"wrong npy shape", []string{"-model", model, "-input", writeNpy(t, []int{4}, 1, 2, 3, 4)}, "array of shape [4], the model takes (H, W, C) = [2 2 1]"},
		{"nan in npy", []string{"-model", model, "-input", writeNpy(t, []int{2, 2, 1}, 0, float32(math.NaN()), 0, 0)}, "value 1 is NaN"},
		{"layer named probs", []string{"-model", smallModel(t, "probs"), "-input", good, "-trace", t.TempDir()}, `layer "probs" would overwrite probs.npy`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, append([]string{"predict"}, c.args...)...)
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q (stdout %q)", code, errOut, c.want, out)
			}
		})
	}
}

func TestPredictHelp(t *testing.T) {
	out, errOut, code := run(t, "predict", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, flag := range []string{"-model", "-input", "-trace", "-top", ".npy", "(H, W, C)"} {
		if !strings.Contains(out+errOut, flag) {
			t.Errorf("help does not mention %s:\n%s", flag, out+errOut)
		}
	}
}

func TestWriteTraceRefusesPathNames(t *testing.T) {
	for _, name := range []string{"../escape", "a/b", "", "/abs"} {
		tr := &engine.Trace{Layers: []engine.LayerTrace{{Name: name, Output: engine.NewTensor(1)}}, Logits: []float32{0}, Probs: []float32{1}}
		dir := t.TempDir()
		if err := writeTrace(dir, tr, ""); err == nil || !strings.Contains(err.Error(), "cannot be a file name") {
			t.Errorf("layer %q: %v", name, err)
		}
	}
}
