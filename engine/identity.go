package engine

// Identity passes its input through unchanged. Imports use it for layers
// that do nothing at inference time (Keras Dropout, a linear Activation), so
// that every layer of the source model still appears in the trace under its
// own name and the site can show it.
type Identity struct{ LayerName string }

func (l *Identity) Name() string                        { return l.LayerName }
func (l *Identity) Kind() Kind                          { return KindIdentity }
func (l *Identity) Params() []Param                     { return nil }
func (l *Identity) OutputShape(in []int) ([]int, error) { return append([]int(nil), in...), nil }

func (l *Identity) Forward(x, y *Tensor) { copy(y.Data, x.Data) }

func (l *Identity) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx != nil {
		copy(dx.Data, dy.Data)
	}
}
