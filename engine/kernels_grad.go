package engine

// The kernel-gradient kernel. dK[r, o] = sum over pixels p of
// X[p, r] * dZ[p, o], where row p of X is what output pixel p read: for
// kernel row ky, the KW*C contiguous values starting at offs[p] + ky*xRow
// in the padded input. Reading X straight from the padded input (through a
// table of pixel offsets) saves unrolling it, and one micro-kernel call
// keeps 16 values of r for 5 output channels in registers, so each input
// load serves 5 multiply-adds instead of one.
//
// The sums run in the order the earlier unrolled matrix product used, so a
// trainer gives the same bits as before: with the assembly, four chains
// (pixels p = j mod 4 in chain j, the pixels left over after the last
// multiple of four in chain 0), added as (c0 + c1) + (c2 + c3); with the Go
// kernel one chain in pixel order. Each chain is computed by its own calls
// (a call continues the sums it is given), then 0 + the total is added into
// the gradient.

const (
	kgradLanes = 16 // values of r per micro-kernel call
	kgradOuts  = 5  // output channels per micro-kernel call
	// kgradSpare is how many floats past the padded input and past dZ the
	// micro-kernel may read (and ignore) in a block's unused lanes.
	kgradSpare = kgradLanes
)

// kgradMicro adds, for i < count and q = i*pstep, dz[q*dzPix+o] *
// x[offs[q]+t] into acc[o*kgradLanes+t] for o < kgradOuts and
// t < kgradLanes, in i order.
type kgradMicro func(x []float32, offs []int, dz []float32, acc *[kgradOuts * kgradLanes]float32, count, pstep, dzPix int)

// kgradKernels is a micro-kernel and the number of chains whose order it
// reproduces.
type kgradKernels struct {
	micro  kgradMicro
	chains int // 1 or 4
}

func kgradMicroGo(x []float32, offs []int, dz []float32, acc *[kgradOuts * kgradLanes]float32, count, pstep, dzPix int) {
	for i := 0; i < count; i++ {
		q := i * pstep
		v := x[offs[q]:][:kgradLanes]
		for o, d := range dz[q*dzPix:][:kgradOuts] {
			a := acc[o*kgradLanes : (o+1)*kgradLanes]
			for t, xv := range v {
				a[t] += d * xv
			}
		}
	}
}

// kernelGrad adds dK into gk (KH*n rows of O values, n = KW*C) for the
// padded input xp (rows xRow floats apart, at least kgradSpare floats past
// the last value read), the pixel offsets offs and dz (P*O values and
// kgradSpare more). part is scratch of 4*kgradOuts*kgradLanes floats.
func kernelGrad(xp []float32, xRow, kh, n int, offs []int, dz []float32, O int, gk []float32, k kgradKernels, part []float32) {
	P := len(offs)
	for ky := 0; ky < kh; ky++ {
		for t0 := 0; t0 < n; t0 += kgradLanes {
			lanes := min(kgradLanes, n-t0)
			x := xp[ky*xRow+t0:]
			for o0 := 0; o0 < O; o0 += kgradOuts {
				acc := func(j int) *[kgradOuts * kgradLanes]float32 {
					return (*[kgradOuts * kgradLanes]float32)(part[j*kgradOuts*kgradLanes:])
				}
				clear(part)
				if k.chains == 4 {
					m := P / 4
					for j := 0; j < 4 && m > 0; j++ {
						k.micro(x, offs[j:], dz[j*O+o0:], acc(j), m, 4, O)
					}
					if P > 4*m {
						k.micro(x, offs[4*m:], dz[4*m*O+o0:], acc(0), P-4*m, 1, O)
					}
				} else {
					k.micro(x, offs, dz[o0:], acc(0), P, 1, O)
				}
				for o := o0; o < min(o0+kgradOuts, O); o++ {
					for t := 0; t < lanes; t++ {
						i := (o-o0)*kgradLanes + t
						s := acc(0)[i]
						if k.chains == 4 {
							s = (acc(0)[i] + acc(1)[i]) + (acc(2)[i] + acc(3)[i])
						}
						gk[(ky*n+t0+t)*O+o] += 0 + s
					}
				}
			}
		}
	}
}
