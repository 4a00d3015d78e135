package onnx

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/engine"
)

// FuzzDecode asks that no input panics and that a model that comes back
// passes its own check and runs.
//
// The seeds are hand-made graphs of a few hundred bytes that together use
// every op the import reads. With the real exports (6 KB and more) a run
// did almost nothing: the fuzzer minimises each new input for up to a
// minute, in time that grows with its size, and a 5-second CI run made a
// few dozen executions. scripts/test also bounds the minimising
// (-fuzzminimizetime). fuzzSeeds says why each seed is there.
func FuzzDecode(f *testing.F) {
	for _, sd := range fuzzSeeds() {
		b := encodeModel(sd.nodes, sd.inits, "y")
		if _, err := Decode(b); err != nil {
			f.Fatalf("seed %s does not decode: %v", sd.name, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Grown inputs only repeat what the small ones reach, ever
		// more slowly; the reference tests cover the large real files.
		if len(b) > maxFuzzInput {
			return
		}
		m, err := Decode(b)
		if err != nil {
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("Decode returned a model that fails Check: %v", err)
		}
		// Run only models of a size a test can afford (a mutated input
		// shape may declare 4096 x 4096 x 4096 values).
		shapes, _ := m.Shapes()
		for _, sh := range shapes {
			if engine.NumElements(sh) > 1<<20 {
				return
			}
		}
		if m.FLOPs() > 1e8 {
			return
		}
		if _, err := m.Forward(newInput(m.Input.Shape)); err != nil {
			t.Fatal(err)
		}
	})
}

// maxFuzzInput is four times the largest seed.
const maxFuzzInput = 4 << 10

type fuzzSeed struct {
	name  string
	nodes []tNode
	inits []tInit
}

// fuzzSeeds are small valid graphs on the (1, 1, 6, 6) input of
// encodeModel, ending in a dense layer of 4 outputs.
func fuzzSeeds() []fuzzSeed {
	head := func(in string, n int64) ([]tNode, []tInit) {
		return []tNode{
				{name: "/f/Flatten", op: "Flatten", in: []string{in}, out: []string{"f"}},
				{name: "/fc/Gemm", op: "Gemm", in: []string{"f", "fw", "fb"}, out: []string{"y"}, ints: map[string][]int64{"transB": {1}}},
			}, []tInit{
				{name: "fw", dims: []int64{4, n}}, {name: "fb", dims: []int64{4}},
			}
	}
	seed := func(name string, body []tNode, inits []tInit, out string, n int64) fuzzSeed {
		hn, hi := head(out, n)
		return fuzzSeed{name, append(body, hn...), append(inits, hi...)}
	}
	return []fuzzSeed{
		// A strided convolution with padding, then the activations.
		seed("conv", []tNode{
			{name: "/c/Conv", op: "Conv", in: []string{"x", "w", "b"}, out: []string{"c"}, ints: map[string][]int64{"kernel_shape": {2, 2}, "strides": {2, 2}, "pads": {1, 0, 0, 1}}},
			{name: "/r/Relu", op: "Relu", in: []string{"c"}, out: []string{"r"}},
			{name: "/l/LeakyRelu", op: "LeakyRelu", in: []string{"r"}, out: []string{"l"}},
			{name: "/s/Sigmoid", op: "Sigmoid", in: []string{"l"}, out: []string{"s"}},
			{name: "/t/Tanh", op: "Tanh", in: []string{"s"}, out: []string{"t"}},
			{name: "/g/GlobalAveragePool", op: "GlobalAveragePool", in: []string{"t"}, out: []string{"g"}},
		}, []tInit{{name: "w", dims: []int64{1, 1, 2, 2}}, {name: "b", dims: []int64{1}}}, "g", 1),
		// Pooling, a kept batch norm, Dropout and Identity, a softmax.
		seed("pool", []tNode{
			{name: "/m/MaxPool", op: "MaxPool", in: []string{"x"}, out: []string{"m"}, ints: map[string][]int64{"kernel_shape": {2, 2}, "strides": {2, 2}}},
			{name: "/a/AveragePool", op: "AveragePool", in: []string{"m"}, out: []string{"a"}, ints: map[string][]int64{"kernel_shape": {3, 3}, "pads": {1, 1, 1, 1}}},
			{name: "/n/BatchNormalization", op: "BatchNormalization", in: []string{"a", "sc", "bi", "mu", "va"}, out: []string{"n"}},
			{name: "/d/Dropout", op: "Dropout", in: []string{"n"}, out: []string{"d"}},
			{name: "/i/Identity", op: "Identity", in: []string{"d"}, out: []string{"i"}},
			{name: "/g/GlobalAveragePool", op: "GlobalAveragePool", in: []string{"i"}, out: []string{"g"}},
		}, []tInit{{name: "sc", dims: []int64{1}}, {name: "bi", dims: []int64{1}}, {name: "mu", dims: []int64{1}}, {name: "va", dims: []int64{1}, raw: []byte{0, 0, 128, 63}}}, "g", 1),
		// PyTorch's quirks: a Pad before a convolution, a Reshape with a
		// constant shape, a MatMul plus an Add, a trailing Softmax.
		{"torch", []tNode{
			{name: "/p/Pad", op: "Pad", in: []string{"x", "pads"}, out: []string{"p"}},
			{name: "/c/Conv", op: "Conv", in: []string{"p", "w", "b"}, out: []string{"c"}, ints: map[string][]int64{"kernel_shape": {3, 3}, "strides": {3, 3}}},
			{name: "/v/Reshape", op: "Reshape", in: []string{"c", "shape"}, out: []string{"v"}},
			{name: "/fc/MatMul", op: "MatMul", in: []string{"v", "mw"}, out: []string{"mm"}},
			{name: "/fc/Add", op: "Add", in: []string{"mm", "mb"}, out: []string{"z"}},
			{name: "/sm/Softmax", op: "Softmax", in: []string{"z"}, out: []string{"y"}},
		}, []tInit{
			{name: "pads", dims: []int64{8}, typ: 7, raw: int64s(0, 0, 1, 0, 0, 0, 0, 1)},
			{name: "w", dims: []int64{1, 1, 3, 3}}, {name: "b", dims: []int64{1}},
			{name: "shape", dims: []int64{2}, typ: 7, raw: int64s(1, -1)},
			{name: "mw", dims: []int64{4, 4}}, {name: "mb", dims: []int64{4}},
		}},
	}
}

// int64s is the raw data of an INT64 tensor.
func int64s(v ...int64) []byte {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	}
	return b
}

func newInput(shape []int) *engine.Tensor { return engine.NewTensor(shape...) }

// TestDecodeMutations is a deterministic slice of what FuzzDecode does, for
// every plain test run: each reference file cut at every length, and with a
// few random bytes changed, must give a model that checks or an error.
func TestDecodeMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	for _, name := range []string{"cnnmodel", "kinds", "viewed"} {
		b, err := os.ReadFile(filepath.Join("testdata", name, "model.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(b); n += 1 + n/64 {
			if _, err := Decode(b[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes decodes", name, n, len(b))
			}
		}
		for range 1000 {
			c := append([]byte(nil), b...)
			for range 1 + r.IntN(4) {
				c[r.IntN(len(c))] = byte(r.IntN(256))
			}
			if m, err := Decode(c); err == nil {
				if err := m.Check(); err != nil {
					t.Fatalf("%s mutated: a model that fails Check: %v", name, err)
				}
			}
		}
	}
}
