package modelfile

import (
	"fmt"

	"cnnexplainer/engine"
	"cnnexplainer/engine/safetensors"
)

// The layers ONNX and Keras imports bring beyond TinyVGG's, and the
// padding and flatten order they need, in model.json.

// orderCHW marks a flatten in PyTorch's order (engine.Flatten.ChannelsFirst).
const orderCHW = "chw"

// extraFields lists the fields each of these layer types may carry.
var extraFields = map[engine.Kind][]string{
	engine.KindAvgPool2D:     {"pool", "strides", "padding", "pad", "pads", "count_pad"},
	engine.KindBatchNorm:     {"epsilon"},
	engine.KindLeakyReLU:     {"alpha"},
	engine.KindGlobalAvgPool: {"vector"},
	engine.KindFlatten:       {"order"},
}

func savePads(mode engine.PadMode, pads [4]int) []int {
	if mode != engine.Asymmetric {
		return nil
	}
	return pads[:]
}

// encodeExtra fills lj for the layer types of this file.
func encodeExtra(l engine.Layer, lj *layerJSON) bool {
	switch l := l.(type) {
	case *engine.AvgPool2D:
		lj.Pool = []int{l.PoolH, l.PoolW}
		lj.Strides = []int{l.StrideH, l.StrideW}
		lj.Padding = l.Padding.String()
		if l.Padding == engine.Explicit {
			lj.Pad = l.Pad
		}
		lj.Pads = savePads(l.Padding, l.Pads)
		lj.CountPad = l.CountPad
	case *engine.BatchNorm:
		lj.Epsilon = &l.Epsilon
	case *engine.LeakyReLU:
		lj.Alpha = &l.Alpha
	case *engine.GlobalAvgPool:
		lj.Vector = l.Vector
	case *engine.Sigmoid, *engine.Tanh:
	default:
		return false
	}
	return true
}

// loadPads reads the pads of padding "asymmetric", and refuses them with
// any other padding.
func loadPads(mode engine.PadMode, v []int) ([4]int, error) {
	var p [4]int
	if mode != engine.Asymmetric {
		if v != nil {
			return p, fmt.Errorf("pads %v need padding \"asymmetric\"", v)
		}
		return p, nil
	}
	if len(v) != 4 {
		return p, fmt.Errorf("padding \"asymmetric\" needs pads [top, left, bottom, right], got %v", v)
	}
	for i, x := range v {
		if x < 0 || x > 4096 {
			return p, fmt.Errorf("pads %v must be from 0 to 4096", v)
		}
		p[i] = x
	}
	return p, nil
}

// window reads pool, strides, padding, pad and pads of a pooling layer.
func window(lj layerJSON) (pool, stride []int, mode engine.PadMode, pads [4]int, err error) {
	if pool, err = pair("pool", lj.Pool, nil); err != nil {
		return
	}
	if stride, err = pair("strides", lj.Strides, pool); err != nil {
		return
	}
	if mode, err = padMode(lj.Padding); err != nil {
		return
	}
	if lj.Pad != 0 && mode != engine.Explicit {
		err = fmt.Errorf("pad %d needs padding \"explicit\"", lj.Pad)
		return
	}
	pads, err = loadPads(mode, lj.Pads)
	return
}

// buildExtra makes the layer types of this file.
func buildExtra(kind engine.Kind, lj layerJSON, in []int, wf *safetensors.File, used map[string]bool) (engine.Layer, error) {
	switch kind {
	case engine.KindAvgPool2D:
		pool, stride, mode, pads, err := window(lj)
		if err != nil {
			return nil, err
		}
		return &engine.AvgPool2D{LayerName: lj.Name, PoolH: pool[0], PoolW: pool[1], StrideH: stride[0], StrideW: stride[1],
			Padding: mode, Pad: lj.Pad, Pads: pads, CountPad: lj.CountPad}, nil
	case engine.KindBatchNorm:
		if len(in) == 0 {
			return nil, fmt.Errorf("batch norm needs an input")
		}
		c := in[len(in)-1]
		bn := &engine.BatchNorm{LayerName: lj.Name, C: c, Epsilon: 1e-5}
		if lj.Epsilon != nil {
			bn.Epsilon = *lj.Epsilon
		}
		for _, p := range []struct {
			name string
			dst  *[]float32
		}{{"gamma", &bn.Gamma}, {"beta", &bn.Beta}, {"moving_mean", &bn.Mean}, {"moving_variance", &bn.Var}} {
			v, err := param(wf, used, lj.Name+"/"+p.name, []int{c})
			if err != nil {
				return nil, err
			}
			*p.dst = v
		}
		return bn, nil
	case engine.KindLeakyReLU:
		if lj.Alpha == nil {
			return nil, fmt.Errorf("alpha is required")
		}
		return &engine.LeakyReLU{LayerName: lj.Name, Alpha: *lj.Alpha}, nil
	case engine.KindGlobalAvgPool:
		return &engine.GlobalAvgPool{LayerName: lj.Name, Vector: lj.Vector}, nil
	case engine.KindSigmoid:
		return &engine.Sigmoid{LayerName: lj.Name}, nil
	case engine.KindTanh:
		return &engine.Tanh{LayerName: lj.Name}, nil
	}
	return nil, fmt.Errorf("layer type %q cannot be loaded", lj.Type)
}
