package tfjs

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine/imageio"
)

// anchorDir is the CNN Explainer model kept beside the repository (never
// copied into it): <repo>/../shared/anchors/cnn-explainer.
func anchorDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		t.Skipf("CNN Explainer anchor model not found at %s (../shared beside the repository): %v", dir, err)
	}
	return dir
}

// anchorClasses is the model's class order (CNN Explainer's src/config.js,
// restated in the anchor README).
var anchorClasses = []string{"lifeboat", "ladybug", "pizza", "bell pepper", "school bus", "koala", "espresso", "red panda", "orange", "sport car"}

// anchorCases are the README's top-1 probabilities (and runner-up where
// it lists one) for the ten sample images.
var anchorCases = []struct {
	file   string
	class  int
	p      float64
	second int
	p2     float64
}{
	{"boat_1.jpeg", 0, 0.817, 1, 0.131},
	{"bug_1.jpeg", 1, 0.984, -1, 0},
	{"pizza_1.jpeg", 2, 0.992, -1, 0},
	{"pepper_1.jpeg", 3, 0.706, 8, 0.292},
	{"bus_1.jpeg", 4, 0.993, -1, 0},
	{"koala_1.jpeg", 5, 0.952, -1, 0},
	{"espresso_1.jpeg", 6, 0.874, 8, 0.092},
	{"panda_1.jpeg", 7, 0.958, -1, 0},
	{"orange_1.jpeg", 8, 0.985, -1, 0},
	{"car_1.jpeg", 9, 0.968, -1, 0},
}

func TestCNNExplainerAnchor(t *testing.T) {
	dir := anchorDir(t)
	m, err := Load(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.ParamCount() != 19920 || len(m.Layers) != 12 {
		t.Fatalf("%d parameters in %d layers, want 19920 in 12", m.ParamCount(), len(m.Layers))
	}
	m.Classes = anchorClasses
	for _, c := range anchorCases {
		t.Run(c.file, func(t *testing.T) {
			x, err := imageio.Load(filepath.Join(dir, c.file), m.Input)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := m.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			top := m.Top(tr.Probs, 2)
			if top[0].Index != c.class {
				t.Fatalf("predicted %s (%.3f), want %s", top[0].Class, top[0].Prob, anchorClasses[c.class])
			}
			if d := math.Abs(float64(top[0].Prob) - c.p); d > 1e-2 {
				t.Errorf("p(%s) = %.4f, README says %.3f", top[0].Class, top[0].Prob, c.p)
			}
			if c.second >= 0 {
				if d := math.Abs(float64(tr.Probs[c.second]) - c.p2); d > 1e-2 {
					t.Errorf("p(%s) = %.4f, README says %.3f", anchorClasses[c.second], tr.Probs[c.second], c.p2)
				}
			}
			t.Logf("%s: %s %.4f", c.file, top[0].Class, top[0].Prob)
		})
	}
}
