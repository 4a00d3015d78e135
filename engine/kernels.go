package engine

// The forward kernels. A convolution over a channels-last map is a small
// matrix product per output pixel: for a fixed kernel row ky, the inputs a
// pixel needs, x[iy, ix+kx, c] for all kx and c, are KW*C contiguous
// floats, and the kernel rows K[ky, kx, c, :] are contiguous too. So with
// the input padded by zeros first, every output pixel is
//
//	y[p, :] = b + sum over ky, t < KW*C of xrow_ky[p*S*C + t] * K[ky*KW*C + t, :]
//
// with no bounds tests. The micro-kernel computes 6 output pixels of one
// row times 16 output channels at once, so 12 AVX registers hold the sums
// while the kernel streams past; each input value is loaded once per pixel
// and each kernel row once per 6 pixels. Output channels are processed in
// blocks of 16 (the kernel is regrouped per call, zero-padded), and the
// last block of a row overlaps the one before it instead of running short:
// recomputing a pixel gives bit-identical values.
//
// Summation order per output value is fixed: bias, then ky, kx, c in
// order. The assembly fuses multiply and add (one rounding), the pure-Go
// kernel rounds twice; both agree with the plain definition to float32
// accuracy, which kernels_test.go checks on many shapes.

const (
	blockPix = 6  // output pixels per micro-kernel call
	blockOut = 16 // output channels per micro-kernel call
)

// convMicro computes blockPix output pixels x lanes output channels.
// x starts at the first input value of pixel 0 in kernel row 0; pixel j's
// inputs start xPix floats after pixel j-1's and kernel row r's xRow floats
// after row r-1's. k holds kh*n rows of blockOut floats. y receives pixel j
// at j*yPix, lanes values each. With spill set the kernel may also write
// anything into the blockOut-lanes values after each pixel's lanes (if y is
// long enough): the caller sets it only where those values are written
// again later, and it lets the kernel use plain full-width stores.
type convMicro func(x []float32, xPix, xRow int, k []float32, kh, n int, bias *[blockOut]float32, lanes int, y []float32, yPix int, relu, spill bool)

// convMicroGo is the portable micro-kernel, the reference the assembly one
// is tested against.
func convMicroGo(x []float32, xPix, xRow int, k []float32, kh, n int, bias *[blockOut]float32, lanes int, y []float32, yPix int, relu, _ bool) {
	var acc [blockPix][blockOut]float32
	for j := range acc {
		acc[j] = *bias
	}
	for r := 0; r < kh; r++ {
		row := x[r*xRow:]
		kr := k[r*n*blockOut : (r+1)*n*blockOut]
		for t := 0; t < n; t++ {
			kv := (*[blockOut]float32)(kr[t*blockOut:])[:lanes]
			for j := range acc {
				v := row[j*xPix+t]
				a := acc[j][:lanes]
				for o, w := range kv {
					a[o] += v * w
				}
			}
		}
	}
	for j := range acc {
		out := y[j*yPix : j*yPix+lanes]
		for o := range out {
			v := acc[j][o]
			if relu && v < 0 {
				v = 0
			}
			out[o] = v
		}
	}
}

// padInput returns x with the window padding added as zeros, in ws, and
// its width. Without padding it returns x's own data.
func padInput(ws *Workspace, x *Tensor, wy, wx Window) ([]float32, int) {
	H, W, C := x.Shape[0], x.Shape[1], x.Shape[2]
	if wy.Before == 0 && wy.After == 0 && wx.Before == 0 && wx.After == 0 {
		return x.Data, W
	}
	Wp := wx.Before + W + wx.After
	return padInto(ws.buf(wsFwdPadded, (wy.Before+H+wy.After)*Wp*C), x, wy, wx)
}

// conv10Micro is the special case for exactly 10 output channels (the
// TinyVGG filter count), where 16-channel blocks would waste 6 lanes of 16:
// nblk blocks of 4 output pixels x 10 channels along a row, block b
// starting 4*b pixels on. Arguments as for convMicro; k rows and bias are
// 16 floats: channels 0-7, then channels 8 and 9 four times over. The
// output pixel stride is 10.
type conv10Micro func(x []float32, xPix, xRow int, k []float32, kh, n int, bias *[blockOut]float32, y []float32, nblk int, relu bool)

