package engine

import "math"

// The backward kernels. A convolution's two gradients are rewritten as the
// operations the forward kernels already do fast:
//
//   - The kernel gradient is a matrix product. With the input padded and
//     unrolled so that row p of X holds every value output pixel p reads
//     (KH*KW*C values in kernel order), dK = X^T dZ. It is computed as
//     dK^T[o, :] = sum over p of dZ[p, o] * X[p, :], which is exactly what
//     the dense micro-kernel does (a vector times a strided matrix).
//   - For stride 1 and equal padding on every side, the input gradient is a
//     forward convolution of dZ with the kernel turned by 180 degrees and
//     its channel axes swapped, padded by KH-1-P: the "transposed
//     convolution". Other strides and paddings take the direct loop.
//
// Every sum runs in a fixed order, so the same inputs give the same bits.

// Workspace holds scratch memory for forward and backward passes, so that
// a trainer calling them for every example does not allocate. It grows as
// needed and is not safe for concurrent use: give each goroutine its own.
// The zero value is ready to use.
type Workspace struct {
	bufs    [wsCount][]float32
	offs    []int
	offsKey [4]int // the arguments offs was made for
	// in and shape describe the padded output gradient handed to the
	// transposed convolution, kept here so that no header escapes per call.
	in    Tensor
	shape [3]int
}

const (
	wsPadded = iota
	wsPart
	wsKernel
	wsMasked
	wsBias
	wsPaddedGrad
	wsFwdPadded
	wsFwdKernel
	wsCount
)

// buf returns buffer i with length n; its contents are left as they were.
func (w *Workspace) buf(i, n int) []float32 {
	if cap(w.bufs[i]) < n {
		w.bufs[i] = make([]float32, n)
	}
	return w.bufs[i][:n]
}

// pixelOffsets returns, for every output pixel in row-major order, where
// its window starts in the padded input: oy*rowStep + ox*pixStep. The
// offsets increase, which kgradMicroFMA relies on.
func (w *Workspace) pixelOffsets(oh, ow, rowStep, pixStep int) []int {
	key := [4]int{oh, ow, rowStep, pixStep}
	if key == w.offsKey && len(w.offs) == oh*ow {
		return w.offs
	}
	w.offsKey = key
	if cap(w.offs) < oh*ow {
		w.offs = make([]int, oh*ow)
	}
	w.offs = w.offs[:oh*ow]
	offs := w.offs
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			offs[oy*ow+ox] = oy*rowStep + ox*pixStep
		}
	}
	return offs
}

// BackwardWith is Backward using ws for scratch memory.
func (l *Conv2D) BackwardWith(ws *Workspace, x, y, dy, dx *Tensor, grads [][]float32) {
	var mask []float32
	if l.Act == ActReLU {
		mask = y.Data
	}
	l.backward(ws, x, mask, dy, dx, grads)
}

// BackwardReLUWith is BackwardWith for this convolution followed by a ReLU
// layer whose output is r, in one pass: dy is the gradient at r, and the
// ReLU's backward (pass it where r is positive, which is where its input
// was) is folded into the convolution's.
func (l *Conv2D) BackwardReLUWith(ws *Workspace, x, r, dy, dx *Tensor, grads [][]float32) {
	l.backward(ws, x, r.Data, dy, dx, grads)
}

