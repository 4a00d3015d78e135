package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The subset of onnx.proto the importer reads. Field numbers are those of
// onnx/onnx.proto (IR version 8); fields not listed are skipped.

type modelProto struct {
	irVersion int64
	opsets    map[string]int64 // domain ("" is the default ONNX domain) -> version
	producer  string
	graph     *graphProto
}

type graphProto struct {
	nodes   []*nodeProto
	inits   []*tensorProto
	inputs  []valueInfo
	outputs []valueInfo
}

type nodeProto struct {
	name, op, domain string
	inputs, outputs  []string
	attrs            []*attrProto
}

type attrProto struct {
	name   string
	f      float32
	i      int64
	s      []byte
	t      *tensorProto
	floats []float32
	ints   []int64
}

type tensorProto struct {
	name     string
	dims     []int64
	dtype    int64
	floats   []float32
	int32s   []int64 // int32_data, widened
	int64s   []int64
	raw      []byte
	hasRaw   bool
	external bool
}

// Element types of TensorProto.DataType that the importer can read.
const (
	dtFloat = 1
	dtInt32 = 6
	dtInt64 = 7
)

// valueInfo is a graph input or output: its name and, when declared, its
// shape (-1 for a symbolic dimension such as a dynamic batch).
type valueInfo struct {
	name string
	dims []int64
}

// Limits that keep a hostile file from making the reader allocate much more
// than its own size.
const (
	maxDims     = 8
	maxElements = 1 << 26
)

var errTruncated = errors.New("truncated or malformed protobuf")

// field is one decoded protobuf field: v holds a length-delimited payload,
// x a varint or fixed-width value.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   []byte
	x   uint64
}

// fields walks a message's fields in order.
func fields(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.x = uint64(v)
		case protowire.Fixed64Type:
			f.x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// varints appends a repeated varint field, packed or not.
func varints(dst []int64, f field) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, int64(f.x)), nil
	case protowire.BytesType:
		b := f.v
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return dst, errTruncated
			}
			if len(dst) >= maxElements {
				return dst, fmt.Errorf("more than %d values in one field", maxElements)
			}
			dst = append(dst, int64(v))
			b = b[n:]
		}
		return dst, nil
	}
	return dst, errTruncated
}

// float32s appends a repeated float field, packed or not.
func float32s(dst []float32, f field) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, math.Float32frombits(uint32(f.x))), nil
	case protowire.BytesType:
		if len(f.v)%4 != 0 {
			return dst, errTruncated
		}
		for i := 0; i < len(f.v); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(f.v[i:])))
		}
		return dst, nil
	}
	return dst, errTruncated
}

func wantBytes(f field) ([]byte, error) {
	if f.typ != protowire.BytesType {
		return nil, errTruncated
	}
	return f.v, nil
}

