package onnx

import (
	"errors"
	"fmt"
	"slices"

	"cnnexplainer/engine"
)

// layer turns node n, which reads chain value cur, into engine layers and
// returns the chain value after it.
func (im *importer) layer(n *nodeProto, cur string, visited map[*nodeProto]bool) (string, error) {
	if err := im.checkChainNode(n, cur); err != nil {
		return "", err
	}
	if im.pad != nil && n.op != "Conv" && n.op != "AveragePool" {
		if slices.ContainsFunc(im.pad, func(p int) bool { return p != 0 }) {
			return "", fmt.Errorf("node %q (Pad) is followed by node %q (%s): a Pad is supported only before a Conv or AveragePool", im.padNode, n.name, n.op)
		}
		im.pad = nil
	}
	name := im.uniqueName(n)
	switch n.op {
	case "Conv", "MaxPool", "AveragePool":
		return im.spatialLayer(n, name)
	case "GlobalAveragePool":
		return im.add(n, &engine.GlobalAvgPool{LayerName: name})
	case "Relu":
		return im.add(n, &engine.ReLU{LayerName: name})
	case "LeakyRelu":
		return im.add(n, &engine.LeakyReLU{LayerName: name, Alpha: attrFloat(n, "alpha", 0.01)})
	case "Sigmoid":
		return im.add(n, &engine.Sigmoid{LayerName: name})
	case "Tanh":
		return im.add(n, &engine.Tanh{LayerName: name})
	case "Dropout", "Identity":
		return im.add(n, &engine.Identity{LayerName: name})
	case "Softmax":
		return im.softmax(n, name)
	case "BatchNormalization":
		return im.batchNorm(n, name)
	case "Flatten":
		if ax := attrInt(n, "axis", 1); ax != 1 {
			return "", nodeErr(n, "axis %d: only flattening after the batch axis (axis 1) is supported", ax)
		}
		return im.add(n, &engine.Flatten{LayerName: name, ChannelsFirst: true})
	case "Reshape":
		return im.reshape(n, name, cur)
	case "Gemm":
		return im.gemm(n, name)
	case "MatMul":
		return im.matMul(n, name, visited)
	case "Pad":
		return im.padLayer(n)
	}
	return "", nodeErr(n, "op %s is not supported; supported on the layer chain: %s", n.op, supported)
}

