package site

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// linkedTargets scans every page of a built tree for the files its href
// and src attributes name, as site paths.
func linkedTargets(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		page, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, u := range links(page) {
			if i := strings.IndexAny(u, "#?"); i >= 0 {
				u = u[:i]
			}
			out[path.Join(path.Dir(filepath.ToSlash(rel)), u)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A rebuild that takes the sample pages from the page cache publishes the
// same figures as the build that made them: the cache remembers which
// figures its pages link.
func TestPrunedFiguresSameFromPageCache(t *testing.T) {
	cfg := smallSite(t)
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	first := treeHashes(t, cfg.Out)
	rep, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.PagesCached {
		t.Fatal("the second build did not use the page cache")
	}
	second := treeHashes(t, cfg.Out)
	for p := range first {
		if _, ok := second[p]; !ok {
			t.Errorf("%s is in the first build only", p)
		}
	}
	for p := range second {
		if _, ok := first[p]; !ok {
			t.Errorf("%s is in the rebuild only", p)
		}
	}
}
