package site

// The files beside the pages (theme assets, the detail pages' data) and
// what the report measures of the finished tree.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// assets copies the theme's static files (CSS, script, favicon).
func (b *builder) assets() error {
	dir := b.theme.static
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "livereload.js" && !b.cfg.LiveReload {
			return nil
		}
		if strings.HasPrefix(rel, "try/") && !b.cfg.Try {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		return b.tree.add(rel, data)
	})
}

// dataFiles writes the maps the detail pages replay, one file per layer
// output and sample, with 4 significant digits. They are scripts that add
// the map to tinyvggData, loaded by a script tag: a page opened from disk
// may not fetch a file beside it, but it may run one.
func (b *builder) dataFiles() error {
	net := b.views.net
	for _, r := range net.Runs {
		tensors := map[string][]int{"input": nil}
		for li := range net.Model.Layers {
			if net.readsMapData(li) {
				tensors[dataName(net.sourceLayer(li))] = nil
			}
		}
		// A dense view reads the map its layer flattens.
		for _, li := range net.flatDense() {
			_, ms := net.flattenBefore(li)
			tensors[net.Model.Layers[ms].Name()] = nil
		}
		tr, err := net.trace(r)
		if err != nil {
			return err
		}
		for _, name := range sortedKeys(tensors) {
			t := r.Input
			if name != "input" {
				t = tr.Output(name)
			}
			if err := b.tree.add(dataFile(r.ID, name), dataScript(name, t.Shape, t.Data)); err != nil {
				return err
			}
		}
	}
	return b.sampleLists()
}

// dataFile is the site path of the script holding one map of one sample.
func dataFile(sample, name string) string { return "data/" + sample + "/" + name + ".js" }

// measure counts pages and bytes per language; figures, pictures and data
// are shared by all languages and counted apart.
func (b *builder) measure() {
	r := b.report
	add := func(p string, n int64) {
		switch {
		case strings.HasPrefix(p, "figures/"):
			r.figureBytes += n
		case strings.HasPrefix(p, "data/") || strings.HasPrefix(p, "samples/"):
			r.Shared += n
		default:
			code := siteLang(b, p)
			r.Bytes[code] += n
			if strings.HasSuffix(p, ".html") && p != "404.html" {
				r.Pages[code]++
			}
		}
	}
	for p, n := range b.tree.generated() {
		add(p, n)
	}
	for p, src := range b.tree.copied() {
		if n, ok := b.pcache.size(p); ok {
			add(p, n)
			continue
		}
		if fi, err := os.Stat(src); err == nil {
			add(p, fi.Size())
		}
	}
	r.Shared += r.figureBytes
	r.HomeWeight = b.homeWeight()
}

// generatedPaths lists the overview and neuron pages and the data files,
// the part of the tree the page cache keeps.
func (b *builder) generatedPaths() map[string]bool {
	gen := map[string]bool{}
	for p := range b.tree.generated() {
		if strings.HasPrefix(p, "data/") {
			gen[p] = true
			continue
		}
		if b.cachedPage(p) {
			gen[p] = true
		}
	}
	return gen
}

// cachedPage tells the pages the page cache keeps: each language's home
// page and its overview and neuron pages.
func (b *builder) cachedPage(p string) bool {
	for _, l := range b.langs {
		if p == l.Prefix+"index.html" || strings.HasPrefix(p, l.Prefix+"s/") {
			return true
		}
	}
	return false
}

// homeWeight adds up the home page, its stylesheet and script and every
// image it shows on first load.
func (b *builder) homeWeight() int64 {
	t := b.tree
	home := t.kept("index.html")
	css, _ := t.size("style.css")
	js, _ := t.size("site.js")
	total := int64(len(home)) + css + js
	seen := map[string]bool{}
	for _, m := range imgSrc.FindAllSubmatch(home, -1) {
		src := string(m[1])
		if seen[src] {
			continue
		}
		seen[src] = true
		if n, ok := t.size(src); ok {
			total += n
		}
	}
	return total
}
