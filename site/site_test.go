// The whole-build tests of package site: a small site built from the
// committed model, its goldens, determinism, failure and pseudo-language
// cases. They stay in one file (over 400 lines) because they share one
// fixture site and its helpers; tests of one part live beside that part.
package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/train"
	"cnnexplainer/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// tinyModel is a seeded TinyVGG small enough to build a site in a blink:
// 12x12x1 input, two filters per layer, three classes.
func tinyModel() (*engine.Model, error) {
	m, err := train.TinyVGG("tiny", train.Arch{Size: 12, Channels: 1, Hidden: 2, Kernel: 3, Padding: 1, Stride: 1, Classes: []string{"Trouser", "Bag", "Coat"}})
	if err != nil {
		return nil, err
	}
	return m, train.Init(m, 7)
}

// smallSite copies testdata/site into a temporary folder, with the
// repository's strings files, two sample pictures and a samples.json, and
// returns a Config that builds it.
func smallSite(t testing.TB) Config {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS("testdata/site/content")); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh-CN"} {
		data, err := os.ReadFile(filepath.Join("../content", lang, "strings.toml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "content", lang, "strings.toml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	samples := filepath.Join(root, "samples")
	if err := os.MkdirAll(filepath.Join(samples, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b"} {
		img := image.NewGray(image.Rect(0, 0, 12, 12))
		for y := 0; y < 12; y++ {
			for x := 0; x < 12; x++ {
				img.SetGray(x, y, color.Gray{uint8((x*17 + y*29*(i+1)) % 256)})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(samples, "images", id+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sj := `{"samples": [{"id": "a", "file": "images/a.png", "label": "Bag", "note": "first"}, {"id": "b", "file": "images/b.png", "label": "Coat"}]}`
	if err := os.WriteFile(filepath.Join(samples, "samples.json"), []byte(sj), 0o644); err != nil {
		t.Fatal(err)
	}
	return Config{
		Content: filepath.Join(root, "content"), Theme: "../themes/default", Layouts: filepath.Join(root, "layouts"),
		Samples: samples, Out: filepath.Join(root, "public"), Cache: filepath.Join(root, "cache"),
		BaseURL: "https://example.org/repo/", Jobs: 2,
		LoadModel: func(string) (*engine.Model, error) { return tinyModel() },
	}
}

// treeHashes maps every file under dir to a hash of its bytes.
func treeHashes(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./site -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s:%d: output differs (go test ./site -run %s -update to accept)\n got: %.300s\nwant: %.300s", file, i+1, t.Name(), g, w)
			}
		}
	}
}

func TestBuildSmallSite(t *testing.T) {
	cfg := smallSite(t)
	rep, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	hashes := treeHashes(t, cfg.Out)
	// The figures are render's files, with their own tests; the golden
	// list holds the site's own, and every figure must be in the tree.
	var names []string
	for n := range hashes {
		if !strings.HasPrefix(n, "figures/") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	golden(t, "files.txt", []byte(strings.Join(names, "\n")+"\n"))
	// The manifest stays in the cache; a figure only a link can reach is
	// published when a page links it.
	if _, ok := hashes["figures/"+render.ManifestFile]; ok {
		t.Error("the output holds the figures' manifest, which only the build reads")
	}
	manFiles, _ := filepath.Glob(filepath.Join(cfg.Cache, "figures-*", render.ManifestFile))
	if len(manFiles) != 1 {
		t.Fatalf("want one manifest in the cache, found %v", manFiles)
	}
	manData, err := os.ReadFile(manFiles[0])
	if err != nil {
		t.Fatal(err)
	}
	man, err := render.ParseManifest(manData)
	if err != nil {
		t.Fatal(err)
	}
	linked := linkedTargets(t, cfg.Out)
	for _, f := range man.Figures {
		_, published := hashes["figures/"+f.File]
		switch want := !linkedOnly[f.Kind] || linked["figures/"+f.File]; {
		case want && !published:
			t.Errorf("figure %s (%s) is in the manifest but not in the output", f.File, f.Kind)
		case !want && published:
			t.Errorf("figure %s (%s) is published, but no page links it", f.File, f.Kind)
		}
	}
	for _, page := range []string{"one/index.html", "zh-CN/second/index.html", "s/a/conv_1_2/1/index.html", "zh-CN/s/b/output/2/index.html", "404.html", "sitemap.xml"} {
		data, err := os.ReadFile(filepath.Join(cfg.Out, page))
		if err != nil {
			t.Fatal(err)
		}
		// One tag a line keeps golden diffs readable.
		golden(t, strings.ReplaceAll(page, "/", "_")+".golden", bytes.ReplaceAll(data, []byte("><"), []byte(">\n<")))
	}
	if rep.Pages["en"] == 0 || rep.Pages["en"] != rep.Pages["zh-CN"] {
		t.Errorf("pages per language = %v, want equal and non-zero", rep.Pages)
	}
	gaps := rep.Missing["zh-CN"]
	if strings.Join(gaps.Pages, ",") != "02-two.md" || len(gaps.Strings) != 0 {
		t.Errorf("zh-CN gaps = %+v, want page 02-two.md only", gaps)
	}
	wantWarn := []string{"figure curves: the model has no training history", `figure layer: the model has no layer "no_such_layer"`,
		"written for params = 1, but this model gives", "fact accuracy: the model has no training history"}
	for _, w := range wantWarn {
		found := false
		for _, got := range rep.Warnings {
			found = found || strings.Contains(got, w) && strings.Contains(got, "01-one.md:")
		}
		if !found {
			t.Errorf("warnings %q lack %q", rep.Warnings, w)
		}
	}
	var sum bytes.Buffer
	rep.WriteSummary(&sum)
	rep.WriteTranslationReport(&sum)
	for _, want := range []string{"Pages", "Bytes", "Total in", "translation zh-CN: 1 pages and 0 strings missing", "page   02-two.md"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
}

// TestLinksResolve reads the built tree from disk and checks that every
// relative href and src names a file in it.
func TestLinksResolve(t *testing.T) {
	cfg := smallSite(t)
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	checkTreeLinks(t, cfg.Out)
}

func checkTreeLinks(t *testing.T, dir string) {
	t.Helper()
	hashes := treeHashes(t, dir)
	n := 0
	for name := range hashes {
		if path.Ext(name) != ".html" || name == "404.html" {
			continue
		}
		data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		for _, u := range links(data) {
			if strings.HasPrefix(u, "#") || strings.Contains(u, "://") || strings.HasPrefix(u, "data:") {
				continue
			}
			n++
			target := path.Join(path.Dir(name), strings.SplitN(u, "#", 2)[0])
			if dec, err := url.PathUnescape(target); err == nil {
				target = dec // a Unicode slug's link is percent-encoded
			}
			if _, ok := hashes[target]; !ok {
				t.Errorf("%s: link %s does not resolve (%s)", name, u, target)
			}
		}
	}
	if n == 0 {
		t.Fatal("no links checked")
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	a := smallSite(t)
	b := smallSite(t)
	b.Content, b.Samples = a.Content, a.Samples // same inputs, separate output and cache
	for _, cfg := range []Config{a, b} {
		if _, err := Build(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	ha, hb := treeHashes(t, a.Out), treeHashes(t, b.Out)
	if len(ha) != len(hb) {
		t.Fatalf("%d files vs %d", len(ha), len(hb))
	}
	for name, h := range ha {
		if hb[name] != h {
			t.Errorf("%s differs between two builds", name)
		}
	}
	// A rebuild into the same folder, with the figures and pages cached,
	// changes nothing.
	rep, err := Build(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Cached || !rep.PagesCached {
		t.Errorf("rebuild: figures cached %v, pages cached %v; want both", rep.Cached, rep.PagesCached)
	}
	again := treeHashes(t, a.Out)
	if len(again) != len(ha) {
		t.Errorf("rebuild has %d files, first build %d", len(again), len(ha))
	}
	for name, h := range again {
		if ha[name] != h {
			t.Errorf("%s changed on rebuild", name)
		}
	}
	// Editing a chapter's text keeps the cached pages; the chapter changes.
	write(t, filepath.Join(a.Content, "en", "02-two.md"), "---\ntitle: \"Chapter two\"\nweight: 2\nslug: \"second\"\n---\n\nNew text.\n")
	rep, err = Build(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.PagesCached {
		t.Error("editing a chapter's body rebuilt the overview and neuron pages")
	}
	page, _ := os.ReadFile(filepath.Join(a.Out, "second", "index.html"))
	if !bytes.Contains(page, []byte("New text.")) {
		t.Error("the edited chapter was not rebuilt")
	}
	checkTreeLinks(t, a.Out)
}

func TestFailedBuildKeepsOutput(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, cfg *Config)
		want   string
	}{
		{"bad front matter", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Content, "en", "01-one.md"), "---\ntitle: \"x\"\nweight: [1\n---\n\nText.\n")
		}, "01-one.md:"},
		{"unknown key in front matter", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Content, "en", "01-one.md"), "---\ntitle: \"x\"\ncolour: red\n---\n\nText.\n")
		}, `01-one.md:3: front matter: unknown key "colour"`},
		{"unknown directive", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Content, "en", "01-one.md"), "---\ntitle: \"x\"\n---\n\nText.\n\n{{< spiral >}}\n")
		}, `01-one.md:7: unknown figure "spiral"`},
		{"path outside the project", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Content, "en", "01-one.md"), "---\ntitle: \"x\"\n---\n\n{{< input sample=\"../../etc/passwd\" >}}\n")
		}, `01-one.md:5: figure input: argument sample: "../../etc/passwd" is a path outside the project`},
		{"unsupported math", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Content, "en", "01-one.md"), "---\ntitle: \"x\"\n---\n\nLine.\n\nSee $\\int x$.\n")
		}, `01-one.md:7: math: column 1: unsupported command \int`},
		{"template error", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Layouts, "chapter.html"), "{{define \"main\"}}\n<p>{{.Nope</p>\n{{end}}\n")
		}, "chapter.html:2:"},
		{"template runtime error", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Layouts, "chapter.html"), "{{define \"main\"}}\n<p>{{.Lang.Nope}}</p>\n{{end}}\n")
		}, "chapter.html:2:"},
		{"unknown sample label", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Samples, "samples.json"), `{"samples": [{"id": "a", "file": "images/a.png", "label": "Zebra"}]}`)
		}, `samples.json: sample a: label "Zebra" is not a class`},
		{"sample file outside", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Samples, "samples.json"), `{"samples": [{"id": "a", "file": "../../etc/passwd"}]}`)
		}, "is a path outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallSite(t)
			if _, err := Build(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			before := treeHashes(t, cfg.Out)
			tt.break_(t, &cfg)
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			after := treeHashes(t, cfg.Out)
			if len(after) != len(before) {
				t.Fatalf("output has %d files after the failed build, %d before", len(after), len(before))
			}
			for name, h := range before {
				if after[name] != h {
					t.Errorf("%s changed", name)
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(cfg.Out))
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".public") {
					t.Errorf("temporary folder %s left behind", e.Name())
				}
			}
		})
	}
}

