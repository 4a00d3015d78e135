package render

import (
	"encoding/base64"
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
	colWindow   = "#111111" // window and current-cell outline
	colHalo     = "#ffffff" // around the outlines
	colGrid     = "#ffffff" // grid lines
)

// animCSS is the same in every animation, so when several SVGs are inlined
// into one page their rules and keyframe names agree. Keyframe names carry
// their distance, so equal names always mean equal keyframes.
const animCSS = "@media (prefers-reduced-motion:reduce){.cnnx-a{animation-play-state:paused!important;" +
	"animation-delay:var(--cnnx-end)!important}}"

// SVG draws the animation as a self-contained animated SVG: CSS keyframes
// with steps(), the grids as embedded PNGs, no script. Its size does not
// grow with the number of output cells: the window moves by two nested
// step animations (rows, and columns within a row), and the output is
// revealed by two covers that move the same way.
//
// Contract with the page (also in docs/figures.md): the root has class
// cnnx-anim, data-steps (number of steps) and data-cols (output width).
// Every animated element has class cnnx-a and reads three inherited CSS
// variables: --step (time per step, default StepMS), --play (the
// animation-play-state, default running) and --at (the animation-delay,
// default 0s). To show step k and hold it, set --play: paused and --at:
// calc(var(--step) * -(k + 0.5)) on the root or any ancestor. With
// prefers-reduced-motion the final step is shown, paused.
func (a *Anim) SVG() ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	n, ph, pw := a.Steps(), a.PadH(), a.PadW()
	rows := max(ph, a.Out.H)
	w := float64(2*animMargin + pw*animCell + animGap + a.Out.W*animCell)
	h := float64(2*animMargin + rows*animCell)
	step := "var(--step," + strconv.Itoa(a.StepMS) + "ms)"
	s := NewSVG(w, h, A("class", "cnnx-anim"), A("data-steps", strconv.Itoa(n)), A("data-cols", strconv.Itoa(a.Out.W)),
		// The final step, held in the middle so rounding cannot show the
		// step before or the loop's restart.
		A("style", "--cnnx-end:calc("+step+" * -"+Num(float64(n)-0.5)+")"))

	// Keyframes, one per distinct distance; rows and columns of the window
	// and of the output may share one.
	css := animCSS
	seen := map[string]bool{}
	keyframes := func(axis string, dist int) string {
		name := "cnnx-" + axis + strconv.Itoa(dist)
		if !seen[name] {
			seen[name] = true
			tr := strconv.Itoa(dist) + "px,0"
			if axis == "y" {
				tr = "0," + strconv.Itoa(dist) + "px"
			}
			css += "@keyframes " + name + "{to{transform:translate(" + tr + ")}}"
		}
		return name
	}
	// rowAnim moves by dist per output row, colAnim by dist per column.
	rowAnim := func(dist int) Attr {
		return A("style", "animation:"+keyframes("y", dist*a.Out.H)+" calc("+step+" * "+strconv.Itoa(n)+") steps("+
			strconv.Itoa(a.Out.H)+") var(--at,0s) infinite var(--play,running)")
	}
	colAnim := func(dist int) Attr {
		return A("style", "animation:"+keyframes("x", dist*a.Out.W)+" calc("+step+" * "+strconv.Itoa(a.Out.W)+") steps("+
			strconv.Itoa(a.Out.W)+") var(--at,0s) infinite var(--play,running)")
	}
	animated := A("class", "cnnx-a")
	winRow, winCol := rowAnim(a.SH*animCell), colAnim(a.SW*animCell)
	outRow, outCol := rowAnim(animCell), colAnim(animCell)
	s.Text("style", css)

	s.Open("defs")
	hatch(s, "cnnx-pad", colPad, colHatch)
	hatch(s, "cnnx-left", "", colLeftLine) // lines only: values stay visible
	s.Open("pattern", A("id", "cnnx-grid"), F("width", animCell), F("height", animCell), A("patternUnits", "userSpaceOnUse"))
	s.Elem("path", A("d", "M"+Num(animCell)+" 0V"+Num(animCell)+"H0"), A("fill", "none"), A("stroke", colGrid),
		F("stroke-width", 0.6), F("stroke-opacity", 0.7))
	s.Close()
	s.Close()

	// Input side: hatched padding, the values, the leftover cells, the grid
	// and the window.
	s.Open("g", A("transform", "translate("+Num(animMargin)+","+Num(float64(animMargin+(rows-ph)*animCell/2))+")"))
	s.Elem("rect", F("width", float64(pw*animCell)), F("height", float64(ph*animCell)), A("fill", "url(#cnnx-pad)"))
	if err := gridImage(s, a.In, a.Left*animCell, a.Top*animCell, colPlainIn); err != nil {
		return nil, err
	}
	if lr, lc := a.Leftover(); lr > 0 || lc > 0 {
		var d string
		if lr > 0 {
			d += rectPath(0, (ph-lr)*animCell, pw*animCell, lr*animCell)
		}
		if lc > 0 {
			d += rectPath((pw-lc)*animCell, 0, lc*animCell, (ph-lr)*animCell)
		}
		s.Elem("path", A("class", "cnnx-leftover"), A("d", d), A("fill", "url(#cnnx-left)"))
	}
	s.Elem("rect", F("width", float64(pw*animCell)), F("height", float64(ph*animCell)), A("fill", "url(#cnnx-grid)"))
	s.Open("g", animated, winRow)
	s.Open("g", animated, winCol)
	outline(s, "cnnx-window", 0, float64(a.KW*animCell), float64(a.KH*animCell))
	s.Close()
	s.Close()
	s.Close()

	// Output side, in a nested viewport that clips the moving covers.
	ow, oh := a.Out.W*animCell, a.Out.H*animCell
	s.Open("svg", F("x", float64(animMargin+pw*animCell+animGap)), F("y", float64(animMargin+(rows-a.Out.H)*animCell/2)),
		F("width", float64(ow)), F("height", float64(oh)), A("viewBox", "0 0 "+Num(float64(ow))+" "+Num(float64(oh))),
		A("overflow", "hidden"))
	if err := gridImage(s, a.Out, 0, 0, colPlainOut); err != nil {
		return nil, err
	}
	// Cover of the rows below the current one.
	s.Open("g", animated, outRow)
	s.Elem("rect", A("class", "cnnx-cover"), F("y", animCell), F("width", float64(ow)), F("height", float64(oh)), A("fill", colEmpty))
	s.Close()
	// Cover of the current row right of the current cell.
	s.Open("g", animated, outRow)
	s.Open("g", animated, outCol)
	s.Elem("rect", A("class", "cnnx-cover"), F("x", animCell), F("width", float64(ow)), F("height", animCell), A("fill", colEmpty))
	s.Close()
	s.Close()
	s.Elem("rect", F("width", float64(ow)), F("height", float64(oh)), A("fill", "url(#cnnx-grid)"))
	// Outline of the cell being computed, drawn inside it so the viewport
	// does not clip it at the edges.
	s.Open("g", animated, outRow)
	s.Open("g", animated, outCol)
	outline(s, "cnnx-current", 1.25, animCell-2.5, animCell-2.5)
	s.Close()
	s.Close()
	s.Close()
	return s.Bytes()
}