func parseModel(b []byte) (*modelProto, error) {
	m := &modelProto{opsets: map[string]int64{}}
	err := fields(b, func(f field) error {
		switch f.num {
		case 1:
			m.irVersion = int64(f.x)
		case 2:
			m.producer = string(f.v)
		case 7:
			v, err := wantBytes(f)
			if err != nil {
				return err
			}
			if m.graph, err = parseGraph(v); err != nil {
				return fmt.Errorf("graph: %w", err)
			}
		case 8:
			v, err := wantBytes(f)
			if err != nil {
				return err
			}
			var domain string
			var version int64
			if err := fields(v, func(g field) error {
				switch g.num {
				case 1:
					domain = string(g.v)
				case 2:
					version = int64(g.x)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("opset_import: %w", err)
			}
			m.opsets[domain] = version
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.graph == nil {
		return nil, errors.New("no graph (is this an ONNX model file?)")
	}
	return m, nil
}

func parseGraph(b []byte) (*graphProto, error) {
	g := &graphProto{}
	return g, fields(b, func(f field) error {
		if f.num != 1 && f.num != 5 && f.num != 11 && f.num != 12 {
			return nil
		}
		v, err := wantBytes(f)
		if err != nil {
			return err
		}
		switch f.num {
		case 1:
			n, err := parseNode(v)
			if err != nil {
				return fmt.Errorf("node %d: %w", len(g.nodes), err)
			}
			g.nodes = append(g.nodes, n)
		case 5:
			t, err := parseTensor(v)
			if err != nil {
				return fmt.Errorf("initializer %d: %w", len(g.inits), err)
			}
			g.inits = append(g.inits, t)
		case 11, 12:
			vi, err := parseValueInfo(v)
			if err != nil {
				return fmt.Errorf("input or output: %w", err)
			}
			if f.num == 11 {
				g.inputs = append(g.inputs, vi)
			} else {
				g.outputs = append(g.outputs, vi)
			}
		}
		return nil
	})
}

func parseNode(b []byte) (*nodeProto, error) {
	n := &nodeProto{}
	return n, fields(b, func(f field) error {
		switch f.num {
		case 1:
			n.inputs = append(n.inputs, string(f.v))
		case 2:
			n.outputs = append(n.outputs, string(f.v))
		case 3:
			n.name = string(f.v)
		case 4:
			n.op = string(f.v)
		case 7:
			n.domain = string(f.v)
		case 5:
			v, err := wantBytes(f)
			if err != nil {
				return err
			}
			a, err := parseAttr(v)
			if err != nil {
				return fmt.Errorf("attribute: %w", err)
			}
			n.attrs = append(n.attrs, a)
		}
		return nil
	})
}

func parseAttr(b []byte) (*attrProto, error) {
	a := &attrProto{}
	return a, fields(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			a.name = string(f.v)
		case 2:
			a.f = math.Float32frombits(uint32(f.x))
		case 3:
			a.i = int64(f.x)
		case 4:
			a.s = f.v
		case 5:
			var v []byte
			if v, err = wantBytes(f); err == nil {
				a.t, err = parseTensor(v)
			}
		case 7:
			a.floats, err = float32s(a.floats, f)
		case 8:
			a.ints, err = varints(a.ints, f)
		}
		return err
	})
}

func parseTensor(b []byte) (*tensorProto, error) {
	t := &tensorProto{}
	err := fields(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			t.dims, err = varints(t.dims, f)
		case 2:
			t.dtype = int64(f.x)
		case 4:
			t.floats, err = float32s(t.floats, f)
		case 5:
			t.int32s, err = varints(t.int32s, f)
		case 7:
			t.int64s, err = varints(t.int64s, f)
		case 8:
			t.name = string(f.v)
		case 9:
			t.raw, t.hasRaw = f.v, true
		case 13:
			t.external = true
		case 14:
			t.external = t.external || f.x == 1
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(t.dims) > maxDims {
		return nil, fmt.Errorf("tensor %q: %d dimensions (at most %d)", t.name, len(t.dims), maxDims)
	}
	n := int64(1)
	for _, d := range t.dims {
		if d < 0 || d > maxElements {
			return nil, fmt.Errorf("tensor %q: dimension %d out of range", t.name, d)
		}
		n *= d
		if n > maxElements {
			return nil, fmt.Errorf("tensor %q: shape %v has over %d elements", t.name, t.dims, maxElements)
		}
	}
	return t, nil
}

func parseValueInfo(b []byte) (valueInfo, error) {
	var vi valueInfo
	err := fields(b, func(f field) error {
		switch f.num {
		case 1:
			vi.name = string(f.v)
		case 2: // TypeProto -> tensor_type (1) -> shape (2) -> dim (1)
			return nested(f, 1, func(tt field) error {
				return nested(tt, 2, func(sh field) error {
					return nested(sh, 1, func(dim field) error {
						d := int64(-1)
						if err := fields(dim.v, func(x field) error {
							if x.num == 1 && x.typ == protowire.VarintType {
								d = int64(x.x)
							}
							return nil
						}); err != nil {
							return err
						}
						if len(vi.dims) >= maxDims {
							return fmt.Errorf("more than %d dimensions", maxDims)
						}
						vi.dims = append(vi.dims, d)
						return nil
					})
				})
			})
		}
		return nil
	})
	return vi, err
}

// nested calls fn for every field numbered num inside the message f holds.
func nested(f field, num protowire.Number, fn func(field) error) error {
	v, err := wantBytes(f)
	if err != nil {
		return err
	}
	return fields(v, func(g field) error {
		if g.num != num {
			return nil
		}
		if g.typ != protowire.BytesType {
			return errTruncated
		}
		return fn(g)
	})
}
