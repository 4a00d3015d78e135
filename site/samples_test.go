package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSampleFolders builds from a folder of class folders, the layout of
// an image data set, with no samples.json.
func TestSampleFolders(t *testing.T) {
	cfg := smallSite(t)
	dir := filepath.Join(t.TempDir(), "pictures")
	for _, c := range []struct{ from, to string }{{"a.png", "Bag/a.png"}, {"b.png", "Coat/B.png"}} {
		data, err := os.ReadFile(filepath.Join(cfg.Samples, "images", c.from))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, filepath.FromSlash(c.to)), string(data))
	}
	write(t, filepath.Join(dir, "Coat", "notes.txt"), "not a picture\n")
	// A picture that is a symbolic link must be published as a file: a
	// link would leak a local path and break when public/ is copied.
	real := filepath.Join(t.TempDir(), "a.png")
	if err := os.Rename(filepath.Join(dir, "Bag", "a.png"), real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "Bag", "a.png")); err != nil {
		t.Fatal(err)
	}
	set, err := LoadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range set.Samples {
		got = append(got, s.ID+"="+s.Label+"@"+s.File)
	}
	if want := "a=Bag@Bag/a.png b=Coat@Coat/B.png"; strings.Join(got, " ") != want {
		t.Errorf("samples = %s, want %s", strings.Join(got, " "), want)
	}
	cfg.Samples = dir
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "s", "b", "conv_1_1", "0", "index.html")); err != nil {
		t.Errorf("no page for the folder's second picture: %v", err)
	}
	if fi, err := os.Lstat(filepath.Join(cfg.Out, "samples", "a.png")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("public/samples/a.png from a linked picture: %v, %v; want a regular file", fi, err)
	}
}

func TestSampleFolderErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"one id in two classes", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "Bag", "x.png"), "")
			write(t, filepath.Join(dir, "Coat", "x.png"), "")
		}, filepath.Join("Coat", "x.png") + `: id "x" appears twice`},
		{"a FIFO named like a picture is no sample", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, "Bag"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(dir, "Bag", "pipe.png"), 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "no samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			_, err := LoadSamples(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
