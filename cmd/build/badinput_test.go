package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"
)

// qgProject is a copy of the site's sources in a temporary folder: content,
// theme, project layouts and the samples, laid out as in the repository.
type qgProject struct {
	dir     string
	samples string // samples folder inside dir
	cache   string // figure cache, shared by the cases so each build is short
}

func (p qgProject) args(out string) []string {
	return []string{
		"-content", filepath.Join(p.dir, "content"),
		"-theme", filepath.Join(p.dir, "themes", "default"),
		"-layouts", filepath.Join(p.dir, "layouts"),
		"-samples", p.samples,
		"-out", out,
		"-cache", p.cache,
	}
}

// qgCopyProject copies the repository's content, theme, layouts and
// samples into dir.
func qgCopyProject(t *testing.T, dir, cache string) qgProject {
	t.Helper()
	root := sitetest.Root(t)
	samples := sitetest.Samples(t)
	for _, c := range []struct{ from, to string }{
		{filepath.Join(root, "content"), "content"},
		{filepath.Join(root, "themes", "default"), filepath.Join("themes", "default")},
		{filepath.Join(root, "layouts"), "layouts"},
		{samples, filepath.Join("samples", filepath.Base(samples))},
	} {
		if err := qgCopyTree(c.from, filepath.Join(dir, c.to), false); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	return qgProject{dir: dir, samples: filepath.Join(dir, "samples", filepath.Base(samples)), cache: cache}
}

// qgCopyTree copies a folder; with link it hard-links the files instead,
// which is enough for a tree that the code under test must not touch.
func qgCopyTree(from, to string, link bool) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if link {
			return os.Link(p, dst)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// qgHashTree hashes every file's path and bytes under dir, and lists the
// folder's entries, so any change to the tree changes the result.
func qgHashTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %v\n", filepath.ToSlash(rel), d.IsDir())
		if d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// qgRun runs the command as main does, turning a panic into a failure.
func qgRun(t *testing.T, args []string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("build panicked: %v", r)
				code = -1
			}
		}()
		code = Main(context.Background(), args, &out, &errOut)
	}()
	return code, out.String(), errOut.String()
}

