package sitecheck

import (
	"path"
	"strings"
)

// resolve checks one reference from file and returns the tree path it
// names ("" when it names none or lies outside the tree).
func (c *checker) resolve(file string, r ref, absolute bool) string {
	u := strings.TrimSpace(r.url)
	if !c.inTree(file, r, u) {
		return ""
	}
	frag := ""
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u, frag = u[:i], u[i+1:]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	u = unescapePath(u)
	target, ok := c.treePath(file, r, u, absolute)
	if !ok {
		return ""
	}
	if strings.HasSuffix(u, "/") || c.tree.folders[target] {
		if r.folder {
			if !c.tree.folders[target] {
				c.add(file, r.line, RuleBroken, "<%s %s=%q> names no folder", r.tag, r.attr, r.url)
			}
			return ""
		}
		c.add(file, r.line, RuleFolder, "<%s %s=%q> names a folder; opened from disk that shows a listing, so name its index.html", r.tag, r.attr, r.url)
		return ""
	}
	if _, ok := c.tree.files[target]; !ok {
		c.add(file, r.line, RuleBroken, "<%s %s=%q>: %s does not exist", r.tag, r.attr, r.url, target)
		return ""
	}
	if frag != "" {
		if pg, ok := c.pages[target]; ok && !pg.ids[unescapePath(frag)] {
			c.add(file, r.line, RuleFragment, "<%s %s=%q>: %s has no element with id %q", r.tag, r.attr, r.url, target, frag)
		}
	}
	return target
}

// inTree reports whether the trimmed URL u of r may name a file of the
// tree: not empty, not another scheme, not another host (each of which it
// reports when r loads a resource).
func (c *checker) inTree(file string, r ref, u string) bool {
	if u == "" {
		if r.loaded {
			c.add(file, r.line, RuleBroken, "<%s %s> is empty", r.tag, r.attr)
		}
		return false
	}
	lower := strings.ToLower(u)
	for _, s := range []string{"mailto:", "tel:", "data:", "javascript:", "about:"} {
		if strings.HasPrefix(lower, s) {
			return false
		}
	}
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(u, "//") {
		if r.loaded {
			c.add(file, r.line, RuleHost, "<%s %s=%q> loads a resource from another host", r.tag, r.attr, u)
		}
		return false
	}
	head := lower
	if i := strings.IndexAny(lower, "/?#"); i >= 0 {
		head = lower[:i]
	}
	// Another scheme (the part before any / ? or #), not a file of the tree.
	return !strings.Contains(head, ":")
}

// treePath turns the unescaped path u of r, without query or fragment,
// into a path of the tree, reporting (and returning false for) a root path
// in a page read from disk, one outside the base path, a relative one in a
// page served at any address, and one above the site root.
func (c *checker) treePath(file string, r ref, u string, absolute bool) (string, bool) {
	switch {
	case strings.HasPrefix(u, "/") && !absolute:
		c.add(file, r.line, RuleRootPath, "<%s %s=%q> is root-absolute: it breaks from disk and under a sub-path; use a relative link", r.tag, r.attr, r.url)
		return "", false
	case strings.HasPrefix(u, "/"):
		if !strings.HasPrefix(u, c.opt.BasePath) {
			c.add(file, r.line, RuleBroken, "<%s %s=%q> is outside the base path %s", r.tag, r.attr, r.url, c.opt.BasePath)
			return "", false
		}
		return strings.TrimPrefix(u, c.opt.BasePath), true
	case u == "":
		return file, true // a bare #fragment or ?query
	}
	if absolute {
		c.add(file, r.line, RuleBroken, "<%s %s=%q> is relative in a page served at any address; start it with %s", r.tag, r.attr, r.url, c.opt.BasePath)
		return "", false
	}
	target := path.Join(path.Dir(file), u)
	if target == ".." || strings.HasPrefix(target, "../") {
		c.add(file, r.line, RuleBroken, "<%s %s=%q> climbs above the site root", r.tag, r.attr, r.url)
		return "", false
	}
	if target == "." {
		target = ""
	}
	return target, true
}
