package site

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// writeProbe stores a probe set of n 12x12 pictures in the small site's
// samples folder, labels cycling through the classes (in the file's own
// order, which differs from the model's).
func writeProbe(t *testing.T, samples string, n int) {
	t.Helper()
	const columns = 4
	rows := (n + columns - 1) / columns
	img := image.NewGray(image.Rect(0, 0, columns*12, rows*12))
	for i := range img.Pix {
		img.Pix[i] = uint8((i*37 + i/48*11) % 256)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(samples, ProbeDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := probeDoc{Tile: []int{12, 12, 1}, Columns: columns, Classes: []string{"Coat", "Trouser", "Bag"}, Seed: 1}
	for i := 0; i < n; i++ {
		doc.Labels = append(doc.Labels, i%3)
		doc.Indices = append(doc.Indices, 100+i)
	}
	js, _ := json.Marshal(doc)
	for name, data := range map[string][]byte{"probe.png": buf.Bytes(), "probe.json": js} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readOut(t *testing.T, out, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestLearnedViews builds the small site with a probe set and checks what a
// reader relies on: every view exists in both languages, the confusion
// matrix's links lead to sections that show as many pictures as the cell
// counts, and neuron pages show their top pictures.
func TestLearnedViews(t *testing.T) {
	cfg := smallSite(t)
	const n = 7
	writeProbe(t, cfg.Samples, n)
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"", "zh-CN/"} {
		for _, p := range []string{"index", "features/index", "confusion/index", "looked/a/index", "looked/b/index", "layer/conv_1_1/index", "layer/max_pool_2/index"} {
			readOut(t, cfg.Out, prefix+"learned/"+p+".html")
		}
	}
	conf := readOut(t, cfg.Out, "learned/confusion/index.html")
	links := regexp.MustCompile(`<a href="?#(c\d+-\d+)"? aria-label="?(\d+) `).FindAllStringSubmatch(conf, -1)
	if len(links) == 0 {
		t.Fatal("the confusion matrix links to no cell")
	}
	total := 0
	for _, l := range links {
		i := strings.Index(conf, `id="`+l[1]+`"`)
		if i < 0 {
			t.Fatalf("cell %s has no section", l[1])
		}
		section := conf[i:]
		section = section[:strings.Index(section, "</section>")]
		if got := strings.Count(section, `class="thumb"`); got != atoi(t, l[2]) {
			t.Errorf("cell %s counts %s pictures and shows %d", l[1], l[2], got)
		}
		total += atoi(t, l[2])
	}
	if total != n {
		t.Errorf("the cells count %d pictures, the probe set has %d", total, n)
	}
	feat := readOut(t, cfg.Out, "learned/features/index.html")
	if got := strings.Count(feat, "<circle"); got != n+2 {
		t.Errorf("the scatter has %d points, want %d probe pictures and 2 samples", got, n)
	}
	neuron := readOut(t, cfg.Out, "s/a/conv_1_1/0/index.html")
	i := strings.Index(neuron, `class="learned-top"`)
	if i < 0 {
		t.Fatal("the neuron page shows no top pictures")
	}
	top := neuron[i:]
	top = top[:strings.Index(top, "</section>")]
	if !strings.Contains(top, `src="../../../../probe/strip/conv_1_1/0.png"`) {
		t.Error("the neuron page does not show its strip of top pictures")
	}
	if got := strings.Count(top, " · ") + 1; got != n {
		t.Errorf("the neuron page lists %d values, want %d (all of a probe set smaller than 9)", got, n)
	}
	grid := readOut(t, cfg.Out, "learned/layer/conv_1_1/index.html")
	if got := strings.Count(grid, `src="../../../probe/top/conv_1_1/0-`); got != n {
		t.Errorf("the layer grid shows %d pictures for neuron 0, want %d", got, n)
	}
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestLearnedWithoutProbe: a model without a probe set builds, with a
// warning and a hub page that says why the views are missing.
func TestLearnedWithoutProbe(t *testing.T) {
	cfg := smallSite(t)
	rep, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, "probe.json")
	}
	if !warned {
		t.Errorf("no warning about the missing probe set in %v", rep.Warnings)
	}
	for _, p := range []string{"learned/index.html", "learned/features/index.html", "zh-CN/learned/confusion/index.html"} {
		if page := readOut(t, cfg.Out, p); !strings.Contains(page, `class="notice"`) || strings.Contains(page, "<svg") {
			t.Errorf("%s does not just say that the views need a probe set", p)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "learned", "layer")); !os.IsNotExist(err) {
		t.Error("layer grids were written without a probe set")
	}
}

// TestLearnedBadProbe: a broken probe set fails the build with the file's name.
func TestLearnedBadProbe(t *testing.T) {
	cases := []struct {
		name, json, want string
	}{
		{"not json", `{`, "probe.json"},
		{"wrong tile", `{"tile":[28,28,1],"columns":4,"classes":["Bag"],"labels":[0],"indices":[0]}`, "does not match the model input"},
		{"unknown class", `{"tile":[12,12,1],"columns":4,"classes":["Dog"],"labels":[0],"indices":[0]}`, `class "Dog"`},
		{"label out of range", `{"tile":[12,12,1],"columns":4,"classes":["Bag"],"labels":[3],"indices":[0]}`, "out of range"},
		{"too many tiles", `{"tile":[12,12,1],"columns":4,"classes":["Bag"],"labels":[0,0,0,0,0,0,0,0,0,0,0,0,0,0],"indices":[0,0,0,0,0,0,0,0,0,0,0,0,0,0]}`, "too small"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smallSite(t)
			writeProbe(t, cfg.Samples, 7)
			if err := os.WriteFile(filepath.Join(cfg.Samples, ProbeDir, "probe.json"), []byte(c.json), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
			if c.name == "not json" && !strings.Contains(err.Error(), "probe.json") {
				t.Errorf("error %v does not name the file", err)
			}
		})
	}
}

// TestLearnedCache: a second build takes the views from the cache and
// writes the very same files.
func TestLearnedCache(t *testing.T) {
	cfg := smallSite(t)
	writeProbe(t, cfg.Samples, 7)
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	first := treeHashes(t, cfg.Out)
	entries, _ := filepath.Glob(filepath.Join(cfg.Cache, "learned-*", "learned.json"))
	if len(entries) != 1 {
		t.Fatalf("%d cache entries of the views, want 1", len(entries))
	}
	cfg.Out = filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	second := treeHashes(t, cfg.Out)
	if len(first) != len(second) {
		t.Fatalf("%d files from the cache, %d before", len(second), len(first))
	}
	for p, h := range first {
		if second[p] != h {
			t.Errorf("%s differs when the views come from the cache", p)
		}
	}
}

// TestLearnedProbeFolder: a probe set given as class folders of pictures
// builds the same views, with a sprite drawn for the pages, and a folder
// that names no class fails with its name.
func TestLearnedProbeFolder(t *testing.T) {
	cfg := smallSite(t)
	n := 0
	for ci, class := range []string{"Bag", "Coat", "Trouser"} {
		dir := filepath.Join(cfg.Samples, ProbeDir, class)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 2+ci; k++ {
			img := image.NewGray(image.Rect(0, 0, 12, 12))
			for i := range img.Pix {
				img.Pix[i] = uint8((i*(k+3) + ci*50) % 256)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(k)+".png"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	feat := readOut(t, cfg.Out, "learned/features/index.html")
	if got := strings.Count(feat, "<circle"); got != n+2 {
		t.Errorf("the scatter has %d points, want %d pictures and 2 samples", got, n+2)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "probe", "probe.png")); err != nil {
		t.Errorf("no sprite for the probe folder: %v", err)
	}
	dog := filepath.Join(cfg.Samples, ProbeDir, "Dog")
	if err := os.MkdirAll(dog, 0o755); err != nil {
		t.Fatal(err)
	}
	pic, _ := os.ReadFile(filepath.Join(cfg.Samples, ProbeDir, "Bag", "0.png"))
	if err := os.WriteFile(filepath.Join(dog, "0.png"), pic, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Out = filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), `"Dog"`) {
		t.Errorf("a folder named after no class: error %v, want one naming it", err)
	}
}
