package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeMNIST writes a tiny Fashion-MNIST folder: 3 training and 2 test
// images of 2x2, the training files gzipped and the test files plain, as
// both occur in the wild.
func fakeMNIST(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"train-images-idx3-ubyte.gz": gzipBytes(t, idxBytes([]int{3, 2, 2}, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})),
		"train-labels-idx1-ubyte.gz": gzipBytes(t, idxBytes([]int{3}, []uint8{9, 0, 5})),
		"t10k-images-idx3-ubyte":     idxBytes([]int{2, 2, 2}, []uint8{200, 201, 202, 203, 204, 205, 206, 207}),
		"t10k-labels-idx1-ubyte":     idxBytes([]int{2}, []uint8{1, 8}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFashionMNISTTiny(t *testing.T) {
	set, err := FashionMNIST(fakeMNIST(t))
	if err != nil {
		t.Fatal(err)
	}
	if set.Name != "Fashion-MNIST" || len(set.Classes) != 10 || set.Classes[9] != "Ankle boot" || set.Classes[0] != "T-shirt/top" {
		t.Errorf("name %q classes %q", set.Name, set.Classes)
	}
	tests := []struct {
		name   string
		split  Split
		labels []int
		image1 []uint8
	}{
		{"train", set.Train, []int{9, 0, 5}, []uint8{5, 6, 7, 8}},
		{"test", set.Test, []int{1, 8}, []uint8{204, 205, 206, 207}},
	}
	for _, tc := range tests {
		if !slices.Equal(tc.split.Shape, []int{2, 2, 1}) || !slices.Equal(tc.split.Labels, tc.labels) ||
			!slices.Equal(tc.split.Image(1), tc.image1) {
			t.Errorf("%s: shape %v labels %v image 1 %v", tc.name, tc.split.Shape, tc.split.Labels, tc.split.Image(1))
		}
	}
}

func TestFashionMNISTErrors(t *testing.T) {
	tests := []struct {
		name    string
		change  func(dir string) error
		want    []string
		missing bool
	}{
		{"missing file", func(dir string) error { return os.Remove(filepath.Join(dir, "t10k-labels-idx1-ubyte")) },
			[]string{"t10k-labels-idx1-ubyte", "apt-get install dataset-fashion-mnist", "-data DIR"}, true},
		{"count mismatch", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes([]int{3}, []uint8{1, 2, 3}), 0o644)
		}, []string{"2 images", "3 labels"}, false},
		{"label out of range", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes([]int{2}, []uint8{1, 10}), 0o644)
		}, []string{"t10k-labels-idx1-ubyte", "label 10"}, false},
		{"labels as images", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte"), idxBytes([]int{2}, []uint8{1, 2}), 0o644)
		}, []string{"t10k-images-idx3-ubyte", "want (N, H, W)"}, false},
		{"corrupt file", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte"), []byte("oops"), 0o644)
		}, []string{"t10k-images-idx3-ubyte", "bad magic"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeMNIST(t)
			if err := tc.change(dir); err != nil {
				t.Fatal(err)
			}
			set, err := FashionMNIST(dir)
			if err == nil || set != nil {
				t.Fatalf("got %v, %v; want an error alone", set, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if errors.Is(err, ErrNotInstalled) != tc.missing {
				t.Errorf("errors.Is(err, ErrNotInstalled) = %v", !tc.missing)
			}
		})
	}
}

// needFashionMNIST skips when the data set is not installed, except in CI,
// where a missing data set is a broken setup.
func needFashionMNIST(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but %s is missing: .ci/run must apt-get install dataset-fashion-mnist", FashionMNISTDir)
		}
		tb.Skipf("%s not found; apt-get install dataset-fashion-mnist to run this test", FashionMNISTDir)
	}
}

// realFashionMNIST loads the installed data set (see needFashionMNIST).
func realFashionMNIST(tb testing.TB) *Set {
	tb.Helper()
	needFashionMNIST(tb)
	set, err := FashionMNIST(FashionMNISTDir)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// TestFashionMNISTInstalled compares the installed data with figures from an
// independent reader (Python's gzip module and NumPy): counts, first labels,
// and a SHA-256 of all pixel bytes.
func TestFashionMNISTInstalled(t *testing.T) {
	set := realFashionMNIST(t)
	tests := []struct {
		name   string
		split  Split
		n      int
		first  []int
		sha256 string
	}{
		{"train", set.Train, 60000, []int{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012"},
		{"test", set.Test, 10000, []int{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.split
			if s.Len() != tc.n || !slices.Equal(s.Shape, []int{28, 28, 1}) {
				t.Fatalf("%d images of %v, want %d of (28, 28, 1)", s.Len(), s.Shape, tc.n)
			}
			if !slices.Equal(s.Labels[:10], tc.first) {
				t.Errorf("first labels %v, want %v", s.Labels[:10], tc.first)
			}
			for class, n := range s.Counts(10) {
				if n != tc.n/10 {
					t.Errorf("class %d has %d images, want %d", class, n, tc.n/10)
				}
			}
			sum := sha256.Sum256(s.Pixels)
			if got := hex.EncodeToString(sum[:]); got != tc.sha256 {
				t.Errorf("pixels sha256 %s, want %s", got, tc.sha256)
			}
		})
	}
}

// BenchmarkFashionMNIST measures loading all four files (decompression
// included) from the Debian package.
func BenchmarkFashionMNIST(b *testing.B) {
	needFashionMNIST(b)
	b.ReportAllocs()
	for b.Loop() {
		set, err := FashionMNIST(FashionMNISTDir)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(set.Train.Pixels) + len(set.Test.Pixels)))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
}
