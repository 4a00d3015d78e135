package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Picture is raw 8-bit pixels in (H, W, C) order with C 1 (grey) or 3 (RGB),
// as a probe set stores them.
type Picture struct {
	H, W, C int
	Pix     []uint8
}

func (p Picture) rgb(y, x int) (r, g, b uint8) {
	o := (y*p.W + x) * p.C
	if p.C == 1 {
		return p.Pix[o], p.Pix[o], p.Pix[o]
	}
	return p.Pix[o], p.Pix[o+1], p.Pix[o+2]
}

// PicturePNG encodes a picture exactly.
func PicturePNG(p Picture) ([]byte, error) {
	return CropPNG(p, 0, 0, p.H, p.W)
}

// CropPNG cuts rows y0..y1-1 and columns x0..x1-1 out of p. Cells outside
// the picture (where a layer padded its input) are transparent, so a crop
// always has the receptive field's full size.
func CropPNG(p Picture, y0, x0, y1, x1 int) ([]byte, error) {
	if y1 <= y0 || x1 <= x0 || len(p.Pix) != p.H*p.W*p.C || (p.C != 1 && p.C != 3) {
		return nil, fmt.Errorf("render: bad crop [%d,%d)x[%d,%d) of a %dx%dx%d picture", y0, y1, x0, x1, p.H, p.W, p.C)
	}
	img := image.NewNRGBA(image.Rect(0, 0, x1-x0, y1-y0))
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if y < 0 || x < 0 || y >= p.H || x >= p.W {
				continue
			}
			r, g, b := p.rgb(y, x)
			img.SetNRGBA(x-x0, y-y0, color.NRGBA{r, g, b, 255})
		}
	}
	return encodePNG(img)
}

// Crop is a window of one picture for CropStripPNG.
type Crop struct {
	Picture        Picture
	Y0, X0, Y1, X1 int
}

// CropStripPNG lays crops of one size side by side, gap transparent
// columns apart, as CropPNG would cut each: one file for a row of pictures
// that are always shown together.
func CropStripPNG(crops []Crop, gap int) ([]byte, error) {
	if len(crops) == 0 || gap < 0 {
		return nil, fmt.Errorf("render: strip of %d crops", len(crops))
	}
	h, w := crops[0].Y1-crops[0].Y0, crops[0].X1-crops[0].X0
	img := image.NewNRGBA(image.Rect(0, 0, len(crops)*(w+gap)-gap, h))
	for i, c := range crops {
		p := c.Picture
		if c.Y1-c.Y0 != h || c.X1-c.X0 != w || h < 1 || w < 1 || len(p.Pix) != p.H*p.W*p.C || (p.C != 1 && p.C != 3) {
			return nil, fmt.Errorf("render: crop %d of the strip is not %dx%d of a valid picture", i, h, w)
		}
		for y := c.Y0; y < c.Y1; y++ {
			for x := c.X0; x < c.X1; x++ {
				if y < 0 || x < 0 || y >= p.H || x >= p.W {
					continue
				}
				r, g, b := p.rgb(y, x)
				img.SetNRGBA(i*(w+gap)+x-c.X0, y-c.Y0, color.NRGBA{r, g, b, 255})
			}
		}
	}
	return encodePNG(img)
}

// HeatOverlayPNG draws heat, an h*w row-major map of values in [0, 1], over
// the picture: the picture in dimmed grey, blended towards the Oranges
// colour of each value by the value itself, so cold cells show the picture
// and hot ones the colour. A map coarser than the picture (Grad-CAM's) is
// resized bilinearly, cell centres aligned.
func HeatOverlayPNG(p Picture, heat []float32, h, w int) ([]byte, error) {
	if len(heat) != h*w || h < 1 || w < 1 || len(p.Pix) != p.H*p.W*p.C {
		return nil, fmt.Errorf("render: heat map of %d values for %dx%d", len(heat), h, w)
	}
	sc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	img := image.NewNRGBA(image.Rect(0, 0, p.W, p.H))
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			v := bilinear(heat, h, w, (float64(y)+0.5)*float64(h)/float64(p.H)-0.5, (float64(x)+0.5)*float64(w)/float64(p.W)-0.5)
			v = min(max(v, 0), 1)
			r, g, b := p.rgb(y, x)
			grey := 0.3*float64(r) + 0.59*float64(g) + 0.11*float64(b)
			grey = 40 + grey*0.6 // dimmed, so the colour reads on white and black parts alike
			c := sc.Color(float32(v))
			mix := func(col uint8) uint8 { return uint8(math.Round((1-v)*grey + v*float64(col))) }
			img.SetNRGBA(x, y, color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 255})
		}
	}
	return encodePNG(img)
}

// bilinear samples a row-major h*w grid at fractional (y, x), clamped to
// the edge cells.
func bilinear(g []float32, h, w int, y, x float64) float64 {
	y = min(max(y, 0), float64(h-1))
	x = min(max(x, 0), float64(w-1))
	y0, x0 := int(y), int(x)
	y1, x1 := min(y0+1, h-1), min(x0+1, w-1)
	fy, fx := y-float64(y0), x-float64(x0)
	at := func(yy, xx int) float64 { return float64(g[yy*w+xx]) }
	top := at(y0, x0)*(1-fx) + at(y0, x1)*fx
	bot := at(y1, x0)*(1-fx) + at(y1, x1)*fx
	return top*(1-fy) + bot*fy
}
