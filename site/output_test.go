package site

import (
	"os"
	"path/filepath"
	"slices"
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
