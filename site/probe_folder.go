package site

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/render"
)

// spriteColumns is how many tiles per row the site's sprite has when the
// probe set is a folder of pictures.
const spriteColumns = 40

// loadProbeFolder reads a probe set given as probe/<class name>/<pictures>,
// the layout a user's own data usually has: pictures are brought to the
// model's input by load (resized and cropped like the samples), ordered by
// class and file name, and drawn into a sprite for the pages. It returns
// nil when dir/probe has no class folders.
func loadProbeFolder(dir string, m *engine.Model, classes []string, load func(string, engine.Input) (*engine.Tensor, error)) (*probeSet, error) {
	root := filepath.Join(dir, ProbeDir)
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, nil // no folder: no probe set
	}
	if load == nil {
		load = imageio.Load
	}
	classIndex := map[string]int{}
	for i, c := range classes {
		classIndex[c] = i
	}
	in := m.Input
	if c := in.Shape[2]; c != 1 && c != 3 {
		return nil, fmt.Errorf("%s: %d-channel pictures are not supported", root, c)
	}
	ps := &probeSet{Source: "probe folder", TileH: in.Shape[0], TileW: in.Shape[1]}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		c, ok := classIndex[name]
		if !ok {
			return nil, fmt.Errorf("%s: folder %q is not a class of the model (%s)", root, name, strings.Join(classes, ", "))
		}
		files, err := os.ReadDir(filepath.Join(root, name))
		if err != nil {
			return nil, fmt.Errorf("probe set: %w", err)
		}
		for _, f := range files {
			if f.IsDir() || !imageExts[strings.ToLower(filepath.Ext(f.Name()))] {
				continue
			}
			path := filepath.Join(root, name, f.Name())
			t, err := load(path, in)
			if err != nil {
				return nil, fmt.Errorf("probe set: %w", err)
			}
			ps.Pictures = append(ps.Pictures, pictureOf(t, in.Scale))
			ps.Labels = append(ps.Labels, c)
			ps.Indices = append(ps.Indices, len(ps.Indices))
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	if len(ps.Pictures) == 0 {
		return nil, fmt.Errorf("%s: the class folders hold no PNG or JPEG pictures", root)
	}
	ps.Columns = min(spriteColumns, len(ps.Pictures))
	if ps.SpriteData, err = spritePNG(ps.Pictures, ps.Columns); err != nil {
		return nil, fmt.Errorf("probe set: %w", err)
	}
	ps.SW, ps.SH = ps.Columns*ps.TileW, (len(ps.Pictures)+ps.Columns-1)/ps.Columns*ps.TileH
	return ps, nil
}

// pictureOf turns a scaled input back into 8-bit pixels.
func pictureOf(t *engine.Tensor, scale float32) render.Picture {
	p := render.Picture{H: t.Shape[0], W: t.Shape[1], C: t.Shape[2], Pix: make([]uint8, len(t.Data))}
	if scale == 0 {
		scale = 1
	}
	for i, v := range t.Data {
		p.Pix[i] = uint8(min(max(v/scale+0.5, 0), 255))
	}
	return p
}

// spritePNG draws the pictures in rows of columns tiles.
func spritePNG(pics []render.Picture, columns int) ([]byte, error) {
	h, w, c := pics[0].H, pics[0].W, pics[0].C
	rows := (len(pics) + columns - 1) / columns
	img := image.NewNRGBA(image.Rect(0, 0, columns*w, rows*h))
	for k, p := range pics {
		ox, oy := (k%columns)*w, (k/columns)*h
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				o, d := (y*w+x)*c, img.PixOffset(ox+x, oy+y)
				if c == 1 {
					img.Pix[d], img.Pix[d+1], img.Pix[d+2] = p.Pix[o], p.Pix[o], p.Pix[o]
				} else {
					copy(img.Pix[d:d+3], p.Pix[o:o+3])
				}
				img.Pix[d+3] = 255
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
