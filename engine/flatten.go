package engine

// Flatten turns an (H, W, C) map into a vector in Keras order:
// index = (y*W + x)*C + c. In C-order storage that is a plain copy.
type Flatten struct{ LayerName string }

func (l *Flatten) Name() string    { return l.LayerName }
func (l *Flatten) Kind() Kind      { return KindFlatten }
func (l *Flatten) Params() []Param { return nil }

func (l *Flatten) OutputShape(in []int) ([]int, error) {
	return []int{NumElements(in)}, nil
}

func (l *Flatten) Forward(x, y *Tensor) { copy(y.Data, x.Data) }

func (l *Flatten) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx != nil {
		copy(dx.Data, dy.Data)
	}
}

// FlatIndex returns the vector index of map cell (y, x, c) for a map of
// width w and c channels.
func FlatIndex(y, x, c, w, channels int) int { return (y*w+x)*channels + c }
