// Package imageio turns PNG and JPEG pictures into model input tensors and
// tensors back into pictures.
//
// The rules, applied in this order:
//
//   - Format. The content is sniffed (PNG or JPEG signature); the file name
//     does not matter. Anything else is an ErrFormat error.
//   - Size limit. An image wider or taller than MaxSide pixels is refused from
//     its header alone (image.DecodeConfig), before any pixel is decoded, so a
//     small file that claims a huge size cannot exhaust memory.
//   - Alpha. Transparent pixels are composited over white, the background a
//     reader sees on the site. Dropping alpha instead would expose whatever
//     colour the encoder happened to leave under transparent pixels, which
//     is invisible and differs between tools.
//   - Channels. A model with 3 channels gets R, G, B; a grayscale image is
//     replicated into all three. A model with 1 channel gets a grayscale
//     image as it is and a colour image converted to luma with the ITU-R
//     BT.601 weights 0.299 R + 0.587 G + 0.114 B, computed with the same
//     16-bit fixed-point formula as Pillow's convert("L"). BT.601 because it
//     is what Pillow, torchvision's Grayscale and tf.image.rgb_to_grayscale
//     use, so a model trained in those pipelines sees the same numbers, and
//     because it is the luma JPEG itself stores.
//   - Size. An image of another size than the model's (H, W) is centre-cropped
//     to the model's aspect ratio (the largest centred rectangle of that
//     ratio, rounded to whole source pixels) and the crop is resampled to
//     (H, W) with the Catmull-Rom kernel of golang.org/x/image/draw, which
//     widens its support when shrinking and so does not alias. This is
//     "scale by max(H/h, W/w) so the image covers the target, then crop the
//     centre", done in the other order so that no intermediate image is
//     larger than the target. It is deterministic.
//   - Values. Each 8-bit value v becomes v * in.Scale (1/255 gives [0, 1]).
//     16-bit images are reduced to their high byte first.
package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"

	xdraw "golang.org/x/image/draw"

	"cnnexplainer/engine"
)

// MaxSide is the largest width or height accepted, in pixels.
const MaxSide = 4096

var (
	// ErrFormat is wrapped when the data is not a PNG or JPEG image, or is a
	// corrupt one.
	ErrFormat = errors.New("not a readable PNG or JPEG image")
	// ErrTooLarge is wrapped when an image is wider or taller than MaxSide.
	ErrTooLarge = fmt.Errorf("image larger than %dx%d", MaxSide, MaxSide)
)

// Load reads the PNG or JPEG file at path as an input tensor for in.
// Errors name the file.
func Load(path string, in engine.Input) (*engine.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load image: %w", err)
	}
	defer f.Close()
	t, err := Decode(f, in)
	if err != nil {
		return nil, fmt.Errorf("load image %s: %w", path, err)
	}
	return t, nil
}

// Decode reads a PNG or JPEG image from r as an input tensor for in.
func Decode(r io.Reader, in engine.Input) (*engine.Tensor, error) {
	if err := CheckInput(in); err != nil {
		return nil, err
	}
	img, err := DecodeImage(r)
	if err != nil {
		return nil, err
	}
	return FromImage(img, in), nil
}

// DecodeImage sniffs and decodes a PNG or JPEG image, refusing one larger
// than MaxSide on either side before decoding its pixels.
func DecodeImage(r io.Reader) (image.Image, error) {
	// Keep what DecodeConfig reads so the full decode can start over without
	// buffering the whole stream.
	var head bytes.Buffer
	tee := io.TeeReader(r, &head)
	var sig [8]byte
	n, _ := io.ReadFull(tee, sig[:])
	var decodeConfig func(io.Reader) (image.Config, error)
	var decode func(io.Reader) (image.Image, error)
	switch {
	case n == 8 && string(sig[:]) == "\x89PNG\r\n\x1a\n":
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case n >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff:
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	default:
		return nil, fmt.Errorf("%w: no PNG or JPEG signature", ErrFormat)
	}
	cfg, err := decodeConfig(io.MultiReader(bytes.NewReader(head.Bytes()), tee))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, fmt.Errorf("%w: it is %dx%d", ErrTooLarge, cfg.Width, cfg.Height)
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return nil, fmt.Errorf("%w: empty image (%dx%d)", ErrFormat, cfg.Width, cfg.Height)
	}
	img, err := decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return img, nil
}

// CheckInput reports whether FromImage can fill in: shape (H, W, 1) or
// (H, W, 3) with 1 <= H, W <= MaxSide, and a positive finite scale.
func CheckInput(in engine.Input) error {
	s := in.Shape
	if len(s) == 3 && s[2] != 1 && s[2] != 3 {
		// A picture has no other channel count: a 2-channel model (two
		// stacked grey images, an image and a mask) takes arrays, not pictures.
		return fmt.Errorf("model input shape %v: images fill (H, W, 1) or (H, W, 3), and a picture gives 1 (grey) or 3 (RGB) channels, not %d", s, s[2])
	}
	if len(s) != 3 || s[0] < 1 || s[1] < 1 || s[0] > MaxSide || s[1] > MaxSide {
		return fmt.Errorf("model input shape %v: images fill (H, W, 1) or (H, W, 3) with sides 1..%d", s, MaxSide)
	}
	if !(in.Scale > 0) || math.IsInf(float64(in.Scale), 0) {
		return fmt.Errorf("model input scale %v: must be positive and finite", in.Scale)
	}
	return nil
}

