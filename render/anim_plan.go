package render

import (
	"strconv"

	"cnnexplainer/engine"
)

// AnimFile is the figure path of an animation: per input channel for a
// convolution (channel >= 0), per neuron for ReLU and max-pool (channel
// -1).
func AnimFile(sample, layer string, neuron, channel int) string {
	f := "s/" + sample + "/" + layer + "/anim/" + strconv.Itoa(neuron)
	if channel >= 0 {
		f += "/" + strconv.Itoa(channel)
	}
	return f + ".svg"
}

// planAnimations plans the animated SVG of every convolution neuron and
// input channel, and of every ReLU and max-pool neuron, for every sample.
// The Figure's Range and Scale are those of the output grid; the input
// grid uses the scale of the map it shows (the input-channel figure for
// the first layer, otherwise the unit-mode activation of the previous
// layer).
func planAnimations(m *engine.Model, samples []Sample) ([]job, error) {
	var jobs []job
	for _, s := range samples {
		ranges, err := NewRanges(m, s.Trace)
		if err != nil {
			return nil, err
		}
		for i, l := range m.Layers {
			if !AnimLayer(l) || i >= len(s.Trace.Layers) {
				continue
			}
			x, y := s.Trace.LayerInput(i), s.Trace.Layers[i].Output
			if len(x.Shape) != 3 || len(y.Shape) != 3 {
				continue
			}
			channels := []int{-1}
			if _, ok := l.(*engine.Conv2D); ok {
				channels = make([]int, x.C())
				for c := range channels {
					channels[c] = c
				}
			}
			for n := 0; n < y.C(); n++ {
				for _, c := range channels {
					// Build the geometry now, for the manifest; the
					// values are computed again when the job draws, so
					// that thousands of planned animations do not hold
					// their maps in memory.
					a, err := layerAnim(m, s.Trace, ranges, i, n, c)
					if err != nil {
						return nil, err
					}
					fig := animFigure(a)
					fig.File, fig.Sample, fig.Layer, fig.Neuron, fig.Channel = AnimFile(s.ID, l.Name(), n, c), s.ID, l.Name(), n, c
					tr, idx := s.Trace, i
					jobs = append(jobs, job{Figure: fig, Draw: func() ([]byte, error) {
						a, err := layerAnim(m, tr, ranges, idx, n, c)
						if err != nil {
							return nil, err
						}
						return a.SVG()
					}})
				}
			}
		}
	}
	return jobs, nil
}

// animFigure fills the manifest fields an animation determines: kind,
// output scale, viewBox size and the geometry a page needs to explain or
// drive it.
func animFigure(a *Anim) Figure {
	rows := max(a.PadH(), a.Out.H)
	f := Figure{
		Kind: a.Kind, Neuron: -1, Channel: -1, Mode: Unit.String(),
		Width:  2*animMargin + a.PadW()*animCell + animGap + a.Out.W*animCell,
		Height: 2*animMargin + rows*animCell,
		Params: map[string]int{
			"in_h": a.In.H, "in_w": a.In.W,
			"pad_top": a.Top, "pad_left": a.Left, "pad_bottom": a.Bottom, "pad_right": a.Right,
			"kernel_h": a.KH, "kernel_w": a.KW, "stride_h": a.SH, "stride_w": a.SW,
			"out_h": a.Out.H, "out_w": a.Out.W, "steps": a.Steps(), "step_ms": a.StepMS, "cell": animCell,
		},
	}
	if a.Out.Values != nil {
		f.Range, f.Scale = a.Out.Scale.Range(), a.Out.Scale.Scheme.String()
	}
	return f
}
