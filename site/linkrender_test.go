package site

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// One parse serves every page that shows a chapter, at the same time: each
// render writes its own page's destinations for the .md links, and the
// parsed tree keeps the links as written.
func TestRenderSharedDocLinks(t *testing.T) {
	src := "---\ntitle: \"A\"\n---\n\nSee [the next](02-two.md#top \"T\") and [a site](https://example.org/x) and [here](#h).\n"
	d, err := ParseDoc("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var md *ast.Link
	_ = ast.Walk(d.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering && md == nil {
			md = l
		}
		return ast.WalkContinue, nil
	})
	if md == nil || string(md.Destination) != "02-two.md#top" {
		t.Fatalf("first link = %v, want the .md one", md)
	}
	tests := []struct {
		dest map[*ast.Link]string
		want string
	}{
		{nil, `<a href="02-two.md#top" title="T">the next</a>`},
		{map[*ast.Link]string{md: "../two/index.html#top"}, `<a href="../two/index.html#top" title="T">the next</a>`},
		{map[*ast.Link]string{md: "../../zh-CN/two/index.html"}, `<a href="../../zh-CN/two/index.html" title="T">the next</a>`},
	}
	const rounds = 8
	got := make([]string, len(tests)*rounds)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := d.Render(nil, nil, tests[i%len(tests)].dest)
			if err != nil {
				got[i] = err.Error()
				return
			}
			got[i] = string(out)
		}()
	}
	wg.Wait()
	for i, out := range got {
		tt := tests[i%len(tests)]
		for _, want := range []string{tt.want, `<a href="https://example.org/x">a site</a>`, `<a href="#h">here</a>`} {
			if !strings.Contains(out, want) {
				t.Errorf("render %d (%v) lacks %s:\n%s", i, tt.dest, want, out)
			}
		}
	}
	if string(md.Destination) != "02-two.md#top" {
		t.Errorf("the parsed link now points at %q", md.Destination)
	}
}

// BenchmarkRenderChapter is the cost of one render of a parsed chapter
// (each render builds its own goldmark renderer).
func BenchmarkRenderChapter(b *testing.B) {
	var src strings.Builder
	src.WriteString("---\ntitle: \"A\"\n---\n\n")
	for i := range 40 {
		fmt.Fprintf(&src, "## Part %d\n\nSome *text* with [a link](02-two.md) and a list:\n\n- one\n- two\n\n", i)
	}
	d, err := ParseDoc("x.md", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Render(nil, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