// backward is BackwardWith with the output gradient masked to where mask
// is positive (no mask when nil).
func (l *Conv2D) backward(ws *Workspace, x *Tensor, mask []float32, dy, dx *Tensor, grads [][]float32) {
	wy, wx, _ := l.Windows(x.Shape)
	C, O := l.InC, l.OutC
	P := wy.Out * wx.Out
	// dz holds the (masked) output gradient with kgradSpare zeros after it
	// for the kernel-gradient micro-kernel.
	dz := ws.buf(wsMasked, P*O+kgradSpare)
	clear(dz[P*O:])
	gk, gb := grads[0], grads[1][:O]
	// The bias gradient sums each output channel over the pixels, in pixel
	// order, in the same pass that masks dz.
	if mask == nil {
		for p := 0; p < P; p++ {
			g := dy.Data[p*O : (p+1)*O]
			copy(dz[p*O:], g)
			for o, v := range g {
				gb[o] += v
			}
		}
	} else if k := bestMaskGrad(O); k != nil {
		k(dy.Data, mask, dz, gb, P, O)
	} else {
		maskGradGo(dy.Data, mask, dz, gb, P, O)
	}
	Hp, Wp := wy.Before+wy.In+wy.After, wx.Before+wx.In+wx.After
	xp, _ := padInto(ws.buf(wsPadded, Hp*Wp*C+kgradSpare), x, wy, wx)
	offs := ws.pixelOffsets(wy.Out, wx.Out, l.StrideH*Wp*C, l.StrideW*C)
	kernelGrad(xp, Wp*C, l.KH, l.KW*C, offs, dz, O, gk, bestKernelGrad(), ws.buf(wsPart, 4*kgradOuts*kgradLanes))
	dz = dz[:P*O]

	if dx == nil {
		return
	}
	pad := wy.Before
	if l.StrideH == 1 && l.StrideW == 1 && l.KH == l.KW && pad < l.KH &&
		wy.After == pad && wx.Before == pad && wx.After == pad {
		// dX = dZ convolved with the flipped, transposed kernel.
		kf := ws.buf(wsKernel, len(l.Kernel))
		for ky := 0; ky < l.KH; ky++ {
			for kx := 0; kx < l.KW; kx++ {
				src := ((l.KH-1-ky)*l.KW + (l.KW - 1 - kx)) * C * O
				dst := (ky*l.KW + kx) * O * C
				for c := 0; c < C; c++ {
					for o := 0; o < O; o++ {
						kf[dst+o*C+c] = l.Kernel[src+c*O+o]
					}
				}
			}
		}
		bias := ws.buf(wsBias, C)
		clear(bias)
		// Padding dZ here, into the workspace, lets the convolution run
		// with valid padding and allocate nothing for its input; the sums
		// are the same as with explicit padding.
		q := l.KH - 1 - pad
		gy := Window{In: wy.Out, Before: q, After: q}
		gx := Window{In: wx.Out, Before: q, After: q}
		ws.shape = [3]int{wy.Out, wx.Out, O}
		ws.in = Tensor{Shape: ws.shape[:], Data: dz}
		dzp, _ := padInto(ws.buf(wsPaddedGrad, (wy.Out+2*q)*(wx.Out+2*q)*O), &ws.in, gy, gx)
		ws.shape = [3]int{wy.Out + 2*q, wx.Out + 2*q, O}
		ws.in = Tensor{Shape: ws.shape[:], Data: dzp}
		t := Conv2D{LayerName: l.LayerName, KH: l.KH, KW: l.KW, InC: O, OutC: C, StrideH: 1, StrideW: 1,
			Padding: Valid, Kernel: kf, Bias: bias}
		t.ForwardWith(ws, &ws.in, dx)
		return
	}
	l.inputGradDirect(x, dz, dx, wy, wx)
}

// inputGradDirect writes dX for any stride and padding by sending each
// output gradient back through the kernel, window by window.
func (l *Conv2D) inputGradDirect(x *Tensor, dz []float32, dx *Tensor, wy, wx Window) {
	W, C, O := x.Shape[1], l.InC, l.OutC
	clear(dx.Data)
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			g := dz[(oy*wx.Out+ox)*O : (oy*wx.Out+ox+1)*O]
			for ky := 0; ky < l.KH; ky++ {
				iy := oy*l.StrideH + ky - wy.Before
				if iy < 0 || iy >= wy.In {
					continue
				}
				for kx := 0; kx < l.KW; kx++ {
					ix := ox*l.StrideW + kx - wx.Before
					if ix < 0 || ix >= wx.In {
						continue
					}
					off := (iy*W + ix) * C
					kb := (ky*l.KW + kx) * C * O
					for c := 0; c < C; c++ {
						dx.Data[off+c] += dot(l.Kernel[kb+c*O:kb+(c+1)*O], g)
					}
				}
			}
		}
	}
}

// maskGrad writes d = g where mask > 0 and +0 elsewhere (NaN too), for
// npix pixels of O channels, and adds each channel's d into gb in pixel
// order.
type maskGrad func(g, mask, d, gb []float32, npix, O int)

// maskGradGo is the portable maskGrad. Branch-free: about half of the
// mask is zero in no pattern, and mispredicted branches took more time
// here than the kernel gradient.
func maskGradGo(g, mask, d, gb []float32, npix, O int) {
	gb = gb[:O]
	for p := 0; p < npix; p++ {
		gp, dp := g[p*O:(p+1)*O], d[p*O:(p+1)*O]
		for o, m := range mask[p*O : (p+1)*O] {
			var keep uint32
			if m > 0 {
				keep = ^uint32(0)
			}
			v := math.Float32frombits(math.Float32bits(gp[o]) & keep)
			dp[o] = v
			gb[o] += v
		}
	}
}

