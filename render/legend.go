package render

import (
	"math"
	"strconv"
)

// Legend strip geometry in viewBox units.
const (
	legendW     = 200
	legendBarH  = 10
	legendH     = 24
	legendStops = 16 // gradient stops every 256/16 palette entries
)

// LegendFile is the path of the legend of a scheme over a range. Ranges
// that print alike share one file.
func LegendFile(scheme Scheme, r [2]float32) string {
	return "l/" + scheme.String() + "/" + Num(float64(r[0])) + "_" + Num(float64(r[1])) + ".svg"
}

// LegendSVG draws a horizontal gradient strip of sc with its two end
// values written under it (and 0 under its position when the range
// straddles zero).
func LegendSVG(sc Scale) ([]byte, error) {
	s := NewSVG(legendW, legendH)
	s.Open("defs")
	// Legends of one scheme share the id and the same stops, so several
	// inlined in one page still resolve to an identical gradient.
	id := "legend-" + sc.Scheme.String()
	s.Open("linearGradient", A("id", id))
	pal := sc.Palette()
	for k := 0; k <= legendStops; k++ {
		i := min(k*Steps/legendStops, Steps-1)
		c := pal[i]
		r, g, b, _ := c.RGBA()
		s.Elem("stop", F("offset", float64(i)/(Steps-1)), A("stop-color", hexRGB(r, g, b)))
	}
	s.Close()
	s.Close()
	s.Elem("rect", F("width", legendW), F("height", legendBarH), A("fill", "url(#"+id+")"))
	s.Open("g", A("font-family", "sans-serif"), A("font-size", "8"), A("fill", "#333"))
	s.Text("text", legendNumber(sc.Lo), F("x", 0), F("y", legendH-2))
	s.Text("text", legendNumber(sc.Hi), F("x", legendW), F("y", legendH-2), A("text-anchor", "end"))
	if sc.Lo < 0 && sc.Hi > 0 {
		x := legendW * float64(-sc.Lo) / float64(sc.Hi-sc.Lo)
		s.Elem("line", F("x1", x), F("x2", x), F("y1", 0), F("y2", legendBarH+2), A("stroke", "#333"), A("stroke-width", "0.5"))
		s.Text("text", "0", F("x", x), F("y", legendH-2), A("text-anchor", "middle"))
	}
	s.Close()
	return s.Bytes()
}

// legendNumber prints an end value with two decimals (none from 100 on),
// enough to read a legend; the exact range is in the manifest.
func legendNumber(v float32) string {
	if math.Abs(float64(v)) >= 100 {
		return strconv.FormatFloat(float64(v), 'f', 0, 32)
	}
	return strconv.FormatFloat(float64(v), 'f', 2, 32)
}

func hexRGB(r, g, b uint32) string {
	return "#" + hex2(r>>8) + hex2(g>>8) + hex2(b>>8)
}

func hex2(v uint32) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>4&15], digits[v&15]})
}

// planLegends plans one legend per distinct scheme and range among the
// planned figures, except per-neuron (unit mode) ranges: there is one per
// neuron and the page prints those ends from the manifest instead.
func planLegends(jobs []job) ([]job, error) {
	lp := newLegendPlan()
	if err := lp.add(jobs); err != nil {
		return nil, err
	}
	return lp.jobs, nil
}

// legendPlan gathers planLegends' legends as jobs are planned, so figures
// planned one sample at a time need not all be kept.
type legendPlan struct {
	seen map[string]bool
	jobs []job
}

func newLegendPlan() *legendPlan { return &legendPlan{seen: map[string]bool{}} }

func (lp *legendPlan) add(jobs []job) error {
	for _, j := range jobs {
		f := j.Figure
		if f.Scale == 0 || f.Mode == Unit || f.Range[0] > f.Range[1] {
			continue
		}
		file := LegendFile(f.Scale, f.Range)
		if lp.seen[file] {
			continue
		}
		lp.seen[file] = true
		sc, err := NewScale(f.Scale, f.Range[0], f.Range[1])
		if err != nil {
			return err
		}
		lp.jobs = append(lp.jobs, job{
			Figure: Figure{File: file, Kind: KindLegend, Neuron: -1, Channel: -1, Range: sc.Range(),
				Scale: f.Scale, Width: legendW, Height: legendH},
			Draw: func() ([]byte, error) { return LegendSVG(sc) },
		})
	}
	return nil
}
