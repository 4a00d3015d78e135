package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Benchmarks of one full traced forward pass (every layer's output kept),
// the work bench/forward.mjs times in TensorFlow.js. Run them one-threaded:
//
//	go test -run '^$' -bench Forward -count 3 -cpu 1 ./engine/

// seededConv returns a Conv2D with Glorot-uniform weights and small biases
// drawn from r.
func seededConv(r *rand.Rand, name string, k, in, out int, pad PadMode, p int, act Activation) *Conv2D {
	l := &Conv2D{LayerName: name, KH: k, KW: k, InC: in, OutC: out, StrideH: 1, StrideW: 1, Padding: pad, Pad: p, Act: act,
		Kernel: make([]float32, k*k*in*out), Bias: make([]float32, out)}
	fill(r, l.Kernel, math.Sqrt(6/float64(k*k*in+k*k*out)))
	fill(r, l.Bias, 0.1)
	return l
}

func seededDense(r *rand.Rand, name string, in, out int, act Activation) *Dense {
	l := &Dense{LayerName: name, In: in, Out: out, Act: act, Kernel: make([]float32, in*out), Bias: make([]float32, out)}
	fill(r, l.Kernel, math.Sqrt(6/float64(in+out)))
	fill(r, l.Bias, 0.1)
	return l
}

func fill(r *rand.Rand, d []float32, lim float64) {
	for i := range d {
		d[i] = float32((2*r.Float64() - 1) * lim)
	}
}

func pool2(name string) *MaxPool2D {
	return &MaxPool2D{LayerName: name, PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2}
}

// cnnExplainerModel has CNN Explainer's TinyVGG architecture: 64x64x3,
// four 3x3 valid convolutions with 10 filters, each followed by a ReLU
// layer, max-pool 2 after every second, and Dense 1690 -> 10 softmax.
func cnnExplainerModel() *Model {
	r := rand.New(rand.NewPCG(1, 2))
	return &Model{
		Name:  "cnn-explainer",
		Input: Input{Shape: []int{64, 64, 3}, Scale: 1.0 / 255},
		Layers: []Layer{
			seededConv(r, "conv_1_1", 3, 3, 10, Valid, 0, Linear),
			&ReLU{LayerName: "relu_1_1"},
			seededConv(r, "conv_1_2", 3, 10, 10, Valid, 0, Linear),
			&ReLU{LayerName: "relu_1_2"},
			pool2("max_pool_1"),
			seededConv(r, "conv_2_1", 3, 10, 10, Valid, 0, Linear),
			&ReLU{LayerName: "relu_2_1"},
			seededConv(r, "conv_2_2", 3, 10, 10, Valid, 0, Linear),
			&ReLU{LayerName: "relu_2_2"},
			pool2("max_pool_2"),
			&Flatten{LayerName: "flatten"},
			seededDense(r, "output", 1690, 10, ActSoftmax),
		},
	}
}

// seedModel is the seed's TinyVGG: 28x28x1, 3x3 convolutions with explicit
// padding 1 and 10 hidden units, ReLU layers, two blocks, Dense 490 -> 10.
func seedModel() *Model {
	r := rand.New(rand.NewPCG(3, 4))
	return &Model{
		Name:  "seed",
		Input: Input{Shape: []int{28, 28, 1}, Scale: 1.0 / 255},
		Layers: []Layer{
			seededConv(r, "conv_1_1", 3, 1, 10, Explicit, 1, Linear),
			&ReLU{LayerName: "relu_1_1"},
			seededConv(r, "conv_1_2", 3, 10, 10, Explicit, 1, Linear),
			&ReLU{LayerName: "relu_1_2"},
			pool2("max_pool_1"),
			seededConv(r, "conv_2_1", 3, 10, 10, Explicit, 1, Linear),
			&ReLU{LayerName: "relu_2_1"},
			seededConv(r, "conv_2_2", 3, 10, 10, Explicit, 1, Linear),
			&ReLU{LayerName: "relu_2_2"},
			pool2("max_pool_2"),
			&Flatten{LayerName: "flatten"},
			seededDense(r, "output", 490, 10, Linear),
		},
	}
}

func seededInput(shape []int) *Tensor {
	r := rand.New(rand.NewPCG(5, 6))
	x := NewTensor(shape...)
	for i := range x.Data {
		x.Data[i] = r.Float32()
	}
	return x
}

func benchmarkForward(b *testing.B, m *Model, reuse bool) {
	if err := m.Check(); err != nil {
		b.Fatal(err)
	}
	x := seededInput(m.Input.Shape)
	flops := float64(m.FLOPs())
	b.ReportAllocs()
	var tr Trace
	cpu0, cpuOK := processCPUTime()
	for b.Loop() {
		var err error
		if reuse {
			err = m.ForwardInto(&tr, x)
		} else {
			_, err = m.Forward(x)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu1, _ := processCPUTime()
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perOp*1e3, "ms/forward")
	b.ReportMetric(flops/perOp/1e9, "GFLOP/s")
	if cpuOK {
		// CPU time of the whole process: with -cpu 1 that is the forward
		// passes and the garbage collection they cause.
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N)*1e3, "cpu-ms/forward")
	}
}