// padInto writes x with the windows' zero padding into buf and returns it
// with its width.
func padInto(buf []float32, x *Tensor, wy, wx Window) ([]float32, int) {
	H, W, C := x.Shape[0], x.Shape[1], x.Shape[2]
	Wp := wx.Before + W + wx.After
	clear(buf)
	for iy := 0; iy < H; iy++ {
		copy(buf[((wy.Before+iy)*Wp+wx.Before)*C:], x.Data[iy*W*C:(iy+1)*W*C])
	}
	return buf, Wp
}

// BackwardLogits is Dense.Backward for a gradient dz taken with respect to
// the pre-activation x K + b rather than the output. A trainer uses it when
// the layer's fused softmax is folded into the loss: the cross-entropy
// gradient at the logits is simply p - onehot, which is exact and stable,
// where going through the softmax Jacobian would lose precision.
func (l *Dense) BackwardLogits(x, dz, dx *Tensor, grads [][]float32) {
	l.backwardPre(x.Data, dz.Data, dx, grads)
}

// backwardPre adds x^T dz into the kernel gradient and dz into the bias
// gradient, and writes K dz into dx.
func (l *Dense) backwardPre(x, dz []float32, dx *Tensor, grads [][]float32) {
	gk, gb := grads[0], grads[1]
	axpy(gb, 1, dz)
	for i, v := range x {
		if v != 0 {
			axpy(gk[i*l.Out:(i+1)*l.Out], v, dz)
		}
		if dx != nil {
			dx.Data[i] = dot(l.Kernel[i*l.Out:(i+1)*l.Out], dz)
		}
	}
}

// maxPool2x2Backward is MaxPool2D.Backward for 2x2 windows at stride 2
// that lie inside the map: the four candidates of a window are compared in
// row-major order with the same strict test as Argmax, a whole channel
// vector at a time. With relu set, a window's gradient is dropped where its
// winner is not positive (the ReLU before the pool).
func maxPool2x2Backward(x, dy, dx []float32, W, oh, ow, C int, relu bool) {
	if row := bestPoolBackRow(C); row != nil {
		for oy := 0; oy < oh; oy++ {
			row(x[2*oy*W*C:], dy[oy*ow*C:], dx[2*oy*W*C:], ow, C, W*C, relu)
		}
		return
	}
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			a := (2*oy*W + 2*ox) * C
			b, c, d := a+C, a+W*C, a+W*C+C
			x00, x01, x10, x11 := x[a:a+C], x[b:b+C], x[c:c+C], x[d:d+C]
			g := dy[(oy*ow+ox)*C : (oy*ow+ox+1)*C]
			for k, gv := range g {
				best, arg := x00[k], a+k
				if v := x01[k]; v > best {
					best, arg = v, b+k
				}
				if v := x10[k]; v > best {
					best, arg = v, c+k
				}
				if v := x11[k]; v > best {
					best, arg = v, d+k
				}
				if !relu || best > 0 {
					dx[arg] += gv
				}
			}
		}
	}
}

// poolBackRow does one output row of maxPool2x2Backward (ow windows, c
// channels, input rows rowStride floats apart), writing every cell of
// each window: the gradient at the winner, zero elsewhere.
type poolBackRow func(x, dy, dx []float32, ow, c, rowStride int, relu bool)

// BackwardAfterReLU is the backward pass of a ReLU layer followed by this
// max-pool, in one pass: x is the pool's input (the ReLU's output), dy the
// gradient at the pool's output, and dx receives the gradient at the
// ReLU's input. The values are those of MaxPool2D.Backward then
// ReLU.Backward: a gradient passes to the window's winner where that is
// positive (where the ReLU's input was).
func (l *MaxPool2D) BackwardAfterReLU(x, y, dy, dx *Tensor) {
	wy, wx, _ := l.Windows(x.Shape)
	oh, ow, C := y.Shape[0], y.Shape[1], y.Shape[2]
	if l.PoolH == 2 && l.PoolW == 2 && l.StrideH == 2 && l.StrideW == 2 && wy.Before == 0 && wx.Before == 0 &&
		2*oh <= wy.In && 2*ow <= wx.In {
		clear(dx.Data)
		maxPool2x2Backward(x.Data, dy.Data, dx.Data, x.Shape[1], oh, ow, C, true)
		return
	}
	l.Backward(x, y, dy, dx, nil)
	for i, v := range x.Data {
		if !(v > 0) {
			dx.Data[i] = 0
		}
	}
}
