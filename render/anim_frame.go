package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"

	"github.com/fogleman/gg"
)

// MaxFrameScale bounds the pixels per cell of a raster frame, so a frame of
// a large map stays a sensible size.
const MaxFrameScale = 64

// framer rasterises the frames of an animation with gg. The input side and
// the output cells revealed so far live in one persistent image; a frame is
// a copy of it with the window and the current-cell outline on top. Frames
// must be asked for in increasing order, which makes a whole GIF cost one
// cell fill per step rather than one per cell.
type framer struct {
	a        *Anim
	scale    int // pixels per cell
	margin   int
	line     int // outline thickness
	inX, inY int // top left of the padded input
	outX     int
	outY     int
	base     *image.RGBA
	shown    int // output cells drawn into base
}

// FrameBounds is the raster size of every frame at a scale.
func (a *Anim) FrameBounds(scale int) (w, h int) {
	f := framer{a: a, scale: scale}
	f.layout()
	return f.base.Bounds().Dx(), f.base.Bounds().Dy()
}

func (f *framer) layout() {
	a, s := f.a, f.scale
	f.margin = max(2, s/2)
	f.line = max(1, s/6)
	rows := max(a.PadH(), a.Out.H)
	w := 2*f.margin + a.PadW()*s + 2*s + a.Out.W*s
	h := 2*f.margin + rows*s
	f.inX, f.inY = f.margin, f.margin+(rows-a.PadH())*s/2
	f.outX, f.outY = f.margin+a.PadW()*s+2*s, f.margin+(rows-a.Out.H)*s/2
	f.base = image.NewRGBA(image.Rect(0, 0, w, h))
}

func newFramer(a *Anim, scale int) (*framer, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if scale < 1 || scale > MaxFrameScale {
		return nil, fmt.Errorf("frame scale %d pixels per cell is outside 1..%d", scale, MaxFrameScale)
	}
	f := &framer{a: a, scale: scale}
	f.layout()
	dc := gg.NewContextForRGBA(f.base)
	dc.SetColor(color.White)
	dc.Clear()
	ph, pw := a.PadH(), a.PadW()
	lr, lc := a.Leftover()
	for r := 0; r < ph; r++ {
		for c := 0; c < pw; c++ {
			x, y := f.inX+c*scale, f.inY+r*scale
			iy, ix := r-a.Top, c-a.Left
			if iy < 0 || iy >= a.In.H || ix < 0 || ix >= a.In.W {
				f.cell(dc, x, y, mustHex(colPad))
				f.hatch(dc, x, y, mustHex(colHatch))
			} else {
				f.cell(dc, x, y, cellColor(a.In, iy*a.In.W+ix, colPlainIn))
			}
			if r >= ph-lr || c >= pw-lc {
				f.hatch(dc, x, y, mustHex(colLeftLine))
			}
		}
	}
	for i := 0; i < a.Steps(); i++ {
		f.cell(dc, f.outX+(i%a.Out.W)*scale, f.outY+(i/a.Out.W)*scale, mustHex(colEmpty))
	}
	return f, nil
}

// cell fills one cell, leaving a one-pixel white gap on its right and
// bottom as grid lines once cells are big enough to spare it.
func (f *framer) cell(dc *gg.Context, x, y int, c color.Color) {
	s := f.scale
	if s >= 6 {
		s--
	}
	dc.SetColor(c)
	dc.DrawRectangle(float64(x), float64(y), float64(s), float64(s))
	dc.Fill()
}

// hatch draws diagonal lines over a cell, pixel by pixel so that frames
// hold only palette colours (no anti-aliased edges).
func (f *framer) hatch(dc *gg.Context, x, y int, c color.Color) {
	s := f.scale
	if s >= 6 {
		s--
	}
	every := max(3, f.scale/3)
	dc.SetColor(c)
	for py := y; py < y+s; py++ {
		for px := x; px < x+s; px++ {
			if (px+py)%every == 0 {
				dc.SetPixel(px, py)
			}
		}
	}
}

