package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"cnnexplainer/engine/train"
)

// Figure kinds of the training story.
const (
	KindLossCurve      FigureKind = "loss-curve"
	KindAccuracyCurve  FigureKind = "accuracy-curve"
	KindKernelEpoch    FigureKind = "kernel-epoch"
	KindKernelHistory  FigureKind = "kernel-history"
	KindKernelHistoryV FigureKind = "kernel-history-values"
	KindConfusion      FigureKind = "confusion"
)

// Chart geometry in viewBox units: the plot area sits inside the margins,
// which hold the numeric ticks.
const (
	chartW, chartH                     = 480, 300
	chartLeft, chartRight              = 48, 14
	chartTop, chartBottom              = 12, 30
	chartFont                          = "11"
	colTrain, colTest, colAxis, colRef = TrainColour, TestColour, "#444", "#ddd"
)

// The colours of the training and test series, for a page's key.
const (
	TrainColour = "#2166ac"
	TestColour  = "#e08214"
)

// planTraining plans the training figures of a history: loss and accuracy
// curves, the first convolution's kernels at every snapshot epoch (one PNG
// each, a grid of all, and their values) and the final confusion matrix.
// A nil history plans nothing.
func planTraining(h *train.History) ([]job, error) {
	if h == nil {
		return nil, nil
	}
	if len(h.Epochs) == 0 {
		return nil, fmt.Errorf("render: training history of %s has no epochs", h.Model)
	}
	var jobs []job
	for _, c := range []struct {
		file     string
		kind     FigureKind
		accuracy bool
	}{{"t/loss.svg", KindLossCurve, false}, {"t/accuracy.svg", KindAccuracyCurve, true}} {
		ch := newCurves(h, c.accuracy)
		jobs = append(jobs, job{
			Figure: Figure{File: c.file, Kind: c.kind, Neuron: -1, Channel: -1, Range: [2]float32{float32(ch.lo), float32(ch.hi)},
				Width: chartW, Height: chartH, Params: map[string]int{"epochs": len(h.Epochs), "series": len(ch.series)}},
			Draw: ch.SVG,
		})
	}
	ks, err := planKernelHistory(h)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, ks...)
	if len(h.Confusion) > 0 {
		cm, err := newConfusion(h.Confusion)
		if err != nil {
			return nil, fmt.Errorf("render: training history of %s: %w", h.Model, err)
		}
		w, ht := cm.size()
		jobs = append(jobs, job{
			Figure: Figure{File: "t/confusion.svg", Kind: KindConfusion, Neuron: -1, Channel: -1, Range: cm.scale.Range(),
				Scale: cm.scale.Scheme, Width: w, Height: ht, Params: map[string]int{"classes": len(h.Confusion)}},
			Draw: cm.SVG,
		})
	}
	return jobs, nil
}

// curves is a chart of per-epoch series against the epoch number.
type curves struct {
	epochs []int
	series []series
	lo, hi float64 // y axis range
	ticks  []float64
	scale  float64 // tick labels are value*scale (100 for accuracy in percent)
}

type series struct {
	class, colour, dash string
	values              []float64
}

// newCurves builds the loss chart, or the accuracy chart (in percent). The
// test series is left out when the run had no test set (all zeros).
func newCurves(h *train.History, accuracy bool) *curves {
	c := &curves{scale: 1}
	tr := series{class: "cnnx-train", colour: colTrain}
	te := series{class: "cnnx-test", colour: colTest, dash: "5 3"}
	hasTest := false
	for _, e := range h.Epochs {
		c.epochs = append(c.epochs, e.Epoch)
		a, b := e.TrainLoss, e.TestLoss
		if accuracy {
			a, b = e.TrainAccuracy, e.TestAccuracy
		}
		tr.values = append(tr.values, a)
		te.values = append(te.values, b)
		hasTest = hasTest || e.TestLoss != 0 || e.TestAccuracy != 0
	}
	c.series = []series{tr}
	if hasTest {
		c.series = append(c.series, te)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for _, v := range s.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	if accuracy {
		c.scale = 100
		hi = 1
	} else {
		lo = 0 // a loss chart starts at zero so drops read true to size
	}
	c.lo, c.hi, c.ticks = niceAxis(lo, hi, 5)
	return c
}

// niceAxis widens [lo, hi] to multiples of a 1-2-5 step that gives about n
// intervals and returns the ticks.
func niceAxis(lo, hi float64, n int) (float64, float64, []float64) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	lo, hi = math.Floor(lo/step+1e-9)*step, math.Ceil(hi/step-1e-9)*step
	var ticks []float64
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if v > hi+step/2 {
			break
		}
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return lo, hi, ticks
}

// axis is the x axis's first and last epoch. It starts at 0, before
// training, even for a history that records no epoch 0, so a chart's first
// point sits as far from the start as it was measured.
func (c *curves) axis() (int, int) {
	return min(0, c.epochs[0]), c.epochs[len(c.epochs)-1]
}

// x and y map an epoch and a value into the plot area.
func (c *curves) x(epoch int) float64 {
	first, last := c.axis()
	if last == first {
		return chartLeft + (chartW-chartLeft-chartRight)/2
	}
	return chartLeft + float64(epoch-first)/float64(last-first)*(chartW-chartLeft-chartRight)
}

func (c *curves) y(v float64) float64 {
	return chartTop + (c.hi-v)/(c.hi-c.lo)*(chartH-chartTop-chartBottom)
}

