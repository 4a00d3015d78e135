package main

import (
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// qgTrimSamples keeps the first n samples of samples.json, so a test that
// needs several cold builds stays short.
func qgTrimSamples(t *testing.T, samples string, n int) {
	t.Helper()
	qgEditSamples(t, samples, func(list []any) []any {
		if len(list) < n {
			t.Fatalf("%s lists %d samples, want at least %d", samples, len(list), n)
		}
		return list[:n]
	})
}

// qgNudgeWeight changes the first value of every tensor of a safetensors
// file, as retraining would.
func qgNudgeWeight(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(data[:8])
	var header map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	for k, raw := range header {
		var info struct {
			Offsets []int64 `json:"data_offsets"`
		}
		if k == "__metadata__" || json.Unmarshal(raw, &info) != nil {
			continue
		}
		at := 8 + int64(n) + info.Offsets[0]
		data[at+3] ^= 0x01 // a float32's exponent bit: a real change
	}
	qgWrite(t, name, data)
}

func qgBuild(t *testing.T, args []string) string {
	t.Helper()
	code, stdout, stderr := qgRun(t, args)
	if code != 0 {
		t.Fatalf("build %v: exit %d\n%s\n%s", args, code, stdout, stderr)
	}
	return stderr
}

// TestOutputNeverAnInput points -out at every input, at folders holding
// them and at a folder the build did not write: each must be refused with
// the inputs byte-identical afterwards.
func TestOutputNeverAnInput(t *testing.T) {
	base := t.TempDir()
	p := qgCopyProject(t, filepath.Join(base, "proj"), filepath.Join(base, "proj", ".cache"))
	docs := filepath.Join(p.dir, "docs")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	qgWrite(t, filepath.Join(docs, "guide.md"), []byte("# my notes\n"))
	if err := os.Symlink(filepath.Join(p.dir, "content"), filepath.Join(base, "content-link")); err != nil {
		t.Fatal(err)
	}
	before := qgHashTree(t, p.dir)
	tests := []struct{ out, want string }{
		{docs, "did not write"},
		{filepath.Join(p.dir, "content"), "is the -content folder"},
		{filepath.Join(p.dir, "content", "en"), "inside the -content input"},
		{filepath.Join(base, "content-link"), "is the -content folder"},
		{filepath.Join(p.dir, "themes"), "holds the -theme input"},
		{filepath.Join(p.dir, "layouts"), "is the -layouts folder"},
		{p.samples, "is the -samples folder"},
		{filepath.Join(p.samples, "images"), "inside the -samples input"},
		{p.cache, "is the -cache folder"},
		{p.dir, "holds the -content input"},
		{filepath.Join(p.samples, "model.json"), "inside the -samples input"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.out), func(t *testing.T) {
			code, _, stderr := qgRun(t, p.args(tt.out))
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("-out %s: exit %d, stderr %q; want a refusal saying %q", tt.out, code, stderr, tt.want)
			}
			if qgHashTree(t, p.dir) != before {
				t.Fatalf("-out %s changed the project", tt.out)
			}
		})
	}
}

// TestCacheSeesEveryInput changes one input the old cache key missed and
// expects the published figures to change.
func TestCacheSeesEveryInput(t *testing.T) {
	base := t.TempDir()
	cache := filepath.Join(base, "cache")
	p := qgCopyProject(t, filepath.Join(base, "proj"), cache)
	qgTrimSamples(t, p.samples, 2)

	t.Run("weights beside -model dir/model.json", func(t *testing.T) {
		model := filepath.Join(base, "model")
		if err := os.MkdirAll(model, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"model.json", "model.safetensors"} {
			data, err := os.ReadFile(filepath.Join(p.samples, f))
			if err != nil {
				t.Fatal(err)
			}
			qgWrite(t, filepath.Join(model, f), data)
		}
		out := filepath.Join(base, "pub-model")
		args := append(p.args(out), "-model", filepath.Join(model, "model.json"))
		qgBuild(t, args)
		first := qgHashTree(t, filepath.Join(out, "figures"))
		qgNudgeWeight(t, filepath.Join(model, "model.safetensors"))
		qgBuild(t, args)
		if qgHashTree(t, filepath.Join(out, "figures")) == first {
			t.Error("new weights beside model.json published the old figures")
		}
	})

	t.Run("symlinked samples folder", func(t *testing.T) {
		other := filepath.Join(base, "other-samples")
		if err := qgCopyTree(p.samples, other, false); err != nil {
			t.Fatal(err)
		}
		var ids []string
		entries, _ := os.ReadDir(filepath.Join(other, "images"))
		for _, e := range entries {
			ids = append(ids, e.Name())
		}
		sort.Strings(ids)
		// The first sample's picture becomes another one's.
		data, err := os.ReadFile(filepath.Join(other, "images", ids[len(ids)-1]))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Samples []struct{ File string } `json:"samples"`
		}
		js, _ := os.ReadFile(filepath.Join(other, "samples.json"))
		if err := json.Unmarshal(js, &doc); err != nil {
			t.Fatal(err)
		}
		qgWrite(t, filepath.Join(other, filepath.FromSlash(doc.Samples[0].File)), data)

		link := filepath.Join(base, "samples-link")
		out := filepath.Join(base, "pub-link")
		args := p.args(out)
		for i, a := range args {
			if a == p.samples {
				args[i] = link
			}
		}
		var hashes []string
		for _, target := range []string{p.samples, other} {
			os.Remove(link)
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			qgBuild(t, args)
			hashes = append(hashes, qgHashTree(t, filepath.Join(out, "figures")))
		}
		if hashes[0] == hashes[1] {
			t.Error("switching the samples link published the other folder's figures")
		}
	})
}