// frame returns frame k (0 <= k <= Steps) as a new image.
func (f *framer) frame(k int) (*image.RGBA, error) {
	a := f.a
	n := a.Steps()
	if k < 0 || k > n {
		return nil, fmt.Errorf("frame %d is outside 0..%d", k, n)
	}
	if k < n && f.shown > k+1 {
		return nil, fmt.Errorf("frame %d asked for after frame %d", k, f.shown-1)
	}
	dc := gg.NewContextForRGBA(f.base)
	for ; f.shown <= k && f.shown < n; f.shown++ {
		i := f.shown
		f.cell(dc, f.outX+(i%a.Out.W)*f.scale, f.outY+(i/a.Out.W)*f.scale, cellColor(a.Out, i, colPlainOut))
	}
	img := image.NewRGBA(f.base.Rect)
	copy(img.Pix, f.base.Pix)
	if k == n {
		return img, nil
	}
	s := f.scale
	r, c := a.Window(k)
	dc = gg.NewContextForRGBA(img)
	// The window outline straddles the window's edge; the current-cell
	// outline sits inside its cell. Each has a one-pixel light halo inside
	// so it shows on dark cells too.
	t, half := f.line, f.line/2
	wx, wy, ww, wh := f.inX+c*s-half, f.inY+r*s-half, a.KW*s+t, a.KH*s+t
	cx, cy := f.outX+(k%a.Out.W)*s, f.outY+(k/a.Out.W)*s
	dc.SetColor(mustHex(colHalo))
	if ww > 2*t+2 && wh > 2*t+2 {
		ring(dc, wx+t, wy+t, ww-2*t, wh-2*t, 1)
	}
	if s > 2*t+2 {
		ring(dc, cx+t, cy+t, s-2*t, s-2*t, 1)
	}
	dc.SetColor(mustHex(colWindow))
	ring(dc, wx, wy, ww, wh, t)
	ring(dc, cx, cy, s, s, t)
	return img, nil
}

// ring fills a rectangular outline of thickness t whose outer edge is the
// rectangle (x, y, w, h).
func ring(dc *gg.Context, x, y, w, h, t int) {
	t = min(t, w/2+1, h/2+1)
	for _, r := range [4][4]int{{x, y, w, t}, {x, y + h - t, w, t}, {x, y + t, t, h - 2*t}, {x + w - t, y + t, t, h - 2*t}} {
		if r[2] > 0 && r[3] > 0 {
			dc.DrawRectangle(float64(r[0]), float64(r[1]), float64(r[2]), float64(r[3]))
		}
	}
	dc.Fill()
}

func cellColor(g Grid, i int, plain string) color.Color {
	if g.Values == nil {
		return mustHex(plain)
	}
	return g.Scale.Color(g.Values[i])
}

// mustHex parses one of the #rgb or #rrggbb colour constants.
func mustHex(h string) color.NRGBA {
	var c [3]uint8
	for i := range c {
		if len(h) == 4 {
			c[i] = hexNibble(h[1+i]) * 17
		} else {
			c[i] = hexNibble(h[1+2*i])<<4 | hexNibble(h[2+2*i])
		}
	}
	return color.NRGBA{R: c[0], G: c[1], B: c[2], A: 255}
}

func hexNibble(b byte) uint8 {
	switch {
	case b >= '0' && b <= '9':
		return b - '0'
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10
	}
	return 0
}

// Frame rasterises step k (0 <= k <= Steps; Steps is the final state) with
// scale pixels per cell: cells, hatched padding, the window outline and the
// current output cell outlined; no text.
func (a *Anim) Frame(k, scale int) (*image.RGBA, error) {
	f, err := newFramer(a, scale)
	if err != nil {
		return nil, err
	}
	return f.frame(k)
}

