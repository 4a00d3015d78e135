package render

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"math"
	"testing"

	"cnnexplainer/engine"
)

// cellCentre is the pixel at the centre of cell (r, c) of a grid whose top
// left is (x0, y0), s pixels per cell.
func cellCentre(img image.Image, x0, y0, s, r, c int) color.Color {
	return img.At(x0+c*s+s/2, y0+r*s+s/2)
}

func sameRGB(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar>>8 == br>>8 && ag>>8 == bg>>8 && ab>>8 == bb>>8
}

// TestFrameShowsTheTrace rasterises frames of real convolutions (one
// valid, one padded with stride 2) and checks, against the engine's window
// arithmetic and values, where the window outline is, the input cells and
// which output cells are filled with what.
func TestFrameShowsTheTrace(t *testing.T) {
	m := testModel(t)
	tr := testSamples(t, m, 1)[0].Trace
	valid := m.Layers[0].(*engine.Conv2D)
	padded := &engine.Conv2D{LayerName: "p", KH: 3, KW: 3, InC: 3, OutC: 1, StrideH: 2, StrideW: 2, Padding: engine.Explicit, Pad: 1,
		Kernel: valid.Kernel[:27], Bias: []float32{0}}
	pm := &engine.Model{Name: "p", Input: m.Input, Layers: []engine.Layer{padded, &engine.Flatten{LayerName: "f"}}}
	ptr, err := pm.Forward(tr.Input)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m  *engine.Model
		tr *engine.Trace
		l  *engine.Conv2D
		o  int
		ch int
	}{{m, tr, valid, 2, 1}, {pm, ptr, padded, 0, 2}} {
		a, err := NewAnim(c.m, c.tr, c.l.Name(), c.o, c.ch)
		if err != nil {
			t.Fatal(err)
		}
		wy, wx, _ := c.l.Windows(c.tr.Input.Shape)
		want := naiveContribution(c.l, c.tr.Input, c.o, c.ch)
		const s = 8
		f := framer{a: a, scale: s}
		f.layout()
		for _, k := range []int{0, 1, wx.Out, wx.Out*wy.Out/2 + 1, wx.Out*wy.Out - 1, wx.Out * wy.Out} {
			img, err := a.Frame(k, s)
			if err != nil {
				t.Fatal(err)
			}
			if k < a.Steps() {
				// The window's top left input cell, by the engine's rule,
				// in padded coordinates.
				oy, ox := k/wx.Out, k%wx.Out
				py, px := oy*c.l.StrideH-wy.Before+wy.Before, ox*c.l.StrideW-wx.Before+wx.Before
				got := bbox(img, image.Rect(0, 0, f.outX-s, img.Bounds().Dy()), mustHex(colWindow))
				t0 := f.line / 2
				wantBox := image.Rect(f.inX+px*s-t0, f.inY+py*s-t0, f.inX+(px+c.l.KW)*s-t0+f.line, f.inY+(py+c.l.KH)*s-t0+f.line)
				if got != wantBox {
					t.Errorf("%s frame %d: window outline at %v, want %v", c.l.Name(), k, got, wantBox)
				}
			}
			// Input cells hold the trace's input channel; padding cells
			// are hatched grey.
			for iy := -wy.Before; iy < wy.In+wy.After; iy++ {
				for ix := -wx.Before; ix < wx.In+wx.After; ix++ {
					if k < a.Steps() {
						r, cc := a.Window(k)
						if iy+wy.Before >= r-1 && iy+wy.Before <= r+c.l.KH && ix+wx.Before >= cc-1 && ix+wx.Before <= cc+c.l.KW {
							continue // under or next to the outline
						}
					}
					px := cellCentre(img, f.inX, f.inY, s, iy+wy.Before, ix+wx.Before)
					lr, lc := a.Leftover()
					if (iy+wy.Before >= a.PadH()-lr || ix+wx.Before >= a.PadW()-lc) && sameRGB(px, mustHex(colLeftLine)) {
						continue // leftover hatch
					}
					if iy < 0 || iy >= wy.In || ix < 0 || ix >= wx.In {
						if !sameRGB(px, mustHex(colPad)) && !sameRGB(px, mustHex(colHatch)) {
							t.Fatalf("%s frame %d: padding cell (%d,%d) is %v", c.l.Name(), k, iy, ix, px)
						}
						continue
					}
					v := c.tr.Input.At(iy, ix, c.ch)
					if !sameRGB(px, a.In.Scale.Color(v)) {
						t.Fatalf("%s frame %d: input cell (%d,%d) is %v, want %v", c.l.Name(), k, iy, ix, px, a.In.Scale.Color(v))
					}
				}
			}
			// Output cells 0..k are filled in, the rest empty.
			for i, v := range want {
				px := img.At(f.outX+(i%wx.Out)*s+1, f.outY+(i/wx.Out)*s+s/2) // left of centre: clear of the current-cell outline's halo
				if i == k {
					px = img.At(f.outX+(i%wx.Out)*s+s/2, f.outY+(i/wx.Out)*s+s/2)
				}
				switch {
				case i <= k:
					got := a.Out.Scale.Value(px)
					tol := float64(a.Out.Scale.Hi-a.Out.Scale.Lo) / (Steps - 1)
					if math.Abs(float64(got-v)) > tol {
						t.Fatalf("%s frame %d: output cell %d reads %v, trace %v", c.l.Name(), k, i, got, v)
					}
				case !sameRGB(px, mustHex(colEmpty)):
					t.Fatalf("%s frame %d: output cell %d is %v before its step", c.l.Name(), k, i, px)
				}
			}
		}
	}
}

