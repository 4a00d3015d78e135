package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/png" // the sprite
	"io/fs"
	"os"
	"path/filepath"

	"cnnexplainer/engine"
	"cnnexplainer/engine/insight"
	"cnnexplainer/render"
)

// ProbeDir is the probe set's folder inside the samples folder, as
// `tinyvgg probe` writes it: probe.json and the sprite probe.png.
const ProbeDir = "probe"

// probeDoc is probe/probe.json.
type probeDoc struct {
	Tile    []int    `json:"tile"` // (H, W, C)
	Columns int      `json:"columns"`
	Classes []string `json:"classes"`
	Labels  []int    `json:"labels"`
	Indices []int    `json:"indices"`
	Seed    uint64   `json:"seed"`
	Source  string   `json:"source"`
}

// probeSet is the loaded probe set: pictures with labels as model classes.
type probeSet struct {
	Pictures []render.Picture
	Labels   []int // model class indices
	Indices  []int // positions in the source data set
	Source   string
	Seed     uint64
	// The sprite the pictures came from, copied to the site as it is, with
	// Columns tiles per row and its size in pixels.
	Sprite          string
	SpriteData      []byte // the sprite drawn from a probe folder, when Sprite is ""
	Columns, SW, SH int
	TileH, TileW    int
}

// maxProbePixels bounds the sprite before it is decoded.
const maxProbePixels = 64 << 20

// loadProbe reads dir/probe: probe.json and its sprite, or else class
// folders of pictures (loadProbeFolder). A missing folder is no error: it
// returns nil and the views that need it are left out.
func loadProbe(dir string, m *engine.Model, classes []string, load func(string, engine.Input) (*engine.Tensor, error)) (*probeSet, error) {
	path := filepath.Join(dir, ProbeDir, "probe.json")
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return loadProbeFolder(dir, m, classes, load)
	}
	if err != nil {
		return nil, fmt.Errorf("probe set: %w", err)
	}
	var doc probeDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	in := m.Input.Shape
	if len(doc.Tile) != 3 || doc.Tile[0] != in[0] || doc.Tile[1] != in[1] || doc.Tile[2] != in[2] {
		return nil, fmt.Errorf("%s: tile %v does not match the model input %v", path, doc.Tile, in)
	}
	if in[2] != 1 && in[2] != 3 {
		return nil, fmt.Errorf("%s: %d-channel pictures are not supported", path, in[2])
	}
	if len(doc.Labels) == 0 || len(doc.Labels) != len(doc.Indices) || doc.Columns < 1 {
		return nil, fmt.Errorf("%s: %d labels, %d indices, %d columns", path, len(doc.Labels), len(doc.Indices), doc.Columns)
	}
	classIndex := map[string]int{}
	for i, c := range classes {
		classIndex[c] = i
	}
	ps := &probeSet{Indices: doc.Indices, Source: doc.Source, Seed: doc.Seed, Sprite: filepath.Join(dir, ProbeDir, "probe.png"), Columns: doc.Columns,
		TileH: in[0], TileW: in[1]}
	for k, l := range doc.Labels {
		if l < 0 || l >= len(doc.Classes) {
			return nil, fmt.Errorf("%s: picture %d: label %d out of range", path, k, l)
		}
		c, ok := classIndex[doc.Classes[l]]
		if !ok {
			return nil, fmt.Errorf("%s: class %q is not a class of the model", path, doc.Classes[l])
		}
		ps.Labels = append(ps.Labels, c)
	}
	if ps.Pictures, ps.SW, ps.SH, err = readSprite(ps.Sprite, doc.Tile, doc.Columns, len(doc.Labels)); err != nil {
		return nil, err
	}
	return ps, nil
}

// readSprite cuts n tiles of shape tile out of a sprite of columns tiles per row.
func readSprite(path string, tile []int, columns, n int) ([]render.Picture, int, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("probe set: %w", err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	h, w, c := tile[0], tile[1], tile[2]
	rows := (n + columns - 1) / columns
	if cfg.Width < columns*w || cfg.Height < rows*h {
		return nil, 0, 0, fmt.Errorf("%s: %dx%d is too small for %d tiles of %dx%d, %d per row", path, cfg.Width, cfg.Height, n, w, h, columns)
	}
	if cfg.Width*cfg.Height > maxProbePixels {
		return nil, 0, 0, fmt.Errorf("%s: %dx%d pixels is more than a probe sprite may have", path, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	pics := make([]render.Picture, n)
	for k := range pics {
		p := render.Picture{H: h, W: w, C: c, Pix: make([]uint8, h*w*c)}
		ox, oy := img.Bounds().Min.X+(k%columns)*w, img.Bounds().Min.Y+(k/columns)*h
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				px := color.NRGBAModel.Convert(img.At(ox+x, oy+y)).(color.NRGBA)
				o := (y*w + x) * c
				if c == 1 {
					p.Pix[o] = color.GrayModel.Convert(px).(color.Gray).Y
				} else {
					p.Pix[o], p.Pix[o+1], p.Pix[o+2] = px.R, px.G, px.B
				}
			}
		}
		pics[k] = p
	}
	return pics, cfg.Width, cfg.Height, nil
}

// probeInput turns the probe pictures into model inputs.
func probeInput(ps *probeSet, in engine.Input) insight.Probe {
	p := insight.Probe{Labels: ps.Labels}
	for _, pic := range ps.Pictures {
		t := engine.NewTensor(pic.H, pic.W, pic.C)
		for i, v := range pic.Pix {
			t.Data[i] = float32(v) * in.Scale
		}
		p.Pictures = append(p.Pictures, t)
	}
	return p
}
