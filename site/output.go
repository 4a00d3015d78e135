package site

import (
	"bytes"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// tree is the site being built. Generated files are minified and written
// straight into the staging folder (the next output, beside the current
// one) as they are made, so memory does not grow with the site: only each
// file's size and, for pages, the targets of their links stay. Files
// copied from disk (figures, pictures, cached pages) are listed and copied
// at the end.
type tree struct {
	mu     sync.Mutex
	dir    string // staging folder
	min    *minify.M
	dirs   *dirMaker
	sizes  map[string]int64  // generated files by site path
	copies map[string]string // site path -> source file
	// linked maps each relative link target not made yet to the first
	// page (in name order) that links to it, with the link as written:
	// the link check. Targets leave it when they are made, so it holds
	// the frontier of the build, not every link of the site.
	linked map[string]string
	// figLinks are the figure files some page links (figLinked), and
	// those a page the page cache keeps links (figCached), kept apart
	// from linked (which forgets targets already made) for pruneFigures
	// and the page cache.
	figLinks map[string]uint8
	// cachedPage tells the pages the page cache keeps; nil for none.
	cachedPage func(p string) bool
	keep       map[string][]byte // a few files the report reads back (home page, CSS, JS)
	workers    int               // goroutines copying files at the end
}

// Bits of tree.figLinks.
const (
	figLinked uint8 = 1 << iota
	figCached
)

// newTree makes the staging folder beside out, marked as ours first so a
// build killed later leaves a folder the next build may remove.
func newTree(out string, m *minify.M) (*tree, error) {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", out, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, OutputMarker), []byte(markerText), 0o644); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("output: %w", err)
	}
	return &tree{dir: tmp, min: m, dirs: &dirMaker{made: map[string]bool{}}, sizes: map[string]int64{},
		copies: map[string]string{}, linked: map[string]string{}, figLinks: map[string]uint8{}, keep: map[string][]byte{},
		workers: runtime.NumCPU()}, nil
}

// add minifies data by its extension and writes it at site path p.
func (t *tree) add(p string, data []byte) error {
	var err error
	if !strings.HasPrefix(p, "data/") { // detail data is written compact already
		if data, err = minifyFile(t.min, p, data); err != nil {
			return err
		}
	}
	name := filepath.Join(t.dir, filepath.FromSlash(p))
	t.mu.Lock()
	if _, dup := t.sizes[p]; dup {
		t.mu.Unlock()
		return fmt.Errorf("site: two pages write %s", p)
	}
	if _, dup := t.copies[p]; dup {
		t.mu.Unlock()
		return fmt.Errorf("site: two files write %s", p)
	}
	t.sizes[p] = int64(len(data))
	delete(t.linked, p)
	err = t.dirs.make(filepath.Dir(name))
	t.mu.Unlock()
	if err != nil {
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if path.Ext(p) == ".html" && p != "404.html" {
		t.noteLinks(p, data)
	}
	if p == "index.html" || p == "style.css" || p == "site.js" {
		t.mu.Lock()
		t.keep[p] = data
		t.mu.Unlock()
	}
	return nil
}

// noteLinks records the relative links of page p for the link check.
func (t *tree) noteLinks(p string, page []byte) {
	cached := t.cachedPage != nil && t.cachedPage(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, u := range links(page) {
		raw := u
		if u == "" || strings.HasPrefix(u, "#") || strings.Contains(u, "://") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "mailto:") {
			continue
		}
		if i := strings.IndexAny(u, "#?"); i >= 0 {
			u = u[:i]
		}
		// html/template percent-encodes a Unicode slug; files keep
		// their Unicode names, as Hugo's do.
		if dec, err := url.PathUnescape(u); err == nil {
			u = dec
		}
		target := path.Join(path.Dir(p), u)
		if strings.HasSuffix(u, "/") || u == "." || u == ".." {
			target = path.Join(target, "index.html")
		}
		if strings.HasPrefix(target, "figures/") {
			t.figLinks[target] |= figLinked
			if cached {
				t.figLinks[target] |= figCached
			}
		}
		if t.has(target) {
			continue
		}
		from := p + ": " + raw
		if old, ok := t.linked[target]; !ok || from < old {
			t.linked[target] = from
		}
	}
}

func (t *tree) copy(p, src string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.copies[p] = src
	delete(t.linked, p)
}

// linkFigure counts figure f as linked by a page the tree did not see being
// written (a cached one, named by from), and expects f to be made.
func (t *tree) linkFigure(f, from string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.figLinks[f] |= figLinked
	if !t.has(f) {
		t.linked[f] = from
	}
}

// drop takes copied file p out of the output.
func (t *tree) drop(p string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.copies, p)
}

