// Package safetensors reads and writes the safetensors container, the weight
// format of Hugging Face's safetensors library, for float32 tensors.
//
// A file is an 8-byte little-endian header length N, then N bytes of JSON,
// then the tensor data. The JSON maps each tensor name to its dtype, shape
// and [begin, end) byte offsets into the data; the optional "__metadata__"
// entry is a map of strings. Tensors are stored little-endian in C order.
//
// Write emits dtype F32 (or F16 on request) with names sorted, tensors laid
// end to end in that order, and the header padded with spaces to a multiple
// of 8 bytes, so the same tensors always give the same bytes and Python's
// safetensors.numpy.load_file reads them. Read accepts F32, F16 and BF16 and
// returns float32 values; it checks the header as strictly as the Python
// library does (offsets must tile the data exactly, sizes must match the
// shape) and reports malformed input as an error wrapping ErrFormat.
package safetensors

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"cnnexplainer/engine"
)

// DType is a safetensors element type name.
type DType string

const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16" // read only
)

// size is the number of bytes of one element, or 0 if the type is not read.
func (d DType) size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	}
	return 0
}

// MaxHeader bounds the JSON header (the Python library uses the same 100 MB
// limit), so a corrupt length cannot make Read allocate gigabytes.
const MaxHeader = 100 << 20

// metadataKey is the reserved header entry for the string metadata.
const metadataKey = "__metadata__"

// ErrFormat is wrapped by every error about malformed or unsupported input.
var ErrFormat = errors.New("safetensors: malformed or unsupported file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// File is the content of a safetensors file.
type File struct {
	// Metadata is the free-form "__metadata__" string map (may be nil).
	Metadata map[string]string
	// Tensors maps names to float32 tensors in C order.
	Tensors map[string]*engine.Tensor
	// DType is the element type Write stores; the zero value means F32.
	// Read sets it to the type of the file's tensors when they all share one.
	DType DType
}

// Names returns the tensor names in sorted order.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// halfToFloat widens an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN; keep the payload's top bits
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: value is frac * 2^-24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// floatToHalf narrows a float32 to binary16, rounding to nearest even;
// values beyond the range become infinities and NaN stays NaN.
func floatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	frac := b & 0x7fffff
	if exp == 0xff {
		if frac != 0 {
			return sign | 0x7e00 | uint16(frac>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign
		}
		// Subnormal: shift the full mantissa (with its implicit 1) right.
		m := frac | 0x800000
		shift := uint(14 - e)
		h := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | frac>>13
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which rounds up to Inf correctly
	}
	return sign | uint16(h)
}

// bfloatToFloat widens a bfloat16 value (the top half of a float32).
func bfloatToFloat(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
