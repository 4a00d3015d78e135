package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
)

// ImageFolder reads a set laid out as dir/train/<class>/<image> and
// dir/test/<class>/<image>. The classes are the folders under dir/train,
// sorted by name, so label i is the i-th name; dir/test may leave a class
// out but not add one. Images are the files ending in .png, .jpg or .jpeg
// (any case), read in name order; other files and hidden names (starting
// with ".") are skipped. Each image, of any size and channel count, is
// brought to in.Shape by imageio's rules (crop, resize, channels); in.Scale
// is not used here, since pixels are kept raw.
func ImageFolder(dir string, in engine.Input) (*Set, error) {
	raw := engine.Input{Shape: in.Shape, Scale: 1}
	if err := imageio.CheckInput(raw); err != nil {
		return nil, fmt.Errorf("image folder %s: %w", dir, err)
	}
	classes, err := subdirs(filepath.Join(dir, "train"))
	if err != nil {
		return nil, fmt.Errorf("image folder %s: want train/<class>/ and test/<class>/ folders of PNG or JPEG files: %w", dir, err)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("image folder %s: train/ has no class folders", dir)
	}
	testClasses, err := subdirs(filepath.Join(dir, "test"))
	if err != nil {
		return nil, fmt.Errorf("image folder %s: want train/<class>/ and test/<class>/ folders of PNG or JPEG files: %w", dir, err)
	}
	for _, c := range testClasses {
		if _, found := slices.BinarySearch(classes, c); !found {
			return nil, fmt.Errorf("image folder %s: test/%s is not a class in train/", dir, c)
		}
	}
	set := &Set{Name: filepath.Base(filepath.Clean(dir)), Classes: classes}
	for _, sp := range []struct {
		name  string
		split *Split
	}{{"train", &set.Train}, {"test", &set.Test}} {
		files, labels, err := listImages(filepath.Join(dir, sp.name), classes)
		if err != nil {
			return nil, fmt.Errorf("image folder %s: %w", dir, err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("image folder %s: %s/ holds no PNG or JPEG files", dir, sp.name)
		}
		pixels, err := loadAll(files, raw)
		if err != nil {
			return nil, fmt.Errorf("image folder %s: %w", dir, err)
		}
		*sp.split = Split{Shape: slices.Clone(in.Shape), Pixels: pixels, Labels: labels}
	}
	return set, nil
}

// subdirs returns the sorted names of the visible folders in dir.
func subdirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// listImages returns the image files of every class folder under dir that
// exists, class by class in label order and by name within a class.
func listImages(dir string, classes []string) (files []string, labels []int, err error) {
	for label, class := range classes {
		entries, err := os.ReadDir(filepath.Join(dir, class))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries { // os.ReadDir sorts by name
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || !isImageName(e.Name()) {
				continue
			}
			files = append(files, filepath.Join(dir, class, e.Name()))
			labels = append(labels, label)
		}
	}
	return files, labels, nil
}

func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg":
		return true
	}
	return false
}

// loadAll decodes files into one slab of raw pixels, in.Scale being 1. The
// work is spread over the cores; each image lands at its own index, so the
// result does not depend on timing. The first failing file (in list order)
// is reported.
func loadAll(files []string, in engine.Input) ([]uint8, error) {
	size := engine.NumElements(in.Shape)
	pixels := make([]uint8, len(files)*size)
	errs := make([]error, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(files); i += workers {
				t, err := imageio.Load(files[i], in)
				if err != nil {
					errs[i] = err
					continue
				}
				dst := pixels[i*size : (i+1)*size]
				for j, v := range t.Data {
					dst[j] = uint8(v) // whole numbers 0..255 at scale 1
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pixels, nil
}
