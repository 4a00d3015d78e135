package onnx

import (
	"fmt"
	"math"
	"slices"
)

// constant is a small tensor known at import time: a shape, the pads of a
// Pad, the axes of an Unsqueeze. Exporters compute such values with chains
// of Shape, Gather, Concat, Slice... on the fly; the importer evaluates
// them once, since every shape in the graphs it accepts is static.
type constant struct {
	dims []int64
	vals []float64
}

func (c *constant) ints() []int64 {
	out := make([]int64, len(c.vals))
	for i, v := range c.vals {
		out[i] = int64(v)
	}
	return out
}

// maxConst bounds constants computed from other constants (ConstantOfShape
// of a hostile shape, say).
const maxConst = 1 << 16

func constFrom(t *tensorProto) (*constant, error) {
	c := &constant{dims: slices.Clone(t.dims)}
	if t.dtype == dtFloat {
		f, err := t.float32Data()
		if err != nil {
			return nil, err
		}
		for _, v := range f {
			c.vals = append(c.vals, float64(v))
		}
		return c, nil
	}
	v, err := t.int64Data()
	if err != nil {
		return nil, err
	}
	for _, x := range v {
		c.vals = append(c.vals, float64(x))
	}
	return c, nil
}

func vector(v []int64) *constant {
	c := &constant{dims: []int64{int64(len(v))}}
	for _, x := range v {
		c.vals = append(c.vals, float64(x))
	}
	return c
}

func checkedSize(dims []int64) (int, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 || d > maxConst {
			return 0, fmt.Errorf("shape %v out of range", dims)
		}
		n *= d
		if n > maxConst {
			return 0, fmt.Errorf("shape %v is too large for a constant", dims)
		}
	}
	return int(n), nil
}

func constAttr(n *nodeProto) (*constant, error) {
	for _, a := range n.attrs {
		switch a.name {
		case "value":
			if a.t == nil {
				return nil, fmt.Errorf("value is not a tensor")
			}
			return constFrom(a.t)
		case "value_int":
			return &constant{vals: []float64{float64(a.i)}}, nil
		case "value_ints":
			return vector(a.ints), nil
		case "value_float":
			return &constant{vals: []float64{float64(a.f)}}, nil
		case "value_floats":
			c := &constant{dims: []int64{int64(len(a.floats))}}
			for _, f := range a.floats {
				c.vals = append(c.vals, float64(f))
			}
			return c, nil
		}
	}
	return nil, fmt.Errorf("no value attribute")
}

// reshapeDims applies ONNX's Reshape rules: 0 copies the input dimension,
// one -1 takes what is left.
func reshapeDims(in, shape []int64) ([]int64, error) {
	total, err := checkedSize(in)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(shape)
	known, infer := 1, -1
	for i, d := range out {
		switch {
		case d == 0 && i < len(in):
			out[i] = in[i]
		case d == -1 && infer < 0:
			infer = i
			continue
		case d < 1 || d > maxElements:
			return nil, fmt.Errorf("cannot reshape %v to %v", in, shape)
		}
		known *= int(out[i])
		if known > maxElements {
			return nil, fmt.Errorf("cannot reshape %v to %v", in, shape)
		}
	}
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", in, shape)
		}
		out[infer] = int64(total / known)
	} else if known != total {
		return nil, fmt.Errorf("cannot reshape %v (%d values) to %v", in, total, shape)
	}
	return out, nil
}

func squeeze(a *constant, axes []int64, unsqueeze bool) (*constant, error) {
	dims := slices.Clone(a.dims)
	if unsqueeze {
		rank := len(dims) + len(axes)
		sorted := slices.Clone(axes)
		for i, ax := range sorted {
			if ax < 0 {
				sorted[i] = ax + int64(rank)
			}
		}
		slices.Sort(sorted)
		for _, ax := range sorted {
			if ax < 0 || int(ax) > len(dims) {
				return nil, fmt.Errorf("axis %d out of range", ax)
			}
			dims = slices.Insert(dims, int(ax), 1)
		}
		return &constant{dims: dims, vals: a.vals}, nil
	}
	var out []int64
	for i, d := range dims {
		drop := len(axes) == 0 && d == 1
		for _, ax := range axes {
			drop = drop || ax == int64(i) || ax+int64(len(dims)) == int64(i)
		}
		if !drop {
			out = append(out, d)
		}
	}
	return &constant{dims: out, vals: a.vals}, nil
}

