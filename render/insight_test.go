package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func decodeNRGBA(t *testing.T, data []byte) *image.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewNRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

func testPicture() Picture {
	p := Picture{H: 4, W: 5, C: 1, Pix: make([]uint8, 20)}
	for i := range p.Pix {
		p.Pix[i] = uint8(i * 10)
	}
	return p
}

func TestCropPNG(t *testing.T) {
	p := testPicture()
	cases := []struct {
		name           string
		y0, x0, y1, x1 int
	}{
		{"inside", 1, 1, 3, 4},
		{"past the top left", -1, -1, 2, 2},
		{"past the bottom right", 2, 3, 6, 7},
		{"whole", 0, 0, 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := CropPNG(p, c.y0, c.x0, c.y1, c.x1)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeNRGBA(t, data)
			if b := img.Bounds(); b.Dx() != c.x1-c.x0 || b.Dy() != c.y1-c.y0 {
				t.Fatalf("crop is %v, want %dx%d", b, c.x1-c.x0, c.y1-c.y0)
			}
			for y := c.y0; y < c.y1; y++ {
				for x := c.x0; x < c.x1; x++ {
					got := img.NRGBAAt(x-c.x0, y-c.y0)
					want := color.NRGBA{}
					if y >= 0 && x >= 0 && y < p.H && x < p.W {
						v := p.Pix[y*p.W+x]
						want = color.NRGBA{v, v, v, 255}
					}
					if got != want {
						t.Fatalf("pixel (%d,%d): %v, want %v", y, x, got, want)
					}
				}
			}
		})
	}
	if _, err := CropPNG(p, 2, 2, 2, 3); err == nil {
		t.Error("an empty crop did not fail")
	}
}

func TestCropStripPNG(t *testing.T) {
	p := testPicture()
	data, err := CropStripPNG([]Crop{{p, 0, 0, 2, 2}, {p, 3, 4, 5, 6}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	img := decodeNRGBA(t, data)
	if b := img.Bounds(); b.Dx() != 5 || b.Dy() != 2 {
		t.Fatalf("strip is %v, want 5x2 (two 2x2 crops, one column apart)", b)
	}
	want := map[[2]int]color.NRGBA{
		{0, 1}: {10, 10, 10, 255}, // first crop, row 0, column 1
		{0, 2}: {},                // the gap
		{0, 3}: {190, 190, 190, 255},
		{1, 3}: {}, // second crop reaches below the picture
		{0, 4}: {},
	}
	for at, w := range want {
		if got := img.NRGBAAt(at[1], at[0]); got != w {
			t.Errorf("pixel %v: %v, want %v", at, got, w)
		}
	}
	if _, err := CropStripPNG([]Crop{{p, 0, 0, 2, 2}, {p, 0, 0, 3, 3}}, 1); err == nil {
		t.Error("crops of different sizes did not fail")
	}
}

func TestHeatOverlayPNG(t *testing.T) {
	p := testPicture()
	sc, _ := NewScale(Oranges, 0, 1)
	hot := sc.Color(1)
	// A 2x2 map over the 4x5 picture: left column cold, right column hot.
	data, err := HeatOverlayPNG(p, []float32{0, 1, 0, 1}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	img := decodeNRGBA(t, data)
	if b := img.Bounds(); b.Dx() != 5 || b.Dy() != 4 {
		t.Fatalf("overlay is %v, want the picture's 5x4", b)
	}
	cold := img.NRGBAAt(0, 0)
	if want := uint8(40); cold.R != want || cold.G != want || cold.B != want {
		t.Errorf("cold black pixel is %v, want dimmed grey %d", cold, want)
	}
	if got := img.NRGBAAt(4, 3); got.R != hot.R || got.G != hot.G || got.B != hot.B {
		t.Errorf("hot corner is %v, want the top of the scale %v", got, hot)
	}
	if _, err := HeatOverlayPNG(p, []float32{0, 1, 0}, 2, 2); err == nil {
		t.Error("a map of the wrong size did not fail")
	}
}

func TestScatterSVG(t *testing.T) {
	pts := []ScatterPoint{
		{X: -1, Y: 0, Class: 0, Title: "a", Href: "p/0.png"},
		{X: 1, Y: 0, Class: 1, Marked: true, Title: "b", Href: "p/1.png"},
		{X: 0, Y: 2, Class: 11, Title: "c & d", Href: "p/2.png"},
	}
	data, err := ScatterSVG(pts, 100)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if n := strings.Count(s, "<circle"); n != 3 {
		t.Fatalf("%d circles, want 3", n)
	}
	if strings.Index(s, `aria-label="b"`) < strings.Index(s, `aria-label="c &amp; d"`) {
		t.Error("the marked point is not drawn last")
	}
	if !strings.Contains(s, `fill="`+ClassColour(1)+`"`) || !strings.Contains(s, `data-src="p/2.png"`) {
		t.Error("class colour or picture link missing")
	}
	if strings.Contains(s, "<text") {
		t.Error("the scatter draws words")
	}
	if _, err := ScatterSVG(nil, 100); err == nil {
		t.Error("an empty scatter did not fail")
	}
}
