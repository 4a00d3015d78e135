package site

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// linkPriority puts linkRenderer before goldmark's HTML renderer (1000):
// of two renderers for one node kind, the one with the lower number
// registers last and wins.
const linkPriority = 100

// linkRenderer writes the links whose destination differs on this page
// (a link to a .md file becomes one to that chapter's page) without
// changing the parsed tree, which pages rendered at once share: goldmark's
// own link renderer writes a copy of the node with the page's destination.
type linkRenderer struct {
	dest map[*ast.Link]string
	base renderer.NodeRendererFunc
}

func newLinkRenderer(dest map[*ast.Link]string) *linkRenderer {
	r := &linkRenderer{dest: dest}
	html.NewRenderer().RegisterFuncs(grabFunc{kind: ast.KindLink, fn: &r.base})
	return r
}

func (r *linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, r.render)
}

func (r *linkRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	link := n.(*ast.Link)
	if d, ok := r.dest[link]; ok && entering {
		cp := *link
		cp.Destination = []byte(d)
		return r.base(w, src, &cp, entering)
	}
	return r.base(w, src, n, entering)
}

// grabFunc keeps the function a renderer registers for one node kind.
type grabFunc struct {
	kind ast.NodeKind
	fn   *renderer.NodeRendererFunc
}

func (g grabFunc) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	if k == g.kind {
		*g.fn = f
	}
}
