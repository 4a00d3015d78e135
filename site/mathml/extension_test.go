package mathml

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

func render(t *testing.T, src string) (string, []*Math, error) {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(Extension{}))
	doc := md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(parser.NewContext()))
	var buf bytes.Buffer
	err := md.Renderer().Render(&buf, []byte(src), doc)
	return buf.String(), Errors(doc), err
}

func TestExtension(t *testing.T) {
	tests := []struct{ src, want string }{
		{"The sum $a+b$ here.", `<p>The sum <math><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow></math> here.</p>`},
		{"It costs $5 and $6 today.", `<p>It costs $5 and $6 today.</p>`},
		{"$$\n\\frac{1}{2}\n$$", `<div class="math" tabindex="0"><math display="block"><mfrac><mn>1</mn><mn>2</mn></mfrac></math></div>`},
		{"$$x_i$$", `<div class="math" tabindex="0"><math display="block"><msub><mi>x</mi><mi>i</mi></msub></math></div>`},
		{"a $ b $ c", `<p>a $ b $ c</p>`},
	}
	for _, tt := range tests {
		got, bad, err := render(t, tt.src)
		if err != nil || len(bad) > 0 {
			t.Fatalf("%q: %v %v", tt.src, err, bad)
		}
		if strings.TrimSpace(got) != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestExtensionErrorLine(t *testing.T) {
	_, bad, err := render(t, "# T\n\nfine $x$\n\nbad $\\int x$ here\n")
	if len(bad) != 1 || bad[0].Line != 5 {
		t.Fatalf("bad = %+v", bad)
	}
	if err == nil || !strings.Contains(err.Error(), "line 5") || !strings.Contains(err.Error(), `\int`) {
		t.Fatalf("err = %v", err)
	}
}
