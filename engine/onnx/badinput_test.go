package onnx

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// A tiny ONNX writer for test graphs: enough of ModelProto to build the
// broken and unsupported graphs below.

type tNode struct {
	name, op string
	in, out  []string
	ints     map[string][]int64
}

type tInit struct {
	name string
	dims []int64
	raw  []byte // nil: float32 zeros of the declared size
	typ  int64  // data_type; 0 means 1, float32
}

func msg(b []byte, num protowire.Number, sub []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, sub)
}

func str(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func varint(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func encodeNode(n tNode) []byte {
	var b []byte
	for _, s := range n.in {
		b = str(b, 1, s)
	}
	for _, s := range n.out {
		b = str(b, 2, s)
	}
	b = str(b, 3, n.name)
	b = str(b, 4, n.op)
	for name, v := range n.ints {
		var a []byte
		a = str(a, 1, name)
		if len(v) == 1 && name != "kernel_shape" && name != "pads" && name != "strides" && name != "dilations" {
			a = varint(a, 3, v[0])
			a = varint(a, 20, 2)
		} else {
			for _, x := range v {
				a = varint(a, 8, x)
			}
			a = varint(a, 20, 7)
		}
		b = msg(b, 5, a)
	}
	return b
}

func encodeInit(t tInit) []byte {
	var b []byte
	n := int64(1)
	for _, d := range t.dims {
		b = varint(b, 1, d)
		n *= d
	}
	b = varint(b, 2, max(t.typ, 1))
	b = str(b, 8, t.name)
	raw := t.raw
	if raw == nil {
		raw = make([]byte, 4*n)
		for i := int64(0); i < n; i++ {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(0.01*float32(i%7)))
		}
	}
	return msg(b, 9, raw)
}

func encodeValueInfo(name string, dims ...int64) []byte {
	var shape []byte
	for _, d := range dims {
		shape = msg(shape, 1, varint(nil, 1, d))
	}
	tt := msg(varint(nil, 1, 1), 2, shape)
	return msg(str(nil, 1, name), 2, msg(nil, 1, tt))
}

func encodeModel(nodes []tNode, inits []tInit, out string) []byte {
	var g []byte
	for _, n := range nodes {
		g = msg(g, 1, encodeNode(n))
	}
	for _, t := range inits {
		g = msg(g, 5, encodeInit(t))
	}
	g = msg(g, 11, encodeValueInfo("x", 1, 1, 6, 6))
	g = msg(g, 12, encodeValueInfo(out, 1, 4))
	b := varint(nil, 1, 7)
	b = str(b, 2, "test")
	b = msg(b, 7, g)
	return msg(b, 8, varint(nil, 2, 13))
}

// convNet is x -> Conv(2 filters, 3x3) -> Relu -> Flatten -> Gemm(4): a
// valid graph that each case below breaks in one place.
func convNet() ([]tNode, []tInit) {
	return []tNode{
			{name: "/c/Conv", op: "Conv", in: []string{"x", "w", "b"}, out: []string{"c"}, ints: map[string][]int64{"kernel_shape": {3, 3}}},
			{name: "/r/Relu", op: "Relu", in: []string{"c"}, out: []string{"r"}},
			{name: "/f/Flatten", op: "Flatten", in: []string{"r"}, out: []string{"f"}},
			{name: "/fc/Gemm", op: "Gemm", in: []string{"f", "fw", "fb"}, out: []string{"y"}, ints: map[string][]int64{"transB": {1}}},
		}, []tInit{
			{name: "w", dims: []int64{2, 1, 3, 3}}, {name: "b", dims: []int64{2}},
			{name: "fw", dims: []int64{4, 32}}, {name: "fb", dims: []int64{4}},
		}
}

func TestDecodeGood(t *testing.T) {
	nodes, inits := convNet()
	m, err := Decode(encodeModel(nodes, inits, "y"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Layers); got != 4 || m.Layers[3].Name() != "fc" {
		t.Fatalf("got %d layers ending in %q", got, m.Layers[len(m.Layers)-1].Name())
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "cnnmodel", "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(n []tNode, i []tInit) ([]tNode, []tInit)) []byte {
		n, i := convNet()
		n, i = f(n, i)
		return encodeModel(n, i, "y")
	}
	tests := []struct {
		name string
		data []byte
		want string // a part of the message
	}{
		{"empty", nil, "no graph"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"json", []byte(`{"format": "tinyvgg-model"}`), "truncated"},
		{"wrong tensor size", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			i[0].raw = make([]byte, 12)
			return n, i
		}), `tensor "w": raw_data has 12 bytes, shape [2 1 3 3] needs 72`},
		{"huge dims", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			i[0].dims, i[0].raw = []int64{1 << 20, 1 << 20, 3, 3}, []byte{}
			return n, i
		}), "elements"},
		{"missing initializer", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			return n, i[1:]
		}), `value "w" is neither an initializer nor the output of a node`},
		{"cycle", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[1].in = []string{"c", "r2"}
			n[1].op = "Add"
			n = append(n, tNode{name: "/loop/Relu", op: "Relu", in: []string{"r"}, out: []string{"r2"}})
			return n, i
		}), "joins two branches"},
		{"constant cycle", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[0].in[1] = "k1"
			n = append(n, tNode{name: "/k/Identity", op: "Identity", in: []string{"k2"}, out: []string{"k1"}},
				tNode{name: "/k/Identity_1", op: "Identity", in: []string{"k1"}, out: []string{"k2"}})
			return n, i
		}), "cycle"},
		{"residual add", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[1] = tNode{name: "/res/Add", op: "Add", in: []string{"c", "x"}, out: []string{"r"}}
			return n, i
		}), "branches at value \"x\""},
		{"unsupported op", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[1].op = "Elu"
			return n, i
		}), `node "/r/Relu" (Elu): op Elu is not supported`},
		{"groups", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[0].ints["group"] = []int64{2}
			return n, i
		}), `node "/c/Conv" (Conv): group=2`},
		{"dilation", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[0].ints["dilations"] = []int64{2, 2}
			return n, i
		}), `node "/c/Conv" (Conv): dilations [2 2] are not supported`},
		{"dense before flatten", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[2].op = "Identity"
			return n, i
		}), `node "/fc/Gemm" (Gemm): needs a (1, N) input`},
		{"ceil mode", edit(func(n []tNode, i []tInit) ([]tNode, []tInit) {
			n[1] = tNode{name: "/p/MaxPool", op: "MaxPool", in: []string{"c"}, out: []string{"r"},
				ints: map[string][]int64{"kernel_shape": {2, 2}, "strides": {2, 2}, "ceil_mode": {1}}}
			return n, i
		}), `node "/p/MaxPool" (MaxPool): ceil_mode=1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.data)
			if err == nil {
				t.Fatalf("no error (model with %d layers)", len(m.Layers))
			}
			if m != nil {
				t.Error("a model came back together with the error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "onnx: ") {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLayerName(t *testing.T) {
	for in, want := range map[string]string{
		"/block_1/block_1.0/Conv": "block_1.0", "/fc1/Gemm": "fc1", "/Reshape": "Reshape", "Conv_0": "Conv_0", "": "",
	} {
		if got := layerName(in); got != want {
			t.Errorf("layerName(%q) = %q, want %q", in, got, want)
		}
	}
}
