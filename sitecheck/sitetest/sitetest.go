// Package sitetest holds what the site's quality tests share: where the
// repository is, which samples folder to build from, a build into a temporary
// folder, and the rule that a missing tool skips a test on a developer's
// machine but fails it in CI.
package sitetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"cnnexplainer/site"
)

// InCI reports whether the tests run in CI (CI=true), where a missing tool
// is a failure rather than a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need skips the test with why, or fails it in CI.
func Need(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true, so this is a failure: .ci/run must install it)", why)
	}
	t.Skipf("skipped: %s (CI=true makes this a failure)", why)
}

// Root is the repository root: the nearest folder above the working
// directory that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = up
	}
}

// Samples is the samples folder the default site is built from. While the
// trained Fashion-MNIST samples are not in the tree it falls back to the
// CNN Explainer anchor beside the repository, and says so.
func Samples(t testing.TB) string {
	t.Helper()
	root := Root(t)
	own := filepath.Join(root, "samples", "fashion-mnist")
	if _, err := os.Stat(filepath.Join(own, "model.json")); err == nil {
		return own
	}
	anchor := filepath.Join(root, "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(filepath.Join(anchor, "model.json")); err == nil {
		t.Logf("samples/fashion-mnist has no model.json; building from %s instead", anchor)
		return anchor
	}
	t.Fatalf("no samples to build from: neither %s nor %s has a model.json", own, anchor)
	return ""
}

// Config is the default site's configuration with absolute paths, writing
// to out and caching figures in cache.
func Config(t testing.TB, out, cache string) site.Config {
	t.Helper()
	root := Root(t)
	return site.Config{
		Content: filepath.Join(root, "content"),
		Theme:   filepath.Join(root, "themes", "default"),
		Layouts: filepath.Join(root, "layouts"),
		Samples: Samples(t),
		Out:     out,
		Cache:   cache,
		Try:     true, // as go run ./cmd/build does
	}
}

// Build builds cfg and fails the test on error.
func Build(t testing.TB, cfg site.Config) *site.Report {
	t.Helper()
	rep, err := site.Build(context.Background(), cfg)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return rep
}

// Chromium returns Debian's chromium, or skips (fails in CI) without it.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	Need(t, "no chromium (apt-get install chromium)")
	return ""
}

// NodeTool returns node_modules/<rel> of the repository, or skips (fails
// in CI) when npm ci has not installed it.
func NodeTool(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Root(t), "node_modules", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		Need(t, "no node_modules/"+rel+" (run npm ci)")
	}
	return p
}
