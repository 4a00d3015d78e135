package site

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLearned is the cost the "what did it learn" views add to the
// default site: the probe set through the model, top pictures, saliency,
// Grad-CAM, LayerCAM and PCA, their pictures and their pages in every
// language (minified as the build does, on the way into the tree), against an already loaded model.
func BenchmarkLearned(b *testing.B) {
	ctx := context.Background()
	cfg := defaultSite(b).withDefaults()
	bl := &builder{cfg: cfg, min: newMinifier(), chapters: map[string][]*chapter{}, index: map[string]*chapter{},
		report: &Report{Pages: map[string]int{}, Bytes: map[string]int64{}, Missing: map[string]TranslationGaps{}}}
	if err := bl.load(ctx); err != nil {
		b.Fatal(err)
	}
	bl.pkey = "" // no cache entry: every iteration computes the views
	var bytes, files int
	start := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := newTree(filepath.Join(b.TempDir(), "public"), bl.min)
		if err != nil {
			b.Fatal(err)
		}
		bl.tree = t
		jobs, err := bl.learnedSetup()
		if err != nil {
			b.Fatal(err)
		}
		if err := runJobs(ctx, cfg.Jobs, jobs); err != nil {
			b.Fatal(err)
		}
		bytes, files = 0, 0
		for p, size := range bl.tree.generated() {
			if strings.HasPrefix(p, learnedFigs) || strings.Contains(p, "learned/") {
				bytes += int(size)
				files++
			}
		}
	}
	if files == 0 {
		b.Fatal("the views wrote nothing: is the probe set missing?")
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(float64(files), "files")
}