// outline draws a dark rectangle outline over a light halo, so it shows on
// the darkest and the lightest cells alike.
func outline(s *SVG, class string, at, w, h float64) {
	s.Open("g", A("class", class), A("fill", "none"))
	s.Elem("rect", F("x", at), F("y", at), F("width", w), F("height", h), A("stroke", colHalo), F("stroke-width", 2.5))
	s.Elem("rect", F("x", at), F("y", at), F("width", w), F("height", h), A("stroke", colWindow), F("stroke-width", 1.2))
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

// gridImage draws a grid at (x, y): its values as an embedded paletted PNG
// scaled up without smoothing, or a plain rectangle when it has none.
func gridImage(s *SVG, g Grid, x, y int, plain string) error {
	w, h := float64(g.W*animCell), float64(g.H*animCell)
	if g.Values == nil {
		s.Elem("rect", F("x", float64(x)), F("y", float64(y)), F("width", w), F("height", h), A("fill", plain))
		return nil
	}
	data, err := GridPNG(g.W, g.H, g.Values, g.Scale)
	if err != nil {
		return err
	}
	s.Elem("image", F("x", float64(x)), F("y", float64(y)), F("width", w), F("height", h),
		A("preserveAspectRatio", "none"), A("image-rendering", "optimizeSpeed"), A("style", "image-rendering:pixelated"),
		A("href", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(data)))
	return nil
}
