package onnx

import "cnnexplainer/engine"

// The layers that work on vectors: batch norm (also on maps), and Gemm or
// MatMul (+ Add) as an engine.Dense with its kernel (In, Out).

func (im *importer) batchNorm(n *nodeProto, name string) (string, error) {
	if attrInt(n, "training_mode", 0) != 0 {
		return "", nodeErr(n, "training_mode=1: export the model in eval mode")
	}
	C := im.shape[len(im.shape)-1]
	var p [4][]float32
	for i := range p {
		w, _, err := im.weight(n, i+1, []int64{int64(C)})
		if err != nil {
			return "", err
		}
		p[i] = w
	}
	return im.add(n, &engine.BatchNorm{LayerName: name, C: C, Epsilon: attrFloat(n, "epsilon", 1e-5),
		Gamma: p[0], Beta: p[1], Mean: p[2], Var: p[3]})
}

func (im *importer) vectorIn(n *nodeProto) (int, error) {
	if len(im.shape) != 1 {
		return 0, nodeErr(n, "needs a (1, N) input, gets a map %v (add a Flatten before it)", im.chain[n.inputs[0]])
	}
	return im.shape[0], nil
}

func (im *importer) gemm(n *nodeProto, name string) (string, error) {
	in, err := im.vectorIn(n)
	if err != nil {
		return "", err
	}
	if attrInt(n, "transA", 0) != 0 {
		return "", nodeErr(n, "transA=1 is not supported")
	}
	transB := attrInt(n, "transB", 0) != 0
	alpha, beta := attrFloat(n, "alpha", 1), attrFloat(n, "beta", 1)
	b, bd, err := im.weight(n, 1, nil)
	if err != nil {
		return "", err
	}
	if len(bd) != 2 || (transB && bd[1] != int64(in)) || (!transB && bd[0] != int64(in)) {
		return "", nodeErr(n, "weights have shape %v for %d inputs (transB=%v)", bd, in, transB)
	}
	out := int(bd[0])
	if !transB {
		out = int(bd[1])
	}
	l := &engine.Dense{LayerName: name, In: in, Out: out, Kernel: make([]float32, in*out), Bias: make([]float32, out)}
	for i := range in {
		for o := range out {
			v := b[i*out+o]
			if transB {
				v = b[o*in+i]
			}
			l.Kernel[i*out+o] = alpha * v
		}
	}
	if len(n.inputs) > 2 && n.inputs[2] != "" {
		if err := im.bias(n, 2, l.Bias, beta); err != nil {
			return "", err
		}
	}
	return im.add(n, l)
}

// bias reads input i of n as a bias of len(dst) values (or one value for
// all), times scale.
func (im *importer) bias(n *nodeProto, i int, dst []float32, scale float32) error {
	c, _, err := im.weight(n, i, nil)
	if err != nil {
		return err
	}
	switch len(c) {
	case len(dst):
		for j, v := range c {
			dst[j] = scale * v
		}
	case 1:
		for j := range dst {
			dst[j] = scale * c[0]
		}
	default:
		return nodeErr(n, "bias %q has %d values for %d outputs", n.inputs[i], len(c), len(dst))
	}
	return nil
}

// matMul is a Dense layer; an Add of a constant right after it is its bias.
func (im *importer) matMul(n *nodeProto, name string, visited map[*nodeProto]bool) (string, error) {
	in, err := im.vectorIn(n)
	if err != nil {
		return "", err
	}
	w, wd, err := im.weight(n, 1, nil)
	if err != nil {
		return "", err
	}
	if len(wd) != 2 || wd[0] != int64(in) {
		return "", nodeErr(n, "weights have shape %v for %d inputs", wd, in)
	}
	out := int(wd[1])
	l := &engine.Dense{LayerName: name, In: in, Out: out, Kernel: w, Bias: make([]float32, out)}
	next := n.outputs[0]
	if cons := im.consumers[next]; len(cons) == 1 && cons[0].op == "Add" && len(cons[0].inputs) == 2 && next != im.g.outputs[0].name {
		add := cons[0]
		bi := 1
		if add.inputs[1] == next {
			bi = 0
		}
		if err := im.bias(add, bi, l.Bias, 1); err == nil {
			visited[add] = true
			if _, err := im.add(n, l); err != nil {
				return "", err
			}
			im.chain[add.outputs[0]] = im.chain[next]
			return add.outputs[0], nil
		}
	}
	return im.add(n, l)
}
