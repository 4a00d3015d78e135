package engine

import (
	"os"
	"strings"
	"unsafe"
)

// The AVX2+FMA kernels in kernels_amd64.s. They are used only when the
// processor and the operating system support them (checked once, here);
// elsewhere the pure-Go kernels run.

//go:noescape
func conv6x16FMA(x, k *float32, bias *[blockOut]float32, mask *[blockOut]int32, y *float32, xPix, xRow, kh, n, yPix int, relu, spill bool)

//go:noescape
func conv4x10FMA(x, k *float32, bias *[blockOut]float32, y *float32, xPix, xRow, kh, n, nblk int, relu bool)

//go:noescape
func dense16FMA(x, k *float32, n, stride int, mask *[blockOut]int32, z *float32, plain int)

//go:noescape
func kgrad16x5FMA(x *float32, offs *int, dz *float32, acc *[kgradOuts * kgradLanes]float32, count, pstep, dzPix int)

//go:noescape
func maxpool2x2BackAVX(x, dy, dx *float32, ow, c, rowStride int, relu bool)

//go:noescape
func maskgrad8AVX(grad, mask, d *float32, acc *[16]float32, npix, o int)

//go:noescape
func relu8AVX(x, y *float32, n int)

//go:noescape
func maxpool8AVX(x, y *float32, npix, xPix, xRow, ph, pw, cell, yPix int)

//go:noescape
func maxpool16AVX(x, y *float32, npix, xPix, xRow, ph, pw, cell, yPix int, mask *[blockOut]int32)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv0() (eax uint32)

// hasFMA is true when AVX2 and FMA instructions may be used: the CPU has
// them, the OS saves the YMM registers, and GODEBUG does not turn them off
// (cpu.avx2=off, cpu.fma=off or cpu.all=off, the switches the Go runtime
// itself honours), which is how the pure-Go kernels are tested on a machine
// that has the instructions. It is set once at start-up and never changed.
var hasFMA = detectFMA() && !godebugOff(os.Getenv("GODEBUG"))

func godebugOff(godebug string) bool {
	for _, kv := range strings.Split(godebug, ",") {
		switch strings.TrimSpace(kv) {
		case "cpu.avx2=off", "cpu.fma=off", "cpu.all=off":
			return true
		}
	}
	return false
}

func detectFMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xgetbv0()&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// maskTable is read-only: its blockOut values starting at blockOut-lanes
// are lanes all-ones words followed by zeros, the store mask for lanes.
var maskTable = [2 * blockOut]int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}

// laneMask returns a mask selecting the first lanes (1..blockOut) of blockOut.
func laneMask(lanes int) *[blockOut]int32 {
	return (*[blockOut]int32)(maskTable[blockOut-lanes:])
}

// convMicroFMA is the assembly micro-kernel behind the convMicro
// signature. The slice expressions check, before any pointer is handed to
// the assembly, that every value it will read or write is in range.
func convMicroFMA(x []float32, xPix, xRow int, k []float32, kh, n int, bias *[blockOut]float32, lanes int, y []float32, yPix int, relu, spill bool) {
	_ = x[(blockPix-1)*xPix+(kh-1)*xRow+n-1]
	_ = k[kh*n*blockOut-1]
	_ = y[(blockPix-1)*yPix+lanes-1]
	spill = spill && len(y) >= (blockPix-1)*yPix+blockOut
	conv6x16FMA(unsafe.SliceData(x), unsafe.SliceData(k), bias, laneMask(lanes), unsafe.SliceData(y), xPix, xRow, kh, n, yPix, relu, spill)
}

// denseMicroFMA is the assembly behind the denseMicro signature.
func denseMicroFMA(x, k []float32, stride, lanes int, z []float32) {
	if len(x) == 0 {
		return
	}
	_ = k[(len(x)-1)*stride+lanes-1]
	_ = z[lanes-1]
	// Rows i with i*stride + blockOut <= len(k) may be read whole.
	plain := 0
	if len(k) >= blockOut {
		plain = min((len(k)-blockOut)/stride+1, len(x))
	}
	dense16FMA(unsafe.SliceData(x), unsafe.SliceData(k), len(x), stride, laneMask(lanes), unsafe.SliceData(z), plain)
}

// conv10MicroFMA is the assembly behind the conv10Micro signature.
func conv10MicroFMA(x []float32, xPix, xRow int, k []float32, kh, n int, bias *[blockOut]float32, y []float32, nblk int, relu bool) {
	if nblk < 1 {
		return
	}
	_ = x[(nblk*blockPix10-1)*xPix+(kh-1)*xRow+n-1]
	_ = k[kh*n*blockOut-1]
	_ = y[nblk*blockPix10*10-1]
	conv4x10FMA(unsafe.SliceData(x), unsafe.SliceData(k), bias, unsafe.SliceData(y), xPix, xRow, kh, n, nblk, relu)
}