// checkChainNode checks that node n continues a single chain at value cur:
// cur is its first input only, no extra output is used, and its other
// inputs are weights or constants, not a second branch from the image.
func (im *importer) checkChainNode(n *nodeProto, cur string) error {
	if len(n.inputs) == 0 || n.inputs[0] != cur || slices.Contains(n.inputs[1:], cur) {
		return nodeErr(n, "reads the layer chain's value %q other than as its first input: only a single chain of layers is supported", cur)
	}
	if len(n.outputs) == 0 || n.outputs[0] == "" {
		return nodeErr(n, "has no output")
	}
	for _, o := range n.outputs[1:] {
		if len(im.consumers[o]) > 0 || o == im.g.outputs[0].name {
			return nodeErr(n, "its extra output %q is used; only the first output of a layer is supported", o)
		}
	}
	for _, in := range n.inputs[1:] {
		if _, isInit := im.inits[in]; isInit || in == "" {
			continue
		}
		if _, err := im.constOf(in); errors.Is(err, errDynamic) {
			return nodeErr(n, "input %q is computed from the image too: the graph joins two branches here (or loops), and only a single chain of layers is supported", in)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// spatialLayer imports a Conv or a pool, which need a (1, C, H, W) input.
func (im *importer) spatialLayer(n *nodeProto, name string) (string, error) {
	if len(im.shape) != 3 {
		return "", nodeErr(n, "needs a (1, C, H, W) input, gets a vector of %d", im.shape[0])
	}
	var l engine.Layer
	var err error
	if n.op == "Conv" {
		l, err = im.conv(n, name)
	} else {
		l, err = im.pool(n, name)
	}
	if err != nil {
		return "", err
	}
	return im.add(n, l)
}

// softmax imports a Softmax, which must run over the classes of a vector.
func (im *importer) softmax(n *nodeProto, name string) (string, error) {
	def := int64(-1)
	if im.opset < 13 {
		def = 1
	}
	if ax := attrInt(n, "axis", def); len(im.shape) != 1 || (ax != 1 && ax != -1) {
		return "", nodeErr(n, "softmax over axis %d of a %d-dimensional value: only a softmax over the classes of a (1, N) vector is supported", ax, len(im.shape)+1)
	}
	return im.add(n, &engine.Softmax{LayerName: name})
}

// reshape imports a Reshape whose shape is known at import time and only
// flattens the chain value cur to (1, N).
func (im *importer) reshape(n *nodeProto, name, cur string) (string, error) {
	if len(n.inputs) < 2 {
		return "", nodeErr(n, "needs a shape input")
	}
	s, err := im.constOf(n.inputs[1])
	if err != nil {
		return "", nodeWrap(n, "its shape must be known at import time", err)
	}
	dims, err := reshapeDims(im.chain[cur], s.ints())
	if err != nil {
		return "", nodeWrap(n, "", err)
	}
	if len(dims) != 2 || dims[0] != 1 {
		return "", nodeErr(n, "reshapes %v to %v: only flattening to (1, N) is supported", im.chain[cur], dims)
	}
	return im.add(n, &engine.Flatten{LayerName: name, ChannelsFirst: true})
}

// spatial reads kernel_shape, strides, pads, dilations and auto_pad, adding
// a pending Pad to the pads. kernel is the size the weights imply (nil for
// pools, which must declare kernel_shape).
func (im *importer) spatial(n *nodeProto, kernel []int64) (k, s [2]int, mode engine.PadMode, pads [4]int, err error) {
	ks := attrInts(n, "kernel_shape")
	if ks == nil {
		ks = kernel
	}
	if len(ks) != 2 || (kernel != nil && !slices.Equal(ks, kernel)) {
		return k, s, mode, pads, nodeErr(n, "kernel_shape %v: a 2-D kernel matching the weights is needed", ks)
	}
	st := attrInts(n, "strides")
	if st == nil {
		st = []int64{1, 1}
	}
	if len(st) != 2 {
		return k, s, mode, pads, nodeErr(n, "strides %v: two values needed", st)
	}
	for _, d := range attrInts(n, "dilations") {
		if d != 1 {
			return k, s, mode, pads, nodeErr(n, "dilations %v are not supported (only 1)", attrInts(n, "dilations"))
		}
	}
	for i := range 2 {
		if ks[i] < 1 || ks[i] > 4096 || st[i] < 1 || st[i] > 4096 {
			return k, s, mode, pads, nodeErr(n, "kernel %v or strides %v out of range", ks, st)
		}
		k[i], s[i] = int(ks[i]), int(st[i])
	}
	p := attrInts(n, "pads")
	if p == nil {
		p = []int64{0, 0, 0, 0}
	}
	if len(p) != 4 {
		return k, s, mode, pads, nodeErr(n, "pads %v: four values needed", p)
	}
	// ONNX writes pads as (top, left, bottom, right) for 2-D.
	for i, v := range p {
		if v < 0 || v > 4096 {
			return k, s, mode, pads, nodeErr(n, "pads %v out of range", p)
		}
		pads[i] = int(v)
		if im.pad != nil {
			pads[i] += im.pad[i]
		}
	}
	mode = engine.Asymmetric
	switch ap := attrString(n, "auto_pad", "NOTSET"); ap {
	case "NOTSET", "VALID":
	case "SAME_UPPER":
		if im.pad != nil || slices.ContainsFunc(p, func(v int64) bool { return v != 0 }) {
			return k, s, mode, pads, nodeErr(n, "auto_pad SAME_UPPER together with explicit pads is not supported")
		}
		mode = engine.Same
	default:
		return k, s, mode, pads, nodeErr(n, "auto_pad %s is not supported (NOTSET, VALID or SAME_UPPER)", ap)
	}
	if mode == engine.Asymmetric && pads == [4]int{} {
		mode = engine.Valid
	} else if mode == engine.Asymmetric && pads[0] == pads[1] && pads[1] == pads[2] && pads[2] == pads[3] {
		mode = engine.Explicit
	}
	im.pad = nil
	return k, s, mode, pads, nil
}

func (im *importer) conv(n *nodeProto, name string) (*engine.Conv2D, error) {
	if g := attrInt(n, "group", 1); g != 1 {
		return nil, nodeErr(n, "group=%d (grouped or depthwise convolution) is not supported, only group=1", g)
	}
	inC := im.shape[2]
	w, wd, err := im.weight(n, 1, nil)
	if err != nil {
		return nil, err
	}
	if len(wd) != 4 || wd[1] != int64(inC) || wd[0] < 1 || wd[0] > 4096 {
		return nil, nodeErr(n, "weights have shape %v, want (O, %d, KH, KW)", wd, inC)
	}
	O, KH, KW := int(wd[0]), int(wd[2]), int(wd[3])
	k, s, mode, pads, err := im.spatial(n, wd[2:])
	if err != nil {
		return nil, err
	}
	l := &engine.Conv2D{LayerName: name, KH: k[0], KW: k[1], InC: inC, OutC: O, StrideH: s[0], StrideW: s[1],
		Padding: mode, Pads: pads, Pad: pads[0], Kernel: make([]float32, len(w)), Bias: make([]float32, O)}
	if mode != engine.Explicit {
		l.Pad = 0
	}
	if mode != engine.Asymmetric {
		l.Pads = [4]int{}
	}
	// (O, C, KH, KW) -> (KH, KW, C, O).
	for o := range O {
		for c := range inC {
			for ky := range KH {
				for kx := range KW {
					l.Kernel[((ky*KW+kx)*inC+c)*O+o] = w[((o*inC+c)*KH+ky)*KW+kx]
				}
			}
		}
	}
	if len(n.inputs) > 2 && n.inputs[2] != "" {
		b, _, err := im.weight(n, 2, []int64{int64(O)})
		if err != nil {
			return nil, err
		}
		copy(l.Bias, b)
	}
	return l, nil
}

func (im *importer) pool(n *nodeProto, name string) (engine.Layer, error) {
	if c := attrInt(n, "ceil_mode", 0); c != 0 {
		return nil, nodeErr(n, "ceil_mode=1 is not supported (only floor, PyTorch's default)")
	}
	if so := attrInt(n, "storage_order", 0); so != 0 {
		return nil, nodeErr(n, "storage_order=%d is not supported", so)
	}
	padded := im.pad != nil && slices.ContainsFunc(im.pad, func(p int) bool { return p != 0 })
	own := slices.ContainsFunc(attrInts(n, "pads"), func(p int64) bool { return p != 0 })
	count := attrInt(n, "count_include_pad", 0) == 1
	if padded && own && !count {
		return nil, nodeErr(n, "padding from a Pad node and uncounted pads of its own cannot be combined")
	}
	k, s, mode, pads, err := im.spatial(n, nil)
	if err != nil {
		return nil, err
	}
	for i, p := range pads {
		if p >= k[i%2] {
			return nil, nodeErr(n, "pads %v are not smaller than the window %v", pads, k)
		}
	}
	pad := pads[0]
	if mode != engine.Explicit {
		pad = 0
	}
	if mode != engine.Asymmetric {
		pads = [4]int{}
	}
	if n.op == "MaxPool" {
		return &engine.MaxPool2D{LayerName: name, PoolH: k[0], PoolW: k[1], StrideH: s[0], StrideW: s[1],
			Padding: mode, Pad: pad, Pads: pads}, nil
	}
	// Zeros a Pad node added are real cells of the input, so they count.
	return &engine.AvgPool2D{LayerName: name, PoolH: k[0], PoolW: k[1], StrideH: s[0], StrideW: s[1],
		Padding: mode, Pad: pad, Pads: pads, CountPad: count || padded}, nil
}

func (im *importer) padLayer(n *nodeProto) (string, error) {
	if m := attrString(n, "mode", "constant"); m != "constant" {
		return "", nodeErr(n, "mode %q is not supported (only constant zeros)", m)
	}
	var p []int64
	value := float64(attrFloat(n, "value", 0))
	if im.opset < 11 {
		p = attrInts(n, "pads")
	} else {
		if len(n.inputs) < 2 {
			return "", nodeErr(n, "needs a pads input")
		}
		c, err := im.constOf(n.inputs[1])
		if err != nil {
			return "", nodeWrap(n, "its pads must be known at import time", err)
		}
		p = c.ints()
		if len(n.inputs) > 2 && n.inputs[2] != "" {
			v, err := im.constOf(n.inputs[2])
			if err != nil || len(v.vals) != 1 {
				return "", nodeErr(n, "its constant value must be one number known at import time")
			}
			value = v.vals[0]
		}
		if len(n.inputs) > 3 && n.inputs[3] != "" {
			return "", nodeErr(n, "the axes input is not supported")
		}
	}
	if value != 0 {
		return "", nodeErr(n, "padding with %v is not supported (only zeros)", value)
	}
	// (N, C, H, W) begins, then ends.
	if len(p) != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 {
		return "", nodeErr(n, "pads %v: only padding of H and W of a (1, C, H, W) map is supported", p)
	}
	for _, v := range p {
		if v < 0 || v > 4096 {
			return "", nodeErr(n, "pads %v: negative or huge pads are not supported", p)
		}
	}
	if im.pad != nil {
		return "", nodeErr(n, "two Pad nodes in a row are not supported")
	}
	im.pad, im.padNode = []int{int(p[2]), int(p[3]), int(p[6]), int(p[7])}, n.name
	s := slices.Clone(im.chain[n.inputs[0]])
	s[2] += p[2] + p[6]
	s[3] += p[3] + p[7]
	im.chain[n.outputs[0]] = s
	return n.outputs[0], nil
}
