package train

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadHistory feeds arbitrary bytes to LoadHistory as history.json
// (with no weights file): it must return a history or an error, never
// panic, and a history it returns has at least one epoch.
func FuzzLoadHistory(f *testing.F) {
	f.Add([]byte(`{"model":"m","classes":["a","b"],"settings":{"optimizer":"adam","lr":0.001,"schedule":"constant","batch_size":32,"epochs":1,"seed":1,"chunks":8,"examples":10},"epochs":[{"epoch":1,"lr":0.001,"train_loss":0.5,"train_accuracy":0.8,"test_loss":0.6,"test_accuracy":0.7,"seconds":1,"samples_per_second":10}],"confusion":[[1,0],[0,1]]}`))
	f.Add([]byte(`{"epochs":[]}`))
	f.Add([]byte(`{"epochs":[{"epoch":1}],"snapshot_params":["a/b"],"snapshot_epochs":[0]}`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, HistoryJSON), data, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := LoadHistory(dir)
		if err == nil && len(h.Epochs) == 0 {
			t.Error("LoadHistory returned a history without epochs")
		}
	})
}
