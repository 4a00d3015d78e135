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
const pageCacheVersion = "site-pages-5"

// pageCache is the index of one cache entry (pages.json).
type pageCache struct {
	Files       []cachedFile `json:"files"`
	Sitemap     []cachedLink `json:"sitemap"`
	Warnings    []warning    `json:"warnings"`
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

// pageStore is the page cache as one build sees it: the entry of the
// build's key when the cache holds one (a hit: the pages are placed from
// it), or where the pages made by this build are saved (a miss).
type pageStore struct {
	root, key string
	entry     *pageCache // nil on a miss
	sizes     map[string]int64
}

// openPages looks up the entry for key. A damaged entry is said so,
// removed and built again.
func openPages(cache, key string, log io.Writer) *pageStore {
	s := &pageStore{root: cache, key: key}
	dir := filepath.Join(cache, "pages-"+key)
	if err := verifyEntry(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(log, "page cache: %v; building the pages again\n", err)
			os.RemoveAll(dir)
		}
		return s
	}
	data, err := os.ReadFile(filepath.Join(dir, pageIndex))
	if err != nil {
		return s
	}
	pc := &pageCache{dir: dir}
	if err := json.Unmarshal(data, pc); err != nil {
		fmt.Fprintf(log, "page cache: %s: %v; building the pages again\n", dir, err)
		return s
	}
	s.entry, s.sizes = pc, make(map[string]int64, len(pc.Files))
	for _, f := range pc.Files {
		s.sizes[f.Path] = f.Size
	}
	return s
}

// hit reports whether the pages come from the cache.
func (s *pageStore) hit() bool { return s.entry != nil }

// size is the recorded size of a placed file.
func (s *pageStore) size(p string) (int64, bool) {
	n, ok := s.sizes[p]
	return n, ok
}

// place puts a hit's files into the tree, as copies (the output never
// shares storage with the cache, so an edit inside public/ cannot reach a
// later build), and returns their sitemap entries and warnings. A miss
// places nothing.
func (s *pageStore) place(t *tree) ([]sitemapEntry, []warning) {
	if s.entry == nil {
		return nil, nil
	}
	for _, f := range s.entry.Files {
		t.copy(f.Path, filepath.Join(s.entry.dir, filepath.FromSlash(f.Path)))
	}
	// The figures the cached pages link stay published (pruneFigures).
	for _, f := range s.entry.Figures {
		t.linkFigure(f, "cached page: "+f)
	}
	var sm []sitemapEntry
	for _, l := range s.entry.Sitemap {
		sm = append(sm, sitemapEntry{path: l.Path, alts: l.Alts})
	}
	return sm, s.entry.Warnings
}

// save stores a copy of a miss's generated pages (already minified), with
// their sitemap entries and warnings; a hit has nothing to save. A cache
// that cannot be written costs speed next time, not this build.
func (s *pageStore) save(t *tree, generated map[string]bool, sitemap []sitemapEntry, warnings []warning, figureBytes int64) {
	if s.entry != nil {
		return
	}
	dir := filepath.Join(s.root, "pages-"+s.key)
	tmp, err := os.MkdirTemp(s.root, ".pages-")
	if err != nil {
		return
	}
	pc := &pageCache{Warnings: warnings}
	var copies []copyPair
	for _, p := range sortedKeys(generated) {
		copies = append(copies, copyPair{dst: filepath.Join(tmp, filepath.FromSlash(p)), src: t.staged(p)})
		size, _ := t.size(p)
		pc.Files = append(pc.Files, cachedFile{Path: p, Size: size})
	}
	if copyAll(copies, &dirMaker{made: map[string]bool{}}, t.workers) != nil {
		os.RemoveAll(tmp)
		return
	}
	for _, e := range sitemap {
		if generated[e.path] {
			pc.Sitemap = append(pc.Sitemap, cachedLink{Path: e.path, Alts: e.alts})
		}
	}
	sort.Slice(pc.Sitemap, func(i, j int) bool { return pc.Sitemap[i].Path < pc.Sitemap[j].Path })
	pc.FigureBytes = figureBytes
	pc.Figures = t.cachedFigureLinks()
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
	pruneEntries(s.root, "pages-", filepath.Base(dir))
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
