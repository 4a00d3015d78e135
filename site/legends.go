package site

import (
	"fmt"
	"html/template"
	"image/color"
	"strings"

	"cnnexplainer/render"
)

// LegendView is a colour scale written in HTML: a CSS gradient of the
// scale's palette and its end numbers (with 0 where the range straddles
// it). It costs a few hundred bytes and no request, which the home page's
// first-load budget needs.
type LegendView struct {
	Label  string
	Mode   string // the overview range mode it belongs to
	Block  int    // the overview block it belongs to (-1 none)
	Bar    template.CSS
	Lo, Hi string       // end numbers; none for a legend of many ranges
	Zero   template.CSS // "left:x%" of the 0 mark, or "" when 0 is not inside
}

// legendStops is how many colours of the palette the gradient uses: enough
// that it reads as the figures' scale at legend size.
const legendStops = 9

// cssGradient is the scale's palette as a left-to-right CSS gradient.
func cssGradient(sc render.Scale) template.CSS {
	pal := sc.Palette()
	var stops []string
	for k := 0; k < legendStops; k++ {
		i := k * (len(pal) - 1) / (legendStops - 1)
		c := color.NRGBAModel.Convert(pal[i]).(color.NRGBA)
		stops = append(stops, render.CSSColor(c))
	}
	return template.CSS("background:linear-gradient(90deg," + strings.Join(stops, ",") + ")")
}

// newLegend writes sc as a legend.
func newLegend(sc render.Scale, label, mode string, block int) LegendView {
	lv := LegendView{Label: label, Mode: mode, Block: block, Bar: cssGradient(sc),
		Lo: num(sc.Lo, 2), Hi: num(sc.Hi, 2)}
	if sc.Lo < 0 && sc.Hi > 0 {
		lv.Zero = template.CSS(fmt.Sprintf("left:%s%%", render.Num(float64(-sc.Lo/(sc.Hi-sc.Lo)*100))))
	}
	return lv
}

// overviewLegends lists the legends of the overview's three range modes:
// per neuron a bar without numbers (every map has its own, shown on
// hover), per block one per block, and one for the whole network.
func (v *views) overviewLegends(p pageCtx, r *Run, blockOf map[string]int) ([]LegendView, error) {
	unit := render.ActivationScale(1)
	lv := newLegend(unit, p.lang.T("overview.legend_unit"), render.Unit.String(), -1)
	lv.Lo, lv.Hi = "", ""
	out := []LegendView{lv}
	seen := map[string]bool{}
	var err error
	for _, mode := range []render.Mode{render.Module, render.Global} {
		// Only this sample's maps: scanning every sample's made the
		// overviews cost the square of the samples.
		v.figs.ofSample(r.ID, render.KindActivation, func(f render.Figure) bool {
			b, ok := blockOf[f.Layer]
			if f.Mode != mode || !ok {
				return true
			}
			if mode == render.Global {
				b = -1
			}
			key := fmt.Sprint(mode, b)
			if seen[key] {
				return true
			}
			seen[key] = true
			var lv LegendView
			if lv, err = v.rangeLegend(p, f, mode, b); err != nil {
				return false
			}
			out = append(out, lv)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rangeLegend is the legend of a block's (b) or the network's (b -1)
// shared range, read from one of its maps.
func (v *views) rangeLegend(p pageCtx, f render.Figure, mode render.Mode, b int) (LegendView, error) {
	sc, err := render.NewScale(f.Scale, f.Range[0], f.Range[1])
	if err != nil {
		return LegendView{}, err
	}
	label := p.lang.T("overview.legend_global")
	if mode == render.Module {
		label = p.lang.Tf("overview.legend_block", "n", b+1)
	}
	return newLegend(sc, label, mode.String(), b), nil
}

// The colour legends written under chapter figures (a row's scales): the
// layer's weight range for kernels (BrBG, shared by the layer), and the
// per-map note for activation maps, each drawn on a range of its own.

// kernelScales is the weight legend of the kernels of layer= neuron=.
func kernelScales(c *figCtx) ([]LegendView, error) {
	layer := c.d.Str("layer", "")
	f, ok := c.v.figs.find(render.KindKernel, "", layer, c.d.Int("neuron", 0), 0, 0)
	if !ok {
		return nil, nil
	}
	sc, err := render.NewScale(f.Scale, f.Range[0], f.Range[1])
	if err != nil {
		return nil, err
	}
	return []LegendView{newLegend(sc, c.pc.lang.Tf("legend.weights_of", "layer", layer), "", -1)}, nil
}

// mapScales notes that every activation map has a range of its own.
func mapScales(c *figCtx) ([]LegendView, error) {
	lv := newLegend(render.ActivationScale(1), c.pc.lang.T("overview.legend_unit"), "", -1)
	lv.Lo, lv.Hi = "", ""
	return []LegendView{lv}, nil
}

// convScales is the kernel's legend and, unless the layer reads the
// picture itself (drawn in grey), the maps' note.
func convScales(c *figCtx) ([]LegendView, error) {
	out, err := kernelScales(c)
	if err != nil || out == nil || c.v.net.layerIndex(c.d.Str("layer", "")) == 0 {
		return out, err // no kernel figure, no legends at all
	}
	maps, _ := mapScales(c)
	return append(out, maps...), nil
}
