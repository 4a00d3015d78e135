package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
const pageCacheVersion = "site-pages-1"

// pageCache is the index of one cache entry (pages.json).
type pageCache struct {
	Files       []cachedFile `json:"files"`
	Sitemap     []cachedLink `json:"sitemap"`
	Warnings    []string     `json:"warnings"`
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
	fmt.Fprintln(h, pageCacheVersion, figKey, b.cfg.BaseURL, b.cfg.LiveReload, b.cfg.Drafts)
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
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// loadPageCache returns the cache entry for key, or nil.
func loadPageCache(cache, key string) *pageCache {
	dir := filepath.Join(cache, "pages-"+key)
	data, err := os.ReadFile(filepath.Join(dir, pageIndex))
	if err != nil {
		return nil
	}
	pc := &pageCache{dir: dir}
	if err := json.Unmarshal(data, pc); err != nil {
		return nil
	}
	return pc
}

// cachedRoots are the folders a cache entry holds whole; moving one from
// the previous output is one rename instead of a link per page.
func (b *builder) cachedRoots() []string {
	roots := []string{"data"}
	for _, l := range b.langs {
		roots = append(roots, l.Prefix+"s")
	}
	return roots
}

// useCache places a cache entry's files into the tree: folders the
// previous output took from the same entry move whole, the rest link.
func (b *builder) useCache(pc *pageCache) {
	out := b.cfg.Out
	moved := map[string]bool{}
	for _, root := range b.cachedRoots() {
		first := ""
		for _, f := range pc.Files {
			if strings.HasPrefix(f.Path, root+"/") {
				first = f.Path
				break
			}
		}
		if first == "" {
			continue
		}
		a, errA := os.Stat(filepath.Join(out, filepath.FromSlash(first)))
		c, errC := os.Stat(filepath.Join(pc.dir, filepath.FromSlash(first)))
		if errA == nil && errC == nil && os.SameFile(a, c) {
			b.tree.moves[root] = filepath.Join(out, filepath.FromSlash(root))
			moved[root] = true
		}
	}
	for _, f := range pc.Files {
		b.tree.known[f.Path] = true
		root := f.Path
		if i := strings.Index(root, "/s/"); i >= 0 {
			root = root[:i+2]
		} else if i := strings.IndexByte(root, '/'); i >= 0 {
			root = root[:i]
		}
		if !moved[root] {
			b.tree.copy(f.Path, filepath.Join(pc.dir, filepath.FromSlash(f.Path)))
		}
	}
	for _, s := range pc.Sitemap {
		b.sitemap = append(b.sitemap, sitemapEntry{path: s.Path, alts: s.Alts})
	}
	b.report.Warnings = append(b.report.Warnings, pc.Warnings...)
}

// saveCache stores the generated pages (already minified) under key and
// links them into the tree from there. A cache that cannot be written
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
		data := b.tree.files[p]
		name := filepath.Join(tmp, filepath.FromSlash(p))
		if dirs.make(filepath.Dir(name)) != nil || os.WriteFile(name, data, 0o644) != nil {
			os.RemoveAll(tmp)
			return
		}
		pc.Files = append(pc.Files, cachedFile{Path: p, Size: int64(len(data))})
	}
	for _, s := range b.sitemap {
		if generated[s.path] {
			pc.Sitemap = append(pc.Sitemap, cachedLink{Path: s.path, Alts: s.alts})
		}
	}
	sort.Slice(pc.Sitemap, func(i, j int) bool { return pc.Sitemap[i].Path < pc.Sitemap[j].Path })
	pc.FigureBytes = b.report.figureBytes
	data, err := json.Marshal(pc)
	if err != nil || os.WriteFile(filepath.Join(tmp, pageIndex), data, 0o644) != nil {
		os.RemoveAll(tmp)
		return
	}
	os.RemoveAll(dir)
	if os.Rename(tmp, dir) != nil {
		os.RemoveAll(tmp)
		return
	}
	for _, p := range sortedKeys(generated) {
		delete(b.tree.files, p)
		b.tree.copies[p] = filepath.Join(dir, filepath.FromSlash(p))
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
