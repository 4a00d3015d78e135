package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestTwoBuildsIdentical builds the real site twice through the command,
// from two copies of the sources in different folders with separate figure
// caches, and compares every file's bytes: no absolute path, time, map
// order or worker schedule may reach the output.
func TestTwoBuildsIdentical(t *testing.T) {
	var outs [2]string
	for i := range outs {
		dir := t.TempDir()
		p := qgCopyProject(t, filepath.Join(dir, "copy-"+string(rune('a'+i))), filepath.Join(dir, "cache"))
		outs[i] = filepath.Join(dir, "public")
		args := p.args(outs[i])
		if i == 1 {
			args = append(args, "-j", "1") // another schedule
		}
		if code, _, stderr := qgRun(t, args); code != 0 {
			t.Fatalf("build %d: exit %d\n%s", i+1, code, stderr)
		}
	}
	a, b := qgFiles(t, outs[0]), qgFiles(t, outs[1])
	if len(a) != len(b) {
		t.Errorf("the builds hold %d and %d files", len(a), len(b))
	}
	differ := 0
	for name := range a {
		if _, ok := b[name]; !ok {
			t.Errorf("%s is only in the first build", name)
			continue
		}
		da, err := os.ReadFile(filepath.Join(outs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		db, err := os.ReadFile(filepath.Join(outs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(da, db) {
			if differ++; differ <= 20 {
				t.Errorf("%s differs between the two builds", name)
			}
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("%s is only in the second build", name)
		}
	}
	if differ > 20 {
		t.Errorf("... %d files differ in all", differ)
	}
	t.Logf("%d files compared", len(a))
}

// qgFiles lists every file under dir by its path inside it.
func qgFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