// SVG draws the axes with numeric ticks and one polyline with point
// markers per series: train solid with circles, test dashed with squares,
// so the two differ without colour. No words: the page adds them.
func (c *curves) SVG() ([]byte, error) {
	s := NewSVG(chartW, chartH, A("class", "cnnx-chart"))
	s.Open("g", A("font-family", "sans-serif"), A("font-size", chartFont), A("fill", colAxis))
	for _, t := range c.ticks {
		y := c.y(t)
		s.Elem("line", F("x1", chartLeft), F("x2", chartW-chartRight), F("y1", y), F("y2", y), A("stroke", colRef), F("stroke-width", 0.5))
		s.Text("text", Num(t*c.scale), F("x", chartLeft-5), F("y", y+4), A("text-anchor", "end"))
	}
	first, last := c.axis()
	every := max(1, (last-first+10)/10)
	for e := first; e <= last; e++ {
		if (e-first)%every != 0 && e != last {
			continue
		}
		x := c.x(e)
		s.Elem("line", F("x1", x), F("x2", x), F("y1", chartH-chartBottom), F("y2", chartH-chartBottom+4), A("stroke", colAxis))
		s.Text("text", strconv.Itoa(e), F("x", x), F("y", chartH-chartBottom+16), A("text-anchor", "middle"))
	}
	s.Elem("path", A("d", "M"+Num(chartLeft)+" "+Num(chartTop)+"V"+Num(chartH-chartBottom)+"H"+Num(chartW-chartRight)),
		A("fill", "none"), A("stroke", colAxis))
	s.Close()
	for _, sr := range c.series {
		var pts []string
		for i, v := range sr.values {
			pts = append(pts, Num(c.x(c.epochs[i]))+","+Num(c.y(v)))
		}
		s.Open("g", A("class", sr.class), A("stroke", sr.colour), A("fill", sr.colour))
		attrs := []Attr{A("points", strings.Join(pts, " ")), A("fill", "none"), F("stroke-width", 2)}
		if sr.dash != "" {
			attrs = append(attrs, A("stroke-dasharray", sr.dash))
		}
		s.Elem("polyline", attrs...)
		for i, v := range sr.values {
			x, y := c.x(c.epochs[i]), c.y(v)
			if sr.dash == "" {
				s.Elem("circle", F("cx", x), F("cy", y), F("r", 3))
			} else {
				s.Elem("rect", F("x", x-3), F("y", y-3), F("width", 6), F("height", 6))
			}
		}
		s.Close()
	}
	return s.Bytes()
}

// confusion is a confusion matrix heatmap: cell (t, p) coloured by the
// share of class t predicted as p (Oranges over [0, 1]) and labelled with
// the count.
type confusion struct {
	counts [][]int
	scale  Scale
}

const confCell = 40

func newConfusion(counts [][]int) (*confusion, error) {
	for i, row := range counts {
		if len(row) != len(counts) {
			return nil, fmt.Errorf("confusion matrix row %d has %d entries for %d classes", i, len(row), len(counts))
		}
		for _, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("confusion matrix row %d has a negative count", i)
			}
		}
	}
	sc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	return &confusion{counts: counts, scale: sc}, nil
}

// size is the viewBox: the cells plus a band on the left and top for the
// class indices.
func (c *confusion) size() (int, int) {
	n := len(c.counts)
	return confCell + n*confCell, confCell + n*confCell
}

// Share is the fraction of row t's examples in column p (0 for an empty
// row).
func (c *confusion) share(t, p int) float64 {
	n := 0
	for _, v := range c.counts[t] {
		n += v
	}
	if n == 0 {
		return 0
	}
	return float64(c.counts[t][p]) / float64(n)
}

// SVG draws rows as true classes and columns as predicted ones, each
// labelled with its class index; the page names them.
func (c *confusion) SVG() ([]byte, error) {
	w, h := c.size()
	n := len(c.counts)
	s := NewSVG(float64(w), float64(h), A("class", "cnnx-confusion"))
	s.Open("g", A("font-family", "sans-serif"), A("font-size", chartFont), A("text-anchor", "middle"))
	for i := 0; i < n; i++ {
		mid := float64(confCell + i*confCell + confCell/2)
		s.Text("text", strconv.Itoa(i), F("x", mid), F("y", confCell/2+4), A("fill", colAxis))
		s.Text("text", strconv.Itoa(i), F("x", confCell/2), F("y", mid+4), A("fill", colAxis))
	}
	for t, row := range c.counts {
		for p, v := range row {
			x, y := float64(confCell+p*confCell), float64(confCell+t*confCell)
			sh := c.share(t, p)
			col := c.scale.Color(float32(sh))
			s.Elem("rect", F("x", x), F("y", y), F("width", confCell), F("height", confCell), A("fill", hexColor(col)),
				A("stroke", "#fff"), A("data-share", Num(sh)))
			s.Text("text", strconv.Itoa(v), F("x", x+confCell/2), F("y", y+confCell/2+4), A("fill", Ink(col)))
		}
	}
	s.Close()
	return s.Bytes()
}

// Ink is the text colour for a number written on c: black or white,
// whichever contrasts more. One of them always reaches WCAG's 4.5:1 (they
// tie near a luminance of 0.18); #222 would not on a mid orange.
func Ink(c color.NRGBA) string {
	if luminance(c) < 0.179 {
		return "#fff"
	}
	return "#000"
}

// luminance is the relative luminance of an sRGB colour (WCAG), used to
// pick dark or light ink for a cell's number.
func luminance(c color.NRGBA) float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}