// bbox is the bounding box of the pixels of colour c inside r.
func bbox(img *image.RGBA, r image.Rectangle, c color.Color) image.Rectangle {
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if sameRGB(img.At(x, y), c) {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

func TestFramePNGAndErrors(t *testing.T) {
	a := randomAnim(1, 6, 5, 3, 1, 1)
	data, err := a.FramePNG(4, 10)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	w, h := a.FrameBounds(10)
	if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Errorf("PNG is %v, FrameBounds %dx%d", img.Bounds(), w, h)
	}
	frame, _ := a.Frame(4, 10)
	if !sameImage(img, frame) {
		t.Error("FramePNG does not decode to Frame")
	}
	for _, bad := range []struct{ k, scale int }{{-1, 8}, {a.Steps() + 1, 8}, {0, 0}, {0, MaxFrameScale + 1}} {
		if _, err := a.Frame(bad.k, bad.scale); err == nil {
			t.Errorf("Frame(%d, %d) did not fail", bad.k, bad.scale)
		}
	}
	if _, err := a.GIF(8, 5, 100); err == nil {
		t.Error("GIF with a 5 ms delay did not fail")
	}
	broken := *a
	broken.KH = 9
	if _, err := broken.SVG(); err == nil {
		t.Error("SVG of a window larger than its input did not fail")
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if !sameRGB(a.At(x, y), b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// TestGIFFrames decodes GIFs, one frame per step plus the held final
// state, and replays them: every composed frame must equal Frame(k).
func TestGIFFrames(t *testing.T) {
	for name, a := range map[string]*Anim{
		"conv":       randomAnim(2, 5, 6, 2, 1, 1),
		"stride":     randomAnim(3, 7, 7, 3, 2, 0),
		"playground": Playground{Size: 5, Pad: 2, Kernel: 2, Stride: 3}.Anim(),
	} {
		data, err := a.GIF(6, 80, 1500)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(g.Image) != a.Steps()+1 {
			t.Fatalf("%s: %d frames for %d steps, want steps + 1", name, len(g.Image), a.Steps())
		}
		if g.Delay[0] != 8 || g.Delay[len(g.Delay)-1] != 150 || g.LoopCount != 0 {
			t.Errorf("%s: delays %d..%d, loop %d", name, g.Delay[0], g.Delay[len(g.Delay)-1], g.LoopCount)
		}
		w, h := a.FrameBounds(6)
		canvas := image.NewRGBA(image.Rect(0, 0, w, h))
		err = a.EachFrame(6, func(k int, want *image.RGBA) error {
			// Transparent pixels keep what the frames before left.
			draw.Draw(canvas, g.Image[k].Bounds(), g.Image[k], g.Image[k].Bounds().Min, draw.Over)
			if !sameImage(canvas, want) {
				t.Fatalf("%s: GIF frame %d differs from Frame(%d)", name, k, k)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := a.GIF(6, 80, 1500)
		if !bytes.Equal(data, again) {
			t.Errorf("%s: two GIFs differ", name)
		}
		writeDebug(t, name+".gif", data)
	}
}

func TestGIFPaletteFitsManyColours(t *testing.T) {
	// 30x30 random values on each side use far more than 256 colours; the
	// palette thins and every pixel still lands near its colour.
	a := randomAnim(4, 30, 30, 1, 1, 0)
	pal := a.gifPalette()
	if len(pal) > 255 {
		t.Fatalf("palette of %d colours", len(pal))
	}
	data, err := a.GIF(2, 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gif.DecodeAll(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGIF encodes the GIF of a 64x64 map under a 3x3 window, CNN
// Explainer's first layer: 3,844 steps.
func BenchmarkGIF(b *testing.B) {
	a := randomAnim(5, 64, 64, 3, 1, 0)
	var size int
	for b.Loop() {
		data, err := a.GIF(6, 20, 1000)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N)/float64(a.Steps()+1), "ms/frame")
}
