package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/render"
)

// session is one loaded model and the reader's latest forward pass. The
// browser owns exactly one; nothing here is package state.
type session struct {
	m      *engine.Model
	shapes [][]int
	tr     *engine.Trace
	ranges render.Ranges
}

// modelInfo tells the page what to lay out.
type modelInfo struct {
	Name    string      `json:"name"`
	Input   []int       `json:"input"`
	Classes []string    `json:"classes"`
	Layers  []layerInfo `json:"layers"`
}

type layerInfo struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Shape []int  `json:"shape"`
}

// result is what one forward pass shows first: the class bars.
type result struct {
	Logits []float32 `json:"logits"`
	Probs  []float32 `json:"probs"`
	Top    int       `json:"top"`
}

func newSession(doc, weights []byte) (*session, error) {
	m, err := modelfile.Decode("model.json", doc, weights)
	if err != nil {
		return nil, err
	}
	shapes, err := m.Shapes()
	if err != nil {
		return nil, err
	}
	return &session{m: m, shapes: shapes}, nil
}

func (s *session) info() modelInfo {
	in := modelInfo{Name: s.m.Name, Input: s.shapes[0], Classes: s.m.Classes}
	for i, l := range s.m.Layers {
		in.Layers = append(in.Layers, layerInfo{Name: l.Name(), Kind: l.Kind().String(), Shape: s.shapes[i+1]})
	}
	return in
}

// runImage preprocesses an uploaded PNG or JPEG exactly as the build does
// its samples (imageio.Decode) and runs it.
func (s *session) runImage(data []byte) (result, error) {
	x, err := imageio.Decode(bytes.NewReader(data), s.m.Input)
	if err != nil {
		return result{}, err
	}
	return s.forward(x)
}

// runRGBA runs a canvas's pixels (non-premultiplied RGBA, as ImageData
// holds them) through the same preprocessing as a file.
func (s *session) runRGBA(w, h int, pix []byte) (result, error) {
	if w < 1 || h < 1 || w > imageio.MaxSide || h > imageio.MaxSide || len(pix) != 4*w*h {
		return result{}, fmt.Errorf("canvas %dx%d with %d bytes is not an RGBA picture", w, h, len(pix))
	}
	if err := imageio.CheckInput(s.m.Input); err != nil {
		return result{}, err
	}
	img := &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	return s.forward(imageio.FromImage(img, s.m.Input))
}

func (s *session) forward(x *engine.Tensor) (result, error) {
	tr, err := s.m.Forward(x)
	if err != nil {
		return result{}, err
	}
	ranges, err := render.NewRanges(s.m, tr)
	if err != nil {
		return result{}, err
	}
	s.tr, s.ranges = tr, ranges
	top := 0
	for i, p := range tr.Probs {
		if p > tr.Probs[top] {
			top = i
		}
	}
	return result{Logits: tr.Logits, Probs: tr.Probs, Top: top}, nil
}

var errNoRun = errors.New("no picture has been run yet")

// tensor returns layer i's output, or the input for i == -1.
func (s *session) tensor(i int) (*engine.Tensor, error) {
	if s.tr == nil {
		return nil, errNoRun
	}
	if i < -1 || i >= len(s.tr.Layers) {
		return nil, fmt.Errorf("no layer %d", i)
	}
	if i == -1 {
		return s.tr.Input, nil
	}
	return s.tr.Layers[i].Output, nil
}

// mapPNG draws neuron n of layer i with render's own code and scales: the
// same bytes the build writes for a sample's map in that range mode. Layer
// -1 is the input, one channel per neuron, on the build's input scale.
func (s *session) mapPNG(i, n int, mode string) ([]byte, error) {
	t, err := s.tensor(i)
	if err != nil {
		return nil, err
	}
	if len(t.Shape) != 3 || n < 0 || n >= t.C() {
		return nil, fmt.Errorf("layer %d has no map %d", i, n)
	}
	if i == -1 {
		sc, err := render.InputScale(s.m, n)
		if err != nil {
			return nil, err
		}
		return render.MapPNG(t, n, sc)
	}
	md, err := render.ParseMode(mode)
	if err != nil {
		return nil, err
	}
	sc, err := s.ranges.Scale(md, s.m.Layers[i].Name(), n)
	if err != nil {
		return nil, err
	}
	return render.MapPNG(t, n, sc)
}

// kernelPNG draws the kernel from input channel c to output o of
// convolution layer i on the layer's weight scale, as the build does.
func (s *session) kernelPNG(i, o, c int) ([]byte, error) {
	if i < 0 || i >= len(s.m.Layers) {
		return nil, fmt.Errorf("no layer %d", i)
	}
	l, ok := s.m.Layers[i].(*engine.Conv2D)
	if !ok || o < 0 || o >= l.OutC || c < 0 || c >= l.InC {
		return nil, fmt.Errorf("layer %d has no kernel %d/%d", i, o, c)
	}
	return render.GridPNG(l.KW, l.KH, l.KernelSlice(o, c), render.KernelScale(l))
}
