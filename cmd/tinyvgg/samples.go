package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cnnexplainer/dataset"
	"cnnexplainer/engine/train"
)

// sampleEntry is one picture in samples.json.
type sampleEntry struct {
	ID        string `json:"id"`
	File      string `json:"file"`
	Label     string `json:"label"`
	Index     int    `json:"index"` // position in the test split
	Note      string `json:"note"`  // "close call", "correct" or "mistake"
	Predicted string `json:"predicted"`
}

// The curation rule, also stated in samples/fashion-mnist/README.md:
//
//  0. First, -close-calls pictures the model gets right by the smallest
//     margin between its two most probable classes (see closeCalls). The
//     site opens on the first sample, and a hesitant one shows more than
//     a picture at 100%.
//  1. For every class, in class order, the correctly classified test image
//     with the smallest cross-entropy (the most confident right answer).
//  2. Then mistakes: the off-diagonal cells of the test confusion matrix,
//     largest count first (ties in row, then column order), skipping any
//     cell that involves a class an earlier mistake already used (as true
//     or predicted class), until -mistakes are chosen. So the mistakes
//     are the most common confusions, each about different classes. For
//     each cell, the image with the highest probability for the wrong
//     class, measured as the smallest cross-entropy towards it.
//
// Every tie goes to the lower test index, and the loss is computed in
// float64 from the logits, so saturated float32 probabilities never tie.
func runSamples(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("samples", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "model.json or its folder")
	data := fs.String("data", dataset.FashionMNISTDir, "folder with the Fashion-MNIST IDX files")
	images := fs.String("images", "", "use the test/ half of an image folder instead")
	out := fs.String("out", "", "folder to write images/<id>.png and samples.json into")
	mistakes := fs.Int("mistakes", 3, "how many instructive mistakes to add")
	closeN := fs.Int("close-calls", 1, "how many close calls to put first (the first sample is the site's default)")
	workers := fs.Int("workers", 0, "goroutines (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("samples needs -model PATH and -out DIR")
	}
	m, set, ev, err := loadAndEvaluate(*modelPath, *data, *images, *workers)
	if err != nil {
		return err
	}
	picks := append(closeCalls(ev, m.Classes, *closeN), curate(ev, m.Classes, *mistakes)...)
	if err := os.MkdirAll(filepath.Join(*out, "images"), 0o755); err != nil {
		return err
	}
	for _, s := range picks {
		path := filepath.Join(*out, filepath.FromSlash(s.File))
		if err := writePNG(path, set.Test, s.Index); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-40s test #%-5d %-12s predicted %s\n", s.ID, s.Index, s.Label, s.Predicted)
	}
	doc, err := json.MarshalIndent(struct {
		Samples []sampleEntry `json:"samples"`
	}{picks}, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(*out, "samples.json")
	if err := os.WriteFile(path, append(doc, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "wrote %d samples to %s\n", len(picks), path)
	return nil
}

// curate applies the rule above to an evaluation.
func curate(ev *train.Evaluation, classes []string, mistakes int) []sampleEntry {
	k := len(classes)
	entry := func(i int, id, note string) sampleEntry {
		return sampleEntry{ID: id, File: "images/" + id + ".png", Label: classes[ev.Labels[i]], Index: i, Note: note,
			Predicted: classes[ev.Predicted(i)]}
	}
	slugs := classSlugs(classes)
	var picks []sampleEntry
	for c := 0; c < k; c++ {
		best := -1
		for i := range ev.Labels {
			if ev.Labels[i] == c && ev.Predicted(i) == c && (best < 0 || ev.Losses[i] < ev.Losses[best]) {
				best = i
			}
		}
		if best >= 0 {
			picks = append(picks, entry(best, slugs[c], "correct"))
		}
	}
	type cell struct{ t, p, n int }
	var cells []cell
	for t, row := range ev.Confusion {
		for p, n := range row {
			if t != p && n > 0 {
				cells = append(cells, cell{t, p, n})
			}
		}
	}
	sort.SliceStable(cells, func(a, b int) bool { return cells[a].n > cells[b].n })
	used := make([]bool, k)
	chosen := 0
	for _, c := range cells {
		if chosen >= mistakes {
			break
		}
		if used[c.t] || used[c.p] {
			continue
		}
		used[c.t], used[c.p] = true, true
		chosen++
		best, bestLoss := -1, 0.0
		for i := range ev.Labels {
			if ev.Labels[i] != c.t || ev.Predicted(i) != c.p {
				continue
			}
			if l := train.CrossEntropy(ev.Logits[i], c.p); best < 0 || l < bestLoss {
				best, bestLoss = i, l
			}
		}
		picks = append(picks, entry(best, "mistake-"+slugs[c.t]+"-as-"+slugs[c.p], "mistake"))
	}
	return picks
}

// classSlugs makes an id part per class; class names that make the same
// slug get their label number added.
func classSlugs(classes []string) []string {
	slugs := make([]string, len(classes))
	count := map[string]int{}
	for c, name := range classes {
		slugs[c] = slug(name)
		count[slugs[c]]++
	}
	for c := range slugs {
		if count[slugs[c]] > 1 {
			slugs[c] = fmt.Sprintf("%s-%d", slugs[c], c)
		}
	}
	return slugs
}

// closeCalls picks the n correctly classified test images whose two most
// probable classes are closest (probabilities from the logits in float64;
// ties go to the lower index): pictures the model hesitates on and still
// gets right, where the softmax shows two classes sharing the probability.
func closeCalls(ev *train.Evaluation, classes []string, n int) []sampleEntry {
	slugs := classSlugs(classes)
	type cand struct {
		i, second int
		margin    float64
	}
	var cands []cand
	for i, z := range ev.Logits {
		if ev.Predicted(i) != ev.Labels[i] {
			continue
		}
		p := softmax64(z)
		first, second := ev.Labels[i], -1
		for c := range p {
			if c != first && (second < 0 || p[c] > p[second]) {
				second = c
			}
		}
		if second >= 0 {
			cands = append(cands, cand{i, second, p[first] - p[second]})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].margin < cands[b].margin })
	var picks []sampleEntry
	for _, c := range cands[:min(n, len(cands))] {
		id := "close-call-" + slugs[ev.Labels[c.i]] + "-vs-" + slugs[c.second]
		picks = append(picks, sampleEntry{ID: id, File: "images/" + id + ".png", Label: classes[ev.Labels[c.i]], Index: c.i,
			Note: "close call", Predicted: classes[ev.Labels[c.i]]})
	}
	return picks
}

func softmax64(z []float32) []float64 {
	top := math.Inf(-1)
	for _, v := range z {
		top = math.Max(top, float64(v))
	}
	p := make([]float64, len(z))
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp(float64(v) - top)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// slug makes an ASCII id from a class name: lower case, runs of anything
// but letters and digits become one hyphen ("T-shirt/top" -> "t-shirt-top").
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "-")
	}
	if out == "" {
		return "class"
	}
	return out
}

// maxSlug keeps ids short: the site accepts ids of up to 64 characters,
// and a mistake's id holds two slugs.
const maxSlug = 24

// writePNG stores test image i with its exact pixels: 8-bit grayscale for
// one channel, RGB(A) otherwise.
func writePNG(path string, s dataset.Split, i int) error {
	h, w, c := s.Shape[0], s.Shape[1], s.Shape[2]
	px := s.Image(i)
	var img image.Image
	switch c {
	case 1:
		g := image.NewGray(image.Rect(0, 0, w, h))
		copy(g.Pix, px)
		img = g
	case 3, 4:
		rgba := image.NewNRGBA(image.Rect(0, 0, w, h))
		for p := 0; p < h*w; p++ {
			copy(rgba.Pix[p*4:p*4+3], px[p*c:p*c+3])
			rgba.Pix[p*4+3] = 255
			if c == 4 {
				rgba.Pix[p*4+3] = px[p*c+3]
			}
		}
		img = rgba
	default:
		return fmt.Errorf("write %s: cannot store %d-channel pixels as PNG", path, c)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
