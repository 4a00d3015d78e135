package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The link check keeps only targets not made yet, so it must still see a
// link to a page made later as good, a link to a missing file as broken
// (named by the first linking page in name order), and a link to a copied
// file as good, in any order of writing.
func TestBrokenLinksAnyOrder(t *testing.T) {
	pages := []struct{ path, html string }{
		{"b/index.html", `<a href="../a/index.html">a</a><a href="../gone.html">x</a><img src="../fig.png">`},
		{"a/index.html", `<a href="../b/index.html">b</a><a href="../gone.html">x</a><a href="../c/">c</a>`},
		{"c/index.html", `<a href="../a/index.html">a</a>`},
	}
	orders := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}
	for _, order := range orders {
		tr, err := newTree(filepath.Join(t.TempDir(), "public"), newMinifier())
		if err != nil {
			t.Fatal(err)
		}
		fig := filepath.Join(t.TempDir(), "fig.png")
		if err := os.WriteFile(fig, []byte("png"), 0o644); err != nil {
			t.Fatal(err)
		}
		for k, i := range order {
			if k == 1 {
				tr.copy("fig.png", fig)
			}
			if err := tr.add(pages[i].path, []byte(pages[i].html)); err != nil {
				t.Fatal(err)
			}
		}
		got := brokenLinks(tr)
		want := []string{"a/index.html: ../gone.html"}
		if !slices.Equal(got, want) {
			t.Errorf("order %v: broken %q, want %q", order, got, want)
		}
		tr.discard()
	}
}

// A figure survives dropUnlinked when a written page or a cached one
// links it; a cached page's link to a figure that is not there is broken.
func TestDropUnlinked(t *testing.T) {
	tr, err := newTree(filepath.Join(t.TempDir(), "public"), newMinifier())
	if err != nil {
		t.Fatal(err)
	}
	defer tr.discard()
	src := filepath.Join(t.TempDir(), "f.svg")
	if err := os.WriteFile(src, []byte("<svg/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"figures/page.svg", "figures/cached.svg", "figures/none.svg"} {
		tr.copy(f, src)
	}
	if err := tr.add("a/index.html", []byte(`<img src="../figures/page.svg">`)); err != nil {
		t.Fatal(err)
	}
	tr.linkFigure("figures/cached.svg", "cached page: figures/cached.svg")
	tr.linkFigure("figures/gone.svg", "cached page: figures/gone.svg")
	tr.dropUnlinked([]string{"figures/page.svg", "figures/cached.svg", "figures/none.svg"})
	var kept []string
	for p := range tr.copied() {
		kept = append(kept, p)
	}
	slices.Sort(kept)
	if want := []string{"figures/cached.svg", "figures/page.svg"}; !slices.Equal(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if got, want := brokenLinks(tr), []string{"cached page: figures/gone.svg"}; !slices.Equal(got, want) {
		t.Errorf("broken %q, want %q", got, want)
	}
}

// The page cache records the figures its pages link, and only theirs: a
// chapter's link must not keep a figure alive in a later build that takes
// the pages from the cache after the chapter dropped it.
func TestCachedFigureLinks(t *testing.T) {
	tr, err := newTree(filepath.Join(t.TempDir(), "public"), newMinifier())
	if err != nil {
		t.Fatal(err)
	}
	defer tr.discard()
	tr.cachedPage = func(p string) bool { return strings.HasPrefix(p, "s/") }
	pages := map[string]string{
		"s/a/index.html":      `<img src="../../figures/b.png"><a href="../../figures/a.svg#o3">`,
		"s/b/index.html":      `<img src="../../figures/b.png?x">`,
		"chapter/index.html":  `<img src="../figures/chapter.png"><img src="../figures/a.svg">`,
		"zh-CN/s/index.html":  `<img src="../../figures/zh.png">`,
		"zh-CN/ch/index.html": `<img src="../../figures/zh-chapter.png">`,
	}
	for p, page := range pages {
		if err := tr.add(p, []byte(page)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tr.cachedFigureLinks(), []string{"figures/a.svg", "figures/b.png"}; !slices.Equal(got, want) {
		t.Errorf("cached pages link %q, want %q", got, want)
	}
}

// copyAll copies every file whatever the number of workers, and reports
// the first failure in list order, not the first to happen.
func TestCopyAll(t *testing.T) {
	src := t.TempDir()
	for i := range 40 {
		name := fmt.Sprintf("f%02d", i)
		if err := os.WriteFile(filepath.Join(src, name), []byte(name+strings.Repeat("x", i*100)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, workers := range []int{0, 1, 2, 7} {
		for _, missing := range [][]int{nil, {13, 29}} {
			t.Run(fmt.Sprint(workers, missing), func(t *testing.T) {
				out := t.TempDir()
				var pairs []copyPair
				for i := range 40 {
					name := fmt.Sprintf("f%02d", i)
					if slices.Contains(missing, i) {
						name = "missing" + name
					}
					pairs = append(pairs, copyPair{dst: filepath.Join(out, "d"+strconv.Itoa(i%3), "e", name), src: filepath.Join(src, name)})
				}
				err := copyAll(pairs, &dirMaker{made: map[string]bool{}}, workers)
				ok := pairs
				if missing != nil {
					if err == nil || !strings.Contains(err.Error(), "missingf13") {
						t.Errorf("error %v, want the one naming missingf13", err)
					}
					ok = pairs[:13] // copies after a failure may be skipped
				} else if err != nil {
					t.Fatal(err)
				}
				for _, p := range ok {
					want, _ := os.ReadFile(p.src)
					if got, err := os.ReadFile(p.dst); err != nil || !bytes.Equal(got, want) {
						t.Errorf("%s: %d bytes, %v; want %d bytes", p.dst, len(got), err, len(want))
					}
				}
			})
		}
	}
}

// A folder made by the single mkdir (parent known) and one already there
// both do; a file in the way is an error naming it.
func TestDirMaker(t *testing.T) {
	root := t.TempDir()
	d := &dirMaker{made: map[string]bool{}}
	if err := d.make(filepath.Join(root, "a", "b")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "a", "there"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"a/c", "a/there", "a/b/c"} {
		if err := d.make(filepath.Join(root, dir)); err != nil {
			t.Errorf("%s: %v", dir, err)
		} else if fi, err := os.Stat(filepath.Join(root, dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s: not a folder (%v)", dir, err)
		}
	}
	if err := d.make(filepath.Join(root, "a", "file")); err == nil || !strings.Contains(err.Error(), "file") {
		t.Errorf("file in the way: error %v", err)
	}
}