func gather(n *nodeProto, in []*constant) (*constant, error) {
	if len(in) < 2 || in[0] == nil || in[1] == nil {
		return nil, fmt.Errorf("needs data and indices")
	}
	data, idx := in[0], in[1]
	if len(data.dims) != 1 || attrInt(n, "axis", 0) != 0 {
		return nil, fmt.Errorf("only gathering from a one-dimensional constant is supported")
	}
	out := &constant{dims: slices.Clone(idx.dims)}
	for _, i := range idx.ints() {
		if i < 0 {
			i += int64(len(data.vals))
		}
		if i < 0 || int(i) >= len(data.vals) {
			return nil, fmt.Errorf("index %d out of range", i)
		}
		out.vals = append(out.vals, data.vals[i])
	}
	return out, nil
}

// strides returns the C-order strides of dims.
func strides(dims []int64) []int {
	s := make([]int, len(dims))
	acc := 1
	for i := len(dims) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= int(dims[i])
	}
	return s
}

func transpose(a *constant, perm []int64) (*constant, error) {
	r := len(a.dims)
	if len(perm) == 0 {
		for i := r - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v does not fit shape %v", perm, a.dims)
	}
	out := &constant{dims: make([]int64, r), vals: make([]float64, len(a.vals))}
	for i, p := range perm {
		if p < 0 || int(p) >= r {
			return nil, fmt.Errorf("perm %v does not fit shape %v", perm, a.dims)
		}
		out.dims[i] = a.dims[p]
	}
	is, os := strides(a.dims), strides(out.dims)
	for o := range out.vals {
		src := 0
		for i := range r {
			src += (o / os[i] % int(out.dims[i])) * is[perm[i]]
		}
		out.vals[o] = a.vals[src]
	}
	return out, nil
}

// slice is ONNX Slice (opset 10 and later: starts, ends, axes, steps).
func slice(in []*constant) (*constant, error) {
	if len(in) < 3 || in[0] == nil || in[1] == nil || in[2] == nil {
		return nil, fmt.Errorf("needs data, starts and ends")
	}
	a := in[0]
	r := len(a.dims)
	starts, ends := in[1].ints(), in[2].ints()
	axes := make([]int64, len(starts))
	for i := range axes {
		axes[i] = int64(i)
	}
	if len(in) > 3 && in[3] != nil {
		axes = in[3].ints()
	}
	steps := slices.Repeat([]int64{1}, len(starts))
	if len(in) > 4 && in[4] != nil {
		steps = in[4].ints()
	}
	if len(ends) != len(starts) || len(axes) != len(starts) || len(steps) != len(starts) {
		return nil, fmt.Errorf("starts, ends, axes and steps differ in length")
	}
	first, step := make([]int, r), make([]int, r)
	outDims := slices.Clone(a.dims)
	for i := range r {
		step[i] = 1
	}
	for i, ax := range axes {
		if ax < 0 {
			ax += int64(r)
		}
		if ax < 0 || int(ax) >= r || steps[i] == 0 {
			return nil, fmt.Errorf("axis %d or step %d out of range", axes[i], steps[i])
		}
		d := a.dims[ax]
		s, e, st := clampIndex(starts[i], d), clampIndex(ends[i], d), steps[i]
		if st > 0 {
			s, e = min(max(s, 0), d), min(max(e, 0), d)
		} else {
			s, e = min(max(s, 0), d-1), min(max(e, -1), d-1)
		}
		n := int64(0)
		if st > 0 && e > s {
			n = (e - s + st - 1) / st
		} else if st < 0 && s > e {
			n = (s - e - st - 1) / -st
		}
		first[ax], step[ax], outDims[ax] = int(s), int(st), n
	}
	size, err := checkedSize(outDims)
	if err != nil {
		return nil, err
	}
	out := &constant{dims: outDims, vals: make([]float64, size)}
	is, os := strides(a.dims), strides(outDims)
	for o := range out.vals {
		src := 0
		for i := range r {
			src += (first[i] + (o/os[i]%int(outDims[i]))*step[i]) * is[i]
		}
		out.vals[o] = a.vals[src]
	}
	return out, nil
}

// clampIndex turns a negative index into one from the end, keeping the
// huge sentinels exporters write (INT64_MAX for "to the end") in range.
func clampIndex(i, d int64) int64 {
	if i < 0 {
		if i < math.MinInt64+d {
			return -1
		}
		return i + d
	}
	return min(i, d)
}
