package site

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A cache entry is a folder made under a temporary name and renamed into
// place whole, with a list of its files and their sizes written last. An
// entry is used only after every listed file is found at its size: a build
// killed while pruning, or a file truncated by hand, makes the entry be
// built again instead of published.

const entryList = "files.tsv"

// sealEntry lists every file of the folder dir with its size.
func sealEntry(dir string) error {
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s\t%d\n", filepath.ToSlash(rel), fi.Size())
		return nil
	})
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, entryList), []byte(b.String()), 0o644)
	}
	if err != nil {
		return fmt.Errorf("cache entry %s: %w", dir, err)
	}
	return nil
}

// verifyEntry checks that every file sealEntry listed is there at its
// size. A missing entry returns an error matching fs.ErrNotExist; a
// damaged one says what is wrong.
func verifyEntry(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, entryList))
	if err != nil {
		return fmt.Errorf("cache entry %s is incomplete (no %s)", dir, entryList)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		name, size, ok := strings.Cut(sc.Text(), "\t")
		want, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("cache entry %s: %s line %d is damaged", dir, entryList, n+1)
		}
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("cache entry %s lacks %s", dir, name)
		}
		if fi.Size() != want {
			return fmt.Errorf("cache entry %s: %s has %d bytes, not %d", dir, name, fi.Size(), want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cache entry %s: %w", dir, err)
	}
	if n == 0 {
		return fmt.Errorf("cache entry %s is empty", dir)
	}
	return nil
}

// removeStale deletes what killed builds left in the cache: entries still
// under their temporary names. The caller holds the cache lock, so no
// other build is writing them.
func removeStale(cache string) {
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if e.IsDir() && (strings.HasPrefix(e.Name(), ".figures-") || strings.HasPrefix(e.Name(), ".pages-")) {
			os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}

// removeStaleOutputs deletes the half-written and old outputs that killed
// builds left beside out (".public.new-*"), when they are ours.
func removeStaleOutputs(out string) {
	out = filepath.Clean(out)
	prefix := "." + filepath.Base(out) + ".new-"
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		p := filepath.Join(filepath.Dir(out), e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if sub, err := os.ReadDir(p); err == nil && (len(sub) == 0 || isOurOutput(p)) {
			os.RemoveAll(p)
		}
	}
}