const blockPix10 = 4 // output pixels per conv10Micro block

// convKernels are the micro-kernels a convolution may use: block always,
// block10 (when not nil) for layers with 10 output channels.
type convKernels struct {
	block   convMicro
	block10 conv10Micro
}

// convForward runs the convolution l on x into y with the given
// micro-kernels, the padded input and regrouped kernel in ws.
func convForward(ws *Workspace, l *Conv2D, x, y *Tensor, wy, wx Window, kernels convKernels) {
	C, O := l.InC, l.OutC
	xp, Wp := padInput(ws, x, wy, wx)
	n := l.KW * C
	rows := l.KH * n
	xRow, xPix := Wp*C, l.StrideW*C
	relu := l.Act == ActReLU
	if kernels.block10 != nil && O == 10 && wx.Out >= blockPix10 {
		conv10(l, xp, xRow, xPix, y, wy, wx, kernels.block10, ws.buf(wsFwdKernel, rows*blockOut))
		return
	}
	if wx.Out < blockPix {
		convRows(l, xp, xRow, xPix, y, wy, wx)
		return
	}
	micro := kernels.block
	kp := ws.buf(wsFwdKernel, rows*blockOut)
	clear(kp)
	var bias [blockOut]float32
	for o0 := 0; o0 < O; o0 += blockOut {
		lanes := min(blockOut, O-o0)
		for r := 0; r < rows; r++ {
			copy(kp[r*blockOut:r*blockOut+lanes], l.Kernel[r*O+o0:r*O+o0+lanes])
		}
		bias = [blockOut]float32{}
		copy(bias[:lanes], l.Bias[o0:o0+lanes])
		for oy := 0; oy < wy.Out; oy++ {
			xr := oy * l.StrideH * xRow
			yr := oy*wx.Out*O + o0
			for ox := 0; ox < wx.Out; ox += blockPix {
				ox = min(ox, wx.Out-blockPix)
				// Pixels are written in order and a block's spill lands on
				// pixels written after it, as long as there is only one
				// channel block.
				spill := O <= blockOut
				micro(xp[xr+ox*xPix:], xPix, xRow, kp, l.KH, n, &bias, lanes, y.Data[yr+ox*O:], O, relu, spill)
			}
		}
	}
}

// conv10 runs a 10-channel convolution a row at a time in blocks of
// blockPix10 pixels; as in convForward, the last block of a row overlaps
// the one before.
func conv10(l *Conv2D, xp []float32, xRow, xPix int, y *Tensor, wy, wx Window, micro conv10Micro, kp []float32) {
	const O = 10
	n := l.KW * l.InC
	rows := l.KH * n
	for r := 0; r < rows; r++ {
		k := l.Kernel[r*O : (r+1)*O]
		dst := kp[r*blockOut : (r+1)*blockOut]
		copy(dst, k[:8])
		for q := 8; q < blockOut; q += 2 {
			dst[q], dst[q+1] = k[8], k[9]
		}
	}
	var bias [blockOut]float32
	copy(bias[:8], l.Bias[:8])
	for q := 8; q < blockOut; q += 2 {
		bias[q], bias[q+1] = l.Bias[8], l.Bias[9]
	}
	relu := l.Act == ActReLU
	nblk := wx.Out / blockPix10
	for oy := 0; oy < wy.Out; oy++ {
		xr := oy * l.StrideH * xRow
		yr := oy * wx.Out * O
		micro(xp[xr:], xPix, xRow, kp, l.KH, n, &bias, y.Data[yr:], nblk, relu)
		if wx.Out%blockPix10 != 0 {
			ox := wx.Out - blockPix10
			micro(xp[xr+ox*xPix:], xPix, xRow, kp, l.KH, n, &bias, y.Data[yr+ox*O:], 1, relu)
		}
	}
}

// convRows handles maps narrower than one block, one pixel at a time.
func convRows(l *Conv2D, xp []float32, xRow, xPix int, y *Tensor, wy, wx Window) {
	O, n := l.OutC, l.KW*l.InC
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			acc := y.Data[(oy*wx.Out+ox)*O : (oy*wx.Out+ox+1)*O]
			copy(acc, l.Bias)
			for ky := 0; ky < l.KH; ky++ {
				xs := xp[(oy*l.StrideH+ky)*xRow+ox*xPix:][:n]
				ks := l.Kernel[ky*n*O : (ky+1)*n*O]
				for t, v := range xs {
					axpy(acc, v, ks[t*O:(t+1)*O])
				}
			}
			if l.Act == ActReLU {
				relu(acc)
			}
		}
	}
}

