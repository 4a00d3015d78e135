package imageio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus in testdata/fuzz")

func input(h, w, c int, scale float32) engine.Input {
	return engine.Input{Shape: []int{h, w, c}, Scale: scale}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func grayImage(w, h int, pix ...uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	copy(g.Pix, pix)
	return g
}

func rgbImage(w, h int, pix ...color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, c := range pix {
		m.SetRGBA(i%w, i/w, c)
	}
	return m
}

func fill(img interface{ Set(x, y int, c color.Color) }, r image.Rectangle, c color.Color) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// TestDecodeValues checks channels, luma, alpha and scale on small images
// whose expected values are worked out by hand.
func TestDecodeValues(t *testing.T) {
	alpha := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	alpha.SetNRGBA(0, 0, color.NRGBA{0, 0, 0, 0})     // transparent: white
	alpha.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 128})   // half black over white
	alpha.SetNRGBA(2, 0, color.NRGBA{255, 0, 0, 255}) // opaque red
	gray16 := image.NewGray16(image.Rect(0, 0, 2, 1))
	gray16.SetGray16(0, 0, color.Gray16{0x1234})
	gray16.SetGray16(1, 0, color.Gray16{0xffff})
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.RGBA{10, 20, 30, 255}, color.RGBA{0, 0, 0, 0}})
	pal.SetColorIndex(1, 0, 1)

	tests := []struct {
		name string
		img  image.Image
		in   engine.Input
		want []float32
	}{
		{"gray into 1 channel", grayImage(2, 2, 0, 85, 170, 255), input(2, 2, 1, 1), []float32{0, 85, 170, 255}},
		{"gray into 3 channels", grayImage(2, 1, 7, 200), input(1, 2, 3, 1), []float32{7, 7, 7, 200, 200, 200}},
		{"rgb scaled", rgbImage(3, 1, red, green, blue), input(1, 3, 3, 1.0/255), []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}},
		// BT.601 in 16-bit fixed point: (19595*255+32768)>>16 = 76, 38470 gives 150, 7471 gives 29.
		{"rgb into luma", rgbImage(4, 1, red, green, blue, white), input(1, 4, 1, 1), []float32{76, 150, 29, 255}},
		{"alpha over white", alpha, input(1, 3, 3, 1), []float32{255, 255, 255, 127, 127, 127, 255, 0, 0}},
		{"alpha into luma", alpha, input(1, 3, 1, 1), []float32{255, 127, 76}},
		{"16-bit gray keeps the high byte", gray16, input(1, 2, 1, 1), []float32{0x12, 0xff}},
		{"palette with transparency", pal, input(1, 2, 3, 1), []float32{10, 20, 30, 255, 255, 255}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bytes.NewReader(encodePNG(t, tc.img)), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Shape, tc.in.Shape) {
				t.Errorf("shape %v, want %v", got.Shape, tc.in.Shape)
			}
			if !slices.Equal(got.Data, tc.want) {
				t.Errorf("got %v, want %v", got.Data, tc.want)
			}
		})
	}
}

func TestDecodeJPEG(t *testing.T) {
	colour := image.NewRGBA(image.Rect(0, 0, 16, 16))
	fill(colour, colour.Bounds(), color.RGBA{200, 100, 50, 255})
	gray := image.NewGray(image.Rect(0, 0, 16, 16))
	fill(gray, gray.Bounds(), color.Gray{77})
	tests := []struct {
		name string
		img  image.Image
		c    int
		want []float32 // one pixel; every pixel should match it
	}{
		{"colour", colour, 3, []float32{200, 100, 50}},
		{"colour into luma", colour, 1, []float32{124}}, // 0.299*200 + 0.587*100 + 0.114*50
		{"gray", gray, 1, []float32{77}},
		{"gray into 3 channels", gray, 3, []float32{77, 77, 77}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bytes.NewReader(encodeJPEG(t, tc.img)), input(16, 16, tc.c, 1))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got.Data {
				// JPEG is lossy and its colour conversion rounds.
				if want := tc.want[i%tc.c]; math.Abs(float64(v-want)) > 2 {
					t.Fatalf("value %d is %v, want %v +- 2", i, v, want)
				}
			}
		})
	}
}

