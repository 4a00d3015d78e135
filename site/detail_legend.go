package site

import (
	"html/template"
	"slices"
	"strings"

	"cnnexplainer/render"
)

// Legend is a colour bar with the values at its ends, drawn in HTML so that
// its words come from the strings file and its numbers stay selectable.
type Legend struct {
	Label        string
	Lo, Zero, Hi string
	Class        string       // s-<scheme> when detail.css has the gradient
	Style        template.CSS // otherwise the gradient; and where 0 sits
	HasZero      bool
}

// legendSchemes have their gradient in detail.css (checked by a test), so
// thousands of pages do not each repeat it: a scheme's colours do not
// depend on the range, only the numbers at the ends do.
var legendSchemes = []render.Scheme{render.RdBu, render.BrBG, render.Greys, render.Oranges}

// legendGradient is the CSS gradient of a scheme, sampled at legendStops
// colours from its palette.
func legendGradient(scheme render.Scheme) string {
	sc, err := render.NewScale(scheme, 0, 1)
	if err != nil {
		return "none"
	}
	stops := make([]string, legendStops)
	for i := range stops {
		stops[i] = sc.Hex(float32(i) / float32(legendStops-1))
	}
	return "linear-gradient(to right," + strings.Join(stops, ",") + ")"
}

// legendFor builds the legend of a figure's scale and range. It returns a
// zero Legend for a figure without a known scale.
func legendFor(f render.Figure, label string) Legend {
	if f.Scale == 0 {
		return Legend{}
	}
	lo, hi := f.Range[0], f.Range[1]
	if _, err := render.NewScale(f.Scale, lo, hi); err != nil || hi <= lo {
		return Legend{}
	}
	lg := Legend{Label: label, Lo: num(lo, 2), Hi: num(hi, 2)}
	var style string
	if slices.Contains(legendSchemes, f.Scale) {
		lg.Class = "s-" + f.Scale.String()
	} else {
		style = "background:" + legendGradient(f.Scale) + ";"
	}
	if lo < 0 && hi > 0 {
		lg.HasZero, lg.Zero = true, "0"
		style += "--zero:" + render.Num(float64(-lo/(hi-lo))*100) + "%"
	}
	lg.Style = template.CSS(style)
	return lg
}

// unitLegend is the legend of maps that each have their own range: the
// colours of one figure, with the ends written as −r and +r, since every
// map's r is different (each caption gives its own).
func unitLegend(f render.Figure, label string) Legend {
	lg := legendFor(f, label)
	if f.Range[0] < 0 {
		lg.Lo, lg.Hi = "−r", "+r"
	} else {
		lg.Lo, lg.Hi = "0", "r"
	}
	return lg
}