// relu clips negative values to zero in place; NaN stays NaN.
func relu(a []float32) { reluInto(a, a) }

// reluGo is the portable reluInto.
func reluGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		if v < 0 {
			v = 0
		}
		y[i] = v
	}
}

// denseMicro adds sum over i of x[i] * k[i*stride : i*stride+lanes] into
// z[:lanes], for lanes <= blockOut.
type denseMicro func(x, k []float32, stride, lanes int, z []float32)

func denseMicroGo(x, k []float32, stride, lanes int, z []float32) {
	var acc [blockOut]float32
	a := acc[:lanes]
	for i, v := range x {
		for o, w := range k[i*stride : i*stride+lanes] {
			a[o] += v * w
		}
	}
	for o := range a {
		z[o] += a[o]
	}
}

// denseForward computes z = x K + b for K of shape (len(x), len(z)).
func denseForward(x, kernel, bias, z []float32, micro denseMicro) {
	copy(z, bias)
	out := len(z)
	for o0 := 0; o0 < out; o0 += blockOut {
		micro(x, kernel[o0:], out, min(blockOut, out-o0), z[o0:])
	}
}

// poolMicro writes, for npix output pixels, the maximum over a ph x pw
// window of lanes (<= blockOut) channels. Pixel j's window starts at
// j*xPix in x, its rows are xRow apart and its cells cell apart; its output
// goes to j*yPix in y. A value replaces the running maximum only when it is
// strictly larger, as Argmax decides.
type poolMicro func(x, y []float32, npix, xPix, xRow, ph, pw, cell, yPix, lanes int)

func poolMicroGo(x, y []float32, npix, xPix, xRow, ph, pw, cell, yPix, lanes int) {
	for j := 0; j < npix; j++ {
		out := y[j*yPix : j*yPix+lanes]
		copy(out, x[j*xPix:])
		for r := 0; r < ph; r++ {
			for q := 0; q < pw; q++ {
				for c, v := range x[j*xPix+r*xRow+q*cell:][:lanes] {
					if v > out[c] {
						out[c] = v
					}
				}
			}
		}
	}
}

// poolForward runs max-pool l on x into y. Windows that lie wholly inside
// a row go to the micro-kernel a row at a time; windows cut by the padding
// at the left or right are done one by one.
func poolForward(l *MaxPool2D, x, y *Tensor, wy, wx Window, micro poolMicro) {
	W, C := x.Shape[1], x.Shape[2]
	// Interior columns: the window [ox*S-before, ox*S-before+PW) is inside [0, W).
	oxa := min((wx.Before+l.StrideW-1)/l.StrideW, wx.Out)
	oxb := oxa
	if last := W + wx.Before - l.PoolW; last >= 0 {
		oxb = min(max(last/l.StrideW+1, oxa), wx.Out)
	}
	for oy := 0; oy < wy.Out; oy++ {
		y0 := max(oy*l.StrideH-wy.Before, 0)
		y1 := min(oy*l.StrideH-wy.Before+l.PoolH, wy.In)
		for ox := 0; ox < wx.Out; ox++ {
			if ox == oxa && oxb > oxa {
				for c0 := 0; c0 < C; c0 += blockOut {
					micro(x.Data[(y0*W+oxa*l.StrideW-wx.Before)*C+c0:], y.Data[(oy*wx.Out+oxa)*C+c0:],
						oxb-oxa, l.StrideW*C, W*C, y1-y0, l.PoolW, C, C, min(blockOut, C-c0))
				}
				ox = oxb - 1
				continue
			}
			x0 := max(ox*l.StrideW-wx.Before, 0)
			x1 := min(ox*l.StrideW-wx.Before+l.PoolW, wx.In)
			poolMicroGo(x.Data[(y0*W+x0)*C:], y.Data[(oy*wx.Out+ox)*C:], 1, 0, W*C, y1-y0, x1-x0, C, 0, C)
		}
	}
}
