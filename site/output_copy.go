package site

// Writing the output: the copied files and the swap into place.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// writeAtomic copies the listed files into the staging folder and swaps
// it in for out, so a failed build, or one killed half way, leaves the old
// out as it was.
func writeAtomic(out string, t *tree) error {
	out = filepath.Clean(out)
	var copies []copyPair
	for _, p := range sortedKeys(t.copies) {
		copies = append(copies, copyPair{dst: filepath.Join(t.dir, filepath.FromSlash(p)), src: t.copies[p]})
	}
	if err := copyAll(copies, t.dirs, t.workers); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = t.dir + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("output %s: %w", out, err)
		}
	}
	if err := os.Rename(t.dir, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return fmt.Errorf("output %s: %w", out, err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// dirMaker creates each folder once: thousands of pages share a few
// hundred folders, and MkdirAll's checks cost a system call each.
type dirMaker struct{ made map[string]bool }

func (d *dirMaker) make(dir string) error {
	if d.made[dir] {
		return nil
	}
	// With the parent made, one mkdir does; MkdirAll would first stat
	// the folder and its parent.
	var err error
	if d.made[filepath.Dir(dir)] {
		if err = os.Mkdir(dir, 0o755); errors.Is(err, fs.ErrExist) {
			err = os.MkdirAll(dir, 0o755) // a folder already, or a file in the way
		}
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	for ; !d.made[dir]; dir = filepath.Dir(dir) {
		d.made[dir] = true
		if dir == filepath.Dir(dir) {
			break
		}
	}
	return nil
}

type copyPair struct{ dst, src string }

// copyAll copies each pair's src to its dst on workers goroutines, a
// site's figures being tens of thousands of small files. The folders are
// made first, in order. The error returned is the first in list order,
// whatever the scheduling.
func copyAll(pairs []copyPair, dirs *dirMaker, workers int) error {
	for _, c := range pairs {
		if err := dirs.make(filepath.Dir(c.dst)); err != nil {
			return err
		}
	}
	errs := make([]error, len(pairs))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(pairs) {
					return
				}
				if errs[i] = copyFile(pairs[i].dst, pairs[i].src); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies, never links: a hard link into the cache would let an
// edit inside the output change the cache, and so every later build.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer in.Close()
	o, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return fmt.Errorf("output %s: %w", dst, err)
	}
	return o.Close()
}
