package directive

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Inline directives sit inside a sentence instead of making up a paragraph:
//
//	The model is right on {{< fact name="accuracy" >}} of the test pictures.
//
// Their names are the keys of Extension.InlineSpec. The resolver gives the
// text printed in place of the directive, or an Unmet notice: then the
// paragraph (or list item) holding it is replaced by that notice, so a
// sentence that only fits one model is never printed for another one.

// KindInline is the AST node kind of an inline directive.
var KindInline = ast.NewNodeKind("InlineDirective")

// Inline is one inline directive; Err is set when it cannot be read or
// checked.
type Inline struct {
	ast.BaseInline
	Directive Directive
	Err       error
}

func (n *Inline) Kind() ast.NodeKind { return KindInline }

func (n *Inline) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Directive": n.Directive.String()}, nil)
}

// InlineValue is what an inline directive resolves to on one page.
type InlineValue struct {
	Text string // printed, escaped, in place of the directive ("" for assume)
	// Unmet is set when expect= does not hold for this model: the notice
	// (plain text) that replaces the paragraph holding the directive.
	Unmet string
}

// InlineResolver resolves an inline directive for the page being rendered.
type InlineResolver func(d Directive) (InlineValue, error)

// startsInline reports whether the directive at the start of t (or the
// last one, when t ends with one) is one of inline's: such a paragraph is
// prose, not a figure.
func startsInline(t string, inline Spec) bool {
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, open) {
		return inline.has(firstWord(t[len(open):]))
	}
	if i := strings.LastIndex(t, open); i >= 0 && strings.HasSuffix(t, close) {
		return inline.has(firstWord(t[i+len(open):]))
	}
	return false
}

func (s Spec) has(name string) bool {
	_, ok := s[name]
	return ok
}

func firstWord(s string) string {
	s = strings.TrimLeft(s, " \t")
	if i := strings.IndexAny(s, " \t>"); i >= 0 {
		return s[:i]
	}
	return s
}

type inlineParser struct{ spec Spec }

func (p *inlineParser) Trigger() []byte { return []byte{'{'} }

func (p *inlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte(open)) || !p.spec.has(firstWord(string(line[len(open):]))) {
		return nil
	}
	end := bytes.Index(line, []byte(close))
	n := &Inline{}
	if end < 0 {
		n.Err = &SyntaxError{"an inline directive must end with " + close + " on the same line"}
		end = len(line) - len(close)
	} else {
		n.Directive, n.Err = Parse(string(line[:end+len(close)]))
	}
	if n.Err == nil {
		n.Err = p.spec.Check(n.Directive)
	}
	n.Directive.Line = 1 + bytes.Count(block.Source()[:seg.Start], []byte{'\n'})
	block.Advance(end + len(close))
	return n
}

// InlineErrors returns every inline directive that failed to read or check.
func InlineErrors(doc ast.Node) []*Inline {
	var bad []*Inline
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if d, ok := n.(*Inline); ok && entering && d.Err != nil {
			bad = append(bad, d)
		}
		return ast.WalkContinue, nil
	})
	return bad
}

// inlineRenderer prints inline directives and renders paragraphs and list
// item text so that one whose assumption fails becomes a notice.
type inlineRenderer struct {
	ext *Extension
	// replaced remembers the blocks rendered as a notice, so their closing
	// tag is not written; one renderer serves one document at a time.
	replaced map[ast.Node]bool
}

func (r *inlineRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindInline, r.renderInline)
	reg.Register(ast.KindParagraph, r.renderBlock)
	reg.Register(ast.KindTextBlock, r.renderBlock)
}

func (r *inlineRenderer) resolve(n *Inline) (InlineValue, error) {
	if n.Err != nil {
		return InlineValue{}, fmt.Errorf("line %d: %w", n.Directive.Line, n.Err)
	}
	if r.ext.Inline == nil {
		return InlineValue{}, fmt.Errorf("line %d: no resolver for inline directives", n.Directive.Line)
	}
	v, err := r.ext.Inline(n.Directive)
	if err != nil {
		return InlineValue{}, fmt.Errorf("line %d: %s: %w", n.Directive.Line, n.Directive.Name, err)
	}
	return v, nil
}

func (r *inlineRenderer) renderInline(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	v, err := r.resolve(n.(*Inline))
	if err != nil {
		return ast.WalkStop, err
	}
	_, _ = w.Write(util.EscapeHTML([]byte(v.Text)))
	return ast.WalkSkipChildren, nil
}

// unmet returns the notice of the first failed assumption inside block.
func (r *inlineRenderer) unmet(block ast.Node) (string, error) {
	var notice string
	var err error
	_ = ast.Walk(block, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		d, ok := c.(*Inline)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		var v InlineValue
		if v, err = r.resolve(d); err != nil || v.Unmet != "" {
			notice = v.Unmet
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return notice, err
}

// renderBlock does what goldmark's HTML renderer does for paragraphs and
// text blocks, unless an assumption inside fails.
func (r *inlineRenderer) renderBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	para := n.Kind() == ast.KindParagraph
	if entering {
		notice, err := r.unmet(n)
		if err != nil {
			return ast.WalkStop, err
		}
		if notice != "" {
			if para {
				_, _ = w.WriteString(`<p class="notice">`)
			}
			_, _ = w.Write(util.EscapeHTML([]byte(notice)))
			if para {
				_, _ = w.WriteString("</p>\n")
			}
			r.replaced[n] = true
			return ast.WalkSkipChildren, nil
		}
		if para {
			_, _ = w.WriteString("<p")
			if n.Attributes() != nil {
				html.RenderAttributes(w, n, html.ParagraphAttributeFilter)
			}
			_ = w.WriteByte('>')
		}
		return ast.WalkContinue, nil
	}
	if r.replaced[n] {
		delete(r.replaced, n)
		return ast.WalkContinue, nil
	}
	if para {
		_, _ = w.WriteString("</p>\n")
	} else if n.NextSibling() != nil && n.FirstChild() != nil {
		_ = w.WriteByte('\n')
	}
	return ast.WalkContinue, nil
}
