package render

import (
	"fmt"
	"math"
)

// classColours is a ten-colour categorical palette (Tableau 10).
var classColours = [...]string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// ClassColour is the colour of class i in scatters and their legends: the
// palette repeats after ten classes.
func ClassColour(i int) string { return classColours[i%len(classColours)] }

// ScatterPoint is one dot of a scatter: its coordinates, class, whether it
// is marked (drawn larger, with a ring), and what the site puts on it.
type ScatterPoint struct {
	X, Y   float64
	Class  int
	Marked bool
	// Title is the point's accessible name, and the picture it shows on
	// hover and focus is Href or, for a tile of a sprite, the CSS
	// background BG; all come from the site.
	Title, Href, BG string
}

// ScatterSVG draws points in a size by size box, the data range fitted
// with a margin and the same scale on both axes so that distances are true;
// the two axes through the origin are faint lines. Marked points are drawn
// last, so they sit on top. Every point is focusable and carries its
// picture in data-src; no words are drawn.
func ScatterSVG(points []ScatterPoint, size float64) ([]byte, error) {
	if len(points) == 0 || size <= 0 {
		return nil, fmt.Errorf("render: scatter of %d points in %v", len(points), size)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range points {
		lo = min(lo, p.X, p.Y)
		hi = max(hi, p.X, p.Y)
	}
	if hi <= lo {
		hi = lo + 1
	}
	const margin = 8
	k := (size - 2*margin) / (hi - lo)
	// Centre the cloud: the common scale leaves room on one axis.
	loX, hiX, loY, hiY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range points {
		loX, hiX, loY, hiY = min(loX, p.X), max(hiX, p.X), min(loY, p.Y), max(hiY, p.Y)
	}
	offX := (size - (hiX-loX)*k) / 2
	offY := (size - (hiY-loY)*k) / 2
	px := func(x float64) float64 { return offX + (x-loX)*k }
	py := func(y float64) float64 { return size - offY - (y-loY)*k } // y grows upwards
	s := NewSVG(size, size, A("class", "scatter"))
	s.Open("g", A("stroke", "currentColor"), A("stroke-opacity", "0.25"), A("stroke-width", "1"))
	if loX < 0 && hiX > 0 {
		s.Elem("line", F("x1", px(0)), F("x2", px(0)), F("y1", 0), F("y2", size))
	}
	if loY < 0 && hiY > 0 {
		s.Elem("line", F("y1", py(0)), F("y2", py(0)), F("x1", 0), F("x2", size))
	}
	s.Close()
	for _, marked := range []bool{false, true} {
		for _, p := range points {
			if p.Marked != marked {
				continue
			}
			r, extra := 3.0, []Attr{A("class", "pt")}
			if marked {
				r = 6
				extra = []Attr{A("stroke", "currentColor"), A("stroke-width", "2"), A("class", "pt marked")}
			}
			attrs := append([]Attr{F("cx", px(p.X)), F("cy", py(p.Y)), F("r", r),
				A("fill", ClassColour(p.Class)), A("tabindex", "0"), A("role", "img"),
				A("aria-label", p.Title)}, extra...)
			if p.Href != "" {
				attrs = append(attrs, A("data-src", p.Href))
			}
			if p.BG != "" {
				attrs = append(attrs, A("data-bg", p.BG))
			}
			s.Elem("circle", attrs...)
		}
	}
	return s.Bytes()
}
