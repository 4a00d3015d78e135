package render

import (
	"context"
	"io/fs"
	"os"
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
		man, err := Render(context.Background(), m, samples, nil, dir, Options{Workers: runtime.NumCPU()})
		if err == nil {
			reportKinds(b, man, dir)
		}
		return man, err
	})
}

// reportKinds reports the bytes of the conv, ReLU and max-pool
// animations, of the playground and of every figure file, and the
// animations' share, counting each file once however many figures it
// holds.
func reportKinds(b *testing.B, man *Manifest, dir string) {
	b.Helper()
	seen := map[string]bool{}
	var anim, play, all int64
	for _, f := range man.Figures {
		if seen[f.File] {
			continue
		}
		seen[f.File] = true
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.File)))
		if err != nil {
			b.Fatal(err)
		}
		all += info.Size()
		switch f.Kind {
		case KindConvAnim, KindReLUAnim, KindPoolAnim:
			anim += info.Size()
		case KindPlayground:
			play += info.Size()
		}
	}
	b.ReportMetric(float64(anim), "anim-bytes")
	b.ReportMetric(float64(play), "playground-bytes")
	b.ReportMetric(float64(all), "figure-bytes")
	b.ReportMetric(100*float64(anim)/float64(all), "anim-%")
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

// BenchmarkRenderFashion renders everything Render makes for 13
// Fashion-MNIST pictures through the 28x28 TinyVGG (no training history)
// and reports the bytes of the animations beside those of all figures.
func BenchmarkRenderFashion(b *testing.B) {
	m := tinyVGG28(b)
	samples := fashionSamples(b, m, 13)
	benchRender(b, func(dir string) (*Manifest, error) {
		man, err := Render(context.Background(), m, samples, nil, dir, Options{Workers: runtime.NumCPU()})
		if err == nil {
			reportKinds(b, man, dir)
		}
		return man, err
	})
}
