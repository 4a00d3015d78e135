package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cnnexplainer/engine/insight"
)

// The views cost seconds of CPU (a thousand forward passes, PCA, hundreds of
// pictures), too much for every rebuild. Their results and pictures are kept
// in .cache/learned-<pages key>/: the key already covers the model, the
// samples and probe folders, the theme, the strings and the program, so an
// entry is valid exactly when the page cache's would be.

// learnedSaved is what a cache entry records besides the pictures.
type learnedSaved struct {
	Probe      probeSaved
	Result     *insight.Result // without Features: only PCA needs them
	FeatureDim int
	PCA        insight.Projection
	Confusion  [][]int
	Cells      [][][]int
	Looked     map[string]*lookedRun
	Files      []string // site paths of the pictures, stored under files/
}

type probeSaved struct {
	Labels, Indices               []int
	Source                        string
	Seed                          uint64
	Columns, SW, SH, TileH, TileW int
}

func (b *builder) learnedCacheDir() string {
	if b.cfg.Cache == "" || b.pkey == "" {
		return ""
	}
	return filepath.Join(b.cfg.Cache, "learned-"+b.pkey)
}

// loadLearned returns the cached views, with their pictures linked into
// the tree, or nil.
func (b *builder) loadLearned() *learned {
	dir := b.learnedCacheDir()
	if dir == "" {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(dir, "learned.json"))
	if err != nil {
		return nil
	}
	var s learnedSaved
	if json.Unmarshal(raw, &s) != nil || s.Result == nil {
		return nil
	}
	p := s.Probe
	lr := &learned{res: s.Result, pca: s.PCA, confusion: s.Confusion, cells: s.Cells, looked: s.Looked, featureDim: s.FeatureDim,
		probe: &probeSet{Labels: p.Labels, Indices: p.Indices, Source: p.Source, Seed: p.Seed, Columns: p.Columns,
			SW: p.SW, SH: p.SH, TileH: p.TileH, TileW: p.TileW, Sprite: filepath.Join(b.cfg.Samples, ProbeDir, "probe.png")}}
	drawn := false // a probe folder's sprite is one of the cached files
	for _, f := range s.Files {
		b.tree.copy(f, filepath.Join(dir, "files", filepath.FromSlash(f)))
		drawn = drawn || f == spriteFile
	}
	if !drawn {
		b.tree.copy(spriteFile, lr.probe.Sprite)
	}
	return lr
}

// saveLearned stores lr and the pictures it added to the tree. A cache that
// cannot be written costs the next build time, never correctness.
func (b *builder) saveLearned(lr *learned) {
	dir := b.learnedCacheDir()
	if dir == "" {
		return
	}
	tmp, err := os.MkdirTemp(b.cfg.Cache, "learned-tmp-")
	if err != nil {
		return
	}
	defer os.RemoveAll(tmp)
	var files []string
	for p := range b.tree.generated() {
		if strings.HasPrefix(p, learnedFigs) {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		path := filepath.Join(tmp, "files", filepath.FromSlash(f))
		data, err := os.ReadFile(b.tree.staged(f))
		if err != nil || os.MkdirAll(filepath.Dir(path), 0o755) != nil || os.WriteFile(path, data, 0o644) != nil {
			return
		}
	}
	res := *lr.res
	res.Features = nil
	p := lr.probe
	s := learnedSaved{Result: &res, FeatureDim: lr.featureDim, PCA: lr.pca, Confusion: lr.confusion, Cells: lr.cells,
		Looked: lr.looked, Files: files, Probe: probeSaved{Labels: p.Labels, Indices: p.Indices, Source: p.Source,
			Seed: p.Seed, Columns: p.Columns, SW: p.SW, SH: p.SH, TileH: p.TileH, TileW: p.TileW}}
	raw, err := json.Marshal(s)
	if err != nil || os.WriteFile(filepath.Join(tmp, "learned.json"), raw, 0o644) != nil {
		return
	}
	os.RemoveAll(dir)
	os.Rename(tmp, dir)
}
