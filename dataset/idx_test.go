package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus in testdata/fuzz")

// idxBytes encodes an unsigned-byte IDX file.
func idxBytes(dims []int, data []uint8) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadIDX(t *testing.T) {
	images := idxBytes([]int{2, 2, 3}, []uint8{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255})
	labels := idxBytes([]int{4}, []uint8{9, 0, 3, 7})
	tests := []struct {
		name string
		data []byte
		dims []int
		want []uint8
	}{
		{"images", images, []int{2, 2, 3}, []uint8{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}},
		{"labels", labels, []int{4}, []uint8{9, 0, 3, 7}},
		{"gzipped images", gzipBytes(t, images), []int{2, 2, 3}, []uint8{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}},
		{"gzipped labels", gzipBytes(t, labels), []int{4}, []uint8{9, 0, 3, 7}},
		{"empty", idxBytes([]int{0, 28, 28}, nil), []int{0, 28, 28}, []uint8{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadIDX(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Dims, tc.dims) || !slices.Equal(x.Data, tc.want) {
				t.Errorf("got %v %v, want %v %v", x.Dims, x.Data, tc.dims, tc.want)
			}
		})
	}
}

func TestReadIDXRejects(t *testing.T) {
	good := idxBytes([]int{2, 3}, []uint8{1, 2, 3, 4, 5, 6})
	zipped := gzipBytes(t, good)
	corrupt := slices.Clone(zipped)
	corrupt[len(corrupt)-6] ^= 0xff // the CRC-32 trailer
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "short header"},
		{"bad magic", append([]byte{1, 0}, good[2:]...), "bad magic"},
		{"float32", append([]byte{0, 0, 0x0D}, good[3:]...), "0x0d (float32)"},
		{"unknown type", append([]byte{0, 0, 0x42}, good[3:]...), "0x42 (unknown)"},
		{"no dims", []byte{0, 0, 8, 0}, "no dimensions"},
		{"short dims", good[:6], "header shorter"},
		{"short data", good[:len(good)-1], "5 data bytes"},
		{"trailing data", append(slices.Clone(good), 7), "trailing bytes"},
		{"huge dims", idxBytes([]int{1 << 20, 1 << 20}, nil), "exceed"},
		{"truncated gzip", zipped[:len(zipped)-10], "unexpected EOF"},
		{"corrupt gzip", corrupt, "checksum"},
		{"gzip header only", []byte{0x1f, 0x8b}, "gzip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadIDX(bytes.NewReader(tc.data))
			if err == nil || x != nil {
				t.Fatalf("got %v, %v; want an error alone", x, err)
			}
			if !errors.Is(err, ErrIDX) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q: want ErrIDX mentioning %q", err, tc.want)
			}
		})
	}
}

// TestReadIDXFileSniffsGzip reads a gzipped file without a .gz name and a
// plain file with one, and checks errors name the file.
func TestReadIDXFileSniffsGzip(t *testing.T) {
	dir := t.TempDir()
	data := idxBytes([]int{3}, []uint8{4, 5, 6})
	for name, content := range map[string][]byte{"zipped": gzipBytes(t, data), "plain.gz": data} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		x, err := ReadIDXFile(p)
		if err != nil || !slices.Equal(x.Data, []uint8{4, 5, 6}) {
			t.Errorf("%s: got %v, %v", name, x, err)
		}
	}
	bad := filepath.Join(dir, "bad-labels")
	if err := os.WriteFile(bad, []byte("nonsense"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIDXFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v does not name %s", err, bad)
	}
}

func idxSeeds(t testing.TB) map[string][]byte {
	images := idxBytes([]int{2, 4, 4}, []uint8{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150,
		255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241, 240})
	labels := idxBytes([]int{5}, []uint8{0, 1, 2, 3, 9})
	return map[string][]byte{
		"images":    images,
		"labels":    labels,
		"images-gz": gzipBytes(t, images),
		"labels-gz": gzipBytes(t, labels),
		"float32":   []byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0x80, 0x3f},
	}
}

func TestUpdateFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz/FuzzReadIDX")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReadIDX")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range idxSeeds(t) {
		entry := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(entry), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzReadIDX: never a panic; what is accepted has as many values as its
// dimensions say and reads back the same after encoding.
func FuzzReadIDX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadIDX(bytes.NewReader(data))
		if err != nil {
			if x != nil {
				t.Fatalf("IDX returned with error %v", err)
			}
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d values", x.Dims, len(x.Data))
		}
		y, err := ReadIDX(bytes.NewReader(idxBytes(x.Dims, x.Data)))
		if err != nil || !slices.Equal(x.Dims, y.Dims) || !bytes.Equal(x.Data, y.Data) {
			t.Fatalf("re-read gave %v, %v", y, err)
		}
	})
}
