package sitecheck

import (
	"compress/gzip"
	"path"
	"strings"
)

// budgets measures each page's first load (the page, then every eager
// resource it names and every resource those stylesheets name, each file
// counted once) and the scripts of the whole tree.
func (c *checker) budgets() {
	for _, p := range sortedKeys(c.pages) {
		load := c.firstLoad(p)
		c.rep.Loads[p] = load
		budget, what := c.opt.PageBudget, "page"
		if contains(c.opt.HomePages, p) {
			budget, what = c.opt.HomeBudget, "home page"
		}
		if budget > 0 && load > budget {
			c.add(p, 0, RuleBudget, "%s first load is %d bytes, over its budget of %d", what, load, budget)
		}
	}
	if c.opt.JSBudget > 0 && c.rep.JSBytes > c.opt.JSBudget {
		c.add("", 0, RuleBudget, "the scripts come to %d bytes, over the budget of %d", c.rep.JSBytes, c.opt.JSBudget)
	}
	if c.opt.TryBudget > 0 && c.rep.TryBytes > c.opt.TryBudget {
		c.add(tryDir, 0, RuleBudget, "the try panel's scripts come to %d bytes gzip, over the budget of %d", c.rep.TryBytes, c.opt.TryBudget)
	}
}

// tryDir holds what the "try your own picture" button loads on its first
// click (site.TryEngineFile and its neighbours).
const tryDir = "try/"

func gzipSize(data []byte) int64 {
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.DefaultCompression) // a valid level cannot fail
	zw.Write(data)
	zw.Close()
	return int64(n)
}

type countWriter int64

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

func (c *checker) firstLoad(p string) int64 {
	seen := map[string]bool{p: true}
	total := c.tree.files[p]
	var visit func(from string, refs []ref)
	visit = func(from string, refs []ref) {
		for _, r := range refs {
			if !r.eager {
				continue
			}
			t := c.target(from, r.url)
			if t == "" || seen[t] {
				continue
			}
			seen[t] = true
			total += c.tree.files[t]
			if st, ok := c.styles[t]; ok {
				visit(t, st.refs)
			}
		}
	}
	visit(p, c.pages[p].refs)
	return total
}

// target is resolve without the reporting: the tree path a reference from
// file names, or "".
func (c *checker) target(file, u string) string {
	u = strings.TrimSpace(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" || strings.Contains(u, "://") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "data:") {
		return ""
	}
	u = unescapePath(u)
	var t string
	if strings.HasPrefix(u, "/") {
		t = strings.TrimPrefix(u, c.opt.BasePath)
	} else {
		t = path.Join(path.Dir(file), u)
	}
	if _, ok := c.tree.files[t]; !ok {
		return ""
	}
	return t
}
