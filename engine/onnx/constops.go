package onnx

import "fmt"

// evalConst computes the output of node n from its constant inputs. shapeOf
// gives the (static) shape of a value on the layer chain, for Shape nodes.
func evalConst(n *nodeProto, in []*constant, shapeOf func(string) ([]int64, bool)) (*constant, error) {
	switch n.op {
	case "Constant":
		return constAttr(n)
	case "Identity", "Cast":
		return constArg(in, 0)
	case "Shape":
		return constShape(n, in, shapeOf)
	case "ConstantOfShape":
		return constantOfShape(n, in)
	case "Concat":
		return concat(n, in)
	case "Reshape":
		return constReshape(in)
	case "Unsqueeze", "Squeeze":
		a, err := constArg(in, 0)
		if err != nil {
			return nil, err
		}
		axes := attrInts(n, "axes")
		if len(in) > 1 && in[1] != nil {
			axes = in[1].ints()
		}
		return squeeze(a, axes, n.op == "Unsqueeze")
	case "Gather":
		return gather(n, in)
	case "Transpose":
		a, err := constArg(in, 0)
		if err != nil {
			return nil, err
		}
		return transpose(a, attrInts(n, "perm"))
	case "Slice":
		return slice(in)
	}
	return nil, fmt.Errorf("cannot be evaluated at import time")
}

// constArg returns input i, which a constant node needs.
func constArg(in []*constant, i int) (*constant, error) {
	if i >= len(in) || in[i] == nil {
		return nil, fmt.Errorf("input %d is missing", i)
	}
	return in[i], nil
}

// constShape is ONNX Shape: the static shape of a chain value, or else the
// dims of a constant input.
func constShape(n *nodeProto, in []*constant, shapeOf func(string) ([]int64, bool)) (*constant, error) {
	if len(n.inputs) == 0 {
		return nil, fmt.Errorf("no input")
	}
	if s, ok := shapeOf(n.inputs[0]); ok {
		return vector(s), nil
	}
	a, err := constArg(in, 0)
	if err != nil {
		return nil, err
	}
	return vector(a.dims), nil
}

// constantOfShape is ONNX ConstantOfShape: a tensor of the input's shape
// filled with the one-element value attribute (0 without it).
func constantOfShape(n *nodeProto, in []*constant) (*constant, error) {
	a, err := constArg(in, 0)
	if err != nil {
		return nil, err
	}
	dims := a.ints()
	size, err := checkedSize(dims)
	if err != nil {
		return nil, err
	}
	fill := 0.0
	if t := attr(n, "value"); t != nil && t.t != nil {
		v, err := constFrom(t.t)
		if err != nil || len(v.vals) != 1 {
			return nil, fmt.Errorf("value must be a one-element tensor")
		}
		fill = v.vals[0]
	}
	c := &constant{dims: dims, vals: make([]float64, size)}
	for i := range c.vals {
		c.vals[i] = fill
	}
	return c, nil
}

// concat is ONNX Concat of one-dimensional constants.
func concat(n *nodeProto, in []*constant) (*constant, error) {
	axis := attrInt(n, "axis", 0)
	var c constant
	for i := range in {
		a, err := constArg(in, i)
		if err != nil {
			return nil, err
		}
		if len(a.dims) > 1 || (axis != 0 && axis != -1) {
			return nil, fmt.Errorf("only one-dimensional constants can be concatenated")
		}
		c.vals = append(c.vals, a.vals...)
	}
	c.dims = []int64{int64(len(c.vals))}
	return &c, nil
}

// constReshape is ONNX Reshape of a constant (data, shape).
func constReshape(in []*constant) (*constant, error) {
	a, err := constArg(in, 0)
	if err != nil {
		return nil, err
	}
	s, err := constArg(in, 1)
	if err != nil {
		return nil, err
	}
	dims, err := reshapeDims(a.dims, s.ints())
	if err != nil {
		return nil, err
	}
	return &constant{dims: dims, vals: a.vals}, nil
}
