package engine

import "fmt"

// PadMode selects how a window layer pads its input.
type PadMode int

const (
	// Valid: no padding; windows that do not fit are dropped.
	Valid PadMode = iota
	// Same: TensorFlow's rule. Output size is ceil(in/stride); the total
	// padding is split with the odd extra row or column at the bottom/right.
	Same
	// Explicit: P zeros on every side, as PyTorch's padding=P.
	Explicit
	// Asymmetric: zeros given per side in the layer's Pads (top, left,
	// bottom, right), as ONNX writes pads, and as PyTorch's ZeroPad2d
	// before a convolution becomes once folded into it.
	Asymmetric
)

func (p PadMode) String() string {
	switch p {
	case Valid:
		return "valid"
	case Same:
		return "same"
	case Explicit:
		return "explicit"
	case Asymmetric:
		return "asymmetric"
	}
	return fmt.Sprintf("PadMode(%d)", int(p))
}

// ParsePadMode accepts valid, same, explicit and asymmetric.
func ParsePadMode(s string) (PadMode, error) {
	switch s {
	case "valid":
		return Valid, nil
	case "same":
		return Same, nil
	case "explicit":
		return Explicit, nil
	case "asymmetric":
		return Asymmetric, nil
	}
	return 0, fmt.Errorf("unsupported padding %q", s)
}

// Window describes one spatial axis of a sliding window.
type Window struct {
	In, K, Stride int
	Before, After int // padding added before and after the input
	Out           int
}

// NewWindow computes output size and padding for one axis. pad is only used
// by Explicit.
func NewWindow(in, k, stride int, mode PadMode, pad int) (Window, error) {
	w := Window{In: in, K: k, Stride: stride}
	if k < 1 || stride < 1 || in < 1 || pad < 0 {
		return w, fmt.Errorf("bad window: input %d, kernel %d, stride %d, padding %d", in, k, stride, pad)
	}
	switch mode {
	case Valid:
		if k > in {
			return w, fmt.Errorf("kernel %d is larger than input %d with valid padding", k, in)
		}
		w.Out = (in-k)/stride + 1
	case Same:
		w.Out = (in + stride - 1) / stride
		total := max((w.Out-1)*stride+k-in, 0)
		w.Before = total / 2
		w.After = total - w.Before
	case Explicit:
		if k > in+2*pad {
			return w, fmt.Errorf("kernel %d is larger than padded input %d", k, in+2*pad)
		}
		w.Before, w.After = pad, pad
		w.Out = (in+2*pad-k)/stride + 1
	default:
		return w, fmt.Errorf("unknown padding mode %d", mode)
	}
	return w, nil
}