// TestContentNotExtension loads a PNG named .jpg and a JPEG named .png.
func TestContentNotExtension(t *testing.T) {
	dir := t.TempDir()
	img := grayImage(2, 2, 10, 20, 30, 40)
	for name, data := range map[string][]byte{"png.jpg": encodePNG(t, img), "jpeg.png": encodeJPEG(t, img)} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path, input(2, 2, 1, 1)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCrop checks the crop half of the size rule where no resampling is
// needed: the centred square of a 12x4 (or 4x12) image of three bands is
// its middle band.
func TestCrop(t *testing.T) {
	wide := image.NewRGBA(image.Rect(0, 0, 12, 4))
	fill(wide, image.Rect(0, 0, 4, 4), red)
	fill(wide, image.Rect(4, 0, 8, 4), green)
	fill(wide, image.Rect(8, 0, 12, 4), blue)
	tall := image.NewRGBA(image.Rect(0, 0, 4, 12))
	fill(tall, image.Rect(0, 0, 4, 4), red)
	fill(tall, image.Rect(0, 4, 4, 8), green)
	fill(tall, image.Rect(0, 8, 4, 12), blue)
	for name, img := range map[string]image.Image{"wide": wide, "tall": tall} {
		got := FromImage(img, input(4, 4, 3, 1))
		for i := 0; i < 16; i++ {
			if px := got.Data[3*i : 3*i+3]; !slices.Equal(px, []float32{0, 255, 0}) {
				t.Fatalf("%s: pixel %d is %v, want green", name, i, px)
			}
		}
	}
}

// TestResizeMatchesPillow compares the size rule with Pillow's result for
// the same crop and the same kernel (testdata/resize/make.py).
func TestResizeMatchesPillow(t *testing.T) {
	src := readPNG(t, "testdata/resize/src.png")
	tests := []struct {
		file    string
		h, w, c int
	}{
		{"want_16x16.png", 16, 16, 3},
		{"want_20x10.png", 20, 10, 3},
		{"want_50x64.png", 50, 64, 3},
		{"want_16x16_l.png", 16, 16, 1},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want := FromImage(readPNG(t, filepath.Join("testdata/resize", tc.file)), input(tc.h, tc.w, tc.c, 1))
			got := FromImage(src, input(tc.h, tc.w, tc.c, 1))
			var worst, sum float64
			for i := range got.Data {
				d := math.Abs(float64(got.Data[i] - want.Data[i]))
				worst = max(worst, d)
				sum += d
			}
			// Pillow rounds its fixed-point weights differently.
			mean := sum / float64(len(got.Data))
			t.Logf("worst %v, mean %.3f", worst, mean)
			if worst > 1 || mean > 0.4 {
				t.Errorf("differs from Pillow: worst %v, mean %.3f (8-bit levels)", worst, mean)
			}
		})
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestResizeKeepsFlatAndRange resamples up and down: a flat image stays
// flat, and values stay within [0, 255*scale] although Catmull-Rom
// overshoots at edges.
func TestResizeKeepsFlatAndRange(t *testing.T) {
	flat := image.NewRGBA(image.Rect(0, 0, 7, 5))
	fill(flat, flat.Bounds(), color.RGBA{90, 140, 210, 255})
	edges := image.NewGray(image.Rect(0, 0, 9, 9))
	for i := range edges.Pix {
		edges.Pix[i] = uint8(255 * ((i/9/2 + i%9/2) % 2))
	}
	for _, in := range []engine.Input{input(3, 3, 3, 0.5), input(20, 11, 3, 0.5), input(1, 1, 3, 0.5)} {
		got := FromImage(flat, in)
		for i, v := range got.Data {
			if want := []float32{45, 70, 105}[i%3]; math.Abs(float64(v-want)) > 0.5 {
				t.Fatalf("flat image into %v: value %d is %v, want %v", in.Shape, i, v, want)
			}
		}
		got = FromImage(edges, in)
		for i, v := range got.Data {
			if v < 0 || v > 255*in.Scale {
				t.Fatalf("checkerboard into %v: value %d is %v", in.Shape, i, v)
			}
		}
	}
}

func TestTooLargeRefusedBeforeDecoding(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wide := encodePNG(t, image.NewGray(image.Rect(0, 0, MaxSide+1, 1)))
	// A valid PNG header claiming 5000x5000, then garbage instead of pixel
	// data: only a check made before decoding reports the size.
	claim := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))[:33]
	copy(claim[16:24], []byte{0, 0, 0x13, 0x88, 0, 0, 0x13, 0x88})
	binary.BigEndian.PutUint32(claim[29:33], crc32.ChecksumIEEE(claim[12:29]))
	claim = append(claim, "garbage where the IDAT chunk should be"...)
	tall := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 1, MaxSide+1)))
	for _, path := range []string{write("wide.png", wide), write("claim.png", claim), write("tall.jpg", tall)} {
		got, err := Load(path, input(8, 8, 1, 1))
		if !errors.Is(err, ErrTooLarge) || got != nil {
			t.Errorf("%s: got %v, %v; want ErrTooLarge", path, got, err)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name the file", err)
		}
	}
	edge := write("edge.png", encodePNG(t, image.NewGray(image.Rect(0, 0, MaxSide, 1))))
	if _, err := Load(edge, input(8, 8, 1, 1)); err != nil {
		t.Errorf("a %dx1 image is allowed: %v", MaxSide, err)
	}
}

