package engine

import "fmt"

// NewWindowPads is NewWindow for an axis padded by before and after zeros.
func NewWindowPads(in, k, stride, before, after int) (Window, error) {
	w := Window{In: in, K: k, Stride: stride, Before: before, After: after}
	if k < 1 || stride < 1 || in < 1 || before < 0 || after < 0 {
		return w, fmt.Errorf("bad window: input %d, kernel %d, stride %d, padding %d and %d", in, k, stride, before, after)
	}
	if k > in+before+after {
		return w, fmt.Errorf("kernel %d is larger than padded input %d", k, in+before+after)
	}
	w.Out = (in+before+after-k)/stride + 1
	return w, nil
}

// windows2D returns the vertical and horizontal windows of a layer with a
// (kh, kw) window for an (H, W, C) input.
func windows2D(name string, in []int, kh, kw, sh, sw int, mode PadMode, pad int, pads [4]int) (Window, Window, error) {
	if err := need3D(name, in); err != nil {
		return Window{}, Window{}, err
	}
	axis := func(n, k, s, before, after int) (Window, error) {
		if mode == Asymmetric {
			return NewWindowPads(n, k, s, before, after)
		}
		return NewWindow(n, k, s, mode, pad)
	}
	wy, err := axis(in[0], kh, sh, pads[0], pads[2])
	if err != nil {
		return wy, Window{}, fmt.Errorf("layer %s: height: %w", name, err)
	}
	wx, err := axis(in[1], kw, sw, pads[1], pads[3])
	if err != nil {
		return wy, wx, fmt.Errorf("layer %s: width: %w", name, err)
	}
	return wy, wx, nil
}
