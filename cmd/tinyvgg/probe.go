package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"cnnexplainer/dataset"
)

// probeFile is probe/probe.json: the pictures of probe.png, a sprite of
// Columns tiles per row, in reading order.
type probeFile struct {
	Source  string   `json:"source"`
	Rule    string   `json:"rule"`
	Seed    uint64   `json:"seed"`
	Tile    []int    `json:"tile"` // (H, W, C) of one picture
	Columns int      `json:"columns"`
	Classes []string `json:"classes"`
	Labels  []int    `json:"labels"`  // per picture, an index into Classes
	Indices []int    `json:"indices"` // per picture, its position in the test split
}

type probeItem struct{ Label, Index int }

const probeRule = "for each class in class order, the first N test indices of that class after a PCG(seed, class) shuffle, sorted ascending"

// runProbe writes the probe set the site's "what did it learn" views are
// computed on: -per pictures of every class of the test split, chosen by
// probeRule so the same seed always gives the same set.
func runProbe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	out := fs.String("out", "", "folder to write probe/probe.png and probe/probe.json into")
	per := fs.Int("per", 100, "pictures per class")
	seed := fs.Uint64("seed", 1, "seed of the shuffle")
	columns := fs.Int("columns", 40, "tiles per row of the sprite")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || *per < 1 || *columns < 1 {
		fs.Usage()
		return fmt.Errorf("probe needs -out DIR, -per >= 1 and -columns >= 1")
	}
	set, err := dataset.FashionMNIST(*data)
	if err != nil {
		return err
	}
	items, err := pickProbe(set.Test.Labels, len(set.Classes), *per, *seed)
	if err != nil {
		return err
	}
	doc := probeFile{Source: set.Name + " test split", Rule: probeRule, Seed: *seed, Tile: set.Test.Shape,
		Columns: *columns, Classes: set.Classes}
	for _, it := range items {
		doc.Labels = append(doc.Labels, it.Label)
		doc.Indices = append(doc.Indices, it.Index)
	}
	dir := filepath.Join(*out, "probe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sprite, err := probeSprite(set.Test, items, *columns)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "probe.png"), sprite, 0o644); err != nil {
		return fmt.Errorf("write probe sprite: %w", err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "probe.json")
	if err := os.WriteFile(path, append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "wrote %d probe pictures (%d per class, seed %d) to %s (sprite %d bytes)\n",
		len(items), *per, *seed, dir, len(sprite))
	return nil
}

// pickProbe applies probeRule.
func pickProbe(labels []int, classes, per int, seed uint64) ([]probeItem, error) {
	byClass := make([][]int, classes)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	var items []probeItem
	for c, idx := range byClass {
		if len(idx) < per {
			return nil, fmt.Errorf("class %d has %d test pictures, fewer than -per %d", c, len(idx), per)
		}
		r := rand.New(rand.NewPCG(seed, uint64(c)))
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		chosen := slices.Clone(idx[:per])
		slices.Sort(chosen)
		for _, i := range chosen {
			items = append(items, probeItem{Label: c, Index: i})
		}
	}
	return items, nil
}

// probeSprite lays the pictures out in rows of columns tiles, exact 8-bit
// pixels, grayscale for one channel and RGB otherwise.
func probeSprite(s dataset.Split, items []probeItem, columns int) ([]byte, error) {
	h, w, c := s.Shape[0], s.Shape[1], s.Shape[2]
	rows := (len(items) + columns - 1) / columns
	rect := image.Rect(0, 0, columns*w, rows*h)
	var img image.Image
	var set func(x, y int, px []uint8)
	switch c {
	case 1:
		g := image.NewGray(rect)
		set = func(x, y int, px []uint8) { g.Pix[y*g.Stride+x] = px[0] }
		img = g
	case 3:
		n := image.NewNRGBA(rect)
		set = func(x, y int, px []uint8) {
			o := y*n.Stride + 4*x
			copy(n.Pix[o:o+3], px)
			n.Pix[o+3] = 255
		}
		img = n
	default:
		return nil, fmt.Errorf("probe: cannot store %d-channel pictures", c)
	}
	for k, it := range items {
		px := s.Image(it.Index)
		ox, oy := (k%columns)*w, (k/columns)*h
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set(ox+x, oy+y, px[(y*w+x)*c:])
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