func BenchmarkForwardCNNExplainer64(b *testing.B) { benchmarkForward(b, cnnExplainerModel(), false) }
func BenchmarkForwardSeed28(b *testing.B)         { benchmarkForward(b, seedModel(), false) }

// The same passes through ForwardInto, one Trace reused, as a caller that
// traces many inputs would.
func BenchmarkForwardIntoCNNExplainer64(b *testing.B) { benchmarkForward(b, cnnExplainerModel(), true) }
func BenchmarkForwardIntoSeed28(b *testing.B)         { benchmarkForward(b, seedModel(), true) }

// TestBenchModels keeps the benchmark models honest: they must be valid and
// have the FLOP counts worked out from their shapes.
func TestBenchModels(t *testing.T) {
	tests := []struct {
		m     *Model
		flops int64
	}{
		// 2*(62*62*10*27 + 60*60*10*90 + 28*28*10*90 + 26*26*10*90 + 1690*10)
		{cnnExplainerModel(), 2 * (62*62*10*27 + 60*60*10*90 + 28*28*10*90 + 26*26*10*90 + 1690*10)},
		// 2*(28*28*10*9 + 28*28*10*90 + 2*14*14*10*90 + 490*10)
		{seedModel(), 2 * (28*28*10*9 + 28*28*10*90 + 2*14*14*10*90 + 490*10)},
	}
	for _, tc := range tests {
		t.Run(tc.m.Name, func(t *testing.T) {
			if err := tc.m.Check(); err != nil {
				t.Fatal(err)
			}
			if got := tc.m.FLOPs(); got != tc.flops {
				t.Errorf("FLOPs = %d, want %d", got, tc.flops)
			}
			tr, err := tc.m.Forward(seededInput(tc.m.Input.Shape))
			if err != nil {
				t.Fatal(err)
			}
			var sum float64
			for _, p := range tr.Probs {
				sum += float64(p)
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Errorf("probabilities sum to %v", sum)
			}
			if got := fmt.Sprint(tr.Layers[len(tr.Layers)-1].Output.Shape); got != "[10]" {
				t.Errorf("output shape %s", got)
			}
			// The logits are the output layer's x K + b, bit for bit, whether
			// the trace kept them (softmax) or read them off the layer.
			last := tc.m.Layers[len(tc.m.Layers)-1].(*Dense)
			z := make([]float32, last.Out)
			last.Logits(tr.LayerInput(len(tr.Layers)-1).Data, z)
			if !slices.Equal(bits(z), bits(tr.Logits)) {
				t.Errorf("logits %v, want %v", tr.Logits, z)
			}
		})
	}
}

// TestForwardIntoReuses checks that ForwardInto gives Forward's trace bit
// for bit when its Trace is reused for other inputs, and that the reuse
// allocates almost nothing (the shape check's few slices).
func TestForwardIntoReuses(t *testing.T) {
	for _, m := range []*Model{cnnExplainerModel(), seedModel()} {
		t.Run(m.Name, func(t *testing.T) {
			var tr Trace
			r := rand.New(rand.NewPCG(7, 8))
			for k := range 3 {
				x := NewTensor(m.Input.Shape...)
				fill(r, x.Data, 1)
				want, err := m.Forward(x)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.ForwardInto(&tr, x); err != nil {
					t.Fatal(err)
				}
				for i, l := range want.Layers {
					if !slices.Equal(bits(l.Output.Data), bits(tr.Layers[i].Output.Data)) || l.Name != tr.Layers[i].Name {
						t.Fatalf("input %d: layer %s differs", k, l.Name)
					}
				}
				if !slices.Equal(bits(want.Logits), bits(tr.Logits)) || !slices.Equal(bits(want.Probs), bits(tr.Probs)) {
					t.Fatalf("input %d: logits or probabilities differ", k)
				}
			}
			x := seededInput(m.Input.Shape)
			allocs := testing.AllocsPerRun(10, func() {
				if err := m.ForwardInto(&tr, x); err != nil {
					t.Fatal(err)
				}
			})
			if limit := float64(2*len(m.Layers) + 4); allocs > limit {
				t.Errorf("ForwardInto allocates %v times a call, want at most %v", allocs, limit)
			}
		})
	}
}

func bits(v []float32) []uint32 {
	b := make([]uint32, len(v))
	for i, f := range v {
		b[i] = math.Float32bits(f)
	}
	return b
}
