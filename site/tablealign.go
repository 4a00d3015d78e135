package site

import (
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// numericColumns right-aligns the table columns whose body cells all hold
// numbers, so digits line up; every other column stays left-aligned (the
// theme's default), so short words never wrap against the right edge. A
// column the author aligned with ":---" or "---:" keeps that alignment.
type numericColumns struct{}

func (numericColumns) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*east.Table)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		alignNumeric(t, src)
		return ast.WalkSkipChildren, nil
	})
}

func alignNumeric(t *east.Table, src []byte) {
	var body [][]*east.TableCell
	var head []*east.TableCell
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []*east.TableCell
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			if tc, ok := c.(*east.TableCell); ok {
				cells = append(cells, tc)
			}
		}
		if _, ok := r.(*east.TableHeader); ok {
			head = cells
			continue
		}
		body = append(body, cells)
	}
	if len(body) == 0 {
		return
	}
	for col := range len(t.Alignments) {
		if t.Alignments[col] != east.AlignNone || !numericColumn(body, col, src) {
			continue
		}
		if col < len(head) {
			head[col].Alignment = east.AlignRight
		}
		for _, row := range body {
			if col < len(row) {
				row[col].Alignment = east.AlignRight
			}
		}
	}
}

// numericColumn reports whether every non-empty cell of column col is a
// number or a small calculation with numbers ("1·9·10+10 = 100",
// "28 × 28 × 1", "−0.1, 0, 1.0", "12,288").
func numericColumn(rows [][]*east.TableCell, col int, src []byte) bool {
	seen := false
	for _, row := range rows {
		if col >= len(row) {
			continue
		}
		s := strings.TrimSpace(plainText(row[col], src))
		if s == "" {
			continue
		}
		if !isNumeric(s) {
			return false
		}
		seen = true
	}
	return seen
}

func isNumeric(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r) || strings.ContainsRune(".,+-−×·/=%()", r):
		default:
			return false
		}
	}
	return digit
}
