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

// convertInline renders src with facts that know "answer" = 42 only.
func convertInline(src string) (string, []*Inline, error) {
	ext := &Extension{Spec: testSpec(), InlineSpec: testInlines(), Inline: func(d Directive) (InlineValue, error) {
		if d.Str("name", "") != "answer" {
			return InlineValue{}, fmt.Errorf("unknown fact %q", d.Str("name", ""))
		}
		if want, ok := d.Args["expect"]; ok && want != "42" {
			return InlineValue{Unmet: "written for " + want}, nil
		}
		if d.Name == "assume" {
			return InlineValue{}, nil
		}
		return InlineValue{Text: "42 <b>"}, nil
	}}
	md := goldmark.New(goldmark.WithExtensions(ext))
	doc := md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(parser.NewContext()))
	var buf bytes.Buffer
	err := md.Renderer().Render(&buf, []byte(src), doc)
	return buf.String(), InlineErrors(doc), err
}

func TestInlineDirectives(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"fact in a sentence", `The answer is {{< fact name="answer" >}}.`, "<p>The answer is 42 &lt;b&gt;.</p>\n"},
		{"paragraph starting with a fact is prose", `{{< fact name="answer" >}} is the answer.`, "<p>42 &lt;b&gt; is the answer.</p>\n"},
		{"paragraph ending with a fact is prose", `The answer: {{< fact name="answer" >}}`, "<p>The answer: 42 &lt;b&gt;</p>\n"},
		{"expect met", `It is {{< fact name="answer" expect="42" >}}.`, "<p>It is 42 &lt;b&gt;.</p>\n"},
		{"assume prints nothing", `Deep thought{{< assume name="answer" expect="42" >}}.`, "<p>Deep thought.</p>\n"},
		{"unmet replaces the paragraph", "First.\n\nIt is {{< fact name=\"answer\" expect=\"41\" >}} today.\n\nLast.", "<p>First.</p>\n<p class=\"notice\">written for 41</p>\n<p>Last.</p>\n"},
		{"unmet replaces only its list item", "- one\n- two{{< assume name=\"answer\" expect=\"7\" >}}\n- three\n", "<ul>\n<li>one</li>\n<li>written for 7</li>\n<li>three</li>\n</ul>\n"},
		{"figure directive inside a sentence stays text", "A {{< plain >}} here.", "<p>A {{&lt; plain &gt;}} here.</p>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, bad, err := convertInline(tc.src)
			if err != nil || len(bad) > 0 {
				t.Fatalf("err %v, bad %v", err, bad)
			}
			if out != tc.want {
				t.Errorf("got\n%q\nwant\n%q", out, tc.want)
			}
		})
	}
}

func TestInlineDirectiveErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"assume needs expect", "Text {{< assume name=\"answer\" >}}.", "missing argument expect"},
		{"unknown argument", "Text {{< fact name=\"answer\" colour=red >}}.", "unknown argument"},
		{"unclosed", "Text {{< fact name=\"answer\" and more", "must end with"},
		{"path in a value", "Text {{< fact name=\"answer\" expect=\"../x\" >}}.", "path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, bad, err := convertInline("# Title\n\n" + tc.src + "\n")
			if len(bad) != 1 || !strings.Contains(bad[0].Err.Error(), tc.want) || bad[0].Directive.Line != 3 {
				t.Fatalf("bad = %v, want one error containing %q on line 3", bad, tc.want)
			}
			if err == nil || !strings.Contains(err.Error(), "line 3") {
				t.Errorf("render error = %v, want one naming line 3", err)
			}
		})
	}
	if _, _, err := convertInline(`It is {{< fact name="question" >}}.`); err == nil || !strings.Contains(err.Error(), `unknown fact "question"`) {
		t.Errorf("unknown fact: err = %v", err)
	}
}

// FuzzInline: any paragraph text renders or reports an error, never
// panics, and a reported error names a line.
func FuzzInline(f *testing.F) {
	for _, s := range []string{
		`It is {{< fact name="answer" >}}.`, `{{< fact name="answer" expect="41" >}} x`, `- a{{< assume name="answer" expect="42" >}}`,
		`{{< fact`, `{{< fact name="answer" >}}{{< plain >}}`, "{{< fact name=\"answer\"\n>}}", `| {{< fact name="answer" >}} |` + "\n| --- |",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, bad, err := convertInline(s)
		for _, b := range bad {
			if b.Directive.Line < 1 {
				t.Fatalf("%q: error without a line: %v", s, b.Err)
			}
		}
		if len(bad) > 0 && err == nil {
			t.Fatalf("%q: a bad directive rendered without an error", s)
		}
	})
}
