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
		f, fits, notes := playgroundText(texts, Playground{Size: c.n, Padding: c.p, Kernel: c.k, Stride: c.s})
		if f != c.formula || fits != c.fits || strings.Join(notes, "|") != strings.Join(c.notes, "|") {
			t.Errorf("n%d p%d k%d s%d: %q, %q, %q; want %q, %q, %q", c.n, c.p, c.k, c.s, f, fits, notes, c.formula, c.fits, c.notes)
		}
	}
}

func TestPlaygroundSetting(t *testing.T) {
	spec := figureSpec(figureRows())
	tests := []struct {
		in      string
		want    Playground
		wantErr string
	}{
		{in: `{{< playground >}}`, want: Playground{Size: 5, Padding: 1, Kernel: 3, Stride: 1}},
		{in: `{{< playground stride=2 >}}`, want: Playground{Size: 5, Padding: 1, Kernel: 3, Stride: 2}},
		{in: `{{< playground size=7 padding=2 kernel=5 stride=2 >}}`, want: Playground{Size: 7, Padding: 2, Kernel: 5, Stride: 2}},
		{in: `{{< playground size=5 padding=0 kernel=3 stride=3 >}}`, wantErr: "figure playground: stride 3 does not fit"},
		{in: `{{< playground size=2 padding=0 kernel=3 >}}`, wantErr: "larger than the padded input"},
		{in: `{{< playground padding=3 kernel=3 >}}`, wantErr: "padding 3 must be smaller"},
		{in: `{{< playground size=10 >}}`, wantErr: "outside 1..9"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := directive.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			err = spec.Check(d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := playgroundOf(d); got != tt.want {
				t.Errorf("playgroundOf = %+v, want %+v", got, tt.want)
			}
		})
	}
	if out := (Playground{Size: 5, Padding: 1, Kernel: 3, Stride: 2}).Out(); out != 3 {
		t.Errorf("Out = %d, want 3", out)
	}
}
