package npy

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

// ramp is the array testdata/make.py saves: i*0.25 - 1.5 in C order.
func ramp(shape ...int) *engine.Tensor {
	t := engine.NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(i)*0.25 - 1.5
	}
	return t
}

// TestWriteMatchesNumpy checks that Write produces exactly the bytes
// numpy.save wrote for the same array (files made by testdata/make.py).
func TestWriteMatchesNumpy(t *testing.T) {
	tests := []struct {
		file  string
		shape []int
	}{
		{"f4_scalar.npy", []int{}},
		{"f4_5.npy", []int{5}},
		{"f4_2x3.npy", []int{2, 3}},
		{"f4_4x3x2.npy", []int{4, 3, 2}},
		{"f4_0x3.npy", []int{0, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			x := ramp(tc.shape...)
			if tc.file == "f4_scalar.npy" {
				x.Data[0] = 3.5
			}
			var buf bytes.Buffer
			if err := Write(&buf, x); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("Write differs from numpy.save:\n got %q\nwant %q", buf.Bytes(), want)
			}
		})
	}
}

func TestReadNumpyFiles(t *testing.T) {
	tests := []struct {
		file  string
		shape []int
	}{
		{"f4_scalar.npy", []int{}},
		{"f4_5.npy", []int{5}},
		{"f4_2x3.npy", []int{2, 3}},
		{"f4_2x3_v2.npy", []int{2, 3}},
		{"f4_4x3x2.npy", []int{4, 3, 2}},
		{"f4_0x3.npy", []int{0, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := ramp(tc.shape...)
			if tc.file == "f4_scalar.npy" {
				want.Data[0] = 3.5
			}
			if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
				t.Errorf("got shape %v data %v, want %v %v", got.Shape, got.Data, want.Shape, want.Data)
			}
		})
	}
}

func TestReadRejects(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "f4_2x3.npy"))
	if err != nil {
		t.Fatal(err)
	}
	// withHeader builds a version 1.0 file with the given dict and data.
	withHeader := func(dict string, data int) []byte {
		b := []byte(magic + "\x01\x00")
		b = append(b, byte(len(dict)), byte(len(dict)>>8))
		b = append(b, dict...)
		return append(b, make([]byte, data)...)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "short preamble"},
		{"not npy", []byte("PK\x03\x04 a zip file, not an array"), "bad magic"},
		{"version 4", append([]byte(magic+"\x04\x00"), good[8:]...), "version 4.0"},
		{"truncated header", good[:40], "header shorter"},
		{"truncated data", good[:len(good)-1], "data has 23 bytes"},
		{"trailing data", append(slices.Clone(good), 0), "trailing bytes"},
		{"no brace", withHeader("'descr': '<f4'}\n", 0), "does not start"},
		{"missing shape", withHeader("{'descr': '<f4', 'fortran_order': False}\n", 0), `missing key "shape"`},
		{"duplicate key", withHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}\n", 4), "given twice"},
		{"unknown key", withHeader("{'descr': '<f4', 'x': 1}\n", 0), `unexpected key "x"`},
		{"negative dim", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}\n", 0), "bad dimension"},
		{"huge shape", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000)}\n", 0), "too large"},
		{"bad bool", withHeader("{'descr': '<f4', 'fortran_order': false, 'shape': ()}\n", 4), "True or False"},
		{"text after dict", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ()} x\n", 4), "text after"},
	}
	for _, file := range []struct{ name, want string }{
		{"f8_2x3.npy", `dtype "<f8"`},
		{"f4be_2x3.npy", `dtype ">f4"`},
		{"i4_2x3.npy", `dtype "<i4"`},
		{"f4_fortran_2x3.npy", "Fortran-order"},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", file.name))
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			data []byte
			want string
		}{file.name, b, file.want})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatalf("no error, got %v", got)
			}
			if got != nil {
				t.Errorf("a tensor came back with the error %v", err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestReadFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "probs.npy")
	if err := os.WriteFile(path, []byte("not numpy"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v does not name %s", err, path)
	}
	_, err = ReadFile(filepath.Join(t.TempDir(), "missing.npy"))
	if err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("error %v does not name the missing file", err)
	}
}

func TestWriteFileRoundTrip(t *testing.T) {
	x := ramp(3, 4, 2)
	x.Data[5] = float32(math.Inf(-1))
	x.Data[6] = float32(math.NaN())
	x.Data[7] = math.SmallestNonzeroFloat32
	path := filepath.Join(t.TempDir(), "conv_1_1.npy")
	if err := WriteFile(path, x); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Shape, x.Shape) || !sameBits(got.Data, x.Data) {
		t.Errorf("round trip changed the tensor: %v %v", got.Shape, got.Data)
	}
}

func TestWriteRejects(t *testing.T) {
	for name, x := range map[string]*engine.Tensor{
		"nil":        nil,
		"short data": {Shape: []int{2, 3}, Data: make([]float32, 5)},
		"negative":   {Shape: []int{-1}, Data: nil},
	} {
		if err := Write(&bytes.Buffer{}, x); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLongHeaderUsesVersion2 checks the switch to a 32-bit header length for
// shapes whose header would not fit 65535 bytes.
func TestLongHeaderUsesVersion2(t *testing.T) {
	shape := make([]int, 30000)
	for i := range shape {
		shape[i] = 1
	}
	var buf bytes.Buffer
	if err := Write(&buf, engine.NewTensor(shape...)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if b[6] != 2 {
		t.Errorf("version %d.%d, want 2.0", b[6], b[7])
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shape) != len(shape) {
		t.Errorf("got %d dimensions, want %d", len(got.Shape), len(shape))
	}
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// FuzzRead checks that Read never panics and that whatever it accepts is
// written back and read again unchanged. Seeds: testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := Read(bytes.NewReader(data))
		if err != nil {
			if x != nil {
				t.Fatalf("tensor returned with error %v", err)
			}
			return
		}
		if engine.NumElements(x.Shape) != len(x.Data) {
			t.Fatalf("shape %v does not match %d values", x.Shape, len(x.Data))
		}
		var buf bytes.Buffer
		if err := Write(&buf, x); err != nil {
			t.Fatalf("write back: %v", err)
		}
		y, err := Read(&buf)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if !slices.Equal(x.Shape, y.Shape) || !sameBits(x.Data, y.Data) {
			t.Fatalf("round trip changed %v to %v", x.Shape, y.Shape)
		}
	})
}
