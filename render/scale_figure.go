package render

import "cnnexplainer/engine"

// InputScale is the scale of input channel c of m's input as the build
// draws it (red, green, blue for three channels, grey otherwise, over the
// pixel range). The browser engine calls it so its maps match the build's.
func InputScale(m *engine.Model, c int) (Scale, error) {
	return NewScale(channelScheme(c, m.Input.Shape[len(m.Input.Shape)-1]), 0, inputRange(m))
}

// KernelScale is the weight scale every kernel of a convolution layer is
// drawn with: one range for the whole layer, so kernels compare.
func KernelScale(l *engine.Conv2D) Scale { return WeightScale(maxAbs(l.Kernel)) }
