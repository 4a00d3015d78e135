package tfjs

import (
	"encoding/json"

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
