package mathml

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	tests := []struct{ tex, want string }{
		{`x`, `<math><mi>x</mi></math>`},
		{`12.5`, `<math><mn>12.5</mn></math>`},
		{`a-b`, `<math><mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow></math>`},
		{`x_i^2`, `<math><msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup></math>`},
		{`x_{i,j}`, `<math><msub><mi>x</mi><mrow><mi>i</mi><mo>,</mo><mi>j</mi></mrow></msub></math>`},
		{`\frac{a}{b}`, `<math><mfrac><mi>a</mi><mi>b</mi></mfrac></math>`},
		{`\sqrt{x}`, `<math><msqrt><mi>x</mi></msqrt></math>`},
		{`\sum_{j=1}^{n} z_j`, `<math><mrow><munderover><mo>∑</mo><mrow><mi>j</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>z</mi><mi>j</mi></msub></mrow></math>`},
		{`\max(0, x)`, `<math><mrow><mo>max</mo><mo>(</mo><mn>0</mn><mo>,</mo><mi>x</mi><mo>)</mo></mrow></math>`},
		{`\exp(x)`, "<math><mrow><mi mathvariant=\"normal\">exp</mi><mo>\u2061</mo><mo>(</mo><mi>x</mi><mo>)</mo></mrow></math>"},
		{`a \cdot b \times c`, `<math><mrow><mi>a</mi><mo>⋅</mo><mi>b</mi><mo>×</mo><mi>c</mi></mrow></math>`},
		{`\left( x \right)`, `<math><mrow><mo fence="true">(</mo><mi>x</mi><mo fence="true">)</mo></mrow></math>`},
		{`\lfloor x \rfloor`, `<math><mrow><mo>⌊</mo><mi>x</mi><mo>⌋</mo></mrow></math>`},
		{`\left\lceil x \right\rceil`, `<math><mrow><mo fence="true">⌈</mo><mi>x</mi><mo fence="true">⌉</mo></mrow></math>`},
		{`\sigma \Sigma`, `<math><mrow><mi>σ</mi><mi mathvariant="normal">Σ</mi></mrow></math>`},
		{`\text{out} < 1`, `<math><mrow><mtext>out</mtext><mo>&lt;</mo><mn>1</mn></mrow></math>`},
		{`a \le b \ge c \ne d`, `<math><mrow><mi>a</mi><mo>≤</mo><mi>b</mi><mo>≥</mo><mi>c</mi><mo>≠</mo><mi>d</mi></mrow></math>`},
		{`\mathbf{W}`, `<math><mstyle mathvariant="bold"><mi>W</mi></mstyle></math>`},
		{`\text{类别}`, `<math><mtext>类别</mtext></math>`},
	}
	for _, tt := range tests {
		t.Run(tt.tex, func(t *testing.T) {
			got, err := Convert(tt.tex, false)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Convert(%q)\n got %s\nwant %s", tt.tex, got, tt.want)
			}
		})
	}
	got, err := Convert("x", true)
	if err != nil || got != `<math display="block"><mi>x</mi></math>` {
		t.Errorf("display: %s %v", got, err)
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		tex    string
		col    int
		substr string
	}{
		{`\int x`, 1, `unsupported command \int`},
		{`a + \begin{matrix}`, 5, `unsupported command \begin`},
		{`\frac{a}`, 9, "missing argument"},
		{`{x`, 3, `missing "}"`},
		{`x}`, 2, "unmatched }"},
		{`x_1_2`, 1, "double subscript"},
		{`^2`, 1, "nothing before it"},
		{`\left( x`, 1, `\left without \right`},
		{`x \right)`, 3, `\right without \left`},
		{`a & b`, 3, "unsupported character"},
		{`\`, 2, "lone backslash"},
	}
	for _, tt := range tests {
		t.Run(tt.tex, func(t *testing.T) {
			_, err := Convert(tt.tex, false)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Convert(%q) error = %v, want *Error", tt.tex, err)
			}
			if e.Offset+1 != tt.col || !strings.Contains(e.Msg, tt.substr) {
				t.Errorf("Convert(%q) = %v, want column %d %q", tt.tex, err, tt.col, tt.substr)
			}
		})
	}
}

// FuzzConvert checks that conversion never panics and that whatever it
// accepts is well-formed XML.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{`x_i^2`, `\frac{e^{z_i}}{\sum_{j=1}^{n} e^{z_j}}`, `\left( \lfloor x \rfloor \right)`, `\text{a<b}`, `{{{`, `\sqrt`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Convert(s, true)
		if err != nil {
			return
		}
		d := xml.NewDecoder(strings.NewReader(out))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Convert(%q) gave bad XML %s: %v", s, out, err)
			}
		}
	})
}
