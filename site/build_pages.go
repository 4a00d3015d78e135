package site

// The page jobs: which pages a build makes, each page's shared parts, and
// the workers that run them.

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"sync/atomic"
)

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
				if !net.hasDetail(li) || net.switched(r, li) {
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
		jobs = append(jobs, b.switchFiles()...)
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
	path := neuronFile(l, r, layer, n)
	p := b.basePage(l, "neuron", path, func(o *Language) (string, bool) { return neuronFile(o, r, layer, n), true })
	d, err := v.detail(pageCtx{lang: l, path: path}, r, li, n)
	if err != nil {
		return fmt.Errorf("page %s: %w", path, err)
	}
	d.Nav = v.detailNav(pageCtx{lang: l, path: path}, r, li, n, d.Kind)
	if host := v.net.switchHost(li); host != "" {
		// Every page of the layer links the switched samples through the
		// host; only the host's page is switched.
		d.Nav.Host, d.Nav.Static = host, sampleWindow
		if r.ID == host {
			d.Host = host
		}
	}
	p.Detail = d
	p.Learned = b.learnedNeuron(pageCtx{lang: l, path: path}, li, n)
	sample := sampleName(l, r)
	if d.Kind == "class" {
		p.Title = l.Tf("detail.class_title", "class", d.Class.Class, "sample", sample)
	} else {
		p.Title = l.Tf("detail.title", "layer", layer, "n", n, "sample", sample)
	}
	p.Description = l.Tf("detail.description", "layer", layer, "n", n, "sample", sample)
	return b.render(p)
}

// sampleName is how a page title names run r: its class, else its id.
func sampleName(l *Language, r *Run) string {
	if r.Label != "" {
		return l.Class(r.Label)
	}
	return r.ID
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
	d := c.doc
	if c.fallback {
		def := b.langs[0]
		p.Untranslated, p.BodyLang = true, def.Code
		orig := def.Prefix + strings.TrimPrefix(p.Path, p.Lang.Prefix)
		p.Original = pageCtx{path: p.Path}.rel(orig)
		p.Canonical = b.canonical(pageCtx{path: p.Path}, orig)
		p.Alternates = nil
	}
	p.TOC = d.TOC
	links, err := b.pageLinks(d, p, c)
	if err != nil {
		return "", err
	}
	html, err := d.Render(b.resolver(p, c.file, b.warns.add), b.inlineResolver(p, c.file, b.warns.add), links)
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