// TestCacheNeverLies damages the cache as a killed build or a stray edit
// would, and expects the next build to publish the lone build's bytes.
func TestCacheNeverLies(t *testing.T) {
	base := t.TempDir()
	p := qgCopyProject(t, filepath.Join(base, "proj"), filepath.Join(base, "cache"))
	qgTrimSamples(t, p.samples, 2)
	lone := filepath.Join(base, "lone")
	loneArgs := p.args(lone)
	loneArgs[len(loneArgs)-1] = filepath.Join(base, "lone-cache")
	qgBuild(t, loneArgs)
	want := qgHashTree(t, lone)
	out := filepath.Join(base, "public")
	qgBuild(t, p.args(out))

	entry := func(prefix string) string {
		m, _ := filepath.Glob(filepath.Join(p.cache, prefix+"*"))
		if len(m) != 1 {
			t.Fatalf("cache entries %s*: %v", prefix, m)
		}
		return m[0]
	}
	tests := []struct {
		name   string
		damage func(t *testing.T)
	}{
		{"a cached page truncated", func(t *testing.T) {
			qgWrite(t, filepath.Join(entry("pages-"), "index.html"), []byte("<p>trunc"))
		}},
		{"a cached figure truncated", func(t *testing.T) {
			var png string
			filepath.WalkDir(entry("figures-"), func(p string, d fs.DirEntry, err error) error {
				if err == nil && png == "" && strings.HasSuffix(p, ".png") {
					png = p
				}
				return err
			})
			if png == "" {
				t.Fatal("no figure to damage")
			}
			qgWrite(t, png, []byte("\x89PNG"))
		}},
		{"an entry half pruned", func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(entry("pages-"), "s")); err != nil {
				t.Fatal(err)
			}
		}},
		{"an edit inside public/, then rm -rf public", func(t *testing.T) {
			name := filepath.Join(out, "index.html")
			f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("<!-- edited in place -->")
			f.Close()
			if err := os.RemoveAll(out); err != nil {
				t.Fatal(err)
			}
		}},
		{"a killed build's leftovers", func(t *testing.T) {
			for _, d := range []string{filepath.Join(p.cache, ".pages-123"), filepath.Join(base, ".public.new-456")} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.damage(t)
			qgBuild(t, p.args(out))
			if qgHashTree(t, out) != want {
				t.Error("the build after the damage differs from a lone build")
			}
			if left, _ := filepath.Glob(filepath.Join(base, ".public.new-*")); len(left) > 0 {
				t.Errorf("left beside the output: %v", left)
			}
			if left, _ := filepath.Glob(filepath.Join(p.cache, ".pages-*")); len(left) > 0 {
				t.Errorf("left in the cache: %v", left)
			}
		})
	}
}

// TestConcurrentBuilds runs four builds at once on one checkout, cache and
// output, and expects all to succeed with a lone build's bytes.
func TestConcurrentBuilds(t *testing.T) {
	base := t.TempDir()
	p := qgCopyProject(t, filepath.Join(base, "proj"), filepath.Join(base, "cache"))
	qgTrimSamples(t, p.samples, 2)
	lone := filepath.Join(base, "lone")
	loneArgs := p.args(lone)
	loneArgs[len(loneArgs)-1] = filepath.Join(base, "lone-cache")
	qgBuild(t, loneArgs)
	want := qgHashTree(t, lone)
	out := filepath.Join(base, "public")
	var wg sync.WaitGroup
	codes := make([]int, 4)
	errs := make([]string, 4)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i], _, errs[i] = qgRun(t, p.args(out))
		}(i)
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Errorf("build %d: exit %d\n%s", i+1, c, errs[i])
		}
	}
	if qgHashTree(t, out) != want {
		t.Error("the output of concurrent builds differs from a lone build")
	}
}
