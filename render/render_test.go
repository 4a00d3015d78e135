package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func renderTest(t *testing.T, workers int) (string, *Manifest) {
	t.Helper()
	m := testModel(t)
	dir := t.TempDir()
	man, err := Render(context.Background(), m, testSamples(t, m, 2), nil, dir, Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return dir, man
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRenderIsDeterministic(t *testing.T) {
	// One worker and many must give the same bytes, file for file.
	dirA, _ := renderTest(t, 1)
	dirB, _ := renderTest(t, 4)
	a, b := readTree(t, dirA), readTree(t, dirB)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between renders", name)
		}
	}
}

func TestManifestMatchesFiles(t *testing.T) {
	dir, man := renderTest(t, 2)
	files := readTree(t, dir)
	data, ok := files[ManifestFile]
	if !ok {
		t.Fatal("no manifest.json")
	}
	parsed, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	// Figures of one file (an animation bundle) differ by fragment.
	listed := map[string]bool{}
	for _, f := range parsed.Figures {
		listed[f.File] = true
	}
	if len(parsed.Figures) != len(man.Figures) || len(files) != len(listed)+1 {
		t.Fatalf("manifest lists %d figures in %d files, returned %d, %d files on disk", len(parsed.Figures), len(listed),
			len(man.Figures), len(files))
	}
	for i, f := range parsed.Figures {
		if _, ok := files[f.File]; !ok {
			t.Errorf("%s listed but not written", f.File)
		}
		if g, ok := man.Lookup(f.Ref()); !ok || fmt.Sprint(g) != fmt.Sprint(man.Figures[i]) {
			t.Errorf("Lookup(%s) = %v, %v", f.Ref(), g, ok)
		}
		if f.Fragment != "" && !bytes.Contains(files[f.File], []byte(` id="`+f.Fragment+`"`)) {
			t.Errorf("%s: the file has no element with that id", f.Ref())
		}
		if strings.HasSuffix(f.File, ".png") {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(files[f.File]))
			if err != nil || cfg.Width != f.Width || cfg.Height != f.Height {
				t.Errorf("%s: decoded %dx%d (%v), manifest %dx%d", f.File, cfg.Width, cfg.Height, err, f.Width, f.Height)
			}
		}
	}
	if f, ok := man.Find(KindActivation, "two", "relu_2_1", 3, -1, Global); !ok || f.File != "s/two/relu_2_1/global/3.png" {
		t.Errorf("Find relu_2_1/3 global = %+v, %v", f, ok)
	}
	if _, ok := man.Find(KindActivation, "two", "relu_2_1", 9, -1, Global); ok {
		t.Error("found a neuron that does not exist")
	}
}