// bestConv and bestDense pick the fastest kernels this machine runs.
func bestConv() convKernels {
	if hasFMA {
		return convKernels{block: convMicroFMA, block10: conv10MicroFMA}
	}
	return convKernels{block: convMicroGo}
}

// kgradMicroFMA is the assembly behind the kgradMicro signature.
func kgradMicroFMA(x []float32, offs []int, dz []float32, acc *[kgradOuts * kgradLanes]float32, count, pstep, dzPix int) {
	if count < 1 {
		return
	}
	last := (count - 1) * pstep
	_ = offs[last]
	_ = dz[last*dzPix+kgradOuts-1]
	// The offsets increase (pixelOffsets makes them so), so the first and
	// the last bound every read.
	if offs[0] < 0 || offs[last]+kgradLanes > len(x) {
		panic("engine: kernel-gradient offset out of range")
	}
	kgrad16x5FMA(unsafe.SliceData(x), unsafe.SliceData(offs), unsafe.SliceData(dz), acc, count, pstep, dzPix)
}

func bestKernelGrad() kgradKernels {
	if hasFMA {
		return kgradKernels{micro: kgradMicroFMA, chains: 4}
	}
	return kgradKernels{micro: kgradMicroGo, chains: 1}
}

func bestDense() denseMicro {
	if hasFMA {
		return denseMicroFMA
	}
	return denseMicroGo
}

// poolMicroAVX is the assembly behind the poolMicro signature.
func poolMicroAVX(x, y []float32, npix, xPix, xRow, ph, pw, cell, yPix, lanes int) {
	if npix < 1 || ph < 1 || pw < 1 {
		return
	}
	_ = x[(npix-1)*xPix+(ph-1)*xRow+(pw-1)*cell+lanes-1]
	_ = y[(npix-1)*yPix+lanes-1]
	if lanes >= 8 {
		// Channels [0, 8) and [lanes-8, lanes): the overlap is computed
		// twice, to the same values, and no masked store is needed.
		maxpool8AVX(unsafe.SliceData(x), unsafe.SliceData(y), npix, xPix, xRow, ph, pw, cell, yPix)
		if lanes > 8 {
			maxpool8AVX(&x[lanes-8], &y[lanes-8], npix, xPix, xRow, ph, pw, cell, yPix)
		}
		return
	}
	maxpool16AVX(unsafe.SliceData(x), unsafe.SliceData(y), npix, xPix, xRow, ph, pw, cell, yPix, laneMask(lanes))
}

// poolBackRowAVX is the assembly behind the poolBackRow signature.
func poolBackRowAVX(x, dy, dx []float32, ow, c, rowStride int, relu bool) {
	if ow < 1 {
		return
	}
	_ = x[rowStride+(2*ow)*c-1]
	_ = dx[rowStride+(2*ow)*c-1]
	_ = dy[ow*c-1]
	maxpool2x2BackAVX(unsafe.SliceData(x), unsafe.SliceData(dy), unsafe.SliceData(dx), ow, c, rowStride, relu)
}

// maskGradAVX is the assembly behind the maskGrad signature, for 8 to 16
// channels: channels [0, 8) and [O-8, O) of each pixel, the overlap
// written twice with the same values; each block sums the bias gradient in
// its own register, started from gb, and only the second block's channels
// from 8 on are kept from it.
func maskGradAVX(g, mask, d, gb []float32, npix, O int) {
	if npix < 1 {
		return
	}
	n := npix * O
	_, _, _, _ = g[n-1], mask[n-1], d[n-1], gb[O-1]
	var acc [16]float32
	copy(acc[:8], gb[:8])
	copy(acc[8:], gb[O-8:O])
	maskgrad8AVX(&g[0], &mask[0], &d[0], &acc, npix, O)
	copy(gb[:8], acc[:8])
	copy(gb[8:O], acc[24-O:])
}

// bestMaskGrad returns the assembly maskGrad for O channels, or nil where
// the Go loop is to run.
func bestMaskGrad(O int) maskGrad {
	if hasFMA && O >= 8 && O <= 16 {
		return maskGradAVX
	}
	return nil
}

// bestPoolBackRow returns the assembly row kernel of the 2x2 max-pool
// backward for c channels, or nil where the Go loop is to run.
func bestPoolBackRow(c int) poolBackRow {
	if hasFMA && c >= 8 {
		return poolBackRowAVX
	}
	return nil
}

func bestPool() poolMicro {
	if hasFMA {
		return poolMicroAVX
	}
	return poolMicroGo
}

// reluInto writes max(0, x) into y (same length): 0 for negative values,
// x otherwise, so NaN stays NaN.
func reluInto(y, x []float32) {
	x = x[:len(y)]
	n := 0
	if hasFMA {
		n = len(y) &^ 7
		if n > 0 {
			relu8AVX(unsafe.SliceData(x), unsafe.SliceData(y), n)
		}
	}
	reluGo(y[n:], x[n:])
}
