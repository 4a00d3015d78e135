package site

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LangLink is one entry of the language switcher or one hreflang alternate.
type LangLink struct {
	Code, Name, Href string
	Current          bool
}

// NavLink is a link to a chapter.
type NavLink struct {
	Title, Href string
	Current     bool
	Pred        bool // names the sample's predicted class (a switched view swaps it)
}

// PageData is what every layout receives.
type PageData struct {
	Lang         *Language
	Kind         string
	Title        string
	Description  string
	Path         string
	Root         string
	Home         string
	Canonical    string
	Alternates   []LangLink
	Langs        []LangLink
	Nav          []NavLink
	TOC          []TOCEntry
	Prev, Next   *NavLink
	Body         template.HTML
	BodyLang     string // set when the body is the default language's text
	Untranslated bool
	Original     string // link to the original of an untranslated page
	Overview     *OverviewView
	Try          *TryView // the try-your-own-picture panel, when built
	Detail       *DetailView
	Learned      *LearnedView // the "what did it learn" pages and the top pictures on neuron pages
	CSS, JS      string
	LiveReload   string
	SiteTitle    string
	ModelName    string
	Credits      template.HTML
}

// chapter is one Markdown file in one language (or its fallback).
type chapter struct {
	name     string // file name, the same in every language
	lang     *Language
	file     string
	src      []byte
	doc      *Doc // parsed once, rendered by every page that shows it
	fm       FrontMatter
	fallback bool // built from the default language's file
	path     string
}

func (c *chapter) slug() string {
	if c.fm.Slug != "" {
		return c.fm.Slug
	}
	base := strings.TrimSuffix(c.name, ".md")
	// "03-convolution" -> "convolution": a leading number only orders files.
	if i := strings.IndexByte(base, '-'); i > 0 && strings.Trim(base[:i], "0123456789") == "" {
		base = base[i+1:]
	}
	return base
}

// readChapters reads every .md file of one language. _index.md is the home
// page's text and is returned apart.
func readChapters(l *Language, drafts bool) (chapters []*chapter, index *chapter, err error) {
	entries, err := os.ReadDir(l.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("content: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		file := filepath.Join(l.Dir, e.Name())
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, fmt.Errorf("content: %w", err)
		}
		// Some Windows editors start UTF-8 files with a byte-order mark.
		src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
		d, err := ParseDoc(file, src)
		if err != nil {
			return nil, nil, err
		}
		c := &chapter{name: e.Name(), lang: l, file: file, src: src, doc: d, fm: d.FM}
		if c.fm.Draft && !drafts {
			continue
		}
		if e.Name() == "_index.md" {
			index = c
			continue
		}
		chapters = append(chapters, c)
	}
	sort.SliceStable(chapters, func(i, j int) bool {
		if chapters[i].fm.Weight != chapters[j].fm.Weight {
			return chapters[i].fm.Weight < chapters[j].fm.Weight
		}
		return chapters[i].name < chapters[j].name
	})
	// These names are taken by the figures, the sample pages, the data the
	// script replays, the pictures and the other languages.
	seen := map[string]string{"s": "the sample pages", "figures": "the figures", "data": "the page data", "samples": "the sample pictures", "learned": "the views of what the network learned", "probe": "the probe pictures"}
	for _, c := range chapters {
		if other, dup := seen[c.slug()]; dup {
			return nil, nil, fmt.Errorf("%s: slug %q is also used by %s", c.file, c.slug(), other)
		}
		seen[c.slug()] = c.file
		c.path = l.Prefix + c.slug() + "/index.html"
	}
	return chapters, index, nil
}

// withFallbacks returns lang's chapters in the default language's order,
// filling each gap with the default language's chapter.
func withFallbacks(lang *Language, own, def []*chapter) (out []*chapter, missing []string) {
	byName := map[string]*chapter{}
	for _, c := range own {
		byName[c.name] = c
	}
	for _, d := range def {
		if c, ok := byName[d.name]; ok {
			out = append(out, c)
			delete(byName, d.name)
			continue
		}
		fb := *d
		fb.lang, fb.fallback = lang, true
		fb.path = lang.Prefix + d.slug() + "/index.html"
		out = append(out, &fb)
		missing = append(missing, d.name)
	}
	// Chapters only this language has keep their place by weight at the end.
	for _, c := range own {
		if _, extra := byName[c.name]; extra {
			out = append(out, c)
		}
	}
	return out, missing
}
