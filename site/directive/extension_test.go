package directive

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

func convert(t *testing.T, src string) (string, []*Figure, error) {
	t.Helper()
	ext := &Extension{Spec: testSpec(), Resolve: func(d Directive) ([]byte, error) {
		return []byte(fmt.Sprintf("<figure data-name=%q></figure>\n", d.Name)), nil
	}}
	md := goldmark.New(goldmark.WithExtensions(ext))
	doc := md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(parser.NewContext()))
	bad := Errors(doc)
	var buf bytes.Buffer
	err := md.Renderer().Render(&buf, []byte(src), doc)
	return buf.String(), bad, err
}

func TestExtensionPlacesFigures(t *testing.T) {
	out, bad, err := convert(t, "Intro.\n\n{{< plain >}}\n\nText with {{< plain >}} inside stays text.\n")
	if err != nil || len(bad) != 0 {
		t.Fatalf("err %v, bad %v", err, bad)
	}
	if !strings.Contains(out, `<figure data-name="plain"></figure>`) {
		t.Errorf("figure not placed:\n%s", out)
	}
	if !strings.Contains(out, "<p>Text with {{&lt; plain &gt;}} inside stays text.</p>") {
		t.Errorf("inline directive text changed:\n%s", out)
	}
}

func TestExtensionReportsLine(t *testing.T) {
	_, bad, err := convert(t, "# Title\n\nSome text.\n\n{{< spiral >}}\n")
	if len(bad) != 1 || bad[0].Directive.Line != 5 {
		t.Fatalf("bad = %v, want one error on line 5", bad)
	}
	if err == nil || !strings.Contains(err.Error(), "line 5") {
		t.Fatalf("render error = %v, want line 5", err)
	}
}

func TestExtensionRejectsMultiLine(t *testing.T) {
	_, bad, _ := convert(t, "{{< box layer=a\nn=1 >}}\n")
	if len(bad) != 1 || !strings.Contains(bad[0].Err.Error(), "one line") {
		t.Fatalf("bad = %v", bad)
	}
}
