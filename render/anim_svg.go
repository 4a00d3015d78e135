package render

import (
	"strconv"
)

// Geometry of an animation SVG in viewBox units.
const (
	animCell   = 10 // one grid cell
	animMargin = 2  // room for the window outline at the grid's edge
	animGap    = 20 // between the input and the output grid
)

// Colours of the parts of an animation that are not values.
const (
	colEmpty    = "#f0f0f0" // an output cell not yet computed
	colPlainIn  = "#dde6ee" // a playground input cell
	colPlainOut = "#6f9fc6" // a computed playground output cell
	colPad      = "#d4d4d4" // under the padding hatch
	colHatch    = "#8c8c8c" // padding hatch lines
	colLeftLine = "#b2182b" // leftover hatch lines
	colWindow   = "#111"    // window and current-cell outline
	colHalo     = "#fff"    // around the outlines
	colGrid     = "#fff"    // grid lines
)

// animCSS is the same in every animation, so when several SVGs are inlined
// into one page their rules agree. Keyframe and class names spell out
// every number their rule holds, so equal names always mean equal rules.
// Pixelated rendering is set on the root and inherited: a rule naming
// <image> does not reach the copies of a strip that <use> shows.
const animCSS = ".cnnx-anim{image-rendering:pixelated}" +
	"@media (prefers-reduced-motion:reduce){.cnnx-anim g{animation-play-state:paused!important;" +
	"animation-delay:var(--cnnx-end)!important}}"

// animSelectCSS shows one member of a bundle: the one the URL's fragment
// names, or the first. The first stays drawn under a named one; every
// member's maps are opaque and cover the same cells, so it never shows
// through, and no selector newer than :target is needed.
const animSelectCSS = ".cnnx-sel>g{display:none}.cnnx-sel>g:first-child,.cnnx-sel>g:target{display:inline}"

// SVG draws the animation as a self-contained animated SVG: CSS keyframes
// with steps(), the grids as embedded PNGs, no script. Its size does not
// grow with the number of output cells: the window moves by two nested
// step animations (rows, and columns within a row), and the output is
// revealed by two covers that move the same way.
//
// Contract with the page (also in docs/figures.md): the root has class
// cnnx-anim, data-steps (number of steps) and data-cols (output width).
// The animated elements are <g> elements that read three inherited CSS
// variables: --step (time per step, default StepMS), --play (their
// animation-play-state, default running) and --at (their animation-delay,
// default 0s). To show step k and hold it, set --play: paused and --at:
// calc(var(--step) * -(k + 0.5)) on the root or any ancestor. With
// prefers-reduced-motion the final step is shown, paused.
func (a *Anim) SVG() ([]byte, error) {
	return animBundle{shape: a, ins: []Grid{a.In}, members: []animMember{{out: a.Out}}}.svg()
}

// svg draws every member of the bundle under one shared moving layer: the
// members' maps sit in one group, each member in a child group with its
// fragment id, and CSS shows the :target member, or the first when the URL
// names none. The window, covers and outlines are drawn once, after the
// maps, since their geometry and timing are the same for every member. A
// bundle of one is a single animation: no group, no selection rules.
func (b animBundle) svg() ([]byte, error) {
	a := b.shape
	if err := b.check(); err != nil {
		return nil, err
	}
	l := newAnimLayout(a)
	n := a.Steps()
	s := NewSVG(l.w, l.h, A("class", "cnnx-anim"), A("data-steps", strconv.Itoa(n)), A("data-cols", strconv.Itoa(a.Out.W)),
		// The final step is held in its middle so rounding can show
		// neither the step before nor the loop's restart.
		A("style", "--cnnx-t:var(--step,"+strconv.Itoa(a.StepMS)+"ms);--cnnx-end:calc(var(--cnnx-t) * -"+Num(float64(n)-0.5)+")"))

	k := &animKeyframes{css: animCSS, seen: map[string]bool{}}
	if len(b.members) > 1 {
		k.css += animSelectCSS
	}
	// Rows step once per output row over the whole cycle; columns step
	// once per output column over one row.
	winRow := k.motion("y", a.SH*animCell*a.Out.H, a.Out.H, n)
	winCol := k.motion("x", a.SW*animCell*a.Out.W, a.Out.W, a.Out.W)
	outRow := k.motion("y", animCell*a.Out.H, a.Out.H, n)
	outCol := k.motion("x", animCell*a.Out.W, a.Out.W, a.Out.W)
	s.Text("style", k.css)

	ins, err := b.inSide(l.valX, l.valY)
	if err != nil {
		return nil, err
	}
	outs, err := b.outSide(l.outX, l.outY)
	if err != nil {
		return nil, err
	}
	l.clip = ins.shared() || outs.shared()
	l.defs(s, a, ins, outs)
	if a.Top+a.Left+a.Bottom+a.Right > 0 {
		s.Elem("rect", append(pos(l.inX, l.inY), F("width", float64(l.pw*animCell)), F("height", float64(l.ph*animCell)), A("fill", "url(#cnnx-pad)"))...)
	}
	b.maps(s, l, ins, outs)
	l.inputOverlay(s, a, winRow, winCol)
	l.outputOverlay(s, a, outRow, outCol)
	return s.Bytes()
}

