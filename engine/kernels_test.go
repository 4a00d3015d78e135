package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// naiveConv is the convolution written straight from its definition, with
// the padding tested per tap: the reference the blocked kernels must match.
func naiveConv(l *Conv2D, x *Tensor) *Tensor {
	wy, wx, err := l.Windows(x.Shape)
	if err != nil {
		panic(err)
	}
	W, C, O := x.Shape[1], l.InC, l.OutC
	y := NewTensor(wy.Out, wx.Out, O)
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			for o := 0; o < O; o++ {
				s := float64(l.Bias[o])
				for ky := 0; ky < l.KH; ky++ {
					iy := oy*l.StrideH + ky - wy.Before
					for kx := 0; kx < l.KW; kx++ {
						ix := ox*l.StrideW + kx - wx.Before
						if iy < 0 || iy >= wy.In || ix < 0 || ix >= wx.In {
							continue
						}
						for c := 0; c < C; c++ {
							s += float64(x.Data[(iy*W+ix)*C+c]) * float64(l.Kernel[((ky*l.KW+kx)*C+c)*O+o])
						}
					}
				}
				if l.Act == ActReLU && s < 0 {
					s = 0
				}
				y.Data[(oy*wx.Out+ox)*O+o] = float32(s)
			}
		}
	}
	return y
}

// relErr is the largest |got-want| relative to the largest |want| (or 1e-30
// for an all-zero want).
func relErr(got, want []float32) float64 {
	var worst, scale float64
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i])-float64(want[i])))
		scale = max(scale, math.Abs(float64(want[i])))
	}
	return worst / max(scale, 1e-30)
}

type convCase struct {
	h, w, c, o, k, s int
	pad              PadMode
	p                int
	act              Activation
}

func (c convCase) String() string {
	return fmt.Sprintf("%dx%dx%d_k%d_s%d_o%d_%v%d_%v", c.h, c.w, c.c, c.k, c.s, c.o, c.pad, c.p, c.act)
}

