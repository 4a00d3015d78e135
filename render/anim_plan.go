package render

import (
	"strconv"

	"cnnexplainer/engine"
)

// AnimFile is the figure path of the animation bundle of one layer for one
// sample: every convolution neuron and input channel, or every ReLU or
// max-pool neuron, in one SVG. AnimFragment names one of them.
func AnimFile(sample, layer string) string {
	return "s/" + sample + "/" + layer + "/anim.svg"
}

// AnimFragment is the fragment id that selects one animation of a bundle:
// "n<neuron>c<channel>" for a convolution (channel >= 0), "n<neuron>" for
// ReLU and max-pool (channel -1). The page loads AnimFile + "#" + this.
func AnimFragment(neuron, channel int) string {
	f := "n" + strconv.Itoa(neuron)
	if channel >= 0 {
		f += "c" + strconv.Itoa(channel)
	}
	return f
}

// planAnimations plans one animation bundle per sample and layer that has
// animations, with one manifest entry per animation (File the bundle,
// Fragment the member). The Figure's Range and Scale are those of the
// output grid; the input grid uses the scale of the map it shows (the
// input-channel figure for the first layer, otherwise the unit-mode
// activation of the previous layer).
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
			// Build the geometry and output ranges now, for the
			// manifest; the maps are computed again when the job
			// draws, so that the planned bundles do not all hold
			// their maps in memory at once.
			b, err := layerBundle(m, s.Trace, ranges, i)
			if err != nil {
				return nil, err
			}
			file := AnimFile(s.ID, l.Name())
			figs := make([]Figure, len(b.members))
			// One geometry for the whole bundle: its Params map is
			// shared by the members (read-only), not made per member.
			shape := animFigure(b.shape)
			for k, mem := range b.members {
				fig := shape
				if mem.out.Values != nil {
					fig.Range, fig.Scale = mem.out.Scale.Range(), mem.out.Scale.Scheme
				}
				fig.File, fig.Fragment, fig.Sample, fig.Layer = file, mem.id, s.ID, l.Name()
				fig.Neuron, fig.Channel = mem.neuron, mem.channel
				figs[k] = fig
			}
			tr, idx := s.Trace, i
			jobs = append(jobs, job{Figure: figs[0], Also: figs[1:], Draw: func() ([]byte, error) {
				b, err := layerBundle(m, tr, ranges, idx)
				if err != nil {
					return nil, err
				}
				return b.svg()
			}})
		}
	}
	return jobs, nil
}

// layerBundle builds the bundle of every animation of layer i: neuron by
// neuron, and for a convolution input channel by input channel within
// each neuron. Input map c is the one every member reading channel c
// shares.
func layerBundle(m *engine.Model, tr *engine.Trace, ranges Ranges, i int) (animBundle, error) {
	x, y := tr.LayerInput(i), tr.Layers[i].Output
	_, conv := m.Layers[i].(*engine.Conv2D)
	_, relu := m.Layers[i].(*engine.ReLU)
	b := animBundle{ins: make([]Grid, x.C()), overIn: relu}
	for n := 0; n < y.C(); n++ {
		channels := []int{-1}
		if conv {
			channels = make([]int, x.C())
			for c := range channels {
				channels[c] = c
			}
		}
		for _, c := range channels {
			a, err := layerAnim(m, tr, ranges, i, n, c)
			if err != nil {
				return animBundle{}, err
			}
			if b.shape == nil {
				b.shape = a
			}
			in := c
			if !conv {
				in = n
			}
			b.ins[in] = a.In
			b.members = append(b.members, animMember{id: AnimFragment(n, c), neuron: n, channel: c, in: in, out: a.Out})
		}
	}
	return b, nil
}

// animFigure fills the manifest fields an animation determines: kind,
// output scale, viewBox size and the geometry a page needs to explain or
// drive it.
func animFigure(a *Anim) Figure {

	rows := max(a.PadH(), a.Out.H)
	f := Figure{
		Kind: a.Kind, Neuron: -1, Channel: -1, Mode: Unit,
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
		f.Range, f.Scale = a.Out.Scale.Range(), a.Out.Scale.Scheme
	}
	return f
}
