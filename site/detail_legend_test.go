package site

import (
	"os"
	"strings"
	"testing"

	"cnnexplainer/render"
)

// TestLegendGradientsMatchThePalettes: the detail legends take their
// gradients from detail.css, so the theme must hold exactly the colours
// render paints the maps with.
func TestLegendGradientsMatchThePalettes(t *testing.T) {
	css, err := os.ReadFile("../themes/default/static/detail.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range legendSchemes {
		want := ".dl-bar.s-" + s.String() + " { background: " + legendGradient(s) + "; }"
		if !strings.Contains(string(css), want) {
			t.Errorf("detail.css lacks %s", want)
		}
	}
}

func TestLegendFor(t *testing.T) {
	tests := []struct {
		name          string
		fig           render.Figure
		lo, hi, class string
		zero          bool
	}{
		{"activation", render.Figure{Scale: render.RdBu, Range: [2]float32{-1.5, 1.5}}, "-1.50", "1.50", "s-rdbu", true},
		{"input", render.Figure{Scale: render.Greys, Range: [2]float32{0, 1}}, "0.00", "1.00", "s-greys", false},
		{"scheme without css", render.Figure{Scale: render.Red, Range: [2]float32{0, 1}}, "0.00", "1.00", "", false},
		{"no scale", render.Figure{Range: [2]float32{0, 1}}, "", "", "", false},
		{"empty range", render.Figure{Scale: render.RdBu, Range: [2]float32{1, 1}}, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg := legendFor(tt.fig, "x")
			if lg.Lo != tt.lo || lg.Hi != tt.hi || lg.Class != tt.class || lg.HasZero != tt.zero {
				t.Errorf("got lo %q hi %q class %q zero %v", lg.Lo, lg.Hi, lg.Class, lg.HasZero)
			}
			if tt.lo != "" && tt.class == "" && !strings.Contains(string(lg.Style), "linear-gradient") {
				t.Errorf("no inline gradient for a scheme without CSS: %q", lg.Style)
			}
		})
	}
}

func TestNear(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"s/a/conv/1/index.html", "s/a/conv/2/index.html", "../2/index.html"},
		{"s/a/conv/1/index.html", "s/b/conv/1/index.html", "../../../b/conv/1/index.html"},
		{"zh-CN/s/a/conv/1/index.html", "zh-CN/s/a/relu/1/index.html", "../../relu/1/index.html"},
		{"index.html", "s/a/index.html", "s/a/index.html"},
		{"s/a/index.html", "index.html", "../../index.html"},
	}
	for _, tt := range tests {
		if got := near(tt.from, tt.to); got != tt.want {
			t.Errorf("near(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
