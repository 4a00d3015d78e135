package site

import (
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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
	index    map[string]*chapter
	report   *Report
	warns    *warnLog
	sitemap  []sitemapEntry
	smMu     sync.Mutex
	pkey     string
	pcache   *pageStore
	keys     *keyLog
	prog     *progress
	learned  *learned // nil without a probe set
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
	var defChapters []*chapter
	for _, l := range langs {
		own, idx, err := readChapters(l, cfg.Drafts)
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
			fb := *b.index[cfg.DefaultLang]
			fb.lang, fb.fallback = l, true
			idx = &fb
			missing = append([]string{"_index.md"}, missing...)
		}
		b.chapters[l.Code], b.index[l.Code] = all, idx
		b.report.Missing[l.Code] = TranslationGaps{Pages: missing, Strings: missingStrings[l.Code]}
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
	figDir, figKey, man, cached, err := cachedFigures(ctx, cfg, net)
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

// checkSize refuses, before any figure is drawn, a site with more pages
// than the limit: a model of a thousand layers once wrote 5.8 GB and used
// 6.6 GB of memory before failing.
func (b *builder) checkSize(net *Net) error {
	perSample := 1
	for li := range net.Model.Layers {
		if net.hasDetail(li) {
			shape := net.Shapes[li+1]
			perSample += shape[len(shape)-1]
		}
	}
	pages := perSample * len(net.Runs) * len(b.langs)
	if pages > b.cfg.MaxPages {
		return fmt.Errorf("the site would have %d overview and neuron pages (%d samples x %d languages x %d pages each), over the limit of %d: use fewer samples or languages, or raise -max-pages", pages, len(net.Runs), len(b.langs), perSample, b.cfg.MaxPages)
	}
	return nil
}

// job is one output file to make.
type job func() error

func (b *builder) pages(ctx context.Context) error {
	jobs, err := b.learnedSetup()
	if err != nil {
		return err
	}
	net := b.views.net
	for _, l := range b.langs {
		for _, r := range net.Runs {
			if b.pcache.hit() {
				break
			}
			jobs = append(jobs, func() error { return b.homePage(l, r) })
			for li := range net.Model.Layers {
				if !net.hasDetail(li) {
					continue
				}
				shape := net.Shapes[li+1]
				for n := 0; n < shape[len(shape)-1]; n++ {
					li, n := li, n
					jobs = append(jobs, func() error { return b.neuronPage(l, r, li, n) })
				}
			}
		}
		chs := b.chapters[l.Code]
		for i := range chs {
			jobs = append(jobs, func() error { return b.chapterPage(l, chs, i) })
		}
	}
	jobs = append(jobs, b.notFound, b.assets)
	if b.cfg.Try {
		jobs = append(jobs, b.tryAssets)
	}
	if !b.pcache.hit() {
		jobs = append(jobs, b.dataFiles, b.classWeightFiles, b.kernelFiles)
	}
	b.prog.start("pages", len(jobs))
	for i, j := range jobs {
		jobs[i] = func() error {
			defer b.prog.add(1)
			return j()
		}
	}
	if err := runJobs(ctx, b.cfg.Jobs, jobs); err != nil {
		return err
	}
	sm, warnings := b.pcache.place(b.tree)
	b.sitemap = append(b.sitemap, sm...)
	b.warns.add(warnings...)
	base := b.cfg.BaseURL
	robots := "User-agent: *\nAllow: /\n"
	if strings.Contains(base, "://") {
		robots += "Sitemap: " + absURL(base, "sitemap.xml") + "\n"
	}
	for p, data := range map[string][]byte{"sitemap.xml": sitemapXML(base, b.sitemap), "robots.txt": []byte(robots), ".nojekyll": {}} {
		if err := b.tree.add(p, data); err != nil {
			return err
		}
	}
	return nil
}

// runJobs runs jobs on workers goroutines and returns the first error in
// job order, so the message does not depend on scheduling. After a failure
// only the jobs before it still run: a template error no longer costs a
// whole build.
func runJobs(ctx context.Context, workers int, jobs []job) error {
	errs := make([]error, len(jobs))
	next := make(chan int)
	var failed atomic.Int64
	failed.Store(int64(len(jobs)))
	var wg sync.WaitGroup
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if int64(i) > failed.Load() {
					continue
				}
				if errs[i] = jobs[i](); errs[i] != nil {
					for f := failed.Load(); int64(i) < f && !failed.CompareAndSwap(f, int64(i)); f = failed.Load() {
					}
				}
			}
		}()
	}
	for i := range jobs {
		if ctx.Err() != nil || int64(i) > failed.Load() {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// basePage fills what every page shares. key identifies the same page in
// every language: a function from a language to its site path.
func (b *builder) basePage(l *Language, kind, path string, samePage func(*Language) (string, bool)) *PageData {
	p := &PageData{Lang: l, Kind: kind, Path: path, SiteTitle: l.T("site.title"), ModelName: b.views.net.Model.Name}
	pc := pageCtx{lang: l, path: path}
	p.Root = pc.rel("")
	p.Home = pc.rel(l.Prefix + "index.html")
	p.CSS = pc.rel("style.css")
	p.JS = pc.rel("site.js")
	if b.cfg.LiveReload {
		p.LiveReload = pc.rel("livereload.js")
	}
	var alts []LangLink
	for _, o := range b.langs {
		target, real := samePage(o)
		link := LangLink{Code: o.Code, Name: o.Name, Href: pc.rel(target), Current: o == l}
		p.Langs = append(p.Langs, link)
		if real {
			alts = append(alts, LangLink{Code: o.Code, Name: o.Name, Href: target})
		}
	}
	for _, c := range b.chapters[l.Code] {
		p.Nav = append(p.Nav, NavLink{Title: c.fm.Title, Href: pc.rel(c.path), Current: c.path == path})
	}
	p.Canonical = b.canonical(pc, path)
	if len(alts) > 1 {
		for _, a := range alts {
			p.Alternates = append(p.Alternates, LangLink{Code: a.Code, Href: b.canonical(pc, a.Href)})
		}
	}
	if kind != "404" {
		b.smMu.Lock()
		b.sitemap = append(b.sitemap, sitemapEntry{path: path, alts: altsIf(alts)})
		b.smMu.Unlock()
	}
	return p
}

func altsIf(alts []LangLink) []LangLink {
	if len(alts) > 1 {
		return alts
	}
	return nil
}

// canonical is the absolute address when the base URL is known, and a
// relative link otherwise.
func (b *builder) canonical(pc pageCtx, target string) string {
	if strings.Contains(b.cfg.BaseURL, "://") {
		return absURL(b.cfg.BaseURL, target)
	}
	return pc.rel(target)
}

func (b *builder) render(p *PageData) error {
	html, err := b.theme.execute(p.Kind, p)
	if err != nil {
		return err
	}
	return b.tree.add(p.Path, html)
}

func (b *builder) homePage(l *Language, r *Run) error {
	v := b.views
	path := v.homePath(l, r)
	p := b.basePage(l, "home", path, func(o *Language) (string, bool) { return v.homePath(o, r), true })
	pc := pageCtx{lang: l, path: path}
	ov, err := v.overview(pc, r)
	if err != nil {
		return err
	}
	p.Overview = ov
	if b.cfg.Try {
		p.Try = b.tryView(l, p.Root)
	}
	p.Title = l.T("site.title")
	if r != v.net.Runs[0] {
		p.Title = l.Tf("home.sample_title", "sample", ov.SampleTxt)
	}
	idx := b.index[l.Code]
	p.Description = idx.fm.Description
	body, err := b.markdown(p, idx)
	if err != nil {
		return err
	}
	p.Body = body
	return b.render(p)
}

func (b *builder) neuronPage(l *Language, r *Run, li, n int) error {
	v := b.views
	layer := v.net.Model.Layers[li].Name()
	path := v.neuronPath(l, r, layer, n)
	p := b.basePage(l, "neuron", path, func(o *Language) (string, bool) { return v.neuronPath(o, r, layer, n), true })
	d, err := v.detail(pageCtx{lang: l, path: path}, r, li, n)
	if err != nil {
		return fmt.Errorf("page %s: %w", path, err)
	}
	d.Nav = v.detailNav(pageCtx{lang: l, path: path}, r, li, n, d.Kind)
	p.Detail = d
	p.Learned = b.learnedNeuron(pageCtx{lang: l, path: path}, li, n)
	sample := r.ID
	if r.Label != "" {
		sample = l.Class(r.Label)
	}
	if d.Kind == "class" {
		p.Title = l.Tf("detail.class_title", "class", d.Class.Class, "sample", sample)
	} else {
		p.Title = l.Tf("detail.title", "layer", layer, "n", n, "sample", sample)
	}
	p.Description = l.Tf("detail.description", "layer", layer, "n", n, "sample", sample)
	return b.render(p)
}

func (b *builder) chapterPage(l *Language, chs []*chapter, i int) error {
	c := chs[i]
	p := b.basePage(l, "chapter", c.path, func(o *Language) (string, bool) {
		for _, oc := range b.chapters[o.Code] {
			if oc.name == c.name {
				return oc.path, !oc.fallback
			}
		}
		return o.Prefix + "index.html", false
	})
	p.Title, p.Description = c.fm.Title, c.fm.Description
	pc := pageCtx{lang: l, path: c.path}
	if i > 0 {
		p.Prev = &NavLink{Title: chs[i-1].fm.Title, Href: pc.rel(chs[i-1].path)}
	}
	if i+1 < len(chs) {
		p.Next = &NavLink{Title: chs[i+1].fm.Title, Href: pc.rel(chs[i+1].path)}
	}
	body, err := b.markdown(p, c)
	if err != nil {
		return err
	}
	p.Body = body
	if c.fallback {
		b.unlist(c.path)
	}
	return b.render(p)
}

// unlist keeps a page out of the sitemap: an untranslated copy's canonical
// address is its original's.
func (b *builder) unlist(path string) {
	b.smMu.Lock()
	defer b.smMu.Unlock()
	for i, e := range b.sitemap {
		if e.path == path {
			b.sitemap = append(b.sitemap[:i], b.sitemap[i+1:]...)
			return
		}
	}
}

// markdown renders a chapter for page p. A fallback chapter is marked with
// its own language, gets a notice, and points its canonical link at the
// original.
func (b *builder) markdown(p *PageData, c *chapter) (template.HTML, error) {
	d, err := ParseDoc(c.file, c.src)
	if err != nil {
		return "", err
	}
	if c.fallback {
		def := b.langs[0]
		p.Untranslated, p.BodyLang = true, def.Code
		orig := def.Prefix + strings.TrimPrefix(p.Path, p.Lang.Prefix)
		p.Original = pageCtx{path: p.Path}.rel(orig)
		p.Canonical = b.canonical(pageCtx{path: p.Path}, orig)
		p.Alternates = nil
	}
	p.TOC = d.TOC
	if err := b.fixLinks(d, p, c); err != nil {
		return "", err
	}
	html, err := d.Render(b.resolver(p, c.file, b.warns.add), b.inlineResolver(p, c.file, b.warns.add))
	if err != nil {
		return "", err
	}
	return template.HTML(html), nil
}

func (b *builder) notFound() error {
	def := b.langs[0]
	p := &PageData{Lang: def, Kind: "404", Path: "404.html", Title: def.T("notfound.title"), SiteTitle: def.T("site.title")}
	// GitHub Pages serves 404.html for any missing path, so its links must
	// not be relative: they start from the base URL's path.
	root := "/"
	if i := strings.Index(b.cfg.BaseURL, "://"); i >= 0 {
		rest := b.cfg.BaseURL[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			root = rest[j:]
		}
	} else if strings.HasPrefix(b.cfg.BaseURL, "/") {
		root = b.cfg.BaseURL
	}
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	p.Root, p.Home, p.CSS, p.JS = root, root+"index.html", root+"style.css", root+"site.js"
	for _, l := range b.langs {
		p.Langs = append(p.Langs, LangLink{Code: l.Code, Name: l.Name, Href: root + l.Prefix + "index.html", Current: l.Default})
	}
	return b.render(p)
}

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
		for _, l := range b.langs {
			if p == l.Prefix+"index.html" || strings.HasPrefix(p, l.Prefix+"s/") {
				gen[p] = true
			}
		}
	}
	return gen
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
