package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/engine"
)

// build assembles a file from a literal header and data, as a hostile or
// foreign writer might.
func build(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func f32s(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func TestWriteExactBytes(t *testing.T) {
	f := &File{
		Metadata: map[string]string{"format": "np", "a<b": "x&y"},
		Tensors: map[string]*engine.Tensor{
			"w":    {Shape: []int{2, 1}, Data: []float32{1, -2}},
			"b":    {Shape: []int{1}, Data: []float32{0.5}},
			"zero": {Shape: []int{0, 3}, Data: nil},
		},
	}
	var got bytes.Buffer
	if err := Write(&got, f); err != nil {
		t.Fatal(err)
	}
	// Worked by hand: sorted keys, tensors end to end in name order, header
	// padded with spaces to a multiple of 8.
	header := `{"__metadata__":{"a<b":"x&y","format":"np"},` +
		`"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},` +
		`"w":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]},` +
		`"zero":{"dtype":"F32","shape":[0,3],"data_offsets":[12,12]}}`
	header += strings.Repeat(" ", (8-len(header)%8)%8)
	want := build(header, f32s(0.5, 1, -2))
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("Write:\n got %q\nwant %q", got.Bytes(), want)
	}
	if (len(got.Bytes())-len(f32s(0.5, 1, -2)))%8 != 0 {
		t.Fatalf("data does not start on an 8-byte boundary")
	}
}

func TestRoundTrip(t *testing.T) {
	in := &File{
		Metadata: map[string]string{"k": "v"},
		Tensors: map[string]*engine.Tensor{
			"conv/kernel": {Shape: []int{1, 1, 2, 3}, Data: []float32{1, 2, 3, 4, 5, float32(math.Inf(-1))}},
			"scalar":      {Shape: []int{}, Data: []float32{7}},
			"dense/bias":  {Shape: []int{2}, Data: []float32{-0, 1e-30}},
		},
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteFile(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out.DType != F32 || out.Metadata["k"] != "v" || len(out.Tensors) != len(in.Tensors) {
		t.Fatalf("got dtype %q metadata %v, %d tensors", out.DType, out.Metadata, len(out.Tensors))
	}
	for name, want := range in.Tensors {
		got := out.Tensors[name]
		if got == nil || !equalInts(got.Shape, want.Shape) || !equalBits(got.Data, want.Data) {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}
}

func TestF16(t *testing.T) {
	// Each value is exact in binary16, so the round trip must keep it.
	vals := []float32{0, 1, -2, 0.5, 65504, 1.0 / 1024, 1.0 / (1 << 24), float32(math.Inf(1))}
	in := &File{DType: F16, Tensors: map[string]*engine.Tensor{"x": {Shape: []int{len(vals)}, Data: vals}}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if out.DType != F16 || !equalBits(out.Tensors["x"].Data, vals) {
		t.Fatalf("got %v %v, want %v", out.DType, out.Tensors["x"].Data, vals)
	}
}

func TestHalfConversion(t *testing.T) {
	cases := []struct {
		f float32
		h uint16
	}{
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},
		{1.0 / 3, 0x3555},
		{65504, 0x7bff},
		{65519, 0x7bff},
		{65520, 0x7c00},              // halfway to 65536: ties to even, which is Inf
		{1.0 / (1 << 24), 0x0001},    // smallest subnormal
		{1.0 / (1 << 25), 0x0000},    // halfway to zero: ties to even
		{1.5 / (1 << 25), 0x0001},    // above halfway rounds up
		{3.0 / (1 << 25), 0x0002},    // 1.5 ulp ties to even (2)
		{1.0 / (1 << 14), 0x0400},    // smallest normal
		{1023.0 / (1 << 24), 0x03ff}, // largest subnormal
		{2047.0 / (1 << 25), 0x0400}, // rounds up across into the normals
		{float32(math.Inf(-1)), 0xfc00},
	}
	for _, c := range cases {
		if got := floatToHalf(c.f); got != c.h {
			t.Errorf("floatToHalf(%g) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
	// Every binary16 value widens and narrows back to itself.
	for h := 0; h < 1<<16; h++ {
		f := halfToFloat(uint16(h))
		if math.IsNaN(float64(f)) {
			if back := floatToHalf(f); back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("NaN %#04x came back as %#04x", h, back)
			}
			continue
		}
		if back := floatToHalf(f); back != uint16(h) {
			t.Fatalf("%#04x -> %g -> %#04x", h, f, back)
		}
	}
	// BF16 is the top half of a float32.
	if got := bfloatToFloat(0x3fc0); got != 1.5 {
		t.Errorf("bfloat 0x3fc0 = %g", got)
	}
}

func TestReadForeign(t *testing.T) {
	// Offsets listed out of name order, BF16 and F16 side by side, and
	// padding in the header: what other writers produce.
	header := `{"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]},"a":{"shape":[1],"dtype":"F16","data_offsets":[0,2]}}   `
	data := []byte{0x00, 0x3c, 0xc0, 0x3f}
	f, err := Read(build(header, data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors["a"].Data[0] != 1 || f.Tensors["b"].Data[0] != 1.5 || f.DType != "" {
		t.Fatalf("got a=%v b=%v dtype %q", f.Tensors["a"].Data, f.Tensors["b"].Data, f.DType)
	}
}

func TestReadMalformed(t *testing.T) {
	one := f32s(1)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, 1<<40), "exceeds"},
		{"header past end", binary.LittleEndian.AppendUint64(nil, 100), "past the end"},
		{"not json", build("{nope", nil), "header"},
		{"array", build(`[1]`, nil), "not a JSON object"},
		{"blank", build(`        `, nil), "not a JSON object"},
		{"bad utf8", build("{\"\xff\":1}", nil), "UTF-8"},
		{"missing offsets", build(`{"a":{"dtype":"F32","shape":[1]}}`, one), "needs dtype"},
		{"unknown field", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, one), "unknown field"},
		{"dtype", build(`{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, append(one, one...)), "not supported"},
		{"negative dim", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, one), "negative"},
		{"float dim", build(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, one), "tensor \"a\""},
		{"huge shape", build(`{"a":{"dtype":"F32","shape":[65536,65536,65536],"data_offsets":[0,4]}}`, one), "too large"},
		{"size mismatch", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, one), "needs 8 bytes"},
		{"reversed", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, one), "bad data_offsets"},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, one), "[begin, end]"},
		{"out of range", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, nil), "run past"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, one), "overlap"},
		{"gap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, append(one, one...)), "gap"},
		{"trailing", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, append(one, 0)), "after the last tensor"},
		{"metadata not strings", build(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read(c.file)
			if err == nil {
				t.Fatalf("no error, got %+v", f)
			}
			if f != nil {
				t.Errorf("a file came back with the error")
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q: want ErrFormat mentioning %q", err, c.want)
			}
		})
	}
}

func TestReadFileNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := os.WriteFile(path, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v does not name %s", err, path)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := map[string]*File{
		"size":     {Tensors: map[string]*engine.Tensor{"a": {Shape: []int{2}, Data: []float32{1}}}},
		"reserved": {Tensors: map[string]*engine.Tensor{"__metadata__": {Shape: []int{1}, Data: []float32{1}}}},
		"nil":      {Tensors: map[string]*engine.Tensor{"a": nil}},
		"dtype":    {DType: BF16},
		"utf8":     {Tensors: map[string]*engine.Tensor{"\xff": {Shape: []int{1}, Data: []float32{1}}}},
		"negative": {Tensors: map[string]*engine.Tensor{"a": {Shape: []int{-1, -1}, Data: []float32{1}}}},
	}
	for name, f := range cases {
		if err := Write(&bytes.Buffer{}, f); err == nil {
			t.Errorf("%s: Write accepted %+v", name, f)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalBits(a, b []float32) bool {
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
