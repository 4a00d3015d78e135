package render

import (
	"context"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkRenderCNNExplainer renders every figure of this package's plans
// for CNN Explainer's model and its ten samples, on all cores, and reports
// the figure count and total bytes written.
func BenchmarkRenderCNNExplainer(b *testing.B) {
	m, samples := loadAnchor(b, len(anchorImages))
	benchRender(b, func() (int, error) {
		dir := b.TempDir()
		man, err := Render(context.Background(), m, samples, nil, dir, Options{Workers: runtime.NumCPU()})
		if err != nil {
			return 0, err
		}
		b.StopTimer()
		size := treeSize(b, dir)
		b.ReportMetric(float64(len(man.Figures)), "figures")
		b.StartTimer()
		return size, nil
	})
}

// BenchmarkRenderTestModel does the same for the small seeded test model.
func BenchmarkRenderTestModel(b *testing.B) {
	m := testModel(b)
	samples := testSamples(b, m, 4)
	benchRender(b, func() (int, error) {
		dir := b.TempDir()
		man, err := Render(context.Background(), m, samples, nil, dir, Options{})
		if err != nil {
			return 0, err
		}
		b.StopTimer()
		size := treeSize(b, dir)
		b.ReportMetric(float64(len(man.Figures)), "figures")
		b.StartTimer()
		return size, nil
	})
}

func benchRender(b *testing.B, render func() (int, error)) {
	b.ReportAllocs()
	var size int
	for b.Loop() {
		n, err := render()
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/render")
}

func treeSize(b *testing.B, dir string) int {
	total := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += int(info.Size())
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}
