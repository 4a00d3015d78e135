package tfjs

import (
	"encoding/json"
	"math"
	"slices"

	"cnnexplainer/engine"
)

// extraLayer converts the Keras layers that small CNNs use beyond
// TinyVGG's: BatchNormalization, AveragePooling2D, GlobalAveragePooling2D
// and LeakyReLU. ok is false for any other class.
func (d *decoder) extraLayer(l kerasLayer, in []int) (layer engine.Layer, err error, ok bool) {
	c := l.Config
	switch l.ClassName {
	case "BatchNormalization":
		layer, err = d.batchNorm(l, in)
	case "AveragePooling2D":
		pool, perr := pair(c.PoolSize, [2]int{2, 2})
		stride, serr := pair(c.Strides, pool)
		pad, err := padding(c.Padding)
		switch {
		case perr != nil:
			return nil, d.layerErr(l, "pool_size: %v", perr), true
		case serr != nil:
			return nil, d.layerErr(l, "strides: %v", serr), true
		case err != nil:
			return nil, d.layerErr(l, "%v", err), true
		}
		// Keras averages over the input cells only: padding is not counted.
		layer = &engine.AvgPool2D{LayerName: c.Name, PoolH: pool[0], PoolW: pool[1], StrideH: stride[0], StrideW: stride[1], Padding: pad}
	case "GlobalAveragePooling2D":
		if c.KeepDims != nil && *c.KeepDims {
			return nil, d.layerErr(l, "keepdims=true is not supported"), true
		}
		// Keras gives a vector of C values, which a Dense reads directly.
		layer = &engine.GlobalAvgPool{LayerName: c.Name, Vector: true}
	case "LeakyReLU":
		alpha := 0.3 // Keras's default
		if c.Alpha != nil {
			alpha = *c.Alpha
		} else if c.NegativeSlope != nil {
			alpha = *c.NegativeSlope
		}
		layer = &engine.LeakyReLU{LayerName: c.Name, Alpha: float32(alpha)}
	default:
		return nil, nil, false
	}
	return layer, err, true
}

func (d *decoder) batchNorm(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	var axis any
	if len(c.Axis) > 0 {
		if err := json.Unmarshal(c.Axis, &axis); err != nil {
			return nil, d.layerErr(l, "axis %s: %v", c.Axis, err)
		}
	}
	last := float64(len(in))
	switch a := axis.(type) {
	case nil:
	case float64:
		if a != -1 && a != last {
			return nil, d.layerErr(l, "axis %v: only the channel axis (-1) is supported", a)
		}
	case []any:
		if len(a) != 1 || (a[0] != -1.0 && a[0] != last) {
			return nil, d.layerErr(l, "axis %v: only the channel axis (-1) is supported", a)
		}
	default:
		return nil, d.layerErr(l, "axis %s: only the channel axis (-1) is supported", c.Axis)
	}
	ch := in[len(in)-1]
	eps := 1e-3 // Keras's default
	if c.Epsilon != nil {
		eps = *c.Epsilon
	}
	bn := &engine.BatchNorm{LayerName: c.Name, C: ch, Epsilon: float32(eps)}
	var err error
	// center=false or scale=false leave beta or gamma out of the weights.
	if c.Scale == nil || *c.Scale {
		if bn.Gamma, err = d.take(l, "gamma", []int{ch}); err != nil {
			return nil, err
		}
	} else {
		bn.Gamma = ones(ch)
	}
	if c.Center == nil || *c.Center {
		if bn.Beta, err = d.take(l, "beta", []int{ch}); err != nil {
			return nil, err
		}
	} else {
		bn.Beta = make([]float32, ch)
	}
	if bn.Mean, err = d.take(l, "moving_mean", []int{ch}); err != nil {
		return nil, err
	}
	if bn.Var, err = d.take(l, "moving_variance", []int{ch}); err != nil {
		return nil, err
	}
	return bn, nil
}

