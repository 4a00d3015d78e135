package site

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cnnexplainer/render"

	"github.com/tdewolff/minify/v2"
)

// Report is what a build made, for the summary table.
type Report struct {
	Langs       []string
	Pages       map[string]int
	Bytes       map[string]int64
	Figures     int
	Shared      int64 // bytes of figures, pictures and data, shared by languages
	Cached      bool
	Warnings    []string
	Missing     map[string]TranslationGaps
	Elapsed     time.Duration
	HomeWeight  int64 // bytes of the home page's first load
	PagesCached bool  // overview and neuron pages came from the cache

	figureBytes int64
}

// TranslationGaps is what one language lacks against the default.
type TranslationGaps struct {
	Pages   []string
	Strings []string
}

// builder carries one build's state.
type builder struct {
	cfg      Config
	langs    []*Language
	theme    *theme
	views    *views
	tree     *tree
	min      *minify.M
	chapters map[string][]*chapter // by language code, fallbacks included
	// fullFigures are the samples render draws every figure for (see
	// figurePlan); the others' intermediate maps are strips.
	fullFigures map[string]bool
	index       map[string]*chapter
	report      *Report
	warns       *warnLog
	sitemap     []sitemapEntry
	smMu        sync.Mutex
	pkey        string
	pcache      *pageStore
	keys        *keyLog
	prog        *progress
	learned     *learned // nil without a probe set
}

// Build makes the whole site and swaps it into cfg.Out. On any error the
// previous output folder is left as it was.
func Build(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	if err := checkOutput(cfg); err != nil {
		return nil, err
	}
	unlock, err := lockCache(cfg.Cache, cfg.Log)
	if err != nil {
		return nil, err
	}
	defer unlock()
	removeStale(cfg.Cache)
	removeStaleOutputs(cfg.Out)
	min := newMinifier()
	t, err := newTree(cfg.Out, min)
	if err != nil {
		return nil, err
	}
	defer t.discard()
	t.workers = cfg.Jobs
	b := &builder{cfg: cfg, tree: t, min: min, chapters: map[string][]*chapter{}, index: map[string]*chapter{}, keys: &keyLog{}, warns: &warnLog{},
		report: &Report{Pages: map[string]int{}, Bytes: map[string]int64{}, Missing: map[string]TranslationGaps{}},
		prog:   newProgress(cfg.Progress, cfg.ProgressBar)}
	defer b.prog.finish()
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	if err := b.pages(ctx); err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	b.pruneFigures()
	generated := b.generatedPaths()
	b.measure()
	b.pcache.save(b.tree, generated, b.sitemap, b.warns.where(b.cachedWarning), b.report.figureBytes)
	b.prog.start("writing "+cfg.Out, 0)
	if err := writeAtomic(cfg.Out, b.tree); err != nil {
		return nil, err
	}
	b.report.Elapsed = time.Since(start)
	return b.report, nil
}

// check fails the build on broken links, and on the gaps and warnings the
// strict flags turn into errors.
func (b *builder) check() error {
	if bad := brokenLinks(b.tree); len(bad) > 0 {
		return fmt.Errorf("site: %d broken links, first: %s", len(bad), bad[0])
	}
	b.warns.add(b.keys.warnings(b.langs[0])...)
	warnings := b.warns.sorted()
	b.report.Warnings = warningStrings(warnings)
	if b.cfg.StrictI18n {
		for _, w := range warnings {
			if w.Kind == warnStringKey {
				return fmt.Errorf("%s (-strict-i18n)", w)
			}
		}
		for _, code := range sortedKeys(b.report.Missing) {
			g := b.report.Missing[code]
			if len(g.Pages)+len(g.Strings) > 0 {
				var list strings.Builder
				for _, p := range g.Pages {
					list.WriteString("\n  page   " + p)
				}
				for _, s := range g.Strings {
					list.WriteString("\n  string " + s)
				}
				return fmt.Errorf("translation %s is incomplete: %d pages and %d strings missing (-strict-i18n):%s", code, len(g.Pages), len(g.Strings), list.String())
			}
		}
	}
	if b.cfg.Strict && len(b.report.Warnings) > 0 {
		return fmt.Errorf("%d warnings are errors under -strict:\n  %s", len(b.report.Warnings), strings.Join(b.report.Warnings, "\n  "))
	}
	return nil
}

// cachedWarning tells the warnings of the cached pages' inputs (the home
// page text, the strings tables) apart: a build that takes those pages
// from the cache repeats them from there.
func (b *builder) cachedWarning(w warning) bool {
	if w.Kind == warnStringKey {
		return true
	}
	for _, idx := range b.index {
		if w.File == idx.file {
			return true
		}
	}
	return false
}