func TestBadFiles(t *testing.T) {
	img := rgbImage(2, 2, red, green, blue, white)
	pngData := encodePNG(t, img)
	jpegData := encodeJPEG(t, img)
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, img, nil); err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty.png":         nil,
		"text.png":          []byte("hello, this is not a picture\n"),
		"image.gif":         gifData.Bytes(),
		"truncated.png":     pngData[:len(pngData)/2],
		"truncated.jpg":     jpegData[:len(jpegData)/2],
		"png-signature.png": append([]byte("\x89PNG\r\n\x1a\n"), "junk"...),
		"jpeg-signature.jp": append([]byte{0xff, 0xd8, 0xff}, "junk"...),
		"zero-width.png":    zeroWidthPNG(pngData),
	}
	dir := t.TempDir()
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Load(path, input(2, 2, 3, 1))
			if got != nil || !errors.Is(err, ErrFormat) {
				t.Fatalf("got %v, %v; want ErrFormat", got, err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.png"), input(2, 2, 3, 1)); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing file: %v", err)
	}
}

// zeroWidthPNG is data with its IHDR width set to 0.
func zeroWidthPNG(data []byte) []byte {
	b := slices.Clone(data)
	copy(b[16:20], []byte{0, 0, 0, 0})
	return b
}

func TestCheckInput(t *testing.T) {
	tests := []struct {
		in engine.Input
		ok bool
	}{
		{input(28, 28, 1, 1.0/255), true},
		{input(64, 64, 3, 1.0/255), true},
		{input(4096, 1, 3, 1), true},
		{input(28, 28, 2, 1), false},
		{input(28, 28, 4, 1), false},
		{input(0, 28, 1, 1), false},
		{input(4097, 28, 1, 1), false},
		{input(28, 28, 1, 0), false},
		{input(28, 28, 1, float32(math.NaN())), false},
		{input(28, 28, 1, float32(math.Inf(1))), false},
		{engine.Input{Shape: []int{28, 28}, Scale: 1}, false},
	}
	for _, tc := range tests {
		if err := CheckInput(tc.in); (err == nil) != tc.ok {
			t.Errorf("CheckInput(%v) = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if !tc.ok {
			if _, err := Decode(bytes.NewReader(nil), tc.in); err == nil {
				t.Errorf("Decode accepted input %v", tc.in)
			}
		}
	}
}

// TestAnchors loads CNN Explainer's sample JPEGs and compares channel means
// with Pillow's (libjpeg's) decoding of the same files, measured with
// Pillow 9.4: RGB, convert("L"), and resize((28, 28), BICUBIC).convert("L").
func TestAnchors(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "anchors", "cnn-explainer")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("anchor images not found (%v); they live in ../shared beside the repository root", err)
	}
	pillow := map[string][5]float64{
		"boat_1.jpeg":     {124.116, 135.707, 136.564, 132.296, 132.327},
		"bug_1.jpeg":      {147.840, 112.727, 30.647, 113.867, 113.895},
		"bus_1.jpeg":      {118.970, 117.024, 61.404, 111.255, 111.233},
		"car_1.jpeg":      {38.808, 65.099, 94.122, 60.542, 60.504},
		"espresso_1.jpeg": {121.439, 88.708, 68.196, 96.168, 96.171},
		"koala_1.jpeg":    {117.545, 114.911, 115.184, 115.687, 115.675},
		"orange_1.jpeg":   {196.987, 143.897, 56.273, 149.793, 149.809},
		"panda_1.jpeg":    {108.566, 90.968, 66.453, 93.435, 93.547},
		"pepper_1.jpeg":   {149.109, 8.314, 5.437, 50.065, 50.163},
		"pizza_1.jpeg":    {196.474, 131.810, 71.900, 144.331, 144.338},
	}
	for name, want := range pillow {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			rgb, err := Load(path, input(64, 64, 3, 1.0/255))
			if err != nil {
				t.Fatal(err)
			}
			l, err := Load(path, input(64, 64, 1, 1))
			if err != nil {
				t.Fatal(err)
			}
			small, err := Load(path, input(28, 28, 1, 1))
			if err != nil {
				t.Fatal(err)
			}
			got := [5]float64{
				255 * channelMean(rgb, 0), 255 * channelMean(rgb, 1), 255 * channelMean(rgb, 2),
				channelMean(l, 0), channelMean(small, 0),
			}
			t.Logf("means %.3f, Pillow %.3f", got, want)
			for i := range got {
				// Go's and libjpeg's decoders differ by a level here and
				// there (IDCT and chroma upsampling); a mean shows a real
				// mistake (channel order, scale, crop) as many levels.
				if math.Abs(got[i]-want[i]) > 0.75 {
					t.Errorf("means %.3f, Pillow %.3f", got, want)
					break
				}
			}
		})
	}
}