// convCases covers narrow maps (the per-pixel path), widths that are and
// are not multiples of the 6-pixel block, 1 to 40 output channels (partial,
// full and several 16-channel blocks), strides, kernels and all paddings.
func convCases() []convCase {
	cases := []convCase{
		{64, 64, 3, 10, 3, 1, Valid, 0, Linear},
		{62, 62, 10, 10, 3, 1, Valid, 0, ActReLU},
		{28, 28, 1, 10, 3, 1, Explicit, 1, ActReLU},
		{14, 14, 10, 10, 3, 1, Explicit, 1, Linear},
		{5, 5, 2, 3, 3, 1, Valid, 0, Linear},
		{7, 3, 2, 5, 2, 2, Same, 0, ActReLU},
		{9, 8, 3, 10, 3, 1, Same, 0, ActReLU},
		{11, 23, 2, 10, 2, 2, Explicit, 2, Linear},
		{6, 17, 4, 10, 5, 1, Valid, 0, ActReLU},
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 60 {
		c := convCase{
			h: 1 + r.IntN(20), w: 1 + r.IntN(20), c: 1 + r.IntN(5), o: []int{1 + r.IntN(40), 10}[r.IntN(2)],
			k: 1 + r.IntN(5), s: 1 + r.IntN(3), pad: PadMode(r.IntN(3)), act: Activation(r.IntN(2)),
		}
		if c.pad == Explicit {
			c.p = r.IntN(3)
		}
		if c.pad == Valid || c.pad == Explicit {
			c.h = max(c.h, c.k)
			c.w = max(c.w, c.k)
		}
		cases = append(cases, c)
	}
	return cases
}

func (c convCase) build(r *rand.Rand) (*Conv2D, *Tensor) {
	l := seededConv(r, "conv", c.k, c.c, c.o, c.pad, c.p, c.act)
	l.StrideH, l.StrideW = c.s, c.s
	x := NewTensor(c.h, c.w, c.c)
	for i := range x.Data {
		x.Data[i] = float32(2*r.Float64() - 1)
	}
	return l, x
}

// TestConvKernels checks Conv2D.Forward and each micro-kernel this machine
// can run against the plain definition.
func TestConvKernels(t *testing.T) {
	best := bestConv()
	kernels := map[string]convKernels{
		"go":        {block: convMicroGo},
		"best":      best,
		"best 6x16": {block: best.block},
	}
	r := rand.New(rand.NewPCG(9, 10))
	for _, c := range convCases() {
		l, x := c.build(r)
		want := naiveConv(l, x)
		got := NewTensor(want.Shape...)
		l.Forward(x, got)
		if e := relErr(got.Data, want.Data); e > 1e-6 {
			t.Errorf("%v: Forward differs from the definition by %.2g (relative)", c, e)
		}
		wy, wx, _ := l.Windows(x.Shape)
		for name, k := range kernels {
			got := NewTensor(want.Shape...)
			convForward(new(Workspace), l, x, got, wy, wx, k)
			if e := relErr(got.Data, want.Data); e > 1e-6 {
				t.Errorf("%v: %s kernel differs from the definition by %.2g (relative)", c, name, e)
			}
		}
	}
}

// TestConvKernelsAgree compares the assembly and Go micro-kernels directly:
// they sum in the same order, so only the fused rounding may differ.
func TestConvKernelsAgree(t *testing.T) {
	if !hasFMA {
		t.Skip("no AVX2+FMA on this machine: only the Go kernel runs")
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range convCases() {
		l, x := c.build(r)
		wy, wx, _ := l.Windows(x.Shape)
		a, b := NewTensor(wy.Out, wx.Out, c.o), NewTensor(wy.Out, wx.Out, c.o)
		convForward(new(Workspace), l, x, a, wy, wx, convKernels{block: convMicroGo})
		convForward(new(Workspace), l, x, b, wy, wx, bestConv())
		if e := relErr(a.Data, b.Data); e > 1e-6 {
			t.Errorf("%v: assembly and Go kernels differ by %.2g (relative)", c, e)
		}
	}
}

// TestConvKernelWritesOnlyItsLanes fills the output with a sentinel and
// checks which values a block writes. Without spill: only each pixel's
// lanes. With spill: each pixel's lanes hold the right values (later pixels
// overwrite what earlier ones spilled) and nothing past the last pixel's
// blockOut values changes.
func TestConvKernelWritesOnlyItsLanes(t *testing.T) {
	const sentinel = 12345
	for name, k := range map[string]convMicro{"go": convMicroGo, "best": bestConv().block} {
		for _, lanes := range []int{1, 7, 8, 9, 10, 16} {
			for _, spill := range []bool{false, true} {
				n, yPix := 3, lanes+2
				x := make([]float32, blockPix*n)
				for i := range x {
					x[i] = 1
				}
				kp := make([]float32, n*blockOut)
				for i := range kp {
					kp[i] = 1
				}
				var bias [blockOut]float32
				y := make([]float32, (blockPix-1)*yPix+blockOut+4)
				for i := range y {
					y[i] = sentinel
				}
				k(x, n, n, kp, 1, n, &bias, lanes, y, yPix, false, spill)
				for i, v := range y {
					inLanes := i < blockPix*yPix && i%yPix < lanes
					switch {
					case inLanes && v != 3:
						t.Fatalf("%s, %d lanes, spill %v: y[%d] = %v, want 3", name, lanes, spill, i, v)
					case !inLanes && !spill && v != sentinel:
						t.Fatalf("%s, %d lanes: y[%d] = %v, want it untouched", name, lanes, i, v)
					case i >= (blockPix-1)*yPix+blockOut && v != sentinel:
						t.Fatalf("%s, %d lanes, spill: y[%d] past the block = %v", name, lanes, i, v)
					}
				}
			}
		}
	}
}

func TestDenseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	kernels := map[string]denseMicro{"go": denseMicroGo, "best": bestDense()}
	for _, size := range [][2]int{{1, 1}, {3, 10}, {1690, 10}, {490, 10}, {7, 16}, {9, 17}, {33, 40}, {5, 3}} {
		in, out := size[0], size[1]
		l := seededDense(r, "dense", in, out, Linear)
		x := make([]float32, in)
		fill(r, x, 1)
		want := make([]float32, out)
		for o := range want {
			s := float64(l.Bias[o])
			for i := range x {
				s += float64(x[i]) * float64(l.Kernel[i*out+o])
			}
			want[o] = float32(s)
		}
		got := make([]float32, out)
		l.Logits(x, got)
		// Up to 1690 terms in one float32 sum: 1e-5 relative.
		if e := relErr(got, want); e > 1e-5 {
			t.Errorf("%dx%d: Logits differs from the definition by %.2g", in, out, e)
		}
		for name, k := range kernels {
			got := make([]float32, out)
			denseForward(x, l.Kernel, l.Bias, got, k)
			if e := relErr(got, want); e > 1e-5 {
				t.Errorf("%dx%d: %s kernel differs from the definition by %.2g", in, out, name, e)
			}
		}
	}
}

// TestMaxPoolMatchesArgmax checks Forward and each pool kernel against
// Argmax, the cell-by-cell definition that Backward also uses, bit for bit:
// values include ties, negative zero and NaN.
func TestMaxPoolMatchesArgmax(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	special := []float32{float32(math.Copysign(0, -1)), float32(math.NaN())}
	kernels := map[string]poolMicro{"go": poolMicroGo, "best": bestPool()}
	for range 60 {
		l := &MaxPool2D{LayerName: "pool", PoolH: 1 + r.IntN(4), PoolW: 1 + r.IntN(4), Padding: PadMode(r.IntN(2))}
		l.StrideH, l.StrideW = 1+r.IntN(3), 1+r.IntN(3)
		x := NewTensor(max(l.PoolH, 1+r.IntN(12)), max(l.PoolW, 1+r.IntN(12)), 1+r.IntN(20))
		for i := range x.Data {
			x.Data[i] = float32(r.IntN(7) - 5) // ties and negatives
			if r.IntN(50) == 0 {
				x.Data[i] = special[r.IntN(2)]
			}
		}
		shape, err := l.OutputShape(x.Shape)
		if err != nil {
			t.Fatal(err)
		}
		wy, wx, _ := l.Windows(x.Shape)
		outs := map[string]*Tensor{"Forward": NewTensor(shape...)}
		l.Forward(x, outs["Forward"])
		for name, k := range kernels {
			outs[name] = NewTensor(shape...)
			poolForward(l, x, outs[name], wy, wx, k)
		}
		for name, y := range outs {
			for oy := 0; oy < shape[0]; oy++ {
				for ox := 0; ox < shape[1]; ox++ {
					for c := 0; c < shape[2]; c++ {
						got, want := y.At(oy, ox, c), x.Data[l.Argmax(x, oy, ox, c)]
						if math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("%s, %+v on %v: y[%d,%d,%d] = %v, want %v", name, *l, x.Shape, oy, ox, c, got, want)
						}
					}
				}
			}
		}
	}
}

