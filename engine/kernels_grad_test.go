package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// kernelGradUnrolled is the kernel gradient as the engine computed it
// before kernelGrad: the padded input unrolled to one row per output pixel,
// dZ transposed, and each row of dK^T formed by the dense micro-kernel.
// kernelGrad must reproduce its bits, so that training gives the weights it
// gave (samples/fashion-mnist was trained with it).
func kernelGradUnrolled(l *Conv2D, x *Tensor, dz []float32, gk []float32, micro denseMicro) {
	wy, wx, _ := l.Windows(x.Shape)
	C, O := l.InC, l.OutC
	P := wy.Out * wx.Out
	Wp := wx.Before + wx.In + wx.After
	xp, _ := padInto(make([]float32, (wy.Before+wy.In+wy.After)*Wp*C), x, wy, wx)
	n := l.KW * C
	rows := l.KH * n
	cols := make([]float32, P*rows)
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			p := oy*wx.Out + ox
			for ky := 0; ky < l.KH; ky++ {
				src := ((oy*l.StrideH+ky)*Wp + ox*l.StrideW) * C
				copy(cols[p*rows+ky*n:p*rows+(ky+1)*n], xp[src:src+n])
			}
		}
	}
	dzT := make([]float32, O*P)
	for p := 0; p < P; p++ {
		for o, v := range dz[p*O : (p+1)*O] {
			dzT[o*P+p] = v
		}
	}
	gkT := make([]float32, O*rows)
	for o := 0; o < O; o++ {
		for r0 := 0; r0 < rows; r0 += blockOut {
			micro(dzT[o*P:(o+1)*P], cols[r0:], rows, min(blockOut, rows-r0), gkT[o*rows+r0:])
		}
	}
	for r := 0; r < rows; r++ {
		for o := 0; o < O; o++ {
			gk[r*O+o] += gkT[o*rows+r]
		}
	}
}

// naiveKernelGrad is dK from its definition, in float64.
func naiveKernelGrad(l *Conv2D, x *Tensor, dz []float32) []float64 {
	wy, wx, _ := l.Windows(x.Shape)
	W, C, O := x.Shape[1], l.InC, l.OutC
	g := make([]float64, len(l.Kernel))
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			for ky := 0; ky < l.KH; ky++ {
				iy := oy*l.StrideH + ky - wy.Before
				for kx := 0; kx < l.KW; kx++ {
					ix := ox*l.StrideW + kx - wx.Before
					if iy < 0 || iy >= wy.In || ix < 0 || ix >= wx.In {
						continue
					}
					for c := 0; c < C; c++ {
						for o := 0; o < O; o++ {
							g[((ky*l.KW+kx)*C+c)*O+o] += float64(x.Data[(iy*W+ix)*C+c]) * float64(dz[(oy*wx.Out+ox)*O+o])
						}
					}
				}
			}
		}
	}
	return g
}

// TestKernelGradBits checks, on every convolution case, that each
// kernel-gradient kernel gives bit for bit what the unrolled matrix product
// with the matching dense kernel gave, added into a gradient that already
// holds values (as a trainer's does), and that both agree with the
// definition.
func TestKernelGradBits(t *testing.T) {
	type pair struct {
		name  string
		grad  kgradKernels
		dense denseMicro
	}
	pairs := []pair{{"go", kgradKernels{micro: kgradMicroGo, chains: 1}, denseMicroGo}}
	if hasFMA {
		pairs = append(pairs, pair{"assembly", bestKernelGrad(), bestDense()})
	}
	r := rand.New(rand.NewPCG(21, 22))
	for _, c := range convCases() {
		l, x := c.build(r)
		wy, wx, _ := l.Windows(x.Shape)
		P, O := wy.Out*wx.Out, l.OutC
		dz := make([]float32, P*O+kgradSpare)
		fill(r, dz[:P*O], 1)
		start := make([]float32, len(l.Kernel))
		fill(r, start, 0.5)
		def := naiveKernelGrad(l, x, dz)
		for _, p := range pairs {
			want := append([]float32(nil), start...)
			kernelGradUnrolled(l, x, dz, want, p.dense)
			got := append([]float32(nil), start...)
			var ws Workspace
			Wp := wx.Before + wx.In + wx.After
			xp, _ := padInto(ws.buf(wsPadded, (wy.Before+wy.In+wy.After)*Wp*l.InC+kgradSpare), x, wy, wx)
			offs := ws.pixelOffsets(wy.Out, wx.Out, l.StrideH*Wp*l.InC, l.StrideW*l.InC)
			kernelGrad(xp, Wp*l.InC, l.KH, l.KW*l.InC, offs, dz, O, got, p.grad, make([]float32, 4*kgradOuts*kgradLanes))
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v: %s: dK[%d] = %v, the unrolled product gave %v", c, p.name, i, got[i], want[i])
				}
			}
			var worst, scale float64
			for i, v := range def {
				worst = max(worst, math.Abs(float64(got[i]-start[i])-v))
				scale = max(scale, math.Abs(v))
			}
			if worst > 1e-5*max(scale, 1) {
				t.Errorf("%v: %s: dK differs from the definition by %.2g (scale %.2g)", c, p.name, worst, scale)
			}
		}
	}
}

