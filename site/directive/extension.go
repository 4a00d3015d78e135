package directive

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindFigure is the AST node kind of a placed figure.
var KindFigure = ast.NewNodeKind("Figure")

// Figure is a block node that stands for one directive. Err is set when the
// paragraph looked like a directive but could not be read or checked; the
// caller reports it with Directive.Line.
type Figure struct {
	ast.BaseBlock
	Directive Directive
	Err       error
}

func (n *Figure) Kind() ast.NodeKind { return KindFigure }

func (n *Figure) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Directive": n.Directive.String()}, nil)
}

// Resolver turns a checked directive into the HTML of its figure.
type Resolver func(d Directive) ([]byte, error)

// Extension places figures: it replaces directive paragraphs with Figure
// nodes and renders them through Resolve.
type Extension struct {
	Spec    Spec
	Resolve Resolver
	// Inline resolves the inline directives (see inline.go); InlineSpec
	// names and checks them, like Spec the figures. Without InlineSpec
	// there are no inline directives.
	Inline     InlineResolver
	InlineSpec Spec
}

func (e *Extension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithParagraphTransformers(util.Prioritized(&paragraphs{spec: e.Spec, inline: e.InlineSpec}, 50)))
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(&inlineParser{spec: e.InlineSpec}, 50)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(&figureRenderer{ext: e}, 50),
		util.Prioritized(&inlineRenderer{ext: e, replaced: map[ast.Node]bool{}}, 50)))
}

type paragraphs struct{ spec, inline Spec }

func (p *paragraphs) Transform(para *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := para.Lines()
	if lines.Len() == 0 {
		return
	}
	src := reader.Source()
	var raw bytes.Buffer
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw.Write(seg.Value(src))
	}
	txt := raw.String()
	if !IsCandidate(txt) || startsInline(txt, p.inline) {
		return
	}
	line := 1 + bytes.Count(src[:lines.At(0).Start], []byte{'\n'})
	d, err := Parse(txt)
	if err == nil && lines.Len() > 1 {
		err = &SyntaxError{"a directive must fit on one line"}
	}
	if err == nil && p.spec != nil {
		err = p.spec.Check(d)
	}
	d.Line = line
	fig := &Figure{Directive: d, Err: err}
	para.Parent().ReplaceChild(para.Parent(), para, fig)
}

// Errors returns every directive that failed to read or check, in order.
func Errors(doc ast.Node) []*Figure {
	var bad []*Figure
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*Figure); ok && entering && f.Err != nil {
			bad = append(bad, f)
		}
		return ast.WalkContinue, nil
	})
	return bad
}

// figureRenderer reads Resolve from the extension at render time, so one
// parsed document can be rendered for several pages.
type figureRenderer struct{ ext *Extension }

func (r *figureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindFigure, r.render)
}

func (r *figureRenderer) render(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	f := n.(*Figure)
	if f.Err != nil {
		return ast.WalkStop, fmt.Errorf("line %d: %w", f.Directive.Line, f.Err)
	}
	if r.ext.Resolve == nil {
		return ast.WalkStop, fmt.Errorf("line %d: no figure resolver", f.Directive.Line)
	}
	html, err := r.ext.Resolve(f.Directive)
	if err != nil {
		return ast.WalkStop, err
	}
	_, _ = w.Write(html)
	return ast.WalkSkipChildren, nil
}