// animLayout is where the parts of an animation go, in root coordinates.
type animLayout struct {
	ph, pw, lr, lc, rows int
	w, h                 float64
	inX, inY             int // the padded input
	valX, valY           int // the input's values, inside the padding
	outX, outY           int
	grid                 bool // draw grid lines (the playground)
	clip                 bool // some strip holds several maps
}

func newAnimLayout(a *Anim) *animLayout {
	l := &animLayout{ph: a.PadH(), pw: a.PadW()}
	l.lr, l.lc = a.Leftover()
	l.rows = max(l.ph, a.Out.H)
	l.w = float64(2*animMargin + l.pw*animCell + animGap + a.Out.W*animCell)
	l.h = float64(2*animMargin + l.rows*animCell)
	l.inX, l.inY = animMargin, animMargin+(l.rows-l.ph)*animCell/2
	l.valX, l.valY = l.inX+a.Left*animCell, l.inY+a.Top*animCell
	l.outX, l.outY = animMargin+l.pw*animCell+animGap, animMargin+(l.rows-a.Out.H)*animCell/2
	// Grid lines only where cells have no values to tell them apart (the
	// playground); maps are read cell by cell through the window, and
	// lines over thousands of figures would be most of their bytes.
	l.grid = a.In.Values == nil
	return l
}

// empty is the fill of an output cell not yet computed.
func (l *animLayout) empty() string {
	if l.grid {
		return "url(#cnnx-empty)"
	}
	return colEmpty
}

// animKeyframes collects the CSS of an animation: one class per distinct
// motion (axis, distance, steps and the number of steps the whole cycle
// lasts), each keyframe and class written once.
type animKeyframes struct {
	css  string
	seen map[string]bool
}

func (k *animKeyframes) motion(axis string, dist, steps, cycle int) Attr {
	name := "cnnx-" + axis + strconv.Itoa(dist)
	class := name + "-" + strconv.Itoa(steps) + "-" + strconv.Itoa(cycle)
	if !k.seen[name] {
		k.seen[name] = true
		tr := strconv.Itoa(dist) + "px,0"
		if axis == "y" {
			tr = "0," + strconv.Itoa(dist) + "px"
		}
		k.css += "@keyframes " + name + "{to{transform:translate(" + tr + ")}}"
	}
	if !k.seen[class] {
		k.seen[class] = true
		k.css += "." + class + "{animation:" + name + " calc(var(--cnnx-t) * " + strconv.Itoa(cycle) + ") steps(" +
			strconv.Itoa(steps) + ") var(--at,0s) infinite var(--play,running)}"
	}
	return A("class", class)
}

// defs writes the patterns, the clip path and the map strips.
func (l *animLayout) defs(s *SVG, a *Anim, ins, outs *mapSide) {
	s.Open("defs")
	if a.Top+a.Left+a.Bottom+a.Right > 0 {
		hatch(s, "cnnx-pad", colPad, colHatch)
	}
	if l.lr > 0 || l.lc > 0 {
		hatch(s, "cnnx-left", "", colLeftLine) // lines only: values stay visible
	}
	if l.grid {
		gridPattern(s, "cnnx-grid", "")
		gridPattern(s, "cnnx-empty", colEmpty)
	}
	if l.clip {
		// Strips of several maps show one map at a time through the
		// two map areas.
		s.Open("clipPath", A("id", "cnnx-clip"))
		s.Elem("rect", F("x", float64(l.valX)), F("y", float64(l.valY)), F("width", float64(a.In.W*animCell)), F("height", float64(a.In.H*animCell)))
		s.Elem("rect", F("x", float64(l.outX)), F("y", float64(l.outY)), F("width", float64(a.Out.W*animCell)), F("height", float64(a.Out.H*animCell)))
		s.Close()
	}
	ins.defs(s)
	outs.defs(s)
	s.Close()
}

// maps draws one group per member, its input map and its output map; a
// single animation draws its two maps bare.
func (b animBundle) maps(s *SVG, l *animLayout, ins, outs *mapSide) {
	// Over its input moved to the output side when the outputs are
	// drawn as differences.
	over := func(m animMember) {
		if b.overIn {
			ins.drawAt(s, m.in, l.outX-l.valX, l.outY-l.valY)
		}
	}
	if len(b.members) == 1 {
		ins.draw(s, b.members[0].in)
		over(b.members[0])
		outs.draw(s, 0)
		return
	}
	sel := []Attr{A("class", "cnnx-sel")}
	if l.clip {
		sel = append(sel, A("clip-path", "url(#cnnx-clip)"))
	}
	s.Open("g", sel...)
	for i, m := range b.members {
		s.Open("g", A("id", m.id))
		ins.draw(s, m.in)
		over(m)
		outs.draw(s, i)
		s.Close()
	}
	s.Close()
}

