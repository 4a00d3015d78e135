package engine

import "fmt"

// ToCHW returns an (H, W, C) map as a (C, H, W) tensor, the layout of
// PyTorch and ONNX without the batch axis. Vectors are returned as copies.
func (t *Tensor) ToCHW() *Tensor {
	if len(t.Shape) != 3 {
		return t.Clone()
	}
	H, W, C := t.Shape[0], t.Shape[1], t.Shape[2]
	out := NewTensor(C, H, W)
	for i, v := range t.Data {
		out.Data[(i%C)*H*W+i/C] = v
	}
	return out
}

// FromNCHW turns a (1, C, H, W) or (C, H, W) tensor into the engine's
// (H, W, C) map.
func FromNCHW(t *Tensor) (*Tensor, error) {
	s := t.Shape
	if len(s) == 4 && s[0] == 1 {
		s = s[1:]
	}
	if len(s) != 3 || NumElements(s) != len(t.Data) {
		return nil, fmt.Errorf("engine: shape %v is not (1, C, H, W) or (C, H, W)", t.Shape)
	}
	C, H, W := s[0], s[1], s[2]
	out := NewTensor(H, W, C)
	for i, v := range t.Data {
		out.Data[(i%(H*W))*C+i/(H*W)] = v
	}
	return out, nil
}
