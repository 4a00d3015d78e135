// Package sitecheck checks a built site folder the way a careful publisher
// would before uploading it: every internal link and source names a file of
// the tree (so the site works from disk and under any sub-path), nothing is
// loaded from another host, the HTML is well formed, every figure has a text
// alternative, and pages stay within their byte budgets.
//
// It reads only the folder; it never starts a browser or a server, so it is
// cheap enough to run on every build.
package sitecheck

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Options tune the checks. The zero value checks a site meant to be opened
// from disk or published at a server root, with the default budgets.
type Options struct {
	// BasePath is the URL path the site is published under, such as
	// "/repo/" for a GitHub Pages project site. Pages listed in AbsolutePages
	// may use root-absolute links that start with it; "" means "/".
	BasePath string
	// AbsolutePages are pages served at any address (404.html on GitHub
	// Pages), whose links must therefore be root-absolute. Nil means
	// []string{"404.html"}.
	AbsolutePages []string

	// HomeBudget caps the first load of index.html: the page, its styles and
	// scripts, and every picture it shows without lazy loading. 0 means
	// 160 000 bytes, the budget the project promises (issue 12); negative
	// turns the check off.
	HomeBudget int64
	// HomePages are the pages held to HomeBudget: each language's home page,
	// the first page a reader of that language loads. Nil means
	// []string{"index.html"}.
	HomePages []string
	// PageBudget caps the first load of every other page the same way.
	// 0 means 600 000 bytes; negative turns the check off.
	PageBudget int64
	// JSBudget caps the bytes of every script in the tree together, files
	// and inline scripts, except the maps under data/ that the detail
	// views load as scripts (numbers, not code; each page loads one). 0
	// means 20 000 bytes; negative turns it off.
	JSBudget int64
	// TryBudget caps what the first click on "try your own picture"
	// downloads: every file under try/, gzip-compressed as a server sends
	// it. Those files stay out of JSBudget, since no page loads them. 0
	// means 1 600 000 bytes; negative turns it off.
	TryBudget int64
}

func (o Options) withDefaults() Options {
	if o.BasePath == "" {
		o.BasePath = "/"
	}
	if !strings.HasPrefix(o.BasePath, "/") {
		o.BasePath = "/" + o.BasePath
	}
	if !strings.HasSuffix(o.BasePath, "/") {
		o.BasePath += "/"
	}
	if o.AbsolutePages == nil {
		o.AbsolutePages = []string{"404.html"}
	}
	if o.HomePages == nil {
		o.HomePages = []string{"index.html"}
	}
	if o.HomeBudget == 0 {
		o.HomeBudget = 160_000
	}
	if o.PageBudget == 0 {
		o.PageBudget = 600_000
	}
	if o.JSBudget == 0 {
		o.JSBudget = 20_000
	}
	if o.TryBudget == 0 {
		o.TryBudget = 1_600_000
	}
	return o
}

// Rule names a kind of problem, so tests and reports can group them.
type Rule string

// The rules Check applies.
const (
	RuleBroken   Rule = "broken-link"   // a link or source names no file of the tree
	RuleFragment Rule = "fragment"      // #id names no element of the target page
	RuleFolder   Rule = "folder-link"   // a link names a folder: from disk that opens a listing
	RuleRootPath Rule = "root-absolute" // /path breaks from disk and under a sub-path
	RuleHost     Rule = "other-host"    // a resource is loaded from another host
	RuleHTML     Rule = "html"          // the markup is not well formed
	RuleDupID    Rule = "duplicate-id"  // two elements share an id
	RuleAlt      Rule = "text-alt"      // a figure has no text alternative
	RuleBudget   Rule = "budget"        // a page or the scripts are over budget
)

// Problem is one finding, located at a file of the tree and, where the
// markup has more than one line, a line.
type Problem struct {
	File string // slash path inside the tree
	Line int    // 1-based; 0 when unknown
	Rule Rule
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Rule, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Rule, p.Msg)
}

// Report is the outcome of Check.
type Report struct {
	Problems []Problem
	Pages    int              // HTML files checked
	Files    int              // files in the tree
	JSBytes  int64            // every script together, but those under try/
	TryBytes int64            // the scripts under try/, gzip-compressed
	Loads    map[string]int64 // first-load bytes of each page
}