func write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPseudoLanguage adds a language by copying the English folder, with
// no change to code or templates.
func TestPseudoLanguage(t *testing.T) {
	cfg := smallSite(t)
	if err := os.CopyFS(filepath.Join(cfg.Content, "qps"), os.DirFS(filepath.Join(cfg.Content, "en"))); err != nil {
		t.Fatal(err)
	}
	cfg.StrictI18n = false
	rep, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if g := rep.Missing["qps"]; len(g.Pages)+len(g.Strings) != 0 {
		t.Errorf("qps gaps: %+v", g)
	}
	page, err := os.ReadFile(filepath.Join(cfg.Out, "qps", "one", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="qps">`, `hreflang="qps"`, `hreflang="en"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("qps/one/index.html lacks %s", want)
		}
	}
	checkTreeLinks(t, cfg.Out)
}

func TestStrictI18n(t *testing.T) {
	cfg := smallSite(t)
	cfg.StrictI18n = true
	_, err := Build(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "translation zh-CN is incomplete: 1 pages") {
		t.Fatalf("error = %v", err)
	}
	if _, err := os.Stat(cfg.Out); !os.IsNotExist(err) {
		t.Errorf("a failed strict build wrote %s", cfg.Out)
	}
}

// TestChineseEditionComplete checks the real content: every English page
// and string has a Simplified Chinese counterpart.
func TestChineseEditionComplete(t *testing.T) {
	langs, err := discoverLanguages("../content", "en", []string{"zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	missing, err := loadStrings(langs)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing["zh-CN"]) > 0 {
		t.Errorf("content/zh-CN/strings.toml lacks %d strings: %v", len(missing["zh-CN"]), missing["zh-CN"])
	}
	en, enIndex, err := readChapters(langs[0], false)
	if err != nil {
		t.Fatal(err)
	}
	zh, zhIndex, err := readChapters(langs[1], false)
	if err != nil {
		t.Fatal(err)
	}
	if enIndex == nil || zhIndex == nil {
		t.Errorf("_index.md: en %v, zh-CN %v", enIndex != nil, zhIndex != nil)
	}
	if _, gaps := withFallbacks(langs[1], zh, en); len(gaps) > 0 {
		t.Errorf("content/zh-CN lacks %v", gaps)
	}
}

// TestCNNExplainerSite builds the repository's chapters for CNN Explainer's
// own TF.js model and its ten 64x64 RGB pictures.
func TestCNNExplainerSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds over two thousand pages; skipped with -short")
	}
	samples := cnnExplainerSamples(t)
	cfg := testConfig(t, samples)
	cfg.Model = anchorDir
	rep, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// 10 samples x (1 overview + 100 neurons + 10 classes) + chapters.
	if rep.Pages["en"] < 1110 {
		t.Errorf("en pages = %d, want at least 1110", rep.Pages["en"])
	}
	for _, f := range []string{"index.html", "s/espresso/index.html", "s/koala/conv_2_2/9/index.html", "s/pizza/output/2/index.html", "zh-CN/s/car/max_pool_2/0/index.html"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, f)); err != nil {
			t.Error(err)
		}
	}
	home, _ := os.ReadFile(filepath.Join(cfg.Out, "s", "espresso", "index.html"))
	if !bytes.Contains(home, []byte("espresso")) || !bytes.Contains(home, []byte("conv_1_1")) {
		t.Error("espresso overview lacks its class or layers")
	}
	checkTreeLinks(t, cfg.Out)
}