func channelMean(x *engine.Tensor, c int) float64 {
	var sum float64
	n := x.H() * x.W()
	for i := 0; i < n; i++ {
		sum += float64(x.Data[i*x.C()+c])
	}
	return sum / float64(n)
}

func TestToImage(t *testing.T) {
	rgb := rgbImage(3, 2, red, green, blue, white, color.RGBA{1, 2, 3, 255}, color.RGBA{250, 128, 7, 255})
	gray := grayImage(3, 1, 0, 99, 255)
	for name, tc := range map[string]struct {
		img image.Image
		c   int
	}{"rgb": {rgb, 3}, "gray": {gray, 1}} {
		in := input(tc.img.Bounds().Dy(), tc.img.Bounds().Dx(), tc.c, 1.0/255)
		back := ToImage(FromImage(tc.img, in), in.Scale)
		again := FromImage(back, in)
		if want := FromImage(tc.img, in); !slices.Equal(again.Data, want.Data) {
			t.Errorf("%s: round trip changed %v to %v", name, want.Data, again.Data)
		}
	}
	clamp := &engine.Tensor{Shape: []int{1, 4, 1}, Data: []float32{-1, 2, float32(math.NaN()), 0.6}}
	if g := ToImage(clamp, 1.0/255).(*image.Gray); !slices.Equal(g.Pix, []uint8{0, 255, 0, 153}) {
		t.Errorf("clamping gives %v", g.Pix)
	}
	for name, bad := range map[string]*engine.Tensor{
		"nil":    nil,
		"vector": {Shape: []int{3}, Data: make([]float32, 3)},
		"short":  {Shape: []int{2, 2, 1}, Data: make([]float32, 3)},
		"empty":  {Shape: []int{0, 2, 1}, Data: nil},
	} {
		if img := ToImage(bad, 1); img != nil {
			t.Errorf("%s: got an image", name)
		}
	}
}

// seeds are the fuzz seed images, written to testdata/fuzz/FuzzDecode with
// -update.
func seeds(t testing.TB) map[string][]byte {
	alpha := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for i := range alpha.Pix {
		alpha.Pix[i] = uint8(i * 37)
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 3, 4))
	for i := range gray16.Pix {
		gray16.Pix[i] = uint8(i * 91)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{red, green, blue, color.RGBA{}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 4)
	}
	colour := rgbImage(6, 5, red, green, blue, white, red, green, blue, white, red)
	gray := grayImage(5, 6, 1, 2, 3, 200, 100, 50, 25, 12, 6, 3)
	return map[string][]byte{
		"nrgba.png":   encodePNG(t, alpha),
		"gray16.png":  encodePNG(t, gray16),
		"palette.png": encodePNG(t, pal),
		"rgb.png":     encodePNG(t, colour),
		"gray.png":    encodePNG(t, gray),
		"rgb.jpg":     encodeJPEG(t, colour),
		"gray.jpg":    encodeJPEG(t, gray),
		"text":        []byte("not an image"),
	}
}

func TestUpdateFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz/FuzzDecode")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range seeds(t) {
		entry := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(entry), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDecode: never a panic; an image comes back with the model's shape and
// values in [0, 255*scale], or an error comes back alone.
func FuzzDecode(f *testing.F) {
	ins := []engine.Input{input(7, 5, 1, 1.0/255), input(4, 9, 3, 2), input(1, 1, 3, 1)}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Like image/png's own fuzz test, skip valid headers that claim many
		// pixels: they are legal but would make the fuzzer crawl.
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 &&
			cfg.Width <= MaxSide && cfg.Height <= MaxSide {
			return
		}
		for _, in := range ins {
			x, err := Decode(bytes.NewReader(data), in)
			if err != nil {
				if x != nil {
					t.Fatalf("tensor returned with error %v", err)
				}
				return
			}
			if !slices.Equal(x.Shape, in.Shape) || len(x.Data) != engine.NumElements(in.Shape) {
				t.Fatalf("shape %v with %d values, want %v", x.Shape, len(x.Data), in.Shape)
			}
			for i, v := range x.Data {
				if !(v >= 0 && v <= 255*in.Scale) {
					t.Fatalf("value %d is %v, outside [0, %v]", i, v, 255*in.Scale)
				}
			}
		}
	})
}

func BenchmarkLoadJPEG64(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	data := encodeJPEG(b, img)
	for _, in := range []engine.Input{input(64, 64, 3, 1.0/255), input(28, 28, 1, 1.0/255)} {
		b.Run(fmt.Sprintf("%dx%dx%d", in.Shape[0], in.Shape[1], in.Shape[2]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
