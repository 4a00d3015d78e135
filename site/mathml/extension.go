package mathml

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

// KindMath is the AST node kind of a formula.
var KindMath = ast.NewNodeKind("Math")

// Math is a converted formula. Block formulas come from a paragraph that is
// exactly $$...$$; inline ones from $...$ inside text. Err is set when the
// formula uses something outside the subset.
type Math struct {
	ast.BaseInline
	Display bool
	TeX     string
	MathML  string
	Line    int
	Err     error
}

func (n *Math) Kind() ast.NodeKind { return KindMath }

func (n *Math) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"TeX": n.TeX}, nil)
}

// MathBlock holds one display formula as a block.
type MathBlock struct {
	ast.BaseBlock
	Math *Math
}

// KindMathBlock is the AST node kind of a display formula's block.
var KindMathBlock = ast.NewNodeKind("MathBlock")

func (n *MathBlock) Kind() ast.NodeKind { return KindMathBlock }

func (n *MathBlock) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// Extension adds $...$ and $$...$$ to goldmark.
type Extension struct{}

func (Extension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(blockTransformer{}, 60)),
		parser.WithInlineParsers(util.Prioritized(inlineParser{}, 150)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 50)))
}

func newMath(tex string, display bool, line int) *Math {
	n := &Math{TeX: tex, Display: display, Line: line}
	n.MathML, n.Err = Convert(tex, display)
	return n
}

type blockTransformer struct{}

func (blockTransformer) Transform(para *ast.Paragraph, reader text.Reader, _ parser.Context) {
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
	t := bytes.TrimSpace(raw.Bytes())
	if len(t) < 4 || !bytes.HasPrefix(t, []byte("$$")) || !bytes.HasSuffix(t, []byte("$$")) {
		return
	}
	inner := t[2 : len(t)-2]
	if bytes.Contains(inner, []byte("$$")) {
		return
	}
	line := 1 + bytes.Count(src[:lines.At(0).Start], []byte{'\n'})
	blk := &MathBlock{Math: newMath(string(inner), true, line)}
	para.Parent().ReplaceChild(para.Parent(), para, blk)
}

type inlineParser struct{}

func (inlineParser) Trigger() []byte { return []byte{'$'} }

// Parse reads $...$ on one line. Like Pandoc, the opening $ must not be
// followed by a space and the closing $ must not be preceded by one or
// followed by a digit, so prices such as "$5 and $6" stay text.
func (inlineParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 3 || line[0] != '$' || line[1] == ' ' || line[1] == '$' {
		return nil
	}
	for i := 2; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++ // skip the escaped byte (\$ stays inside the formula)
		case '$':
			if line[i-1] == ' ' || i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9' {
				continue
			}
			lineNo := 1 + bytes.Count(block.Source()[:seg.Start], []byte{'\n'})
			block.Advance(i + 1)
			return newMath(string(line[1:i]), false, lineNo)
		}
	}
	return nil
}

// Errors returns every formula that failed to convert, in order.
func Errors(doc ast.Node) []*Math {
	var bad []*Math
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*MathBlock); ok {
			n = b.Math
		}
		if m, ok := n.(*Math); ok && entering && m.Err != nil {
			bad = append(bad, m)
		}
		return ast.WalkContinue, nil
	})
	return bad
}

type nodeRenderer struct{}

func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindMath, renderMath)
	reg.Register(KindMathBlock, renderBlock)
}

func renderBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<div class="math" tabindex="0">`)
	if _, err := renderMath(w, src, n.(*MathBlock).Math, true); err != nil {
		return ast.WalkStop, err
	}
	_, _ = w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
}

func renderMath(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	m := n.(*Math)
	if m.Err != nil {
		return ast.WalkStop, fmt.Errorf("line %d: %w", m.Line, m.Err)
	}
	_, _ = w.WriteString(m.MathML)
	return ast.WalkSkipChildren, nil
}