// FromImage converts img to an input tensor for in by the package rules.
// It panics if CheckInput(in) fails; Load and Decode check first.
func FromImage(img image.Image, in engine.Input) *engine.Tensor {
	if err := CheckInput(in); err != nil {
		panic("imageio.FromImage: " + err.Error())
	}
	h, w, c := in.Shape[0], in.Shape[1], in.Shape[2]
	t := engine.NewTensor(h, w, c)
	if c == 1 {
		g := fit(toGray(img), w, h).(*image.Gray)
		for y := 0; y < h; y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+w]
			for x, v := range row {
				t.Data[y*w+x] = float32(v) * in.Scale
			}
		}
		return t
	}
	var rgb *image.RGBA
	if g, ok := grayOf(img); ok {
		rgb = grayToRGBA(fit(g, w, h).(*image.Gray))
	} else {
		rgb = fit(toRGBA(img), w, h).(*image.RGBA)
	}
	for y := 0; y < h; y++ {
		row := rgb.Pix[y*rgb.Stride : y*rgb.Stride+4*w]
		out := t.Data[y*w*3 : (y+1)*w*3]
		for x := 0; x < w; x++ {
			out[3*x] = float32(row[4*x]) * in.Scale
			out[3*x+1] = float32(row[4*x+1]) * in.Scale
			out[3*x+2] = float32(row[4*x+2]) * in.Scale
		}
	}
	return t
}

// grayOf returns img as an 8-bit gray image when it is a grayscale image
// (which carries no alpha in Go's decoders).
func grayOf(img image.Image) (*image.Gray, bool) {
	switch img.(type) {
	case *image.Gray, *image.Gray16:
	default:
		return nil, false
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g, true
}

// toRGBA returns img composited over white, as an opaque RGBA image with
// its origin at (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	// Over an opaque source equals Src, but only Src has image/draw's fast
	// path for JPEG's YCbCr.
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// toGray returns the luma of img (composited over white) as a gray image.
func toGray(img image.Image) *image.Gray {
	if g, ok := grayOf(img); ok {
		return g
	}
	rgb := toRGBA(img)
	b := rgb.Bounds()
	g := image.NewGray(b)
	for i := range g.Pix {
		p := rgb.Pix[4*i : 4*i+3 : 4*i+3]
		g.Pix[i] = luma(p[0], p[1], p[2])
	}
	return g
}

// luma is BT.601 luma in Pillow's fixed point: the weights 0.299, 0.587 and
// 0.114 times 65536, rounded, sum to exactly 65536, so gray stays gray.
func luma(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}

func grayToRGBA(g *image.Gray) *image.RGBA {
	out := image.NewRGBA(g.Bounds())
	for i, v := range g.Pix {
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = v, v, v, 0xff
	}
	return out
}

// fit returns src (a *image.Gray or *image.RGBA with origin (0, 0)) as an
// image of the same type and size w x h: the centred crop of the target's
// aspect ratio, resampled with Catmull-Rom when its size differs.
func fit(src draw.Image, w, h int) draw.Image {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	if sw == w && sh == h {
		return src
	}
	// The scale that makes the image cover the target; the crop is the
	// target seen at that scale, clamped to the image.
	s := math.Max(float64(h)/float64(sh), float64(w)/float64(sw))
	cw := min(sw, max(1, int(math.Round(float64(w)/s))))
	ch := min(sh, max(1, int(math.Round(float64(h)/s))))
	x0, y0 := (sw-cw)/2, (sh-ch)/2
	crop := image.Rect(x0, y0, x0+cw, y0+ch)
	var dst draw.Image
	switch src.(type) {
	case *image.Gray:
		dst = image.NewGray(image.Rect(0, 0, w, h))
	default:
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	if cw == w && ch == h {
		draw.Draw(dst, dst.Bounds(), src, crop.Min, draw.Src)
		return dst
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, xdraw.Src, nil)
	return dst
}

// ToImage turns an (H, W, C) tensor of values v back into a picture of
// 8-bit pixels round(v / scale), clamped to [0, 255]: one channel gives a
// gray image, three or more an opaque RGB image of the first three (two
// channels show the first as gray). It returns nil when t is not an
// (H, W, C) map or scale is not positive.
func ToImage(t *engine.Tensor, scale float32) image.Image {
	if t == nil || len(t.Shape) != 3 || engine.NumElements(t.Shape) != len(t.Data) || !(scale > 0) {
		return nil
	}
	h, w, c := t.Shape[0], t.Shape[1], t.Shape[2]
	if h < 1 || w < 1 || c < 1 {
		return nil
	}
	pixel := func(v float32) uint8 {
		f := math.Round(float64(v) / float64(scale))
		if !(f > 0) { // also NaN
			return 0
		}
		return uint8(min(f, 255))
	}
	if c < 3 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = pixel(t.Data[i*c])
		}
		return g
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < h*w; i++ {
		px := t.Data[i*c : i*c+3]
		out.SetRGBA(i%w, i/w, color.RGBA{pixel(px[0]), pixel(px[1]), pixel(px[2]), 0xff})
	}
	return out
}
