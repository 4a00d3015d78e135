package site

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// defaultSite is the configuration `go run ./cmd/build` uses, with the
// output and cache in temporary folders.
func defaultSite(b *testing.B) Config {
	if _, err := os.Stat("../samples/fashion-mnist/model.json"); err != nil {
		b.Skipf("the trained model is not in ../samples/fashion-mnist: %v", err)
	}
	cfg := testConfig(b, "../samples/fashion-mnist")
	cfg.Layouts = filepath.Join(b.TempDir(), "layouts")
	return cfg
}

// cpuTime is the process's user plus system time: the machine is shared,
// so wall time alone says as much about the neighbours as about the build.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportBuild(b *testing.B, start time.Duration, rep *Report) {
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/build")
	pages := 0
	for _, n := range rep.Pages {
		pages += n
	}
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(rep.Figures), "figures")
	b.ReportMetric(float64(rep.HomeWeight)/1024, "home-KB")
}

// BenchmarkBuildDefaultSite is a cold build of the default site: figures
// drawn, every page made, into an empty cache and output.
func BenchmarkBuildDefaultSite(b *testing.B) {
	base := defaultSite(b)
	var rep *Report
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		cfg := base
		dir := b.TempDir()
		cfg.Out, cfg.Cache = filepath.Join(dir, "public"), filepath.Join(dir, "cache")
		var err error
		if rep, err = Build(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	reportBuild(b, start, rep)
}

// BenchmarkRebuildDefaultSite rebuilds the default site with unchanged
// model and samples: figures and overview pages come from the cache.
func BenchmarkRebuildDefaultSite(b *testing.B) {
	cfg := defaultSite(b)
	if _, err := Build(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var rep *Report
	var err error
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		if rep, err = Build(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	if !rep.Cached || !rep.PagesCached {
		b.Fatalf("rebuild did not use the cache (figures %v, pages %v)", rep.Cached, rep.PagesCached)
	}
	reportBuild(b, start, rep)
}

// BenchmarkRebuildCNNExplainer rebuilds the CNN Explainer site with its
// figures and pages cached.
func BenchmarkRebuildCNNExplainer(b *testing.B) {
	cfg := testConfig(b, cnnExplainerSamples(b))
	cfg.Model = anchorDir
	if _, err := Build(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var rep *Report
	var err error
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		if rep, err = Build(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	reportBuild(b, start, rep)
}