// FramePNG is Frame encoded as PNG.
func (a *Anim) FramePNG(k, scale int) ([]byte, error) {
	img, err := a.Frame(k, scale)
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// EachFrame calls fn with every frame in order, 0..Steps.
func (a *Anim) EachFrame(scale int, fn func(k int, img *image.RGBA) error) error {
	f, err := newFramer(a, scale)
	if err != nil {
		return err
	}
	for k := 0; k <= a.Steps(); k++ {
		img, err := f.frame(k)
		if err != nil {
			return err
		}
		if err := fn(k, img); err != nil {
			return err
		}
	}
	return nil
}

// EachFramePNG calls fn with every frame in order, 0..Steps, encoded as
// PNG.
func (a *Anim) EachFramePNG(scale int, fn func(k int, png []byte) error) error {
	return a.EachFrame(scale, func(k int, img *image.RGBA) error {
		data, err := encodePNG(img)
		if err != nil {
			return fmt.Errorf("frame %d: %w", k, err)
		}
		return fn(k, data)
	})
}

// GIF encodes the whole animation as a looping animated GIF: one frame per
// step, delayMS each, then the final state held for holdMS. Frames after
// the first store only the rectangle that changed. The palette is built
// from the colours the scales give the grids (see gifPalette).
func (a *Anim) GIF(scale, delayMS, holdMS int) ([]byte, error) {
	if delayMS < 10 || holdMS < 10 {
		return nil, fmt.Errorf("gif delays must be at least 10 ms, not %d and %d", delayMS, holdMS)
	}
	// The last entry is transparent: a pixel that did not change since the
	// previous frame is left transparent, so the long unchanged run
	// between the window and the output cell compresses to almost nothing.
	pal := append(a.gifPalette(), color.RGBA{})
	clear := uint8(len(pal) - 1)
	index := map[color.RGBA]uint8{}
	lookup := func(c color.RGBA) uint8 {
		i, ok := index[c]
		if !ok {
			i = uint8(pal[:clear].Index(c))
			index[c] = i
		}
		return i
	}
	out := &gif.GIF{LoopCount: 0}
	var prev *image.RGBA
	err := a.EachFrame(scale, func(k int, img *image.RGBA) error {
		r := img.Rect
		if prev != nil {
			r = changed(prev, img)
		}
		p := image.NewPaletted(r, pal)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				o := img.PixOffset(x, y)
				px := img.Pix[o : o+4 : o+4]
				if prev != nil && bytes.Equal(px, prev.Pix[o:o+4]) {
					p.Pix[p.PixOffset(x, y)] = clear
					continue
				}
				p.Pix[p.PixOffset(x, y)] = lookup(color.RGBA{px[0], px[1], px[2], px[3]})
			}
		}
		prev = img
		d := delayMS
		if k == a.Steps() {
			d = holdMS
		}
		out.Image = append(out.Image, p)
		out.Delay = append(out.Delay, (d+5)/10)
		out.Disposal = append(out.Disposal, gif.DisposalNone)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, out); err != nil {
		return nil, fmt.Errorf("encode gif: %w", err)
	}
	return buf.Bytes(), nil
}

// changed returns the smallest rectangle outside which a and b agree (one
// pixel if they are equal: a GIF frame cannot be empty). Rows are compared
// whole first, which is most of them.
func changed(a, b *image.RGBA) image.Rectangle {
	r := image.Rectangle{}
	w := b.Rect.Dx() * 4
	for y := b.Rect.Min.Y; y < b.Rect.Max.Y; y++ {
		o := b.PixOffset(b.Rect.Min.X, y)
		ra, rb := a.Pix[o:o+w], b.Pix[o:o+w]
		if bytes.Equal(ra, rb) {
			continue
		}
		first, last := 0, w-1
		for ra[first] == rb[first] {
			first++
		}
		for ra[last] == rb[last] {
			last--
		}
		x0, x1 := b.Rect.Min.X+first/4, b.Rect.Min.X+last/4+1
		r = r.Union(image.Rect(x0, y, x1, y+1))
	}
	if r.Empty() {
		return image.Rect(0, 0, 1, 1)
	}
	return r
}

// gifPalette lists the fixed colours, then the scale colours the two grids
// use. A GIF holds at most 256 colours, one of them kept for transparency;
// when the grids use more, each
// grid's used palette indices are thinned to every q-th one, the smallest q
// that fits, and cells take the nearest remaining colour.
func (a *Anim) gifPalette() color.Palette {
	fixed := []string{colHalo, colPad, colHatch, colLeftLine, colEmpty, colWindow, colPlainIn, colPlainOut}
	for q := 1; ; q++ {
		pal := color.Palette{}
		seen := map[color.NRGBA]bool{}
		add := func(c color.NRGBA) {
			if !seen[c] {
				seen[c] = true
				pal = append(pal, c)
			}
		}
		for _, h := range fixed {
			add(mustHex(h))
		}
		for _, g := range []Grid{a.In, a.Out} {
			if g.Values == nil {
				continue
			}
			var used [Steps]bool
			for _, v := range g.Values {
				used[g.Scale.Index(v)] = true
			}
			lut := g.Scale.Palette()
			for i, u := range used {
				if u {
					add(lut[i/q*q].(color.NRGBA))
				}
			}
		}
		if len(pal) <= 255 {
			return pal
		}
	}
}