// dropUnlinked takes the copied files among paths that no page links out
// of the output.
func (t *tree) dropUnlinked(paths []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range paths {
		if t.figLinks[p]&figLinked == 0 {
			delete(t.copies, p)
		}
	}
}

// cachedFigureLinks lists, sorted, the figure files that pages the page
// cache keeps link, so that a build taking those pages from the cache
// keeps the same figures.
func (t *tree) cachedFigureLinks() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for f, bits := range t.figLinks {
		if bits&figCached != 0 {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// generated lists the generated files: site path -> size.
func (t *tree) generated() map[string]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.sizes)
}

// copied lists the copied files: site path -> source file.
func (t *tree) copied() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.copies)
}

// staged is where generated file p is written in the staging folder.
func (t *tree) staged(p string) string { return filepath.Join(t.dir, filepath.FromSlash(p)) }

// kept returns a file the report reads back (home page, CSS, JS) whether
// generated or copied, or nil.
func (t *tree) kept(p string) []byte {
	t.mu.Lock()
	data, src := t.keep[p], t.copies[p]
	t.mu.Unlock()
	if data == nil && src != "" {
		data, _ = os.ReadFile(src)
	}
	return data
}

// discard removes the staging folder; after the swap it is gone already.
func (t *tree) discard() error { return os.RemoveAll(t.dir) }

// has reports whether site path p is made or listed; t.mu is held.
func (t *tree) has(p string) bool {
	if _, ok := t.sizes[p]; ok {
		return true
	}
	_, ok := t.copies[p]
	return ok
}

// size is the size of the file at site path p, generated or copied.
func (t *tree) size(p string) (int64, bool) {
	if n, ok := t.sizes[p]; ok {
		return n, true
	}
	if src, ok := t.copies[p]; ok {
		if fi, err := os.Stat(src); err == nil {
			return fi.Size(), true
		}
	}
	return 0, false
}

func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFunc("application/xml", xml.Minify)
	return m
}

var mediaTypes = map[string]string{
	".html": "text/html", ".css": "text/css", ".js": "application/javascript",
	".svg": "image/svg+xml", ".json": "application/json", ".xml": "application/xml",
}

// minifyFile minifies by extension; other files pass through.
func minifyFile(m *minify.M, name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	out, err := m.Bytes(mt, data)
	if err != nil {
		return nil, fmt.Errorf("minify %s: %w", name, err)
	}
	return out, nil
}

// links returns the values of every href="..." and src="..." attribute.
// A plain scan: a regular expression over thousands of pages was the
// slowest part of a rebuild.
func links(page []byte) []string {
	var out []string
	for _, attr := range [][]byte{[]byte(` href="`), []byte(` src="`)} {
		rest := page
		for {
			i := bytes.Index(rest, attr)
			if i < 0 {
				break
			}
			rest = rest[i+len(attr):]
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				break
			}
			out = append(out, string(rest[:j]))
			rest = rest[j:]
		}
	}
	return out
}

// brokenLinks lists every relative href and src of the site's pages that
// does not name a file of the tree.
func brokenLinks(t *tree) []string {
	var bad []string
	for target, from := range t.linked {
		if !t.has(target) {
			bad = append(bad, from)
		}
	}
	sort.Strings(bad)
	return bad
}

var imgSrc = regexp.MustCompile(`<img[^>]*?src="?([^" >]+)`)
