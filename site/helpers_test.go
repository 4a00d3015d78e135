package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// anchorDir is CNN Explainer's TF.js model and sample pictures, kept
// outside the repository.
const anchorDir = "../../shared/anchors/cnn-explainer"

var cnnClasses = []string{"lifeboat", "ladybug", "pizza", "bell pepper", "school bus", "koala", "espresso", "red panda", "orange", "sport car"}

// cnnExplainerSamples copies the ten anchor pictures into a temporary
// samples folder with a samples.json naming their classes (from the anchor
// README), or skips when ../shared is absent.
func cnnExplainerSamples(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(anchorDir, "model.json")); err != nil {
		tb.Skipf("CNN Explainer anchor model not found at %s (needs ../shared beside the repository): %v", anchorDir, err)
	}
	dir := tb.TempDir()
	order := []string{"boat", "bug", "pizza", "pepper", "bus", "koala", "espresso", "panda", "orange", "car"}
	type sample struct {
		ID    string `json:"id"`
		File  string `json:"file"`
		Label string `json:"label"`
	}
	var list []sample
	for i, o := range order {
		name := o + "_1.jpeg"
		data, err := os.ReadFile(filepath.Join(anchorDir, name))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
		list = append(list, sample{ID: o, File: name, Label: cnnClasses[i]})
	}
	data, _ := json.MarshalIndent(map[string]any{"classes": cnnClasses, "samples": list}, "", " ")
	if err := os.WriteFile(filepath.Join(dir, "samples.json"), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// testConfig builds the repository's content and theme into temporary
// folders.
func testConfig(tb testing.TB, samples string) Config {
	tmp := tb.TempDir()
	return Config{
		Content: "../content", Theme: "../themes/default", Layouts: filepath.Join(tmp, "layouts"),
		Samples: samples, Out: filepath.Join(tmp, "public"), Cache: filepath.Join(tmp, "cache"),
	}
}