func qgEdit(t *testing.T, name string, edit func(string) string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	out := edit(string(data))
	if out == string(data) {
		t.Fatalf("the edit left %s unchanged", name)
	}
	if err := os.WriteFile(name, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func qgWrite(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// qgAddSample appends a sample to samples.json.
func qgAddSample(t *testing.T, samples, id, file, label string) {
	t.Helper()
	qgEditSamples(t, samples, func(list []any) []any {
		return append(list, map[string]any{"id": id, "file": file, "label": label})
	})
}

// qgEditSamples rewrites the sample list of samples.json with edit.
func qgEditSamples(t *testing.T, samples string, edit func([]any) []any) {
	t.Helper()
	name := filepath.Join(samples, "samples.json")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	list, _ := doc["samples"].([]any)
	doc["samples"] = edit(list)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	qgWrite(t, name, out)
}

// qgPNGHeader is a PNG signature and IHDR chunk claiming w x h pixels, with
// no image data: enough for a loader that checks the size first.
func qgPNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// qgSetNaN writes NaN into the first value of the first tensor of a
// safetensors file (8-byte header length, JSON header, data).
func qgSetNaN(t *testing.T, name string) {
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
	keys := make([]string, 0, len(header))
	for k := range header {
		if k != "__metadata__" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var info struct {
		Dtype   string  `json:"dtype"`
		Offsets []int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(header[keys[0]], &info); err != nil || info.Dtype != "F32" {
		t.Fatalf("first tensor %s: %s, %v", keys[0], info.Dtype, err)
	}
	at := 8 + int64(n) + info.Offsets[0]
	binary.LittleEndian.PutUint32(data[at:], math.Float32bits(float32(math.NaN())))
	qgWrite(t, name, data)
}

// TestBadInput builds the site once, then for each kind of bad input
// breaks a copy of the sources and builds again into the same output
// folder. Every case must end with a non-zero exit, an error that names the
// file (and line where there is one), no panic, and the previous output
// byte-identical with nothing left beside it.
func TestBadInput(t *testing.T) {
	base := t.TempDir()
	cache := filepath.Join(base, "cache")
	good := qgCopyProject(t, filepath.Join(base, "good"), cache)
	public := filepath.Join(base, "public")
	if code, _, stderr := qgRun(t, good.args(public)); code != 0 {
		t.Fatalf("the unbroken sources do not build (exit %d):\n%s", code, stderr)
	}
	anchor := filepath.Join(sitetest.Root(t), "..", "shared", "anchors", "cnn-explainer")

	cases := []struct {
		name   string
		break_ func(t *testing.T, p qgProject) []string // breaks p, returns extra arguments
		want   []string                                 // each must appear in the error
		out    func(p qgProject) string                 // output folder; nil means p.dir/public
	}{
		{name: "corrupt PNG", want: []string{"bag.png"}, break_: func(t *testing.T, p qgProject) []string {
			qgWrite(t, filepath.Join(p.samples, "images", "bag.png"), append(qgPNGHeader(28, 28), []byte("this is not image data")...))
			return nil
		}},
		{name: "corrupt JPEG", want: []string{"broken.jpg"}, break_: func(t *testing.T, p qgProject) []string {
			qgWrite(t, filepath.Join(p.samples, "images", "broken.jpg"), []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00garbage"))
			qgAddSample(t, p.samples, "broken-jpeg", "images/broken.jpg", "Bag")
			return nil
		}},
		{name: "image over 4096x4096", want: []string{"huge.png"}, break_: func(t *testing.T, p qgProject) []string {
			qgWrite(t, filepath.Join(p.samples, "images", "huge.png"), qgPNGHeader(5000, 5000))
			qgAddSample(t, p.samples, "huge", "images/huge.png", "Bag")
			return nil
		}},
		{name: "non-image file as a sample", want: []string{"notes.txt"}, break_: func(t *testing.T, p qgProject) []string {
			qgWrite(t, filepath.Join(p.samples, "images", "notes.txt"), []byte("a note, not a picture\n"))
			qgAddSample(t, p.samples, "notes", "images/notes.txt", "Bag")
			return nil
		}},
		{name: "unknown class label", want: []string{"samples.json", "Spaceship"}, break_: func(t *testing.T, p qgProject) []string {
			qgAddSample(t, p.samples, "ufo", "images/bag.png", "Spaceship")
			return nil
		}},
		{name: "unsupported layer", want: []string{"model.json", "lstm"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.samples, "model.json"), func(s string) string {
				return strings.Replace(s, `"type": "relu"`, `"type": "lstm"`, 1)
			})
			return nil
		}},
		{name: "weight file too short", want: []string{"model.safetensors"}, break_: func(t *testing.T, p qgProject) []string {
			name := filepath.Join(p.samples, "model.safetensors")
			st, err := os.Stat(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(name, st.Size()/2); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "TF.js weight shard too short", want: []string{"group1-shard1of1.bin"}, break_: func(t *testing.T, p qgProject) []string {
			if _, err := os.Stat(filepath.Join(anchor, "model.json")); err != nil {
				t.Skipf("skipped: no CNN Explainer anchor at %s", anchor)
			}
			tf := filepath.Join(p.dir, "tfjs")
			if err := qgCopyTree(anchor, tf, false); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(filepath.Join(tf, "group1-shard1of1.bin"), 1000); err != nil {
				t.Fatal(err)
			}
			return []string{"-model", tf}
		}},
		{name: "ONNX model with an unsupported op", want: []string{"model.onnx", `"/block_1/block_1.1/Gelu" (Gelu)`, "not supported"}, break_: func(t *testing.T, p qgProject) []string {
			return []string{"-model", qgONNX(t, p, func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("Relu"), []byte("Gelu")) })}
		}},
		{name: "truncated ONNX model", want: []string{"model.onnx", "truncated"}, break_: func(t *testing.T, p qgProject) []string {
			return []string{"-model", qgONNX(t, p, func(b []byte) []byte { return b[:len(b)/3] })}
		}},
		{name: "NaN weights", want: []string{"model.json", "conv_1_1", "NaN"}, break_: func(t *testing.T, p qgProject) []string {
			qgSetNaN(t, filepath.Join(p.samples, "model.safetensors"))
			return nil
		}},
		{name: "malformed front matter", want: []string{"03-convolution.md"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.dir, "content", "en", "03-convolution.md"), func(s string) string {
				return strings.Replace(s, "weight: 3\n", "weight: [3\n", 1)
			})
			return nil
		}},
		{name: "unknown figure directive", want: []string{"02-input.md:", "nosuchfigure"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.dir, "content", "en", "02-input.md"), func(s string) string {
				return s + "\n\n{{< nosuchfigure >}}\n"
			})
			return nil
		}},
		{name: "directive argument outside the project", want: []string{"04-relu.md:", "../../etc/passwd"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.dir, "content", "en", "04-relu.md"), func(s string) string {
				return s + "\n\n{{< layer name=\"../../etc/passwd\" >}}\n"
			})
			return nil
		}},
		{name: "template error", want: []string{"chapter.html"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.dir, "themes", "default", "layouts", "chapter.html"), func(s string) string {
				return strings.Replace(s, "<h1>{{.Title}}</h1>", "<h1>{{.Title}}{{.NoSuchField}}</h1>", 1)
			})
			return nil
		}},
		{name: "template syntax error", want: []string{"chapter.html"}, break_: func(t *testing.T, p qgProject) []string {
			qgEdit(t, filepath.Join(p.dir, "themes", "default", "layouts", "chapter.html"), func(s string) string {
				return strings.Replace(s, "<h1>{{.Title}}</h1>", "<h1>{{if .Title}}</h1>", 1)
			})
			return nil
		}},
		{name: "unwritable output folder", want: []string{"blocked"}, break_: func(t *testing.T, p qgProject) []string {
			// Root may write anywhere, so the folder is made impossible
			// rather than forbidden: its parent is a file.
			qgWrite(t, filepath.Join(p.dir, "blocked"), []byte("a file where a folder should be\n"))
			return nil
		}, out: func(p qgProject) string { return filepath.Join(p.dir, "blocked", "public") }},
	}
	if os.Geteuid() != 0 {
		cases = append(cases, struct {
			name   string
			break_ func(t *testing.T, p qgProject) []string
			want   []string
			out    func(p qgProject) string
		}{name: "read-only output parent", want: []string{"public"}, break_: func(t *testing.T, p qgProject) []string {
			if err := os.Chmod(p.dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(p.dir, 0o755) })
			return nil
		}})
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := qgCopyProject(t, t.TempDir(), cache)
			out := filepath.Join(p.dir, "public")
			if err := qgCopyTree(public, out, true); err != nil {
				t.Fatal(err)
			}
			extra := tc.break_(t, p)
			if tc.out != nil {
				out = tc.out(p)
			}
			before := qgHashTree(t, filepath.Join(p.dir, "public"))
			entries := qgList(t, p.dir)

			code, stdout, stderr := qgRun(t, append(p.args(out), extra...))
			if code == 0 {
				t.Fatalf("exit 0; want a failure\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("the error does not name %q:\n%s", w, stderr)
				}
			}
			if after := qgHashTree(t, filepath.Join(p.dir, "public")); after != before {
				t.Errorf("the previous public/ changed")
			}
			if now := qgList(t, p.dir); now != entries {
				t.Errorf("the build left files beside public/:\nbefore: %s\nafter:  %s", entries, now)
			}
			t.Logf("exit %d: %s", code, strings.TrimSpace(lastLine(stderr)))
		})
	}
}

// qgList names the entries of a folder, so leftovers of a failed build
// show up.
func qgList(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// qgONNX copies the committed PyTorch model and its classes.txt into p,
// changed by edit, and returns the copy's path.
func qgONNX(t *testing.T, p qgProject, edit func([]byte) []byte) string {
	t.Helper()
	src := filepath.Join(sitetest.Root(t), "engine", "onnx", "testdata", "cnnmodel-fashion")
	dst := filepath.Join(p.dir, "onnx")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model.onnx", "classes.txt"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "model.onnx" {
			b = edit(b)
		}
		qgWrite(t, filepath.Join(dst, name), b)
	}
	return filepath.Join(dst, "model.onnx")
}