// inputOverlay draws the input side over the maps: the leftover cells,
// the grid and the moving window.
func (l *animLayout) inputOverlay(s *SVG, a *Anim, winRow, winCol Attr) {
	s.Open("g", A("transform", "translate("+Num(float64(l.inX))+","+Num(float64(l.inY))+")"))
	if l.lr > 0 || l.lc > 0 {
		var d string
		if l.lr > 0 {
			d += rectPath(0, (l.ph-l.lr)*animCell, l.pw*animCell, l.lr*animCell)
		}
		if l.lc > 0 {
			d += rectPath((l.pw-l.lc)*animCell, 0, l.lc*animCell, (l.ph-l.lr)*animCell)
		}
		s.Elem("path", A("class", "cnnx-leftover"), A("d", d), A("fill", "url(#cnnx-left)"))
	}
	if l.grid {
		s.Elem("rect", F("width", float64(l.pw*animCell)), F("height", float64(l.ph*animCell)), A("fill", "url(#cnnx-grid)"))
	}
	s.Open("g", winRow)
	s.Open("g", winCol)
	outline(s, "cnnx-window", 0, float64(a.KW*animCell), float64(a.KH*animCell))
	s.Close()
	s.Close()
	s.Close()
}

// outputOverlay draws the output side over its map, in a nested viewport
// that clips the moving covers. The covers are drawn as empty cells (with
// their grid lines in the playground); their moves are whole cells, so the
// pattern stays on the grid.
func (l *animLayout) outputOverlay(s *SVG, a *Anim, outRow, outCol Attr) {
	ow, oh := a.Out.W*animCell, a.Out.H*animCell
	s.Open("svg", F("x", float64(l.outX)), F("y", float64(l.outY)), F("width", float64(ow)), F("height", float64(oh)))
	if l.grid {
		s.Elem("rect", F("width", float64(ow)), F("height", float64(oh)), A("fill", "url(#cnnx-grid)"))
	}
	// Cover of the rows below the current one.
	s.Open("g", outRow)
	s.Elem("rect", F("y", animCell), F("width", float64(ow)), F("height", float64(oh)), A("fill", l.empty()))
	s.Close()
	// Cover of the current row right of the current cell, and the outline
	// of the current cell, drawn inside it so the viewport does not clip
	// it at the edges.
	s.Open("g", outRow)
	s.Open("g", outCol)
	s.Elem("rect", F("x", animCell), F("width", float64(ow)), F("height", animCell), A("fill", l.empty()))
	outline(s, "cnnx-current", 1.25, animCell-2.5, animCell-2.5)
	s.Close()
	s.Close()
	s.Close()
}

// gridPattern defines the cell grid: white lines on the right and bottom
// of each cell, over a background colour unless bg is empty.
func gridPattern(s *SVG, id, bg string) {
	s.Open("pattern", A("id", id), F("width", animCell), F("height", animCell), A("patternUnits", "userSpaceOnUse"))
	if bg != "" {
		s.Elem("rect", F("width", animCell), F("height", animCell), A("fill", bg))
	}
	s.Elem("path", A("d", "M"+Num(animCell)+" 0V"+Num(animCell)+"H0"), A("fill", "none"), A("stroke", colGrid),
		F("stroke-width", 0.6), F("stroke-opacity", 0.7))
	s.Close()
}

// outline draws a dark rectangle outline over a light halo, so it shows on
// the darkest and the lightest cells alike.
func outline(s *SVG, class string, at, w, h float64) {
	pos := []Attr{F("width", w), F("height", h)}
	if at != 0 {
		pos = append(pos, F("x", at), F("y", at))
	}
	s.Open("g", A("class", class), A("fill", "none"), F("stroke-width", 2.5))
	s.Elem("rect", append(pos, A("stroke", colHalo))...)
	s.Elem("rect", append(pos, A("stroke", colWindow), F("stroke-width", 1.2))...)
	s.Close()
}

// hatch defines a diagonal-line pattern, over a background colour unless
// bg is empty.
func hatch(s *SVG, id, bg, line string) {
	s.Open("pattern", A("id", id), F("width", 4), F("height", 4), A("patternUnits", "userSpaceOnUse"))
	if bg != "" {
		s.Elem("rect", F("width", 4), F("height", 4), A("fill", bg))
	}
	s.Elem("path", A("d", "M0 4L4 0M-1 1L1 -1M3 5L5 3"), A("stroke", line), F("stroke-width", 0.8))
	s.Close()
}

// rectPath is a closed rectangle as path data.
func rectPath(x, y, w, h int) string {
	return "M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(w) + "v" + strconv.Itoa(h) + "h-" + strconv.Itoa(w) + "z"
}
