package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The overview and neuron pages are most of the site (a page per neuron,
// sample and language) and depend only on the model, the samples, the
// theme, the strings, the home page text and the chapter list. They are
// kept in the cache under a hash of exactly those, so editing a chapter
// rebuilds a few dozen pages instead of thousands.

// pageCacheVersion changes when the cached pages' layout changes.
const pageCacheVersion = "site-pages-3"

// pageCache is the index of one cache entry (pages.json).
type pageCache struct {
	Files       []cachedFile `json:"files"`
	Sitemap     []cachedLink `json:"sitemap"`
	Warnings    []string     `json:"warnings"`
	Figures     []string     `json:"figures,omitempty"` // the figures these pages link (pruneFigures)
	FigureBytes int64        `json:"figureBytes"`
	dir         string
}

type cachedFile struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

type cachedLink struct {
	Path string     `json:"path"`
	Alts []LangLink `json:"alts,omitempty"`
}

const pageIndex = "pages.json"

// pagesKey hashes every input of the cached pages.
func (b *builder) pagesKey(figKey string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, pageCacheVersion, figKey, b.cfg.BaseURL, b.cfg.LiveReload, b.cfg.Drafts, b.cfg.Try)
	hashTree := func(root string) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if d.Type().IsRegular() {
				fmt.Fprintln(h, filepath.ToSlash(p))
				return hashFile(h, p)
			}
			return nil
		})
	}
	for _, root := range []string{b.cfg.Theme, b.cfg.Layouts, filepath.Join(b.cfg.Samples, ProbeDir)} {
		if err := hashTree(root); err != nil {
			return "", fmt.Errorf("page cache: %w", err)
		}
	}
	for _, l := range b.langs {
		fmt.Fprintln(h, "lang", l.Code)
		if err := hashFile(h, filepath.Join(l.Dir, "strings.toml")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		idx := b.index[l.Code]
		fmt.Fprintln(h, idx.file, idx.fallback)
		h.Write(idx.src)
		for _, c := range b.chapters[l.Code] {
			fmt.Fprintln(h, c.name, c.path, c.fm.Title, c.fallback)
		}
		// The figures chapters place decide which chapter explains a
		// layer, and the neuron pages link it.
		ix := newChapterIndex(b.chapters[l.Code])
		for _, kind := range sortedKeys(ix) {
			fmt.Fprintln(h, "explains", kind, ix[kind].Href)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// loadPageCache returns the cache entry for key, or nil. A damaged entry
// is said so, removed and built again.
func loadPageCache(cache, key string, log io.Writer) *pageCache {
	dir := filepath.Join(cache, "pages-"+key)
	if err := verifyEntry(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(log, "page cache: %v; building the pages again\n", err)
			os.RemoveAll(dir)
		}
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, pageIndex))
	if err != nil {
		return nil
	}
	pc := &pageCache{dir: dir}
	if err := json.Unmarshal(data, pc); err != nil {
		fmt.Fprintf(log, "page cache: %s: %v; building the pages again\n", dir, err)
		return nil
	}
	return pc
}

// useCache places a cache entry's files into the tree, as copies: the
// output never shares storage with the cache, so an edit inside public/
// cannot reach a later build.
func (b *builder) useCache(pc *pageCache) {
	for _, f := range pc.Files {
		b.tree.copy(f.Path, filepath.Join(pc.dir, filepath.FromSlash(f.Path)))
	}
	for _, f := range pc.Figures {
		b.tree.linked[f] = "cached page: " + f
	}
	for _, s := range pc.Sitemap {
		b.sitemap = append(b.sitemap, sitemapEntry{path: s.Path, alts: s.Alts})
	}
	b.report.Warnings = append(b.report.Warnings, pc.Warnings...)
}

// saveCache stores a copy of the generated pages (already minified) under
// key. A cache that cannot be written
// costs speed next time, not this build.
func (b *builder) saveCache(key string, generated map[string]bool, warnings []string) {
	dir := filepath.Join(b.cfg.Cache, "pages-"+key)
	tmp, err := os.MkdirTemp(b.cfg.Cache, ".pages-")
	if err != nil {
		return
	}
	pc := &pageCache{Warnings: warnings}
	dirs := &dirMaker{made: map[string]bool{}}
	for _, p := range sortedKeys(generated) {
		name := filepath.Join(tmp, filepath.FromSlash(p))
		if dirs.make(filepath.Dir(name)) != nil || copyFile(name, filepath.Join(b.tree.dir, filepath.FromSlash(p))) != nil {
			os.RemoveAll(tmp)
			return
		}
		pc.Files = append(pc.Files, cachedFile{Path: p, Size: b.tree.sizes[p]})
	}
	for _, s := range b.sitemap {
		if generated[s.path] {
			pc.Sitemap = append(pc.Sitemap, cachedLink{Path: s.path, Alts: s.alts})
		}
	}
	sort.Slice(pc.Sitemap, func(i, j int) bool { return pc.Sitemap[i].Path < pc.Sitemap[j].Path })
	pc.FigureBytes = b.report.figureBytes
	if pc.Figures, err = linkedFigures(b.tree, generated); err != nil {
		os.RemoveAll(tmp)
		return
	}
	data, err := json.Marshal(pc)
	if err != nil || os.WriteFile(filepath.Join(tmp, pageIndex), data, 0o644) != nil || sealEntry(tmp) != nil {
		os.RemoveAll(tmp)
		return
	}
	os.RemoveAll(dir)
	if os.Rename(tmp, dir) != nil {
		os.RemoveAll(tmp)
		return
	}
	pruneEntries(b.cfg.Cache, "pages-", filepath.Base(dir))
}

// pruneEntries removes cache folders with the prefix other than keep.
func pruneEntries(cache, prefix, keep string) {
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if e.IsDir() && e.Name() != keep && strings.HasPrefix(e.Name(), prefix) {
			os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}

func siteLang(b *builder, p string) string {
	for _, l := range b.langs[1:] {
		if strings.HasPrefix(p, l.Prefix) {
			return l.Code
		}
	}
	return b.langs[0].Code
}