// TestFiguresHaveNoWords checks that SVG figures are well-formed and that
// every piece of text in them is a number: words belong to the page.
func TestFiguresHaveNoWords(t *testing.T) {
	dir, man := renderTest(t, 2)
	number := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	for _, f := range man.Figures {
		if !strings.HasSuffix(f.File, ".svg") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.File)))
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.File, err)
			}
			// A style sheet (the animations' keyframes) is code, not
			// words a reader sees.
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "style" {
				if err := dec.Skip(); err != nil {
					t.Fatalf("%s: %v", f.File, err)
				}
				continue
			}
			if cd, ok := tok.(xml.CharData); ok {
				if s := strings.TrimSpace(string(cd)); s != "" && !number.MatchString(s) {
					t.Errorf("%s: text %q is not a number", f.File, s)
				}
			}
		}
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	m := testModel(t)
	good := testSamples(t, m, 1)[0]
	badName := testModel(t)
	badName.Layers[1].(*engine.ReLU).LayerName = "../relu"
	tests := []struct {
		name    string
		model   *engine.Model
		samples []Sample
		want    string
	}{
		{"empty id", m, []Sample{{ID: "", Trace: good.Trace}}, "id"},
		{"id with slash", m, []Sample{{ID: "a/b", Trace: good.Trace}}, "id"},
		{"upper case id", m, []Sample{{ID: "Boot", Trace: good.Trace}}, "id"},
		{"twice", m, []Sample{good, good}, "twice"},
		{"no trace", m, []Sample{{ID: "x"}}, "no trace"},
		{"trace of another model", m, []Sample{{ID: "x", Trace: &engine.Trace{Input: good.Trace.Input}}}, "no map output for layer conv_1_1"},
		{"layer name", badName, []Sample{good}, "layer name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(context.Background(), tt.model, tt.samples, nil, t.TempDir(), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestRenderStopsWhenCancelled(t *testing.T) {
	m := testModel(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, m, testSamples(t, m, 1), nil, t.TempDir(), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestRunReportsDrawErrors(t *testing.T) {
	jobs := []job{
		{Figure: Figure{File: "a.svg"}, Draw: func() ([]byte, error) { return []byte("ok"), nil }},
		{Figure: Figure{File: "b.svg"}, Draw: func() ([]byte, error) { return nil, errors.New("boom") }},
	}
	_, err := run(context.Background(), jobs, t.TempDir(), 2)
	if err == nil || !strings.Contains(err.Error(), "b.svg") || !strings.Contains(err.Error(), "boom") {
		t.Errorf("error %v, want one naming b.svg and the cause", err)
	}
	for _, bad := range []string{"", "/abs.png", "../up.png", "a//b.png", ManifestFile} {
		_, err := run(context.Background(), []job{{Figure: Figure{File: bad}}}, t.TempDir(), 1)
		if err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	dup := []job{{Figure: Figure{File: "x.png"}}, {Figure: Figure{File: "x.png"}}}
	if _, err := run(context.Background(), dup, t.TempDir(), 1); err == nil {
		t.Error("two figures with one file accepted")
	}
}

// TestGolden compares a few figures, the manifest and the overview and
// flatten geometry with testdata/golden; PNGs are compared by a hash of
// their pixels, so an encoder change alone does not fail the test.
func TestGolden(t *testing.T) {
	dir, _ := renderTest(t, 2)
	files := readTree(t, dir)
	m := testModel(t)
	lay, err := json.MarshalIndent(OverviewLayout(m), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	fl, _ := NewFlattenLayout(m)
	flat, err := json.MarshalIndent(fl, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	var pixels strings.Builder
	var pngs []string
	for name := range files {
		if strings.HasSuffix(name, ".png") {
			pngs = append(pngs, name)
		}
	}
	sort.Strings(pngs)
	for _, name := range pngs {
		img, _, err := image.Decode(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rgba := image.NewNRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		fmt.Fprintf(&pixels, "%x %s\n", sha256.Sum256(rgba.Pix), name)
	}
	// Only this plan's kinds: figures other plans add have their own tests.
	parsed, err := ParseManifest(files[ManifestFile])
	if err != nil {
		t.Fatal(err)
	}
	static := &Manifest{Figures: parsed.Filter(func(f Figure) bool { return staticKinds[f.Kind] })}
	manifest, err := static.MarshalIndented()
	if err != nil {
		t.Fatal(err)
	}
	golden := []struct {
		name string
		data []byte
	}{
		{"manifest.json", manifest},
		{"softmax.svg", files["s/one/softmax.svg"]},
		{"flatten.svg", files["s/one/flatten.svg"]},
		{"legend.svg", files[LegendFile(BrBG, WeightScale(maxAbs(m.Layers[0].(*engine.Conv2D).Kernel)).Range())]},
		{"kernels.json", files["m/kernels.json"]},
		{"overview-layout.json", append(lay, '\n')},
		{"flatten-layout.json", append(flat, '\n')},
		{"pixels.txt", []byte(pixels.String())},
	}
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			if len(g.data) == 0 {
				t.Fatal("figure missing")
			}
			path := filepath.Join("testdata", "golden", g.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, g.data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(g.data, want) {
				t.Errorf("%s differs from the golden file at %s (run go test ./render -update and review the diff)",
					g.name, firstDiff(g.data, want))
			}
		})
	}
}

var staticKinds = map[FigureKind]bool{
	KindInput: true, KindInputChannel: true, KindActivation: true, KindKernel: true, KindKernelValues: true,
	KindDenseWeights: true, KindDenseValues: true, KindOverview: true, KindFlatten: true, KindSoftmax: true,
	KindLegend: true,
}

// firstDiff reports line:column of the first differing byte.
func firstDiff(a, b []byte) string {
	line, col := 1, 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("%d:%d", line, col)
		}
		if a[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d (one is a prefix of the other)", line, col)
}
