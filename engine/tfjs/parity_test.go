package tfjs_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/npy"
	"cnnexplainer/engine/tfjs"
)

// The reference data in testdata/ref was written by TensorFlow.js itself
// (tools/tfjsref/gen.mjs, CPU backend): per model, model.json + weights,
// input.npy, one .npy per layer output, logits.npy and probs.npy.

// parityTol bounds every layer's error relative to its largest |value|.
const parityTol = 1e-4

// minModels guards against the test passing because the data went missing.
const minModels = 6

type reference struct {
	Model  string `json:"model"`
	TFJS   string `json:"tfjs"`
	Layout string `json:"layout"`
	Input  []int  `json:"input"`
	Layers []struct {
		Name  string `json:"name"`
		Shape []int  `json:"shape"`
	} `json:"layers"`
}

func readReference(t *testing.T, dir string) reference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return ref
}

func readNpy(t *testing.T, dir, name string) *engine.Tensor {
	t.Helper()
	x, err := npy.ReadFile(filepath.Join(dir, name+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// relErr is max |got - want| over max |want|; an all-zero want only
// accepts an all-zero got.
func relErr(got, want []float32) float64 {
	var worst, scale float64
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i])-float64(want[i])))
		scale = max(scale, math.Abs(float64(want[i])))
	}
	if scale == 0 {
		if worst == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return worst / scale
}

func TestParity(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "ref", "*", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < minModels {
		t.Fatalf("found %d reference models under testdata/ref, want at least %d (run node tools/tfjsref/gen.mjs)", len(dirs), minModels)
	}
	for _, p := range dirs {
		dir := filepath.Dir(p)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ref := readReference(t, dir)
			m, err := tfjs.Load(filepath.Join(dir, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			in := readNpy(t, dir, "input")
			if !slices.Equal(in.Shape, ref.Input) {
				t.Fatalf("input.npy has shape %v, reference.json says %v", in.Shape, ref.Input)
			}
			tr, err := m.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Layers) != len(ref.Layers) {
				t.Fatalf("trace has %d layers, TF.js %d", len(tr.Layers), len(ref.Layers))
			}
			worst, worstAt := 0.0, ""
			check := func(name string, got []float32, gotShape []int, want *engine.Tensor) {
				if !slices.Equal(gotShape, want.Shape) {
					t.Errorf("%s: shape %v, TF.js %v", name, gotShape, want.Shape)
					return
				}
				e := relErr(got, want.Data)
				if e > parityTol {
					t.Errorf("%s: relative error %.3g exceeds %g", name, e, parityTol)
				}
				if e > worst || worstAt == "" {
					worst, worstAt = e, name
				}
			}
			for i, want := range ref.Layers {
				got := tr.Layers[i]
				if got.Name != want.Name {
					t.Fatalf("layer %d is %q, TF.js has %q", i, got.Name, want.Name)
				}
				check(got.Name, got.Output.Data, got.Output.Shape, readNpy(t, dir, want.Name))
			}
			check("logits", tr.Logits, []int{len(tr.Logits)}, readNpy(t, dir, "logits"))
			check("probs", tr.Probs, []int{len(tr.Probs)}, readNpy(t, dir, "probs"))
			t.Logf("%-22s %-6s %2d layers  worst relative error %.2e (%s)", ref.Model, ref.Layout, len(ref.Layers), worst, worstAt)
		})
	}
}

// TestParityPureGo runs TestParity again with the assembly kernels turned
// off, so the portable Go kernels are held to TensorFlow.js too.
func TestParityPureGo(t *testing.T) {
	if strings.Contains(os.Getenv("GODEBUG"), "cpu.avx2=off") {
		t.Skip("already running without the assembly kernels")
	}
	if testing.Short() {
		t.Skip("-short: not re-running the parity test without assembly")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestParity$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG="+strings.TrimPrefix(os.Getenv("GODEBUG")+",cpu.avx2=off", ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("TestParity without assembly failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestParity") {
		t.Fatalf("TestParity without assembly did not run:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if _, rest, ok := strings.Cut(line, "parity_test.go:"); ok && strings.Contains(rest, "worst relative error") {
			_, msg, _ := strings.Cut(rest, ": ")
			t.Log("pure Go: " + msg)
		}
	}
}
