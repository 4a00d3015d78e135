package site

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkRebuildCNNExplainer rebuilds the CNN Explainer site with its
// figures already cached: the edit-and-rebuild loop of a writer.
func BenchmarkRebuildCNNExplainer(b *testing.B) {
	samples := cnnExplainerSamples(b)
	cfg := testConfig(b, samples)
	cfg.Model = anchorDir
	if _, err := Build(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Build(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
	_ = filepath.Join
}
