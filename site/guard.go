package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// OutputMarker is written into every output folder. A build replaces only
// a folder that holds it (or is empty, or missing), so `-out docs` cannot
// delete a folder the user wrote.
const OutputMarker = ".cnnexplainer-output"

const markerText = "This folder is the output of cnnexplainer's cmd/build; every build replaces it whole.\n"

// checkOutput refuses an output folder whose replacement would delete
// something the build did not write: an input, the cache, a folder holding
// either, or a non-empty folder without our marker.
func checkOutput(cfg Config) error {
	out, err := realPath(cfg.Out)
	if err != nil {
		return fmt.Errorf("output %s: %w", cfg.Out, err)
	}
	inputs := []struct{ flag, path string }{
		{"-content", cfg.Content}, {"-theme", cfg.Theme}, {"-layouts", cfg.Layouts},
		{"-samples", cfg.Samples}, {"-model", cfg.Model}, {"-cache", cfg.Cache},
	}
	for _, in := range inputs {
		if in.path == "" {
			continue
		}
		p, err := realPath(in.path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", in.flag, in.path, err)
		}
		switch {
		case p == out:
			return fmt.Errorf("output %s is the %s folder; the build replaces its output whole, so choose another -out", cfg.Out, in.flag)
		case within(p, out):
			return fmt.Errorf("output %s holds the %s input %s; the build replaces its output whole, so choose a folder outside the inputs", cfg.Out, in.flag, in.path)
		case within(out, p):
			return fmt.Errorf("output %s is inside the %s input %s; choose a folder outside the inputs", cfg.Out, in.flag, in.path)
		}
	}
	fi, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", cfg.Out, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder; remove it or choose another -out", cfg.Out)
	}
	if isOurOutput(out) {
		return nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("output %s: %w", cfg.Out, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("output %s is a folder this build did not write (no %s in it); the build would replace it whole, so empty it, delete it or choose another -out", cfg.Out, OutputMarker)
	}
	return nil
}

// isOurOutput reports whether dir was written by a build: it holds the
// marker, or, for outputs made before the marker existed, .nojekyll and the
// figures' manifest side by side.
func isOurOutput(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, OutputMarker)); err == nil && fi.Mode().IsRegular() {
		return true
	}
	_, errA := os.Stat(filepath.Join(dir, ".nojekyll"))
	_, errB := os.Stat(filepath.Join(dir, "figures", "manifest.json"))
	return errA == nil && errB == nil
}

// realPath is the absolute path with symbolic links resolved as far as the
// path exists, so a link cannot disguise an input as another folder.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		if cur == filepath.Dir(cur) {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

// within reports whether p lies strictly inside dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
