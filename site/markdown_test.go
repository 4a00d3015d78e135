package site

import (
	"strings"
	"testing"
)

func TestHeadingIDs(t *testing.T) {
	ids := newHeadingIDs()
	tests := []struct{ in, want string }{
		{"Convolution", "convolution"},
		{"卷积层 (Convolution)", "卷积层-convolution"},
		{"卷积层 (Convolution)", "卷积层-convolution-1"},
		{"What is a CNN?", "what-is-a-cnn"},
		{"ReLU: max(0, x)", "relu-max-0-x"},
		{"“引号”与，标点。", "引号-与-标点"},
		{"!!!", "section"},
		{"Éléments de réseau", "éléments-de-réseau"},
	}
	for _, tt := range tests {
		if got := string(ids.Generate([]byte(tt.in), 0)); got != tt.want {
			t.Errorf("Generate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDoc(t *testing.T) {
	tests := []struct {
		name, src string
		wantErr   string
		check     func(*Doc) bool
	}{
		{"yaml", "---\ntitle: \"A\"\nweight: 3\nslug: \"a-b\"\ndescription: \"d\"\ndraft: true\n---\n\n## 第一节\n\n### Sub\n", "", func(d *Doc) bool {
			return d.FM == FrontMatter{Title: "A", Weight: 3, Slug: "a-b", Description: "d", Draft: true} &&
				len(d.TOC) == 2 && d.TOC[0].ID == "第一节" && d.TOC[1].Level == 3
		}},
		{"toml", "+++\ntitle = \"T\"\nweight = 2\n+++\n\nText.\n", "", func(d *Doc) bool { return d.FM.Title == "T" && d.FM.Weight == 2 }},
		{"chinese slug", "---\ntitle: \"卷积\"\nslug: \"卷积\"\n---\n", "", func(d *Doc) bool { return d.FM.Slug == "卷积" }},
		{"no front matter", "# Title\n", "x.md:1: front matter with a title is missing", nil},
		{"not closed", "---\ntitle: \"A\"\n\nText.\n", "x.md:1: front matter is not closed", nil},
		{"no title", "---\nweight: 1\n---\n", "x.md:1: front matter: title is missing", nil},
		{"bad weight", "---\ntitle: \"A\"\nweight: \"heavy\"\n---\n", "x.md:3: front matter: weight must be a whole number", nil},
		{"bad draft", "---\ntitle: \"A\"\ndraft: 1\n---\n", "x.md:3: front matter: draft must be true or false", nil},
		{"bad slug", "---\ntitle: \"A\"\nslug: \"a/b\"\n---\n", "x.md:3: front matter: slug", nil},
		{"unknown key", "---\ntitle: \"A\"\ntags: [x]\n---\n", `x.md:3: front matter: unknown key "tags"`, nil},
		// Syntax errors point at the line that holds them (yaml.v3 counts
		// parser lines from 0 and scanner lines from 1).
		{"yaml unclosed list", "---\ntitle: \"A\"\nweight: [1\n---\n", "x.md:3: front matter: yaml:", nil},
		{"yaml unclosed list later", "---\ntitle: \"A\"\ndraft: false\nweight: [1\ndescription: d\n---\n", "x.md:4: front matter: yaml:", nil},
		{"yaml bad indent", "---\ntitle: x\n  bad: indent\nweight: 2\n---\n", "x.md:3: front matter: yaml:", nil},
		{"yaml colon in value", "---\ntitle: x\nweight: 2\nslug: a: b\n---\n", "x.md:4: front matter: yaml:", nil},
		{"yaml tab", "---\ntitle: x\nweight: 2\n\tslug: tab\n---\n", "x.md:4: front matter: yaml:", nil},
		{"yaml key without value", "---\ntitle: x\n- item\n---\n", "x.md:3: front matter: yaml:", nil},
		{"toml syntax", "+++\ntitle = \"T\"\nweight = = 2\n+++\n", "x.md:3: front matter:", nil},
		{"bad directive", "---\ntitle: \"A\"\n---\n\n{{< conv layer=x >}}\n", "x.md:5: figure conv: missing argument channel", nil},
		{"bad math", "---\ntitle: \"A\"\n---\n\n$$\\begin{x}$$\n", `x.md:5: math: column 1: unsupported command \begin`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDoc("x.md", []byte(tt.src))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(d) {
				t.Errorf("doc = %+v, toc %+v", d.FM, d.TOC)
			}
		})
	}
}

// TestTOCText checks that headings reach the table of contents as plain
// text: the template escapes it once, so entities must already be resolved.
func TestTOCText(t *testing.T) {
	tests := []struct{ heading, want string }{
		{"The model's guess", "The model’s guess"},
		{"\"Quoted\" -- and dashed", "“Quoted” – and dashed"},
		{"R&amp;D &lt;b&gt;", "R&D <b>"},
		{"Plain `code` too", "Plain code too"},
	}
	for _, tt := range tests {
		d, err := ParseDoc("x.md", []byte("---\ntitle: \"A\"\n---\n\n## "+tt.heading+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.TOC) != 1 || d.TOC[0].Text != tt.want {
			t.Errorf("TOC of %q = %+v, want text %q", tt.heading, d.TOC, tt.want)
		}
	}
}

func TestRawHTMLIsOff(t *testing.T) {
	d, err := ParseDoc("x.md", []byte("---\ntitle: \"A\"\n---\n\n<script>alert(1)</script>\n\nText <b>bold</b>.\n"))
	if err != nil {
		t.Fatal(err)
	}
	html, err := d.Render(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "<script>") || strings.Contains(string(html), "<b>") {
		t.Errorf("raw HTML passed through:\n%s", html)
	}
}

// FuzzParseDoc checks that any chapter file gives a document or an error
// that names the file, never a panic.
func FuzzParseDoc(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: \"A\"\n---\n\n## H\n\n{{< softmax >}}\n\n$x_i$\n",
		"+++\ntitle = \"T\"\n+++\n",
		"---\ntitle: [\n---\n",
		"# no front matter\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := ParseDoc("f.md", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.md:") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if d.FM.Title == "" {
			t.Fatal("a document without a title was accepted")
		}
	})
}

// TestTableAlignment checks that number columns are right-aligned, text
// columns are left to the theme, and an author's alignment wins.
func TestTableAlignment(t *testing.T) {
	src := "---\ntitle: \"A\"\n---\n\n" +
		"| layer | output | parameters | note | set |\n" +
		"| --- | --- | --- | --- | :-- |\n" +
		"| conv | 28 × 28 × 10 | 1·9·10+10 = 100 | ten kernels | 5 |\n" +
		"| relu | 28 × 28 × 10 | 0 | 910 each | 6 |\n"
	d, err := ParseDoc("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Render(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(string(out), "\n", "")
	for _, want := range []string{
		`<th>layer</th><th style="text-align:right">output</th><th style="text-align:right">parameters</th><th>note</th><th style="text-align:left">set</th>`,
		`<td>conv</td><td style="text-align:right">28 × 28 × 10</td><td style="text-align:right">1·9·10+10 = 100</td><td>ten kernels</td><td style="text-align:left">5</td>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table HTML lacks\n%s\ngot\n%s", want, got)
		}
	}
}
