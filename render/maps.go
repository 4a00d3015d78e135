package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	"cnnexplainer/engine"
)

// Figure kinds written by the static plan.
const (
	KindInput        FigureKind = "input"
	KindInputChannel FigureKind = "input-channel"
	KindActivation   FigureKind = "activation"
	KindKernel       FigureKind = "kernel"
	KindKernelValues FigureKind = "kernel-values"
	KindDenseWeights FigureKind = "dense-weights"
	KindDenseValues  FigureKind = "dense-values"
	KindOverview     FigureKind = "overview"
	KindFlatten      FigureKind = "flatten"
	KindSoftmax      FigureKind = "softmax"
	KindLegend       FigureKind = "legend"
)

// planStatic plans every figure that is a picture of a value: inputs,
// activation maps, kernels, dense weights and diagrams.
func planStatic(m *engine.Model, samples []Sample) ([]job, error) {
	if err := checkLayerNames(m); err != nil {
		return nil, err
	}
	var jobs []job
	for _, s := range samples {
		js, err := planSampleStatic(m, s)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, js...)
	}
	js, err := planKernels(m)
	if err != nil {
		return nil, err
	}
	return append(jobs, js...), nil
}

// planSampleStatic plans the pictures of one sample's values.
func planSampleStatic(m *engine.Model, s Sample) ([]job, error) {
	jobs, err := planInput(m, s)
	if err != nil {
		return nil, err
	}
	js, shared, err := planActivations(m, s)
	if err != nil {
		return nil, err
	}
	jobs = append(jobs, js...)
	jobs = append(jobs, planOverview(m, s, shared)...)
	if js, err = planFlatten(m, s, shared); err != nil {
		return nil, err
	}
	jobs = append(jobs, js...)
	if js, err = planSoftmax(s); err != nil {
		return nil, err
	}
	return append(jobs, js...), nil
}

// checkLayerNames makes sure every layer name can be a path element.
func checkLayerNames(m *engine.Model) error {
	for _, l := range m.Layers {
		n := l.Name()
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\:*?"<>|`) {
			return fmt.Errorf("render: layer name %q cannot name a figure folder", n)
		}
	}
	return nil
}

// inputRange is the top of the input tensor's value range: pixel 255 times
// the model's input scale.
func inputRange(m *engine.Model) float32 {
	if m.Input.Scale > 0 {
		return 255 * m.Input.Scale
	}
	return 1
}

// channelScheme is the scheme of input channel c of a C-channel input.
func channelScheme(c, channels int) Scheme {
	if channels == 3 {
		return [3]Scheme{Red, Green, Blue}[c]
	}
	return Greys
}

// planInput plans the input picture and its channel views.
func planInput(m *engine.Model, s Sample) ([]job, error) {
	x := s.Trace.Input
	if len(x.Shape) != 3 {
		return nil, fmt.Errorf("render: sample %s: input shape %v is not (H, W, C)", s.ID, x.Shape)
	}
	h, w, cs := x.H(), x.W(), x.C()
	top := inputRange(m)
	var jobs []job
	if cs == 1 || cs == 3 {
		sc, err := NewScale(Greys, 0, top)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, job{
			Figure: Figure{File: InputFile(s.ID), Kind: KindInput, Sample: s.ID,
				Neuron: -1, Channel: -1, Range: sc.Range(), Scale: sc.Scheme, Width: w, Height: h},
			Draw: func() ([]byte, error) { return inputPNG(x, sc) },
		})
	}
	for c := 0; c < cs; c++ {
		sc, err := InputScale(m, c)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, job{
			Figure: Figure{File: InputChannelFile(s.ID, c), Kind: KindInputChannel,
				Sample: s.ID, Neuron: -1, Channel: c, Range: sc.Range(), Scale: sc.Scheme, Width: w, Height: h},
			Draw: func() ([]byte, error) { return MapPNG(x, c, sc) },
		})
	}
	return jobs, nil
}

// mapCache holds the encoders of one sample's maps in OverviewMode, keyed
// by mapKey. The overview and flatten figures embed exactly these PNGs, so
// each is encoded once and shared. It is filled while planning and only read
// (concurrently) afterwards.
type mapCache map[string]func() ([]byte, error)

func mapKey(layer string, neuron int) string { return layer + "/" + strconv.Itoa(neuron) }

// get returns the PNG of a neuron's map in OverviewMode, from the cache
// when it is there, else encoded now.
func (c mapCache) get(tr *engine.Trace, ranges Ranges, layer string, neuron int) ([]byte, error) {
	if draw, ok := c[mapKey(layer, neuron)]; ok {
		return draw()
	}
	sc, err := ranges.Scale(OverviewMode, layer, neuron)
	if err != nil {
		return nil, err
	}
	return MapPNG(tr.Output(layer), neuron, sc)
}