func ones(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

func (d *decoder) conv2D(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	if len(in) != 3 {
		return nil, d.layerErr(l, "needs an (H, W, C) input, gets shape %v", in)
	}
	if c.Filters == nil || *c.Filters < 1 {
		return nil, d.layerErr(l, "filters must be a positive number")
	}
	k, err := pair(c.KernelSize, [2]int{})
	if err != nil || k[0] < 1 || k[1] < 1 {
		return nil, d.layerErr(l, "kernel_size %s: %v", c.KernelSize, orInvalid(err))
	}
	stride, err := pair(c.Strides, [2]int{1, 1})
	if err != nil || stride[0] < 1 || stride[1] < 1 {
		return nil, d.layerErr(l, "strides %s: %v", c.Strides, orInvalid(err))
	}
	dil, err := pair(c.DilationRate, [2]int{1, 1})
	if err != nil || dil != [2]int{1, 1} {
		return nil, d.layerErr(l, "dilation_rate %s: only 1 is supported", c.DilationRate)
	}
	pad, err := padding(c.Padding)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	act, err := activation(c.Activation)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	if act == engine.ActSoftmax {
		return nil, d.layerErr(l, "a softmax activation on a convolution is not supported")
	}
	filters := *c.Filters
	if k[0] > 4096 || k[1] > 4096 || filters > 1<<16 {
		return nil, d.layerErr(l, "kernel %v with %d filters is too large", k, filters)
	}
	kernel, err := d.take(l, "kernel", []int{k[0], k[1], in[2], filters})
	if err != nil {
		return nil, err
	}
	bias, err := d.bias(l, filters)
	if err != nil {
		return nil, err
	}
	return &engine.Conv2D{
		LayerName: c.Name, KH: k[0], KW: k[1], InC: in[2], OutC: filters,
		StrideH: stride[0], StrideW: stride[1], Padding: pad,
		Kernel: kernel, Bias: bias, Act: act,
	}, nil
}

func (d *decoder) dense(l kerasLayer, in []int) (engine.Layer, error) {
	c := l.Config
	if len(in) != 1 {
		return nil, d.layerErr(l, "needs a vector input, gets shape %v (add a Flatten layer)", in)
	}
	if c.Units == nil || *c.Units < 1 || *c.Units > 1<<20 {
		return nil, d.layerErr(l, "units must be a positive number")
	}
	act, err := activation(c.Activation)
	if err != nil {
		return nil, d.layerErr(l, "%v", err)
	}
	kernel, err := d.take(l, "kernel", []int{in[0], *c.Units})
	if err != nil {
		return nil, err
	}
	bias, err := d.bias(l, *c.Units)
	if err != nil {
		return nil, err
	}
	return &engine.Dense{LayerName: c.Name, In: in[0], Out: *c.Units, Kernel: kernel, Bias: bias, Act: act}, nil
}

// bias returns the layer's bias, or zeros when use_bias is false (the
// engine always adds one).
func (d *decoder) bias(l kerasLayer, n int) ([]float32, error) {
	if l.Config.UseBias != nil && !*l.Config.UseBias {
		if _, ok := d.weights[l.Config.Name+"/bias"]; ok {
			return nil, d.layerErr(l, "use_bias is false but the manifest has a bias")
		}
		return make([]float32, n), nil
	}
	return d.take(l, "bias", []int{n})
}

// take claims the layer's weight of the given role and checks its shape and
// values.
func (d *decoder) take(l kerasLayer, role string, shape []int) ([]float32, error) {
	name := l.Config.Name + "/" + role
	w, ok := d.weights[name]
	if !ok {
		return nil, d.layerErr(l, "weight %q is missing from the manifest", name)
	}
	if w.used {
		return nil, d.layerErr(l, "weight %q claimed twice", name)
	}
	if !slices.Equal(w.shape, shape) {
		return nil, d.layerErr(l, "weight %q has shape %v, the layer needs %v", name, w.shape, shape)
	}
	for i, v := range w.data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, d.layerErr(l, "weight %q value %d is %v", name, i, v)
		}
	}
	w.used = true
	return w.data, nil
}
