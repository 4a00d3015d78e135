package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"cnnexplainer/render"
)

// figureCacheVersion changes whenever the way figures are requested
// changes; the binary's own hash covers changes to render's code.
const figureCacheVersion = "site-figures-1"

// figureKey hashes everything the figures depend on: the model files, the
// samples folder, and the running program (render's code is inside it).
func figureKey(cfg Config) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, figureCacheVersion)
	if exe, err := os.Executable(); err == nil {
		if err := hashFile(h, exe); err != nil {
			return "", err
		}
	}
	roots := []string{cfg.Samples}
	if cfg.Model != "" {
		roots = append(roots, cfg.Model)
	}
	for _, root := range roots {
		var files []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("figure cache: %w", err)
		}
		sort.Strings(files)
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			fmt.Fprintln(h, filepath.ToSlash(rel))
			if err := hashFile(h, f); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func hashFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("figure cache: %w", err)
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// cachedFigures returns the figures folder and manifest for the current
// model and samples, rendering them into the cache first when needed.
// It reports whether the figures came from the cache.
func cachedFigures(ctx context.Context, cfg Config, net *Net) (dir, key string, man *render.Manifest, cached bool, err error) {
	key, err = figureKey(cfg)
	if err != nil {
		return "", "", nil, false, err
	}
	dir = filepath.Join(cfg.Cache, "figures-"+key)
	if data, err := os.ReadFile(filepath.Join(dir, render.ManifestFile)); err == nil {
		if man, err := render.ParseManifest(data); err == nil {
			return dir, key, man, true, nil
		}
	}
	if err := os.MkdirAll(cfg.Cache, 0o755); err != nil {
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cfg.Cache, ".figures-")
	if err != nil {
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	samples := make([]render.Sample, len(net.Runs))
	for i, r := range net.Runs {
		samples[i] = render.Sample{ID: r.ID, Label: r.Label, Trace: r.Trace}
	}
	man, err = render.Render(ctx, net.Model, samples, net.History, tmp, render.Options{Workers: cfg.Jobs})
	if err != nil {
		os.RemoveAll(tmp)
		return "", "", nil, false, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	pruneEntries(cfg.Cache, "figures-", filepath.Base(dir))
	return dir, key, man, false, nil
}
