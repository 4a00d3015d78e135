package site

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Chapters link to chapters by file, as a writer sees them in an editor:
// [ReLU](04-relu.md#dead-units) becomes the link to that chapter's page in
// the page's own language, whatever its slug is. Images must come from the
// site itself: the site promises to load nothing from other hosts.

// mdLink is a link or image of a chapter, with its source line.
type mdLink struct {
	node  ast.Node
	dest  string
	line  int
	image bool
}

// docLinks lists the links and images of d in document order.
func (d *Doc) docLinks() []mdLink {
	var out []mdLink
	_ = ast.Walk(d.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Link:
			out = append(out, mdLink{node: n, dest: string(t.Destination), line: d.nodeLine(n)})
		case *ast.Image:
			out = append(out, mdLink{node: n, dest: string(t.Destination), line: d.nodeLine(n), image: true})
		case *ast.AutoLink:
			out = append(out, mdLink{node: n, dest: string(t.URL(d.src)), line: d.nodeLine(n)})
		}
		return ast.WalkContinue, nil
	})
	return out
}

// nodeLine is the source line of an inline node: that of its first text,
// or else of the block holding it.
func (d *Doc) nodeLine(n ast.Node) int {
	offset := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering && offset < 0 {
			offset = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	for p := n; offset < 0 && p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			offset = p.Lines().At(0).Start
		}
	}
	if offset < 0 || offset > len(d.src) {
		return 1
	}
	return bytes.Count(d.src[:offset], []byte("\n")) + 1
}

// foreign reports whether a link leaves the site: it names a scheme other
// than mailto/data or a host ("//host/x").
func foreign(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return true
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme != "" && u.Scheme != "mailto" && u.Scheme != "data"
}

// pageLinks checks chapter c's links for page p: a foreign image is a
// warning (an error under Strict), a link to a .md file is written as the
// link to that chapter's page; it returns those destinations for Render.
func (b *builder) pageLinks(d *Doc, p *PageData, c *chapter) (map[*ast.Link]string, error) {
	pc := pageCtx{lang: p.Lang, path: p.Path}
	dest := map[*ast.Link]string{}
	for _, l := range d.docLinks() {
		if l.image && foreign(l.dest) {
			b.warns.add(warning{File: c.file, Line: l.line, Kind: warnForeignImage,
				Msg: fmt.Sprintf("image %s loads from another host; the site must load nothing from elsewhere (copy it into the theme's static folder)", l.dest)})
			continue
		}
		link, ok := l.node.(*ast.Link)
		if !ok || foreign(l.dest) || strings.HasPrefix(l.dest, "#") {
			continue
		}
		file, frag, _ := strings.Cut(l.dest, "#")
		if path.Ext(file) != ".md" {
			continue
		}
		target, ok := b.chapterPath(p.Lang, path.Base(file))
		if !ok {
			return nil, fmt.Errorf("%s:%d: link to %s: no chapter has that file name", c.file, l.line, file)
		}
		href := pc.rel(target)
		if frag != "" {
			href += "#" + frag
		}
		dest[link] = href
	}
	return dest, nil
}

// chapterPath is the site path of the chapter file name in language l.
func (b *builder) chapterPath(l *Language, name string) (string, bool) {
	if name == "_index.md" {
		return l.Prefix + "index.html", true
	}
	for _, c := range b.chapters[l.Code] {
		if c.name == name {
			return c.path, true
		}
	}
	return "", false
}
