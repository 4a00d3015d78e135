package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/tfjs"
)

// anchorImages are CNN Explainer's ten picker images, in its order.
var anchorImages = []string{"boat", "bug", "pizza", "pepper", "bus", "koala", "espresso", "panda", "orange", "car"}

// loadAnchor loads the CNN Explainer model kept beside the repository
// (<repo>/../shared/anchors/cnn-explainer) and traces its first n sample
// images; it skips when the folder is not there.
func loadAnchor(tb testing.TB, n int) (*engine.Model, []Sample) {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(filepath.Join(dir, "model.json")); err != nil {
		tb.Skipf("CNN Explainer anchor model not found at %s: %v", dir, err)
	}
	m, err := tfjs.Load(filepath.Join(dir, "model.json"))
	if err != nil {
		tb.Fatal(err)
	}
	m.Classes = []string{"lifeboat", "ladybug", "pizza", "bell pepper", "school bus", "koala", "espresso", "red panda", "orange", "sport car"}
	var samples []Sample
	for i, name := range anchorImages[:n] {
		x, err := imageio.Load(filepath.Join(dir, name+"_1.jpeg"), m.Input)
		if err != nil {
			tb.Fatal(err)
		}
		tr, err := m.Forward(x)
		if err != nil {
			tb.Fatal(err)
		}
		samples = append(samples, Sample{ID: name, Label: m.Classes[i], Trace: tr})
	}
	return m, samples
}

// TestCNNExplainerModel renders two of CNN Explainer's samples through its
// own model and checks the overview has its twelve columns and that the
// maps read back to the trace.
func TestCNNExplainerModel(t *testing.T) {
	m, samples := loadAnchor(t, 2)
	lay := OverviewLayout(m)
	var names []string
	for _, c := range lay.Columns {
		names = append(names, c.Layer)
	}
	want := "input conv_1_1 relu_1_1 conv_1_2 relu_1_2 max_pool_1 conv_2_1 relu_2_1 conv_2_2 relu_2_2 max_pool_2 output"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("overview columns\n%s\nwant\n%s", got, want)
	}
	// Edges: input (3) to conv_1_1 (10) all to all, the other three
	// convolutions 10x10 each, six one-to-one ReLU and pooling columns,
	// then 10 maps by 10 classes into the output.
	if want := 3*10 + 3*100 + 6*10 + 100; len(lay.Edges) != want {
		t.Errorf("%d edges, want %d", len(lay.Edges), want)
	}
	fl, ok := NewFlattenLayout(m)
	if !ok || fl.N() != 1690 || fl.From != "max_pool_2" {
		t.Errorf("flatten layout %+v, %v; want 13x13x10 from max_pool_2", fl, ok)
	}

	dir := t.TempDir()
	man, err := Render(context.Background(), m, samples, nil, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	traces := map[string]*Sample{}
	for i := range samples {
		traces[samples[i].ID] = &samples[i]
	}
	// Read back the input channels and the maps of the first and last map
	// layer, in every mode.
	checked := 0
	for _, f := range man.Filter(func(f Figure) bool {
		return f.Kind == KindActivation && (f.Layer == "conv_1_1" || f.Layer == "max_pool_2") || f.Kind == KindInputChannel
	}) {
		want := expectedValue(t, m, traces, f)
		sc, err := NewScale(f.Scale, f.Range[0], f.Range[1])
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, filepath.Join(dir, filepath.FromSlash(f.File)))
		tol := float64(f.Range[1]-f.Range[0]) / 255
		for y := 0; y < f.Height; y++ {
			for x := 0; x < f.Width; x++ {
				if got, w := sc.Value(img.At(x, y)), want(x, y); float64(abs32(got-w)) > tol {
					t.Fatalf("%s (%d,%d): %v, trace %v", f.File, x, y, got, w)
				}
			}
		}
		checked++
	}
	if want := 2 * (3 + 2*10*3); checked != want {
		t.Errorf("checked %d figures, want %d", checked, want)
	}
	counts := map[FigureKind]int{}
	for _, f := range man.Figures {
		counts[f.Kind]++
	}
	// Per sample: 10 map layers x 10 neurons x 3 modes; kernels 3*10 +
	// 3*100 slices; dense: matrix + 10 classes x 10 channels.
	for kind, n := range map[FigureKind]int{KindActivation: 2 * 300, KindKernel: 330, KindDenseWeights: 101, KindOverview: 2} {
		if counts[kind] != n {
			t.Errorf("%d %s figures, want %d", counts[kind], kind, n)
		}
	}
}
