// The AVX2+FMA kernels that kernels_amd64.go declares and picks at run
// time; other architectures, and processors without AVX2 and FMA, run the
// pure-Go kernels instead (kernels_other.go, kernels_amd64.go).
//
// One file of about 700 lines, over the project's ~400-line guide, on
// purpose: each kernel is a straight unrolled listing under a comment
// with its Go signature and register plan, and keeping every TEXT block
// in one file lets a reader check each against its declaration (argument
// offsets, frame size; go vet's asmdecl does the same) with two files
// open. Split by job, the pieces would be files of 40 to 230 lines with
// the same header and nothing else to tell them apart.

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// func conv6x16FMA(x, k *float32, bias *[16]float32, mask *[16]int32, y *float32, xPix, xRow, kh, n, yPix int, relu, spill bool)
//
// With spill set, all 16 lanes of every pixel are stored with plain stores
// (the caller guarantees that what lands past a pixel's own lanes is
// overwritten later); otherwise only the masked lanes, with masked stores,
// which are several times slower on some processors.
//
// Y0..Y11 hold 6 pixels x 16 channels (two registers a pixel), Y12/Y13 the
// kernel row, Y14/Y15 the broadcast input values. AX walks pixels 0-2, BX
// pixels 3-5 (AX + 3*xPix), R8 is xPix in bytes.
TEXT ·conv6x16FMA(SB), NOSPLIT, $0-82
	MOVQ x+0(FP), SI
	MOVQ k+8(FP), DI
	MOVQ bias+16(FP), AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y1, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y1, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y1, Y7
	VMOVAPS Y0, Y8
	VMOVAPS Y1, Y9
	VMOVAPS Y0, Y10
	VMOVAPS Y1, Y11
	MOVQ xPix+40(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	MOVQ xRow+48(FP), R10
	SHLQ $2, R10
	MOVQ kh+56(FP), DX
	MOVQ n+64(FP), R11

row:
	MOVQ SI, AX
	LEAQ (SI)(R9*1), BX
	MOVQ R11, CX

step:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS (AX), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	VBROADCASTSS (AX)(R8*1), Y15
	VFMADD231PS Y12, Y15, Y2
	VFMADD231PS Y13, Y15, Y3
	VBROADCASTSS (AX)(R8*2), Y14
	VFMADD231PS Y12, Y14, Y4
	VFMADD231PS Y13, Y14, Y5
	VBROADCASTSS (BX), Y15
	VFMADD231PS Y12, Y15, Y6
	VFMADD231PS Y13, Y15, Y7
	VBROADCASTSS (BX)(R8*1), Y14
	VFMADD231PS Y12, Y14, Y8
	VFMADD231PS Y13, Y14, Y9
	VBROADCASTSS (BX)(R8*2), Y15
	VFMADD231PS Y12, Y15, Y10
	VFMADD231PS Y13, Y15, Y11
	ADDQ $4, AX
	ADDQ $4, BX
	ADDQ $64, DI
	DECQ CX
	JNZ  step

	ADDQ R10, SI
	DECQ DX
	JNZ  row

	MOVBLZX relu+80(FP), AX
	TESTQ   AX, AX
	JZ      store
	// max(0, v): 0 when v < 0, v otherwise (NaN stays NaN).
	VXORPS Y14, Y14, Y14
	VMAXPS Y0, Y14, Y0
	VMAXPS Y1, Y14, Y1
	VMAXPS Y2, Y14, Y2
	VMAXPS Y3, Y14, Y3
	VMAXPS Y4, Y14, Y4
	VMAXPS Y5, Y14, Y5
	VMAXPS Y6, Y14, Y6
	VMAXPS Y7, Y14, Y7
	VMAXPS Y8, Y14, Y8
	VMAXPS Y9, Y14, Y9
	VMAXPS Y10, Y14, Y10
	VMAXPS Y11, Y14, Y11

store:
	MOVQ y+32(FP), DI
	MOVQ yPix+72(FP), R8
	SHLQ $2, R8
	MOVBLZX spill+81(FP), AX
	TESTQ   AX, AX
	JZ      masked
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    R8, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    R8, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    R8, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ    R8, DI
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    R8, DI
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET

masked:
	MOVQ mask+24(FP), AX
	VMOVUPS (AX), Y12
	VMOVUPS 32(AX), Y13
	VMASKMOVPS Y0, Y12, (DI)
	VMASKMOVPS Y1, Y13, 32(DI)
	ADDQ R8, DI
	VMASKMOVPS Y2, Y12, (DI)
	VMASKMOVPS Y3, Y13, 32(DI)
	ADDQ R8, DI
	VMASKMOVPS Y4, Y12, (DI)
	VMASKMOVPS Y5, Y13, 32(DI)
	ADDQ R8, DI
	VMASKMOVPS Y6, Y12, (DI)
	VMASKMOVPS Y7, Y13, 32(DI)
	ADDQ R8, DI
	VMASKMOVPS Y8, Y12, (DI)
	VMASKMOVPS Y9, Y13, 32(DI)
	ADDQ R8, DI
	VMASKMOVPS Y10, Y12, (DI)
	VMASKMOVPS Y11, Y13, 32(DI)
	VZEROUPPER
	RET

// func dense16FMA(x, k *float32, n, stride int, mask *[16]int32, z *float32, plain int)
//
// z[:16 masked] += sum over i < n of x[i] * k[i*stride : i*stride+16 masked].
// Four rows at a time into four register pairs, so that the FMA chains
// overlap; the pairs are added at the end. The first plain rows are read
// with plain loads (the caller checks that 16 floats are there): masked
// loads are several times slower on AMD Zen 1, and what the unused lanes
// pick up never reaches z, since every lane sums on its own and the store
// is masked.
TEXT ·dense16FMA(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ k+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ stride+24(FP), R8
	SHLQ $2, R8
	MOVQ mask+32(FP), AX
	MOVQ plain+48(FP), R12
	VMOVUPS (AX), Y12
	VMOVUPS 32(AX), Y13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	LEAQ (R8)(R8*2), R9

four:
	CMPQ CX, $4
	JLT  one
	CMPQ R12, $4
	JLT  fourmasked
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y8, Y14, Y0
	VFMADD231PS Y9, Y14, Y1
	VMOVUPS (DI)(R8*1), Y10
	VMOVUPS 32(DI)(R8*1), Y11
	VBROADCASTSS 4(SI), Y15
	VFMADD231PS Y10, Y15, Y2
	VFMADD231PS Y11, Y15, Y3
	VMOVUPS (DI)(R8*2), Y8
	VMOVUPS 32(DI)(R8*2), Y9
	VBROADCASTSS 8(SI), Y14
	VFMADD231PS Y8, Y14, Y4
	VFMADD231PS Y9, Y14, Y5
	VMOVUPS (DI)(R9*1), Y10
	VMOVUPS 32(DI)(R9*1), Y11
	VBROADCASTSS 12(SI), Y15
	VFMADD231PS Y10, Y15, Y6
	VFMADD231PS Y11, Y15, Y7
	JMP  fournext

fourmasked:
	VMASKMOVPS (DI), Y12, Y8
	VMASKMOVPS 32(DI), Y13, Y9
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y8, Y14, Y0
	VFMADD231PS Y9, Y14, Y1
	VMASKMOVPS (DI)(R8*1), Y12, Y10
	VMASKMOVPS 32(DI)(R8*1), Y13, Y11
	VBROADCASTSS 4(SI), Y15
	VFMADD231PS Y10, Y15, Y2
	VFMADD231PS Y11, Y15, Y3
	VMASKMOVPS (DI)(R8*2), Y12, Y8
	VMASKMOVPS 32(DI)(R8*2), Y13, Y9
	VBROADCASTSS 8(SI), Y14
	VFMADD231PS Y8, Y14, Y4
	VFMADD231PS Y9, Y14, Y5
	VMASKMOVPS (DI)(R9*1), Y12, Y10
	VMASKMOVPS 32(DI)(R9*1), Y13, Y11
	VBROADCASTSS 12(SI), Y15
	VFMADD231PS Y10, Y15, Y6
	VFMADD231PS Y11, Y15, Y7

fournext:
	ADDQ $16, SI
	LEAQ (DI)(R8*4), DI
	SUBQ $4, CX
	SUBQ $4, R12
	JMP  four

one:
	TESTQ CX, CX
	JZ    sum
	CMPQ  R12, $1
	JLT   onemasked
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	JMP   onefma

onemasked:
	VMASKMOVPS (DI), Y12, Y8
	VMASKMOVPS 32(DI), Y13, Y9

onefma:
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y8, Y14, Y0
	VFMADD231PS Y9, Y14, Y1
	ADDQ $4, SI
	ADDQ R8, DI
	DECQ CX
	DECQ R12
	JMP  one

sum:
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VADDPS Y6, Y4, Y4
	VADDPS Y7, Y5, Y5
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	MOVQ z+40(FP), DI
	VMASKMOVPS (DI), Y12, Y8
	VMASKMOVPS 32(DI), Y13, Y9
	VADDPS Y8, Y0, Y0
	VADDPS Y9, Y1, Y1
	VMASKMOVPS Y0, Y12, (DI)
	VMASKMOVPS Y1, Y13, 32(DI)
	VZEROUPPER
	RET

// func relu8AVX(x, y *float32, n int)
//
// y[i] = max(0, x[i]) for i < n, n a multiple of 8: 0 when x < 0, x
// otherwise (NaN stays NaN).
TEXT ·relu8AVX(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   reludone
	VXORPS Y15, Y15, Y15

reluloop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     reluloop

reludone:
	VZEROUPPER
	RET

// func maxpool16AVX(x, y *float32, npix, xPix, xRow, ph, pw, cell, yPix int, mask *[16]int32)
//
// For each of npix output pixels (inputs xPix floats apart, outputs yPix
// floats apart), the maximum over a ph x pw window (rows xRow floats apart,
// cells cell floats apart) of up to 16 channels. VMAXPS keeps the running
// maximum unless the new value is strictly larger, as MaxPool2D.Argmax does.
TEXT ·maxpool16AVX(SB), NOSPLIT, $0-80
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ npix+16(FP), R15
	MOVQ xPix+24(FP), R8
	SHLQ $2, R8
	MOVQ xRow+32(FP), R9
	SHLQ $2, R9
	MOVQ cell+56(FP), R10
	SHLQ $2, R10
	MOVQ yPix+64(FP), R11
	SHLQ $2, R11
	MOVQ mask+72(FP), AX
	VMOVUPS (AX), Y12
	VMOVUPS 32(AX), Y13

pix:
	VMASKMOVPS (SI), Y12, Y0
	VMASKMOVPS 32(SI), Y13, Y1
	MOVQ SI, AX
	MOVQ ph+40(FP), DX

prow:
	MOVQ AX, BX
	MOVQ pw+48(FP), CX

pcell:
	VMASKMOVPS (BX), Y12, Y2
	VMASKMOVPS 32(BX), Y13, Y3
	VMAXPS     Y0, Y2, Y0
	VMAXPS     Y1, Y3, Y1
	ADDQ       R10, BX
	DECQ       CX
	JNZ        pcell
	ADDQ       R9, AX
	DECQ       DX
	JNZ        prow

	VMASKMOVPS Y0, Y12, (DI)
	VMASKMOVPS Y1, Y13, 32(DI)
	ADDQ       R8, SI
	ADDQ       R11, DI
	DECQ       R15
	JNZ        pix
	VZEROUPPER
	RET

// func kgrad16x5FMA(x *float32, offs *int, dz *float32, acc *[80]float32, count, pstep, dzPix int)
//
// The kernel-gradient micro-kernel: for i < count, with q = i*pstep,
// v = x[offs[q] : offs[q]+16] and, for o < 5,
// acc[o*16 : o*16+16] += dz[q*dzPix+o] * v, one fused multiply-add per
// value, in i order. Y0..Y9 hold acc (two registers per o) between the
// load at the start and the store at the end, so a caller can continue a
// sum over several calls and get the bits of one long chain.
TEXT ·kgrad16x5FMA(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ offs+8(FP), DI
	MOVQ dz+16(FP), DX
	MOVQ acc+24(FP), AX
	MOVQ count+32(FP), CX
	MOVQ pstep+40(FP), R8
	MOVQ dzPix+48(FP), R9
	IMULQ R8, R9
	SHLQ $2, R9 // dz bytes per step
	SHLQ $3, R8 // offs bytes per step
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVUPS 64(AX), Y2
	VMOVUPS 96(AX), Y3
	VMOVUPS 128(AX), Y4
	VMOVUPS 160(AX), Y5
	VMOVUPS 192(AX), Y6
	VMOVUPS 224(AX), Y7
	VMOVUPS 256(AX), Y8
	VMOVUPS 288(AX), Y9
	TESTQ CX, CX
	JZ    kstore

kloop:
	MOVQ         (DI), R10
	VMOVUPS      (SI)(R10*4), Y10
	VMOVUPS      32(SI)(R10*4), Y11
	VBROADCASTSS (DX), Y12
	VFMADD231PS  Y10, Y12, Y0
	VFMADD231PS  Y11, Y12, Y1
	VBROADCASTSS 4(DX), Y13
	VFMADD231PS  Y10, Y13, Y2
	VFMADD231PS  Y11, Y13, Y3
	VBROADCASTSS 8(DX), Y14
	VFMADD231PS  Y10, Y14, Y4
	VFMADD231PS  Y11, Y14, Y5
	VBROADCASTSS 12(DX), Y15
	VFMADD231PS  Y10, Y15, Y6
	VFMADD231PS  Y11, Y15, Y7
	VBROADCASTSS 16(DX), Y12
	VFMADD231PS  Y10, Y12, Y8
	VFMADD231PS  Y11, Y12, Y9
	ADDQ         R8, DI
	ADDQ         R9, DX
	DECQ         CX
	JNZ          kloop

kstore:
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VMOVUPS Y2, 64(AX)
	VMOVUPS Y3, 96(AX)
	VMOVUPS Y4, 128(AX)
	VMOVUPS Y5, 160(AX)
	VMOVUPS Y6, 192(AX)
	VMOVUPS Y7, 224(AX)
	VMOVUPS Y8, 256(AX)
	VMOVUPS Y9, 288(AX)
	VZEROUPPER
	RET

// func maxpool2x2BackAVX(x, dy, dx *float32, ow, c, rowStride int, relu bool)
//
// One output row of the 2x2, stride 2 max-pool backward (c >= 8 channels):
// for each of ow windows, the four cells x00, x01, x10, x11 (c floats
// apart, the second row rowStride floats down) are compared in that order,
// a later one winning only when strictly larger (VCMPPS GT_OQ is false for
// NaN, like Go's >), and every cell of the window is written: 0 + dy at
// the winner, +0 elsewhere, as adding into a cleared dx would give. With
// relu set the gradient is kept only where the winner is positive.
// Channels go 8 at a time; the last block overlaps the one before instead
// of running short (it writes the same values again).
TEXT ·maxpool2x2BackAVX(SB), NOSPLIT, $0-49
	MOVQ    x+0(FP), SI
	MOVQ    dy+8(FP), DX
	MOVQ    dx+16(FP), DI
	MOVQ    ow+24(FP), CX
	MOVQ    c+32(FP), R10
	MOVQ    rowStride+40(FP), R9
	SHLQ    $2, R9
	MOVBLZX relu+48(FP), R12
	LEAQ    -8(R10), R13
	SHLQ    $2, R13 // last block's start, bytes
	SHLQ    $2, R10 // c in bytes
	VXORPS  Y15, Y15, Y15

pwin:
	XORQ R11, R11

pblk:
	CMPQ R11, R13
	JLE  pgo
	MOVQ R13, R11

pgo:
	LEAQ      (SI)(R11*1), AX
	LEAQ      (AX)(R9*1), BX
	VMOVUPS   (AX), Y0
	VMOVUPS   (AX)(R10*1), Y1
	VMOVUPS   (BX), Y2
	VMOVUPS   (BX)(R10*1), Y3
	VCMPPS    $0x1e, Y0, Y1, Y4 // m1 = x01 > best
	VBLENDVPS Y4, Y1, Y0, Y0
	VCMPPS    $0x1e, Y0, Y2, Y5 // m2 = x10 > best
	VBLENDVPS Y5, Y2, Y0, Y0
	VCMPPS    $0x1e, Y0, Y3, Y6 // m3 = x11 > best
	VBLENDVPS Y6, Y3, Y0, Y0
	VMOVUPS   (DX)(R11*1), Y7
	VADDPS    Y15, Y7, Y7 // 0 + g
	TESTQ     R12, R12
	JZ        pwrite
	VCMPPS    $0x1e, Y15, Y0, Y8 // best > 0
	VANDPS    Y8, Y7, Y7

pwrite:
	VANDPS  Y6, Y7, Y13   // x11 won
	VANDNPS Y7, Y6, Y12   // g where x11 did not win
	VANDPS  Y5, Y12, Y11  // x10 won
	VANDNPS Y12, Y5, Y12  // neither x10 nor x11
	VANDPS  Y4, Y12, Y10  // x01 won
	VANDNPS Y12, Y4, Y9   // x00 won
	LEAQ    (DI)(R11*1), AX
	LEAQ    (AX)(R9*1), BX
	VMOVUPS Y9, (AX)
	VMOVUPS Y10, (AX)(R10*1)
	VMOVUPS Y11, (BX)
	VMOVUPS Y13, (BX)(R10*1)
	ADDQ    $32, R11
	CMPQ    R11, R10
	JLT     pblk

	LEAQ (SI)(R10*2), SI
	LEAQ (DI)(R10*2), DI
	ADDQ R10, DX
	DECQ CX
	JNZ  pwin
	VZEROUPPER
	RET

// func conv4x10FMA(x, k *float32, bias *[16]float32, y *float32, xPix, xRow, kh, n, nblk int, relu bool)
//
// The 10-channel special case (TinyVGG's filter count), for nblk blocks of
// 4 output pixels x 10 channels along a row (block b reads from x +
// 4*b*xPix and writes y + 40*b). All 128-bit: X0..X7 hold channels 0-3
// and 4-7 of pixels 0-3, X8 = (p0c8 p0c9 p1c8 p1c9) and X9 the same for
// pixels 2-3. Each kernel row is 16 floats: channels 0-7, then (c8 c9)
// four times (the first two used). The inputs' pair pattern (pa pa pb pb)
// is one VSHUFPS of two broadcasts already made for channels 0-7.
//
// Why 128-bit: on a core that splits 256-bit operations in two (AMD Zen
// 1, this project's machine) a 128-bit broadcast from memory needs only
// the load unit, where the 256-bit one also takes a vector pipe, and
// VSHUFPS stays off the multiply-add pipes where VBLENDPS did not. The
// earlier 8x10 kernel (256-bit registers, blends) ran at about 70% of
// the multiply-add peak, this one at 80-90%, with the same bits: every
// lane does the same fused multiply-adds in the same order.
TEXT ·conv4x10FMA(SB), NOSPLIT, $0-73
	MOVQ x+0(FP), SI
	MOVQ y+24(FP), R14
	MOVQ xPix+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9 // 3 pixels
	MOVQ R8, R15
	SHLQ $2, R15        // 4 pixels
	MOVQ xRow+40(FP), R10
	SHLQ $2, R10
	MOVQ n+56(FP), R11
	MOVQ nblk+64(FP), CX

cblk:
	MOVQ    bias+16(FP), AX
	VMOVUPS (AX), X0
	VMOVUPS 16(AX), X1
	VMOVUPS 32(AX), X8
	VMOVAPS X0, X2
	VMOVAPS X1, X3
	VMOVAPS X0, X4
	VMOVAPS X1, X5
	VMOVAPS X0, X6
	VMOVAPS X1, X7
	VMOVAPS X8, X9
	MOVQ    k+8(FP), DI
	MOVQ    kh+48(FP), DX
	MOVQ    SI, R12

crow:
	MOVQ R12, AX
	LEAQ (R12)(R9*1), BX
	MOVQ R11, R13

cstep:
	VMOVUPS      (DI), X10
	VMOVUPS      16(DI), X11
	VMOVUPS      32(DI), X12
	VBROADCASTSS (AX), X13
	VFMADD231PS  X10, X13, X0
	VFMADD231PS  X11, X13, X1
	VBROADCASTSS (AX)(R8*1), X14
	VFMADD231PS  X10, X14, X2
	VFMADD231PS  X11, X14, X3
	VSHUFPS      $0, X14, X13, X13
	VFMADD231PS  X12, X13, X8
	VBROADCASTSS (AX)(R8*2), X13
	VFMADD231PS  X10, X13, X4
	VFMADD231PS  X11, X13, X5
	VBROADCASTSS (BX), X15
	VFMADD231PS  X10, X15, X6
	VFMADD231PS  X11, X15, X7
	VSHUFPS      $0, X15, X13, X13
	VFMADD231PS  X12, X13, X9
	ADDQ         $4, AX
	ADDQ         $4, BX
	ADDQ         $64, DI
	DECQ         R13
	JNZ          cstep

	ADDQ R10, R12
	DECQ DX
	JNZ  crow

	MOVBLZX relu+72(FP), AX
	TESTQ   AX, AX
	JZ      cstore
	VXORPS  X13, X13, X13
	VMAXPS  X0, X13, X0
	VMAXPS  X1, X13, X1
	VMAXPS  X2, X13, X2
	VMAXPS  X3, X13, X3
	VMAXPS  X4, X13, X4
	VMAXPS  X5, X13, X5
	VMAXPS  X6, X13, X6
	VMAXPS  X7, X13, X7
	VMAXPS  X8, X13, X8
	VMAXPS  X9, X13, X9

cstore:
	VMOVUPS X0, (R14)
	VMOVUPS X1, 16(R14)
	VMOVLPS X8, 32(R14)
	VMOVUPS X2, 40(R14)
	VMOVUPS X3, 56(R14)
	VMOVHPS X8, 72(R14)
	VMOVUPS X4, 80(R14)
	VMOVUPS X5, 96(R14)
	VMOVLPS X9, 112(R14)
	VMOVUPS X6, 120(R14)
	VMOVUPS X7, 136(R14)
	VMOVHPS X9, 152(R14)
	ADDQ    $160, R14
	ADDQ    R15, SI
	DECQ    CX
	JNZ     cblk
	VZEROUPPER
	RET

// func maxpool8AVX(x, y *float32, npix, xPix, xRow, ph, pw, cell, yPix int)
//
// maxpool16AVX for exactly 8 channels, with plain loads and stores: masked
// stores are microcoded and slow on some processors (AMD Zen 1 among
// them), and a pool over 8 to 16 channels is two of these, the second
// overlapping the first.
TEXT ·maxpool8AVX(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ npix+16(FP), R15
	MOVQ xPix+24(FP), R8
	SHLQ $2, R8
	MOVQ xRow+32(FP), R9
	SHLQ $2, R9
	MOVQ cell+56(FP), R10
	SHLQ $2, R10
	MOVQ yPix+64(FP), R11
	SHLQ $2, R11

qpix:
	VMOVUPS (SI), Y0
	MOVQ    SI, AX
	MOVQ    ph+40(FP), DX

qrow:
	MOVQ AX, BX
	MOVQ pw+48(FP), CX

qcell:
	VMOVUPS (BX), Y2
	VMAXPS  Y0, Y2, Y0
	ADDQ    R10, BX
	DECQ    CX
	JNZ     qcell
	ADDQ    R9, AX
	DECQ    DX
	JNZ     qrow

	VMOVUPS Y0, (DI)
	ADDQ    R8, SI
	ADDQ    R11, DI
	DECQ    R15
	JNZ     qpix
	VZEROUPPER
	RET

// func maskgrad8AVX(grad, mask, d *float32, acc *[16]float32, npix, o int)
//
// For npix pixels of o channels (8 <= o <= 16), two blocks of 8: channels
// [0, 8) and [o-8, o). d = grad where mask > 0 (VCMPPS GT_OQ: false for NaN,
// like Go's >), +0 elsewhere, and acc[0:8] (first block) and acc[8:16]
// (second block) += d, in pixel order.
TEXT ·maskgrad8AVX(SB), NOSPLIT, $0-48
	MOVQ   grad+0(FP), SI
	MOVQ   mask+8(FP), BX
	MOVQ   d+16(FP), DI
	MOVQ   acc+24(FP), AX
	MOVQ   npix+32(FP), CX
	MOVQ   o+40(FP), R8
	LEAQ   -8(R8), R9
	SHLQ   $2, R9 // second block, bytes
	SHLQ   $2, R8 // pixel stride, bytes
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VXORPS Y15, Y15, Y15

mpix:
	VMOVUPS (BX), Y2
	VCMPPS  $0x1e, Y15, Y2, Y2
	VANDPS  (SI), Y2, Y3
	VMOVUPS Y3, (DI)
	VADDPS  Y3, Y0, Y0
	VMOVUPS (BX)(R9*1), Y4
	VCMPPS  $0x1e, Y15, Y4, Y4
	VANDPS  (SI)(R9*1), Y4, Y5
	VMOVUPS Y5, (DI)(R9*1)
	VADDPS  Y5, Y1, Y1
	ADDQ    R8, SI
	ADDQ    R8, BX
	ADDQ    R8, DI
	DECQ    CX
	JNZ     mpix

	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VZEROUPPER
	RET
