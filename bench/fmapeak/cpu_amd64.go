package main

func addChain(n int)
func fma256(n int)
func cpuid(leaf, sub uint32) (ebx, ecx uint32)

// haveFMA: CPUID leaf 1 says FMA and that the OS uses XSAVE, leaf 7 AVX2.
func haveFMA() bool {
	const fma, osxsave, avx2 = 1 << 12, 1 << 27, 1 << 5
	_, ecx := cpuid(1, 0)
	ebx, _ := cpuid(7, 0)
	return ecx&(fma|osxsave) == fma|osxsave && ebx&avx2 != 0
}
