package train

import "cnnexplainer/engine"

// How the trainer calls the layers: with its scratch memory where a layer
// takes it, and with a ReLU folded into the layer beside it.

// workspaceForward and workspaceBackward are implemented by layers that
// can reuse scratch memory.
type workspaceForward interface {
	ForwardWith(ws *engine.Workspace, x, y *engine.Tensor)
}

type workspaceBackward interface {
	BackwardWith(ws *engine.Workspace, x, y, dy, dx *engine.Tensor, grads [][]float32)
}

// forward runs layer l on x into y with s's workspace where it takes one.
func forward(s *scratch, l engine.Layer, x, y *engine.Tensor) {
	if f, ok := l.(workspaceForward); ok {
		f.ForwardWith(&s.ws, x, y)
		return
	}
	l.Forward(x, y)
}

// backward runs layer k's backward pass from s.grads[k+1] into s.grads[k]
// (not for the first layer, whose input needs no gradient). A ReLU layer
// is folded into a max-pool after it or a convolution before it, the same
// values in one pass; backward returns how many layers below k it did so
// (0 or 1).
func (t *trainer) backward(s *scratch, k int, grads [][][]float32) int {
	layers := t.m.Layers
	dxAt := func(i int) *engine.Tensor {
		if i > 0 {
			return s.grads[i]
		}
		return nil
	}
	if k > 0 {
		if _, ok := layers[k-1].(*engine.ReLU); ok {
			if p, ok := layers[k].(*engine.MaxPool2D); ok {
				if k-1 > 0 {
					p.BackwardAfterReLU(s.acts[k], s.acts[k+1], s.grads[k+1], s.grads[k-1])
				}
				return 1
			}
		}
		if c, ok := layers[k-1].(*engine.Conv2D); ok {
			if _, ok := layers[k].(*engine.ReLU); ok {
				c.BackwardReLUWith(&s.ws, s.acts[k-1], s.acts[k+1], s.grads[k+1], dxAt(k-1), grads[k-1])
				return 1
			}
		}
	}
	if l, ok := layers[k].(workspaceBackward); ok {
		l.BackwardWith(&s.ws, s.acts[k], s.acts[k+1], s.grads[k+1], dxAt(k), grads[k])
	} else {
		layers[k].Backward(s.acts[k], s.acts[k+1], s.grads[k+1], dxAt(k), grads[k])
	}
	return 0
}
