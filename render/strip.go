package render

import (
	"strconv"

	"cnnexplainer/engine"
)

// KindIntermediateStrip is a convolution neuron's intermediate maps for
// one sample in one picture, the input channels stacked top to bottom on
// the neuron's one scale: what KindIntermediate draws as a file per
// channel. A site of hundreds of samples uses it for the samples whose
// views its script draws (one file a neuron instead of one a channel:
// creating a file costs more than drawing it).
const KindIntermediateStrip FigureKind = "intermediate-strip"

// IntermediateStripFile is the figure path of one neuron's strip.
func IntermediateStripFile(sample, layer string, neuron int) string {
	return "s/" + sample + "/" + layer + "/contrib/" + strconv.Itoa(neuron) + ".png"
}

// neuronStrip plans the strip of neuron n of convolution l for a sample
// whose layer input is x; h and w are the size of one channel's map.
func neuronStrip(l *engine.Conv2D, x *engine.Tensor, sample string, n, h, w int) job {
	var top float32
	strip := engine.NewTensor(h*l.InC, w, 1)
	for c := 0; c < l.InC; c++ {
		part := l.ChannelContribution(x, n, c)
		top = max(top, maxAbs(part.Data))
		copy(strip.Data[c*h*w:], part.Data)
	}
	sc := ActivationScale(top)
	return job{
		Figure: Figure{File: IntermediateStripFile(sample, l.Name(), n), Kind: KindIntermediateStrip, Sample: sample,
			Layer: l.Name(), Neuron: n, Channel: -1, Range: sc.Range(), Scale: sc.Scheme, Width: w, Height: h * l.InC},
		Draw: func() ([]byte, error) { return MapPNG(strip, 0, sc) },
	}
}