func TestReLUKernels(t *testing.T) {
	nan := float32(math.NaN())
	for n := range 40 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i%5) - 2
		}
		if n > 3 {
			x[3] = nan
		}
		want := make([]float32, n)
		for i, v := range x {
			want[i] = v
			if v < 0 {
				want[i] = 0
			}
		}
		for name, f := range map[string]func(y, x []float32){"go": reluGo, "best": reluInto} {
			y := make([]float32, n)
			f(y, x)
			for i := range y {
				if math.Float32bits(y[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s, n=%d: y[%d] = %v, want %v", name, n, i, y[i], want[i])
				}
			}
		}
		layer := NewTensor(n)
		(&ReLU{LayerName: "relu"}).Forward(&Tensor{Shape: []int{n}, Data: x}, layer)
		for i := range want {
			if math.Float32bits(layer.Data[i]) != math.Float32bits(want[i]) {
				t.Fatalf("ReLU.Forward, n=%d: y[%d] = %v, want %v", n, i, layer.Data[i], want[i])
			}
		}
	}
}

// TestPureGoPath re-runs the layer and kernel tests with the assembly
// turned off (GODEBUG=cpu.avx2=off), so that Forward itself, not only the
// Go micro-kernels, is tested on the path machines without AVX2 take.
func TestPureGoPath(t *testing.T) {
	if !hasFMA {
		t.Skip("the assembly is off already: every test here runs the Go kernels")
	}
	if testing.Short() {
		t.Skip("-short: not re-running without assembly")
	}
	const tests = "^(TestConv2DForward|TestMaxPool2DForward|TestDenseForward|TestModelForward.*|TestConvKernels|TestDenseKernels|TestMaxPoolMatchesArgmax|TestReLUKernels|TestBenchModels)$"
	cmd := exec.Command(os.Args[0], "-test.run="+tests, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG="+strings.TrimPrefix(os.Getenv("GODEBUG")+",cpu.avx2=off", ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tests without assembly failed: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "--- PASS: Test"); n < 9 {
		t.Fatalf("only %d tests passed without assembly:\n%s", n, out)
	}
}

// TestConv10SameBits checks that the 10-channel kernel gives the bits of
// the general 6x16 kernel (on maps wide enough for it): every lane does the same fused multiply-adds
// in the same order, so the special case changes speed only.
func TestConv10SameBits(t *testing.T) {
	if !hasFMA {
		t.Skip("no AVX2+FMA on this machine: only the Go kernel runs")
	}
	best := bestConv()
	r := rand.New(rand.NewPCG(13, 14))
	n := 0
	for _, c := range convCases() {
		l, x := c.build(r)
		wy, wx, _ := l.Windows(x.Shape)
		// Maps narrower than blockPix take the scalar loop instead of 6x16.
		if c.o != 10 || wx.Out < blockPix {
			continue
		}
		a, b := NewTensor(wy.Out, wx.Out, c.o), NewTensor(wy.Out, wx.Out, c.o)
		convForward(new(Workspace), l, x, a, wy, wx, convKernels{block: best.block})
		convForward(new(Workspace), l, x, b, wy, wx, best)
		if !slices.Equal(bits(a.Data), bits(b.Data)) {
			t.Errorf("%v: the 10-channel kernel's bits differ from the 6x16 kernel's", c)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no case with 10 output channels")
	}
}