// planActivations plans one PNG per map layer, neuron and range mode.
func planActivations(m *engine.Model, s Sample) ([]job, mapCache, error) {
	ranges, err := NewRanges(m, s.Trace)
	if err != nil {
		return nil, nil, fmt.Errorf("render: sample %s: %w", s.ID, err)
	}
	blocks, err := Blocks(m)
	if err != nil {
		return nil, nil, err
	}
	shared := mapCache{}
	var jobs []job
	for _, b := range blocks {
		for _, name := range b.Layers {
			out := s.Trace.Output(name)
			for n := 0; n < out.C(); n++ {
				for _, mode := range Modes() {
					sc, err := ranges.Scale(mode, name, n)
					if err != nil {
						return nil, nil, err
					}
					draw := func() ([]byte, error) { return MapPNG(out, n, sc) }
					if mode == OverviewMode {
						draw = sync.OnceValues(draw)
						shared[mapKey(name, n)] = draw
					}
					jobs = append(jobs, job{
						Figure: Figure{File: ActivationFile(s.ID, name, mode, n), Kind: KindActivation,
							Sample: s.ID, Layer: name, Neuron: n, Channel: -1, Range: sc.Range(),
							Scale: sc.Scheme, Mode: mode, Width: out.W(), Height: out.H()},
						Draw: draw,
					})
				}
			}
		}
	}
	return jobs, shared, nil
}

// InputFile is the figure path of a sample's input picture.
func InputFile(sample string) string { return "s/" + sample + "/input.png" }

// InputChannelFile is the figure path of one channel of a sample's input.
func InputChannelFile(sample string, c int) string {
	return "s/" + sample + "/input/" + strconv.Itoa(c) + ".png"
}

// ActivationFile is the figure path of one neuron's map in one range mode.
func ActivationFile(sample, layer string, mode Mode, neuron int) string {
	return "s/" + sample + "/" + layer + "/" + mode.String() + "/" + strconv.Itoa(neuron) + ".png"
}

// MapPNG encodes channel c of an (H, W, C) tensor as a paletted PNG, one
// pixel per value, through scale sc.
func MapPNG(t *engine.Tensor, c int, sc Scale) ([]byte, error) {
	if len(t.Shape) != 3 || c < 0 || c >= t.C() {
		return nil, fmt.Errorf("no channel %d in a tensor of shape %v", c, t.Shape)
	}
	h, w, cs := t.H(), t.W(), t.C()
	idx := make([]uint8, h*w)
	for i := range idx {
		idx[i] = sc.Index(t.Data[i*cs+c])
	}
	return IndexedPNG(w, h, idx, sc)
}

// GridPNG encodes a row-major h*w grid of values, one pixel per value.
func GridPNG(w, h int, values []float32, sc Scale) ([]byte, error) {
	if len(values) != w*h {
		return nil, fmt.Errorf("%d values for a %dx%d grid", len(values), w, h)
	}
	idx := make([]uint8, len(values))
	for i, v := range values {
		idx[i] = sc.Index(v)
	}
	return IndexedPNG(w, h, idx, sc)
}

// IndexedPNG writes a paletted PNG whose pixel i has the colour of scale
// index idx[i]. Only the palette entries in use are stored (in index order),
// which keeps small maps small: a full palette alone is 768 bytes.
func IndexedPNG(w, h int, idx []uint8, sc Scale) ([]byte, error) {
	if w < 1 || h < 1 || len(idx) != w*h {
		return nil, fmt.Errorf("bad image size %dx%d for %d pixels", w, h, len(idx))
	}
	var used [Steps]bool
	for _, v := range idx {
		used[v] = true
	}
	full := sc.Palette()
	var remap [Steps]uint8
	var pal color.Palette
	for i, u := range used {
		if u {
			remap[i] = uint8(len(pal))
			pal = append(pal, full[i])
		}
	}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for i, v := range idx {
		img.Pix[i] = remap[v]
	}
	return encodePNG(img)
}

// inputPNG draws the input as the picture it came from: RGB for three
// channels, grey for one.
func inputPNG(x *engine.Tensor, sc Scale) ([]byte, error) {
	h, w, cs := x.H(), x.W(), x.C()
	var img image.Image
	switch cs {
	case 1:
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = sc.Index(x.Data[i])
		}
		img = g
	case 3:
		rgba := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < w*h; i++ {
			for c := 0; c < 3; c++ {
				rgba.Pix[i*4+c] = sc.Index(x.Data[i*3+c])
			}
			rgba.Pix[i*4+3] = 255
		}
		img = rgba
	default:
		return nil, fmt.Errorf("an input picture needs 1 or 3 channels, not %d", cs)
	}
	return encodePNG(img)
}

// pngBuffers recycles the encoders' zlib state, about 1 MB each, which
// otherwise dominates the allocations of a render (thousands of tiny PNGs).
// It is a cache only: what it holds never changes an output byte.
var pngBuffers pngPool

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression, BufferPool: &pngBuffers}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// maxAbs returns the largest finite |v| of values.
func maxAbs(values []float32) float32 {
	var m float32
	for _, v := range values {
		if a := abs32(v); a > m && !math.IsInf(float64(a), 0) {
			m = a
		}
	}
	return m
}
