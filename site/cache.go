package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"

	"cnnexplainer/render"
)

// figureCacheVersion changes whenever the way figures are requested
// changes; the binary's own hash covers changes to render's code.
const figureCacheVersion = "site-figures-1"

// figureKey hashes everything the figures depend on: the model files, the
// samples folder, and the running program (render's code is inside it).
// Symbolic links are followed: the build reads what they point at.
func figureKey(cfg Config, full, animated []string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, figureCacheVersion)
	fmt.Fprintln(h, programHash(cfg.Cache))
	fmt.Fprintln(h, "full", full, "animated", animated)
	if err := hashTree(h, cfg.Samples, true); err != nil {
		return "", fmt.Errorf("figure cache: %w", err)
	}
	if cfg.Model != "" {
		// A model file reads the weights beside it (safetensors, TF.js
		// shards, the training history), so its whole folder counts.
		root, deep := cfg.Model, true
		if fi, err := os.Stat(cfg.Model); err == nil && !fi.IsDir() {
			fmt.Fprintln(h, "model", filepath.Base(cfg.Model))
			root, deep = filepath.Dir(cfg.Model), false
		}
		if err := hashTree(h, root, deep); err != nil {
			return "", fmt.Errorf("figure cache: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// hashTree writes the relative name and bytes of every regular file under
// root, in name order, following symbolic links (a folder reached twice is
// read once). Without deep it reads root's own files only. A missing root
// hashes as empty: the loaders report it with a better message.
func hashTree(h io.Writer, root string, deep bool) error {
	seen := map[string]bool{}
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return err
		}
		if seen[real] {
			return nil
		}
		seen[real] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p, r := filepath.Join(dir, e.Name()), path.Join(rel, e.Name())
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			switch {
			case fi.IsDir() && deep:
				if err := walk(p, r); err != nil {
					return err
				}
			case fi.Mode().IsRegular():
				fmt.Fprintln(h, r, fi.Size())
				if err := hashFile(h, p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	fi, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		fmt.Fprintln(h, filepath.Base(root), fi.Size())
		return hashFile(h, root)
	}
	return walk(root, "")
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
func cachedFigures(ctx context.Context, cfg Config, net *Net, full, animated map[string]bool) (dir, key string, man *render.Manifest, cached bool, err error) {
	key, err = figureKey(cfg, trueKeys(full), trueKeys(animated))
	if err != nil {
		return "", "", nil, false, err
	}
	dir = filepath.Join(cfg.Cache, "figures-"+key)
	if man, err := openFigureEntry(dir); err == nil {
		return dir, key, man, true, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(cfg.Log, "figure cache: %v; rendering the figures again\n", err)
	}
	if err := os.MkdirAll(cfg.Cache, 0o755); err != nil {
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cfg.Cache, ".figures-")
	if err != nil {
		return "", "", nil, false, fmt.Errorf("figure cache: %w", err)
	}
	sample := func(i int) (render.Sample, error) {
		r := net.Runs[i]
		tr, err := net.trace(r)
		return render.Sample{ID: r.ID, Label: r.Label, Trace: tr, NoAnimations: !animated[r.ID], Strips: !full[r.ID]}, err
	}
	man, err = render.RenderStream(ctx, net.Model, len(net.Runs), sample, net.History, tmp, render.Options{Workers: cfg.Jobs})
	if err != nil {
		os.RemoveAll(tmp)
		return "", "", nil, false, err
	}
	if err := writeFigureIndex(tmp, man); err != nil {
		os.RemoveAll(tmp)
		return "", "", nil, false, err
	}
	if err := sealEntry(tmp); err != nil {
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

// trueKeys lists the keys set to true, sorted.
func trueKeys(m map[string]bool) []string {
	var keys []string
	for k, v := range m {
		if v {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// figureIndexFile is render's compact index of the manifest: reading the
// full manifest.json (megabytes of JSON) was a third of a rebuild. It lives
// in the cache only; the site publishes manifest.json.
const figureIndexFile = "figure-index.tsv"

// openFigureEntry reads a figure cache entry after checking it is whole.
func openFigureEntry(dir string) (*render.Manifest, error) {
	if err := verifyEntry(dir); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, figureIndexFile))
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", dir, err)
	}
	man, err := render.ParseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", dir, err)
	}
	return man, nil
}

func writeFigureIndex(dir string, man *render.Manifest) error {
	data, err := man.MarshalIndex()
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, figureIndexFile), data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("figure cache: %w", err)
	}
	return nil
}
