package engine

// Flatten turns an (H, W, C) map into a vector. In Keras order, the default,
// index = (y*W + x)*C + c, which in C-order storage is a plain copy. With
// ChannelsFirst it runs over C, H, W as PyTorch's flatten of an (N, C, H, W)
// tensor does: index = (c*H + y)*W + x. Keeping the model's own order (rather
// than permuting the next dense kernel) makes the vector, and every neuron
// the site draws from it, the one the model's author knows.
type Flatten struct {
	LayerName     string
	ChannelsFirst bool
}

func (l *Flatten) Name() string    { return l.LayerName }
func (l *Flatten) Kind() Kind      { return KindFlatten }
func (l *Flatten) Params() []Param { return nil }

func (l *Flatten) OutputShape(in []int) ([]int, error) {
	return []int{NumElements(in)}, nil
}

func (l *Flatten) Forward(x, y *Tensor) {
	if !l.ChannelsFirst || len(x.Shape) != 3 {
		copy(y.Data, x.Data)
		return
	}
	H, W, C := x.Shape[0], x.Shape[1], x.Shape[2]
	for i, v := range x.Data {
		c, p := i%C, i/C
		y.Data[c*H*W+p] = v
	}
}

func (l *Flatten) Backward(x, y, dy, dx *Tensor, _ [][]float32) {
	if dx == nil {
		return
	}
	if !l.ChannelsFirst || len(x.Shape) != 3 {
		copy(dx.Data, dy.Data)
		return
	}
	H, W, C := x.Shape[0], x.Shape[1], x.Shape[2]
	for i := range dx.Data {
		c, p := i%C, i/C
		dx.Data[i] = dy.Data[c*H*W+p]
	}
}

// Index returns the vector index of map cell (y, x, c) of an (H, W, C)
// input, in this layer's order.
func (l *Flatten) Index(y, x, c int, in []int) int {
	if l.ChannelsFirst && len(in) == 3 {
		return (c*in[0]+y)*in[1] + x
	}
	return FlatIndex(y, x, c, in[1], in[len(in)-1])
}

// FlatIndex returns the vector index of map cell (y, x, c) for a map of
// width w and c channels, in Keras order.
func FlatIndex(y, x, c, w, channels int) int { return (y*w+x)*channels + c }

// Position is the inverse of Index: the map cell (y, x, c) of an (H, W, C)
// input whose value lands at vector index i.
func (l *Flatten) Position(i int, in []int) (y, x, c int) {
	H, W, C := in[0], in[1], in[2]
	if l.ChannelsFirst {
		return i % (H * W) / W, i % W, i / (H * W)
	}
	return i / C / W, i / C % W, i % C
}
