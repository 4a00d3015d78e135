package site

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cnnexplainer/site/directive"
	"cnnexplainer/site/mathml"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/frontmatter"
)

// FrontMatter is the head of a chapter.
type FrontMatter struct {
	Title       string
	Weight      int
	Slug        string
	Description string
	Draft       bool
}

// TOCEntry is one heading of a chapter's table of contents.
type TOCEntry struct {
	Level int
	ID    string
	Text  string
}

// Doc is one parsed Markdown file, ready to render. Rendering changes
// nothing in it, so pages may render one Doc at the same time.
type Doc struct {
	File string
	FM   FrontMatter
	TOC  []TOCEntry
	src  []byte
	doc  ast.Node
	fig  *directive.Extension // the parse's: specs only, never resolvers
}

// newMarkdown builds the goldmark pipeline. Raw HTML stays off (the
// default, no html.WithUnsafe): chapters are Markdown only.
func newMarkdown(fig *directive.Extension) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.Table,
			extension.Strikethrough,
			extension.Footnote,
			extension.Typographer,
			&frontmatter.Extender{},
			mathml.Extension{},
			fig,
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(numericColumns{}, 500))),
	)
}

// ParseDoc reads front matter and Markdown. It reports malformed front
// matter, bad directives and bad formulas as file:line errors. The
// directives are resolved later, by Render, for each language and sample.
func ParseDoc(file string, src []byte) (*Doc, error) {
	d := &Doc{File: file, src: src, fig: &directive.Extension{Spec: figureSpec(figureRows()), InlineSpec: inlineSpec()}}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	d.doc = newMarkdown(d.fig).Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if err := d.readFrontMatter(pc); err != nil {
		return nil, err
	}
	if bad := directive.Errors(d.doc); len(bad) > 0 {
		return nil, fmt.Errorf("%s:%d: %w", file, bad[0].Directive.Line, bad[0].Err)
	}
	if bad := directive.InlineErrors(d.doc); len(bad) > 0 {
		return nil, fmt.Errorf("%s:%d: %w", file, bad[0].Directive.Line, bad[0].Err)
	}
	if bad := mathml.Errors(d.doc); len(bad) > 0 {
		return nil, fmt.Errorf("%s:%d: %w", file, bad[0].Line, bad[0].Err)
	}
	d.TOC = tableOfContents(d.doc, src)
	return d, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlParserProblems are the problems yaml.v3 reports from its parser, not
// its scanner. It numbers those lines from 0 and scanner lines from 1, so
// a parser error read as 1-based pointed one line early.
var yamlParserProblems = []string{"did not find expected <", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected key", "did not find expected ','",
	"found undefined tag handle", "found duplicate %", "found incompatible YAML document"}

// frontMatterErrLine is the file line a front matter decoding error points
// at (the opening delimiter is line 1).
func frontMatterErrLine(src []byte, err error) int {
	msg := err.Error()
	m := yamlLine.FindStringSubmatch(msg)
	yaml := bytes.HasPrefix(src, []byte("---"))
	if yaml && strings.Contains(msg, "tab character") {
		// yaml.v3 names the line where the scalar before the tab began;
		// the reader needs the line that holds the tab.
		for i, l := range bytes.Split(src, []byte("\n"))[1:] {
			if bytes.HasPrefix(l, []byte("\t")) {
				return i + 2
			}
		}
	}
	if m == nil {
		return 1
	}
	n, _ := strconv.Atoi(m[1])
	if yaml {
		for _, p := range yamlParserProblems {
			if strings.Contains(msg, p) {
				return n + 2
			}
		}
	}
	return n + 1
}

func (d *Doc) readFrontMatter(pc parser.Context) error {
	data := frontmatter.Get(pc)
	if data == nil {
		if bytes.HasPrefix(d.src, []byte("---")) || bytes.HasPrefix(d.src, []byte("+++")) {
			return fmt.Errorf("%s:1: front matter is not closed", d.File)
		}
		return fmt.Errorf("%s:1: front matter with a title is missing", d.File)
	}
	if !closedFrontMatter(d.src) {
		return fmt.Errorf("%s:1: front matter is not closed (no second --- or +++ line)", d.File)
	}
	var raw map[string]any
	if err := data.Decode(&raw); err != nil {
		return fmt.Errorf("%s:%d: front matter: %w", d.File, frontMatterErrLine(d.src, err), err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		line := d.keyLine(k)
		bad := func(want string) error {
			return fmt.Errorf("%s:%d: front matter: %s must be %s, got %v", d.File, line, k, want, v)
		}
		switch k {
		case "title", "slug", "description":
			s, ok := v.(string)
			if !ok {
				return bad("text")
			}
			switch k {
			case "title":
				d.FM.Title = s
			case "slug":
				if s != "" && !validSlug(s) {
					return fmt.Errorf("%s:%d: front matter: slug %q may hold only letters, digits and '-'", d.File, line, s)
				}
				d.FM.Slug = s
			case "description":
				d.FM.Description = s
			}
		case "weight":
			switch n := v.(type) {
			case int:
				d.FM.Weight = n
			case int64:
				d.FM.Weight = int(n)
			default:
				return bad("a whole number")
			}
		case "draft":
			b, ok := v.(bool)
			if !ok {
				return bad("true or false")
			}
			d.FM.Draft = b
		default:
			return fmt.Errorf("%s:%d: front matter: unknown key %q (known: title, weight, slug, description, draft)", d.File, line, k)
		}
	}
	if d.FM.Title == "" {
		return fmt.Errorf("%s:1: front matter: title is missing", d.File)
	}
	return nil
}

// closedFrontMatter reports whether the opening delimiter line has a
// matching closing line.
func closedFrontMatter(src []byte) bool {
	lines := bytes.Split(src, []byte("\n"))
	open := bytes.TrimRight(lines[0], " \t\r")
	for _, l := range lines[1:] {
		if bytes.Equal(bytes.TrimRight(l, " \t\r"), open) {
			return true
		}
	}
	return false
}

// keyLine finds the line of a front matter key, for error messages.
func (d *Doc) keyLine(key string) int {
	for i, line := range bytes.Split(d.src, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte(key+":")) || bytes.HasPrefix(t, []byte(key+" =")) || bytes.HasPrefix(t, []byte(key+"=")) {
			return i + 1
		}
		if i > 0 && (bytes.Equal(t, []byte("---")) || bytes.Equal(t, []byte("+++"))) {
			break
		}
	}
	return 1
}

// validSlug accepts letters of any script, digits and '-', so a Chinese
// slug is fine.
func validSlug(s string) bool {
	for _, r := range s {
		if !(isWordRune(r) || r == '-') {
			return false
		}
	}
	return s != ""
}

// Render converts the document with resolve placing its figures, inline
// resolving its facts (nil when the document has none) and links giving
// the destinations some links have on this page (nil: as written). Each
// call has its own renderer: the directive renderers keep state while
// they run.
func (d *Doc) Render(resolve directive.Resolver, inline directive.InlineResolver, links map[*ast.Link]string) ([]byte, error) {
	md := newMarkdown(&directive.Extension{Spec: d.fig.Spec, InlineSpec: d.fig.InlineSpec, Resolve: resolve, Inline: inline})
	if len(links) > 0 {
		md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(newLinkRenderer(links), linkPriority)))
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, d.src, d.doc); err != nil {
		return nil, fmt.Errorf("%s:%w", d.File, lineError(err))
	}
	return buf.Bytes(), nil
}

var lineErr = regexp.MustCompile(`^line (\d+): `)

// lineError turns "line N: msg" from the extensions into "N: msg" so the
// caller's "file:" prefix gives file:N: msg.
func lineError(err error) error {
	if m := lineErr.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s: %s", m[1], err.Error()[len(m[0]):])
	}
	return fmt.Errorf(" %w", err)
}

func tableOfContents(doc ast.Node, src []byte) []TOCEntry {
	var toc []TOCEntry
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		if h.Level >= 2 && h.Level <= 3 {
			id, _ := h.AttributeString("id")
			idb, _ := id.([]byte)
			toc = append(toc, TOCEntry{Level: h.Level, ID: string(idb), Text: plainText(h, src)})
		}
		return ast.WalkSkipChildren, nil
	})
	return toc
}

func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			// Entity references in the source ("&amp;") are text too; the
			// template escapes the result once, so resolve them here.
			b.WriteString(html.UnescapeString(string(t.Segment.Value(src))))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			// The typographer stores its quotes and dashes as entities
			// ("&rsquo;"); left as they are, html/template would escape
			// them a second time and the TOC would show "&rsquo;".
			b.WriteString(html.UnescapeString(string(t.Value)))
		case *mathml.Math:
			b.WriteString(t.TeX)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
