package dataset

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
)

// writeTree creates files under dir from a map of relative path to content.
func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flat returns a w x h image of one colour.
func flat(w, h int, c color.Color) image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, c)
		}
	}
	return m
}

// folderTree is a small image folder: three classes with images of mixed
// size, format and channel count, plus files that must be skipped.
func folderTree(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "pets")
	gray := image.NewGray(image.Rect(0, 0, 10, 6))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 4)
	}
	writeTree(t, dir, map[string][]byte{
		"train/dog/b.png":       pngOf(t, flat(8, 8, color.NRGBA{200, 10, 10, 255})),
		"train/dog/a.JPG":       jpegOf(t, flat(16, 12, color.NRGBA{10, 200, 10, 255})),
		"train/cat/1.png":       pngOf(t, gray),
		"train/cat/notes.txt":   []byte("not an image, skipped"),
		"train/cat/.hidden.png": []byte("hidden, skipped"),
		"train/emu/x.jpeg":      jpegOf(t, flat(3, 30, color.NRGBA{0, 0, 255, 128})),
		"train/.cache/y.png":    pngOf(t, gray),
		"test/cat/2.png":        pngOf(t, flat(4, 4, color.NRGBA{50, 60, 70, 255})),
		"test/dog/3.png":        pngOf(t, flat(4, 4, color.NRGBA{90, 80, 70, 255})),
	})
	return dir
}

func TestImageFolder(t *testing.T) {
	dir := folderTree(t)
	for _, in := range []engine.Input{{Shape: []int{4, 4, 3}, Scale: 1.0 / 255}, {Shape: []int{5, 3, 1}, Scale: 1}} {
		set, err := ImageFolder(dir, in)
		if err != nil {
			t.Fatal(err)
		}
		if set.Name != "pets" || !slices.Equal(set.Classes, []string{"cat", "dog", "emu"}) {
			t.Fatalf("name %q classes %q", set.Name, set.Classes)
		}
		files := []struct {
			split Split
			want  []string
		}{
			{set.Train, []string{"train/cat/1.png", "train/dog/a.JPG", "train/dog/b.png", "train/emu/x.jpeg"}},
			{set.Test, []string{"test/cat/2.png", "test/dog/3.png"}},
		}
		for _, f := range files {
			if f.split.Len() != len(f.want) || !slices.Equal(f.split.Shape, in.Shape) {
				t.Fatalf("%d images of %v, want %d of %v", f.split.Len(), f.split.Shape, len(f.want), in.Shape)
			}
			for i, rel := range f.want {
				class := strings.Split(rel, "/")[1]
				if got := set.Classes[f.split.Labels[i]]; got != class {
					t.Errorf("%s: label %q", rel, got)
				}
				// Pixels are exactly what imageio makes of the file at scale 1.
				want, err := imageio.Load(filepath.Join(dir, rel), engine.Input{Shape: in.Shape, Scale: 1})
				if err != nil {
					t.Fatal(err)
				}
				got := f.split.Tensor(i, 1)
				if !slices.Equal(got.Data, want.Data) {
					t.Errorf("%s: pixels %v, want %v", rel, got.Data, want.Data)
				}
			}
		}
	}
}

func TestImageFolderErrors(t *testing.T) {
	in := engine.Input{Shape: []int{4, 4, 3}, Scale: 1.0 / 255}
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		in     engine.Input
		want   string
	}{
		{"no test folder", func(t *testing.T, dir string) { os.RemoveAll(filepath.Join(dir, "test")) }, in, "test/<class>/"},
		{"no train folder", func(t *testing.T, dir string) { os.RemoveAll(filepath.Join(dir, "train")) }, in, "train/<class>/"},
		{"unknown test class", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string][]byte{"test/yak/1.png": pngOf(t, flat(2, 2, color.White))})
		}, in, "test/yak is not a class"},
		{"corrupt image", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string][]byte{"train/emu/broken.png": []byte("\x89PNG\r\n\x1a\nbroken")})
		}, in, "broken.png"},
		{"empty test", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "test"))
			writeTree(t, dir, map[string][]byte{"test/cat/readme.md": []byte("x")})
		}, in, "test/ holds no PNG or JPEG files"},
		{"two channels", func(t *testing.T, dir string) {}, engine.Input{Shape: []int{4, 4, 2}}, "(H, W, 1) or (H, W, 3)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := folderTree(t)
			tc.change(t, dir)
			set, err := ImageFolder(dir, tc.in)
			if err == nil || set != nil {
				t.Fatalf("got %v, %v; want an error alone", set, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q: want it to name %s and mention %q", err, dir, tc.want)
			}
		})
	}
}