func (b *builder) load(ctx context.Context) error {
	cfg := b.cfg
	langs, err := discoverLanguages(cfg.Content, cfg.DefaultLang, cfg.Langs)
	if err != nil {
		return err
	}
	b.langs = langs
	b.tree.cachedPage = b.cachedPage
	missingStrings, err := loadStrings(langs)
	if err != nil {
		return err
	}
	for _, l := range langs {
		l.missing = b.keys
	}
	for _, l := range langs {
		b.report.Langs = append(b.report.Langs, l.Code)
	}
	th, err := loadTheme(cfg.Theme, cfg.Layouts)
	if err != nil {
		return err
	}
	b.theme = th
	if err := b.loadChapters(missingStrings); err != nil {
		return err
	}
	set, err := LoadSamples(cfg.Samples)
	if err != nil {
		return err
	}
	b.prog.start("tracing samples", len(set.Samples))
	net, err := loadNet(cfg, set, func() { b.prog.add(1) })
	if err != nil {
		return err
	}
	if err := b.checkSize(net); err != nil {
		return err
	}
	b.prog.start("figures", 0)
	full, animated := b.figurePlan(net)
	b.fullFigures = full
	figDir, figKey, man, cached, err := cachedFigures(ctx, cfg, net, full, animated)
	if err != nil {
		return err
	}
	if b.pkey, err = b.pagesKey(figKey); err != nil {
		return err
	}
	b.pcache = openPages(cfg.Cache, b.pkey, cfg.Log)
	b.report.PagesCached = b.pcache.hit()
	b.report.Cached = cached
	b.report.Figures = len(man.Figures)
	for _, f := range man.Figures {
		b.tree.copy("figures/"+f.File, filepath.Join(figDir, filepath.FromSlash(f.File)))
	}
	b.tree.copy("figures/"+render.ManifestFile, filepath.Join(figDir, render.ManifestFile))
	for _, r := range net.Runs {
		b.tree.copy(r.Image, filepath.Join(set.Dir, filepath.FromSlash(r.File)))
	}
	b.views = &views{net: net, figs: newFigIndex(man), chapters: map[string]chapterIndex{}}
	for _, l := range b.langs {
		b.views.chapters[l.Code] = newChapterIndex(b.chapters[l.Code])
	}
	b.views.makePicks(b.langs)
	return nil
}

// loadChapters reads every language's chapters and home page text; a
// translation lacking one falls back to the default language's, and the
// report lists it with the strings the translation lacks.
func (b *builder) loadChapters(missingStrings map[string][]string) error {
	var defChapters []*chapter
	for _, l := range b.langs {
		own, idx, err := readChapters(l, b.cfg.Drafts)
		if err != nil {
			return err
		}
		if l.Default {
			defChapters = own
			if idx == nil {
				return fmt.Errorf("%s: the home page text _index.md is missing", l.Dir)
			}
			b.chapters[l.Code], b.index[l.Code] = own, idx
			continue
		}
		all, missing := withFallbacks(l, own, defChapters)
		if idx == nil {
			fb := *b.index[b.cfg.DefaultLang]
			fb.lang, fb.fallback = l, true
			idx = &fb
			missing = append([]string{"_index.md"}, missing...)
		}
		b.chapters[l.Code], b.index[l.Code] = all, idx
		b.report.Missing[l.Code] = TranslationGaps{Pages: missing, Strings: missingStrings[l.Code]}
	}
	return nil
}

// checkSize refuses, before any figure is drawn, a site with more pages
// than the limit: a model of a thousand layers once wrote 5.8 GB and used
// 6.6 GB of memory before failing.
func (b *builder) checkSize(net *Net) error {
	perSample, pages := 1, 0
	for _, r := range net.Runs {
		n := 1
		for li := range net.Model.Layers {
			if net.hasDetail(li) && !net.switched(r, li) {
				shape := net.Shapes[li+1]
				n += shape[len(shape)-1]
			}
		}
		perSample = max(perSample, n)
		pages += n * len(b.langs)
	}
	if pages > b.cfg.MaxPages {
		return fmt.Errorf("the site would have %d overview and neuron pages (%d samples x %d languages x %d pages each), over the limit of %d: use fewer samples or languages, or raise -max-pages", pages, len(net.Runs), len(b.langs), perSample, b.cfg.MaxPages)
	}
	return nil
}
