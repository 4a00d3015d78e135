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
	"strconv"
	"strings"

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
	fmt.Fprintln(h, programHash(cfg.Cache))
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

// programHash is a hash of the running program, remembered in the cache by
// path, size and modification time: hashing a 20 MB binary on every
// rebuild would cost a tenth of the rebuild.
func programHash(cache string) string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	stamp := fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
	memo := filepath.Join(cache, "program-hash")
	if data, err := os.ReadFile(memo); err == nil {
		if line := string(data); len(line) > 65 && line[65:] == stamp {
			return line[:64]
		}
	}
	h := sha256.New()
	if err := hashFile(h, exe); err != nil {
		return "unknown"
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if os.MkdirAll(cache, 0o755) == nil {
		_ = os.WriteFile(memo, []byte(sum+" "+stamp), 0o644)
	}
	return sum
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
	if data, err := os.ReadFile(filepath.Join(dir, figureIndexFile)); err == nil {
		if man, err := parseFigureIndex(data); err == nil {
			return dir, key, man, true, nil
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, render.ManifestFile)); err == nil {
		if man, err := render.ParseManifest(data); err == nil {
			writeFigureIndex(dir, man)
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
	writeFigureIndex(tmp, man)
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	pruneEntries(cfg.Cache, "figures-", filepath.Base(dir))
	return dir, key, man, false, nil
}

// figureIndexFile holds the manifest fields the site uses, one figure a
// line: reading the full manifest.json (megabytes of JSON) was a third of
// a rebuild. It lives in the cache only; the site publishes manifest.json.
const figureIndexFile = "site-index-3.tsv"

func writeFigureIndex(dir string, man *render.Manifest) {
	var b strings.Builder
	for _, f := range man.Figures {
		var params []string
		for _, k := range sortedKeys(f.Params) {
			params = append(params, k+"="+strconv.Itoa(f.Params[k]))
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", f.File, f.Fragment, f.Kind, f.Sample, f.Layer, f.Neuron, f.Channel, f.Mode, f.Width, f.Height, f.Scale, strings.Join(params, ","),
			strconv.FormatFloat(float64(f.Range[0]), 'g', -1, 32), strconv.FormatFloat(float64(f.Range[1]), 'g', -1, 32))
	}
	_ = os.WriteFile(filepath.Join(dir, figureIndexFile), []byte(b.String()), 0o644)
}

func parseFigureIndex(data []byte) (*render.Manifest, error) {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	man := &render.Manifest{Figures: make([]render.Figure, 0, len(lines))}
	atoi := func(s string, err *error) int {
		n, e := strconv.Atoi(s)
		if e != nil && *err == nil {
			*err = e
		}
		return n
	}
	for _, line := range lines {
		c := strings.Split(line, "\t")
		if len(c) != 14 {
			return nil, fmt.Errorf("figure index: bad line %q", line)
		}
		var err error
		f := render.Figure{File: c[0], Fragment: c[1], Kind: c[2], Sample: c[3], Layer: c[4], Neuron: atoi(c[5], &err), Channel: atoi(c[6], &err),
			Mode: c[7], Width: atoi(c[8], &err), Height: atoi(c[9], &err), Scale: c[10]}
		if c[11] != "" {
			f.Params = map[string]int{}
			for _, kv := range strings.Split(c[11], ",") {
				k, v, _ := strings.Cut(kv, "=")
				f.Params[k] = atoi(v, &err)
			}
		}
		for i := range f.Range {
			r, e := strconv.ParseFloat(c[12+i], 32)
			if e != nil && err == nil {
				err = e
			}
			f.Range[i] = float32(r)
		}
		if err != nil {
			return nil, fmt.Errorf("figure index: %w", err)
		}
		man.Figures = append(man.Figures, f)
	}
	return man, nil
}