// Check walks dir and applies every rule. The error is for a folder that
// cannot be read; what is wrong with the site is in Report.Problems, sorted
// by file, line and rule.
func Check(dir string, opt Options) (*Report, error) {
	opt = opt.withDefaults()
	t, err := readTree(dir)
	if err != nil {
		return nil, err
	}
	c := &checker{opt: opt, tree: t, pages: map[string]*page{}, styles: map[string]*style{}, rep: &Report{Loads: map[string]int64{}}}
	c.rep.Files = len(t.files)
	c.parseAll()
	c.links()
	c.budgets()
	sort.Slice(c.rep.Problems, func(i, j int) bool {
		a, b := c.rep.Problems[i], c.rep.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Msg < b.Msg
	})
	return c.rep, nil
}

// tree is the folder: every file's size and every folder, by slash path.
type tree struct {
	dir     string
	files   map[string]int64
	folders map[string]bool
}

func readTree(dir string) (*tree, error) {
	t := &tree{dir: dir, files: map[string]int64{}, folders: map[string]bool{"": true}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			t.folders[rel] = true
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		t.files[rel] = info.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sitecheck: %w", err)
	}
	return t, nil
}

func (t *tree) read(p string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(t.dir, filepath.FromSlash(p)))
	if err != nil {
		return nil, fmt.Errorf("sitecheck: %w", err)
	}
	return data, nil
}

func (t *tree) sorted(ext string) []string {
	var out []string
	for p := range t.files {
		if path.Ext(p) == ext {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

type checker struct {
	opt    Options
	tree   *tree
	pages  map[string]*page
	styles map[string]*style
	rep    *Report
}

func (c *checker) add(file string, line int, rule Rule, format string, args ...any) {
	c.rep.Problems = append(c.rep.Problems, Problem{File: file, Line: line, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) parseAll() {
	for _, p := range c.tree.sorted(".html") {
		data, err := c.tree.read(p)
		if err != nil {
			c.add(p, 0, RuleHTML, "%v", err)
			continue
		}
		pg := parsePage(data)
		for _, e := range pg.errs {
			c.add(p, e.line, e.rule, "%s", e.msg)
		}
		c.pages[p] = pg
		c.rep.Pages++
		c.rep.JSBytes += pg.inlineJS
		for _, s := range pg.inlineJSText {
			c.scriptHosts(p, s)
		}
	}
	for _, p := range c.tree.sorted(".css") {
		data, err := c.tree.read(p)
		if err != nil {
			c.add(p, 0, RuleHTML, "%v", err)
			continue
		}
		c.styles[p] = parseCSS(data)
	}
	for _, p := range c.tree.sorted(".js") {
		data, err := c.tree.read(p)
		if err != nil {
			c.add(p, 0, RuleHTML, "%v", err)
			continue
		}
		if strings.HasPrefix(p, tryDir) {
			c.rep.TryBytes += gzipSize(data)
		} else if !strings.HasPrefix(p, "data/") {
			c.rep.JSBytes += int64(len(data))
		}
		c.scriptHosts(p, string(data))
	}
	for _, p := range c.tree.sorted(".svg") {
		data, err := c.tree.read(p)
		if err != nil {
			c.add(p, 0, RuleHTML, "%v", err)
			continue
		}
		refs, errs := svgRefs(data, 1)
		for _, e := range errs {
			c.add(p, e.line, e.rule, "%s", e.msg)
		}
		for _, r := range refs {
			c.resolve(p, r, false)
		}
	}
}

// scriptHosts flags every absolute http(s) address in a script: a script
// has no business naming another host, whether it fetches it or builds an
// element that loads it. XML namespace names are not addresses.
func (c *checker) scriptHosts(file, src string) {
	for _, m := range absURL.FindAllStringIndex(src, -1) {
		u := src[m[0]:m[1]]
		if isNamespace(u) {
			continue
		}
		c.add(file, 1+strings.Count(src[:m[0]], "\n"), RuleHost, "script names %s", u)
	}
}

func (c *checker) links() {
	for _, p := range sortedKeys(c.pages) {
		abs := false
		for _, a := range c.opt.AbsolutePages {
			if a == p {
				abs = true
			}
		}
		for _, r := range c.pages[p].refs {
			c.resolve(p, r, abs)
		}
	}
	for _, p := range sortedKeys(c.styles) {
		for _, r := range c.styles[p].refs {
			c.resolve(p, r, false)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
