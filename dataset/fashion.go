package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs
// the four IDX files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTClasses returns the ten class names in label order.
func FashionMNISTClasses() []string {
	return []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
}

// ErrNotInstalled is wrapped when a Fashion-MNIST file is missing.
var ErrNotInstalled = errors.New("Fashion-MNIST not found")

// FashionMNIST reads the training and test sets from dir, which holds
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each possibly gzipped with a .gz name. Images
// are (28, 28, 1).
func FashionMNIST(dir string) (*Set, error) {
	set := &Set{Name: "Fashion-MNIST", Classes: FashionMNISTClasses()}
	const train, test = "train", "t10k"
	files := []string{train + "-images-idx3-ubyte", train + "-labels-idx1-ubyte", test + "-images-idx3-ubyte", test + "-labels-idx1-ubyte"}
	paths := make([]string, len(files))
	for i, name := range files {
		p, err := findIDX(dir, name)
		if err != nil {
			return nil, err
		}
		paths[i] = p
	}
	// The four files decompress independently; reading them at once uses
	// both cores and halves the wait. Results land by index.
	idx := make([]*IDX, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { idx[i], errs[i] = ReadIDXFile(p) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	var err error
	if set.Train, err = mnistSplit(idx[0], idx[1], paths[0], paths[1], len(set.Classes)); err != nil {
		return nil, err
	}
	if set.Test, err = mnistSplit(idx[2], idx[3], paths[2], paths[3], len(set.Classes)); err != nil {
		return nil, err
	}
	return set, nil
}

// findIDX returns dir/name, or dir/name.gz when only that exists.
func findIDX(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("fashion-mnist: %w", err)
		}
	}
	return "", fmt.Errorf("%w: %s has no %s(.gz); install it with `apt-get install dataset-fashion-mnist` "+
		"(files go to %s) or pass -data DIR naming a folder with the four IDX files",
		ErrNotInstalled, dir, name, FashionMNISTDir)
}

// mnistSplit checks that an image file (N, H, W) and a label file (N) agree
// and turns them into a Split of (H, W, 1) images.
func mnistSplit(images, labels *IDX, imagePath, labelPath string, classes int) (Split, error) {
	if len(images.Dims) != 3 {
		return Split{}, fmt.Errorf("fashion-mnist: %s: dimensions %v, want (N, H, W)", imagePath, images.Dims)
	}
	if len(labels.Dims) != 1 {
		return Split{}, fmt.Errorf("fashion-mnist: %s: dimensions %v, want (N)", labelPath, labels.Dims)
	}
	if images.Dims[0] != labels.Dims[0] {
		return Split{}, fmt.Errorf("fashion-mnist: %s has %d images but %s has %d labels", imagePath, images.Dims[0], labelPath, labels.Dims[0])
	}
	s := Split{Shape: []int{images.Dims[1], images.Dims[2], 1}, Pixels: images.Data, Labels: make([]int, len(labels.Data))}
	for i, l := range labels.Data {
		s.Labels[i] = int(l)
	}
	if err := s.check(classes); err != nil {
		return Split{}, fmt.Errorf("fashion-mnist: %s: %w", labelPath, err)
	}
	return s, nil
}