// TestReLUFoldedBackward checks the one-pass backward of a ReLU folded into
// the max-pool after it or the convolution before it against the two
// layers' own Backward, bit for bit, on maps with many zeros and ties.
func TestReLUFoldedBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	relu := &ReLU{LayerName: "relu"}
	pools := []*MaxPool2D{
		pool2("pool"),
		{LayerName: "pool3", PoolH: 3, PoolW: 3, StrideH: 2, StrideW: 2, Padding: Same},
	}
	for _, p := range pools {
		for _, shape := range [][3]int{{28, 28, 10}, {7, 9, 3}, {14, 14, 10}, {9, 7, 8}, {6, 8, 17}} {
			z := NewTensor(shape[:]...)
			for i := range z.Data {
				z.Data[i] = float32(r.IntN(5) - 2) // ties and negatives
			}
			a := NewTensor(shape[:]...)
			relu.Forward(z, a)
			out, _ := p.OutputShape(a.Shape)
			y, dy := NewTensor(out...), NewTensor(out...)
			p.Forward(a, y)
			fill(r, dy.Data, 1)
			dy.Data[0] = float32(math.Copysign(0, -1)) // 0 + -0 is +0
			da, want, got := NewTensor(shape[:]...), NewTensor(shape[:]...), NewTensor(shape[:]...)
			p.Backward(a, y, dy, da, nil)
			relu.Backward(z, a, da, want, nil)
			// The pool's own backward, bit for bit as its definition.
			def := NewTensor(shape[:]...)
			for oy := 0; oy < out[0]; oy++ {
				for ox := 0; ox < out[1]; ox++ {
					for c := 0; c < out[2]; c++ {
						def.Data[p.Argmax(a, oy, ox, c)] += dy.Data[(oy*out[1]+ox)*out[2]+c]
					}
				}
			}
			if !slices.Equal(bits(da.Data), bits(def.Data)) {
				t.Fatalf("%s %v: Backward differs from Argmax's routing", p.LayerName, shape)
			}
			fill(r, got.Data, 1) // must be overwritten
			p.BackwardAfterReLU(a, y, dy, got)
			for i := range want.Data {
				if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
					t.Fatalf("%s %v: dz[%d] = %v, want %v", p.LayerName, shape, i, got.Data[i], want.Data[i])
				}
			}
		}
	}
	for _, c := range convCases()[:12] {
		c.act = Linear
		l, x := c.build(r)
		out, _ := l.OutputShape(x.Shape)
		z, a, dy := NewTensor(out...), NewTensor(out...), NewTensor(out...)
		l.Forward(x, z)
		relu.Forward(z, a)
		fill(r, dy.Data, 1)
		dz := NewTensor(out...)
		relu.Backward(z, a, dy, dz, nil)
		wantDx, gotDx := NewTensor(x.Shape...), NewTensor(x.Shape...)
		wantG := [][]float32{make([]float32, len(l.Kernel)), make([]float32, len(l.Bias))}
		gotG := [][]float32{make([]float32, len(l.Kernel)), make([]float32, len(l.Bias))}
		var ws Workspace
		l.BackwardWith(&ws, x, z, dz, wantDx, wantG)
		l.BackwardReLUWith(&ws, x, a, dy, gotDx, gotG)
		for _, pair := range [][2][]float32{{gotDx.Data, wantDx.Data}, {gotG[0], wantG[0]}, {gotG[1], wantG[1]}} {
			for i := range pair[1] {
				if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
					t.Fatalf("%v: value %d = %v, want %v", c, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}

// TestMaskGradBits checks the assembly ReLU mask of the convolution
// backward against the Go loop bit for bit, on masks with zeros, negative
// zeros and NaN and gradients with negative zeros, for the channel counts
// it takes.
func TestMaskGradBits(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), 1, -1}
	for _, O := range []int{8, 9, 10, 13, 16} {
		k := bestMaskGrad(O)
		if k == nil {
			t.Skip("no assembly mask kernel on this machine")
		}
		const npix = 37
		g, mask := make([]float32, npix*O), make([]float32, npix*O)
		for i := range g {
			g[i], mask[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			if r.IntN(4) == 0 {
				mask[i] = special[r.IntN(len(special))]
			}
			if r.IntN(8) == 0 {
				g[i] = special[r.IntN(2)]
			}
		}
		gb0 := make([]float32, O)
		fill(r, gb0, 1)
		want, got := make([]float32, npix*O), make([]float32, npix*O)
		gbWant, gbGot := slices.Clone(gb0), slices.Clone(gb0)
		maskGradGo(g, mask, want, gbWant, npix, O)
		k(g, mask, got, gbGot, npix, O)
		if !slices.Equal(bits(want), bits(got)) {
			t.Errorf("%d channels: masked gradients differ", O)
		}
		if !slices.Equal(bits(gbWant), bits(gbGot)) {
			t.Errorf("%d channels: bias gradients %v, want %v", O, gbGot, gbWant)
		}
	}
}
