package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
)

// numElements is the product of t's dimensions (checked in parseTensor).
func (t *tensorProto) numElements() int {
	n := 1
	for _, d := range t.dims {
		n *= int(d)
	}
	return n
}

// float32Data returns t's values as float32, from raw_data or float_data.
func (t *tensorProto) float32Data() ([]float32, error) {
	if t.external {
		return nil, fmt.Errorf("tensor %q: external data is not supported (save the model with its weights inside)", t.name)
	}
	if t.dtype != dtFloat {
		return nil, fmt.Errorf("tensor %q: element type %s, only float32 is supported", t.name, dtypeName(t.dtype))
	}
	n := t.numElements()
	if t.hasRaw {
		if len(t.raw) != 4*n {
			return nil, fmt.Errorf("tensor %q: raw_data has %d bytes, shape %v needs %d", t.name, len(t.raw), t.dims, 4*n)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.raw[4*i:]))
		}
		return out, nil
	}
	if len(t.floats) != n {
		return nil, fmt.Errorf("tensor %q: %d float values, shape %v needs %d", t.name, len(t.floats), t.dims, n)
	}
	return t.floats, nil
}

// int64Data returns an integer tensor's values (shapes, axes, pads).
func (t *tensorProto) int64Data() ([]int64, error) {
	if t.external {
		return nil, fmt.Errorf("tensor %q: external data is not supported", t.name)
	}
	n := t.numElements()
	var out []int64
	switch {
	case t.dtype == dtInt64 && t.hasRaw:
		if len(t.raw) != 8*n {
			return nil, fmt.Errorf("tensor %q: raw_data has %d bytes, shape %v needs %d", t.name, len(t.raw), t.dims, 8*n)
		}
		out = make([]int64, n)
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(t.raw[8*i:]))
		}
	case t.dtype == dtInt32 && t.hasRaw:
		if len(t.raw) != 4*n {
			return nil, fmt.Errorf("tensor %q: raw_data has %d bytes, shape %v needs %d", t.name, len(t.raw), t.dims, 4*n)
		}
		out = make([]int64, n)
		for i := range out {
			out[i] = int64(int32(binary.LittleEndian.Uint32(t.raw[4*i:])))
		}
	case t.dtype == dtInt64:
		out = t.int64s
	case t.dtype == dtInt32:
		out = make([]int64, len(t.int32s))
		for i, v := range t.int32s {
			out[i] = int64(int32(v))
		}
	case t.dtype == dtFloat:
		f, err := t.float32Data()
		if err != nil {
			return nil, err
		}
		out = make([]int64, len(f))
		for i, v := range f {
			out[i] = int64(v)
		}
	default:
		return nil, fmt.Errorf("tensor %q: element type %s, want an integer tensor", t.name, dtypeName(t.dtype))
	}
	if len(out) != n {
		return nil, fmt.Errorf("tensor %q: %d values, shape %v needs %d", t.name, len(out), t.dims, n)
	}
	return out, nil
}

func dtypeName(dt int64) string {
	names := map[int64]string{1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
		7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 16: "bfloat16"}
	if s, ok := names[dt]; ok {
		return s
	}
	return fmt.Sprintf("type %d", dt)
}
