package render

import (
	"context"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"

	"cnnexplainer/engine"
)

// BenchmarkRenderCNNExplainer renders every figure Render makes for CNN
// Explainer's model and its ten samples, on all cores, and reports the
// figure count, total bytes written and CPU time.
func BenchmarkRenderCNNExplainer(b *testing.B) {
	m, samples := loadAnchor(b, len(anchorImages))
	benchRender(b, func(dir string) (*Manifest, error) {
		return Render(context.Background(), m, samples, nil, dir, Options{Workers: runtime.NumCPU()})
	})
}

// BenchmarkRenderStaticCNNExplainer renders only the static plan (maps,
// kernels, weights, diagrams, legends) for the same model and samples.
func BenchmarkRenderStaticCNNExplainer(b *testing.B) {
	m, samples := loadAnchor(b, len(anchorImages))
	benchRender(b, func(dir string) (*Manifest, error) { return renderStatic(m, samples, dir) })
}

// BenchmarkRenderStaticTestModel does the same for the small seeded test
// model, which needs no files.
func BenchmarkRenderStaticTestModel(b *testing.B) {
	m := testModel(b)
	samples := testSamples(b, m, 4)
	benchRender(b, func(dir string) (*Manifest, error) { return renderStatic(m, samples, dir) })
}

func renderStatic(m *engine.Model, samples []Sample, dir string) (*Manifest, error) {
	jobs, err := planStatic(m, samples)
	if err != nil {
		return nil, err
	}
	legends, err := planLegends(jobs)
	if err != nil {
		return nil, err
	}
	return run(context.Background(), append(jobs, legends...), dir, runtime.NumCPU())
}

func benchRender(b *testing.B, render func(dir string) (*Manifest, error)) {
	b.ReportAllocs()
	var size, figures int
	cpu0, cpuOK := processCPUTime()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		man, err := render(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size, figures = treeSize(b, dir), len(man.Figures)
		b.StartTimer()
	}
	cpu1, _ := processCPUTime()
	b.ReportMetric(float64(figures), "figures")
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/render")
	if cpuOK {
		// Includes the untimed size walk, which is small beside encoding.
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/render")
	}
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
