package render

import (
	"fmt"
	"strconv"

	"cnnexplainer/engine"
)

// KindIntermediate is the still picture of one input channel's part of a
// convolution neuron's output: the kernel slice of that channel slid over
// the channel's map, before the channels are summed and the bias added.
const KindIntermediate FigureKind = "intermediate"

// IntermediateFile is the figure path of the intermediate map of one
// convolution neuron and input channel for one sample.
func IntermediateFile(sample, layer string, neuron, channel int) string {
	return "s/" + sample + "/" + layer + "/contrib/" + strconv.Itoa(neuron) + "/" + strconv.Itoa(channel) + ".png"
}

// planIntermediates plans one PNG per sample, convolution neuron and input
// channel. The maps of one neuron share one scale (over the largest
// |value| of any of them), so the page can compare channels by colour: the
// one that pulls the sum most is the darkest.
func planIntermediates(m *engine.Model, samples []Sample) ([]job, error) {
	var jobs []job
	for _, s := range samples {
		for i, l := range m.Layers {
			conv, ok := l.(*engine.Conv2D)
			if !ok || i >= len(s.Trace.Layers) {
				continue
			}
			x := s.Trace.LayerInput(i)
			if len(x.Shape) != 3 || x.C() != conv.InC {
				return nil, fmt.Errorf("render: sample %s, layer %s: input shape %v does not match %d channels", s.ID, l.Name(), x.Shape, conv.InC)
			}
			wy, wx, err := conv.Windows(x.Shape)
			if err != nil {
				return nil, fmt.Errorf("render: sample %s, layer %s: %w", s.ID, l.Name(), err)
			}
			for n := 0; n < conv.OutC; n++ {
				if s.Strips {
					jobs = append(jobs, neuronStrip(conv, x, s.ID, n, wy.Out, wx.Out))
					continue
				}
				jobs = append(jobs, neuronIntermediates(conv, x, s.ID, n, wy.Out, wx.Out)...)
			}
		}
	}
	return jobs, nil
}

// neuronIntermediates computes the maps of one neuron to find their shared
// range, and each job draws the map computed here. Planning runs at most
// one sample ahead of drawing, and one sample's maps are small (0.5 MB
// for the seed TinyVGG), so keeping them costs little; computing each
// again when drawn was 1.4% of a 50-sample build's CPU.
func neuronIntermediates(l *engine.Conv2D, x *engine.Tensor, sample string, n, h, w int) []job {
	var top float32
	maps := make([]*engine.Tensor, l.InC)
	for c := range maps {
		maps[c] = l.ChannelContribution(x, n, c)
		top = max(top, maxAbs(maps[c].Data))
	}
	sc := ActivationScale(top)
	jobs := make([]job, 0, l.InC)
	for c, part := range maps {
		jobs = append(jobs, job{
			Figure: Figure{File: IntermediateFile(sample, l.Name(), n, c), Kind: KindIntermediate, Sample: sample,
				Layer: l.Name(), Neuron: n, Channel: c, Range: sc.Range(), Scale: sc.Scheme, Width: w, Height: h},
			Draw: func() ([]byte, error) { return MapPNG(part, 0, sc) },
		})
	}
	return jobs
}
