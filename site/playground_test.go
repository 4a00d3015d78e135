package site

import (
	"strings"
	"testing"

	"cnnexplainer/site/directive"
)

// TestPlaygroundText checks the formula's numbers and which notes on what
// does not fit a setting gets (site.js follows the same rules; e2e's
// TestPlayground checks it over every setting).
func TestPlaygroundText(t *testing.T) {
	texts := map[string]string{
		"formula": "({n}+2*{p}-{k})/{s}={rest}/{s}->{out}", "fits": "fits {out}", "none": "none {k}>{side}",
		"uneven": "uneven {rest}%{s} left {left} after {steps}", "skips": "skips {gap}", "padding_only": "pad {p}>={k}",
	}
	for _, c := range []struct {
		n, p, k, s    int
		formula, fits string
		notes         []string
	}{
		{5, 1, 3, 1, "(5+2*1-3)/1=4/1->5", "fits 5", nil},
		{5, 0, 3, 2, "(5+2*0-3)/2=2/2->2", "fits 2", nil},
		{6, 0, 3, 2, "(6+2*0-3)/2=3/2->2", "", []string{"uneven 3%2 left 1 after 1"}},
		{7, 0, 1, 3, "(7+2*0-1)/3=6/3->3", "", []string{"skips 2"}},
		{3, 2, 2, 1, "(3+2*2-2)/1=5/1->6", "", []string{"pad 2>=2"}},
		{3, 0, 5, 1, "", "", []string{"none 5>3"}},
	} {
		f, fits, notes := playgroundText(texts, directive.Playground{Size: c.n, Padding: c.p, Kernel: c.k, Stride: c.s})
		if f != c.formula || fits != c.fits || strings.Join(notes, "|") != strings.Join(c.notes, "|") {
			t.Errorf("n%d p%d k%d s%d: %q, %q, %q; want %q, %q, %q", c.n, c.p, c.k, c.s, f, fits, notes, c.formula, c.fits, c.notes)
		}
	}
}
